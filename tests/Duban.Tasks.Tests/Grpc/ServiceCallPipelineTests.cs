using System.Net.Http;
using Duban.ServiceDefaults.Errors;
using Duban.ServiceDefaults.Resilience;
using Grpc.Core;

namespace Duban.Tasks.Tests.Grpc;

/// <summary>Which failures of a call to another service are retried, and what a caller gets when they last.</summary>
public class ServiceCallPipelineTests
{
    private static RpcException Failure(StatusCode code, Exception? debug = null) => new(new Status(code, "failed", debug));

    [Fact]
    public void A_dropped_connection_is_transient_and_a_servers_own_internal_error_is_not()
    {
        Assert.True(ServiceCallPipeline.IsTransient(Failure(StatusCode.Unavailable)));
        // The client reports a connection closed under the call (GOAWAY as the server stops) as Internal.
        Assert.True(ServiceCallPipeline.IsTransient(Failure(StatusCode.Internal,
            new HttpRequestException("Error starting gRPC call", new HttpProtocolException(0, "The HTTP/2 server closed the connection.", null)))));
        Assert.False(ServiceCallPipeline.IsTransient(Failure(StatusCode.Internal)));
        Assert.False(ServiceCallPipeline.IsTransient(Failure(StatusCode.InvalidArgument)));
        Assert.False(ServiceCallPipeline.IsTransient(Failure(StatusCode.Aborted)));
    }

    [Fact]
    public async Task A_connection_that_keeps_dropping_reaches_the_caller_as_unavailable_after_the_retries()
    {
        var pipeline = new ServiceCallPipeline("the units service", maxRetries: 2);
        var calls = 0;
        await Assert.ThrowsAsync<DependencyUnavailableException>(() => pipeline.ExecuteIdempotentAsync<int>(_ =>
        {
            calls++;
            throw Failure(StatusCode.Internal, new HttpRequestException("Error starting gRPC call"));
        }, CancellationToken.None));
        Assert.Equal(3, calls);
    }
}
