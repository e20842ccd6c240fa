using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Net.Client;

namespace Duban.Sweep.Tests;

/// <summary>Calls any RPC with bytes of our making, so that a request can be what no generated client would send.</summary>
public static class RawCalls
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create<byte[]>(b => b, b => b);

    /// <summary>The status the call ends with: OK when it answered (for a stream: its first message, or its end).</summary>
    public static async Task<(StatusCode Code, RpcException? Error)> CallAsync(GrpcChannel channel, MethodDescriptor rpc, byte[] payload,
        TimeSpan timeout)
    {
        var invoker = channel.CreateCallInvoker();
        var options = new CallOptions(deadline: DateTime.UtcNow + timeout);
        try
        {
            if (rpc.IsServerStreaming)
            {
                // A watch asked for nothing wrong stays open and may send nothing: the client gives up on it by
                // cancelling, reported as DeadlineExceeded. A deadline instead races the test server's reset of the
                // stream, which the client can see as Internal before any header arrived.
                using var giveUp = new CancellationTokenSource(timeout);
                var method = new Method<byte[], byte[]>(MethodType.ServerStreaming, rpc.Service.FullName, rpc.Name, Bytes, Bytes);
                using var call = invoker.AsyncServerStreamingCall(method, null, new CallOptions(cancellationToken: giveUp.Token), payload);
                try
                {
                    await call.ResponseStream.MoveNext(CancellationToken.None);
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && giveUp.IsCancellationRequested)
                {
                    return (StatusCode.DeadlineExceeded, ex);
                }
            }
            else
            {
                var method = new Method<byte[], byte[]>(MethodType.Unary, rpc.Service.FullName, rpc.Name, Bytes, Bytes);
                await invoker.AsyncUnaryCall(method, null, options, payload);
            }
            return (StatusCode.OK, null);
        }
        catch (RpcException ex)
        {
            return (ex.StatusCode, ex);
        }
    }
}
