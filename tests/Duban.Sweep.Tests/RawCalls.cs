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
                var method = new Method<byte[], byte[]>(MethodType.ServerStreaming, rpc.Service.FullName, rpc.Name, Bytes, Bytes);
                using var call = invoker.AsyncServerStreamingCall(method, null, options, payload);
                await call.ResponseStream.MoveNext(CancellationToken.None);
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
