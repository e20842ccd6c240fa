using Duban.ServiceDefaults.Errors;
using Grpc.Core;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace Duban.ServiceDefaults.Resilience;

/// <summary>
/// The one resilience layer around calls to another service: retries with exponential backoff and jitter on
/// transient statuses only (Unavailable, and Aborted when the other service's database rolled the call back: a
/// deadlock or serialization failure; never Aborted for a stale version, which needs a fresh read), then a circuit
/// breaker that stops calling a service that keeps failing. Only idempotent calls go through it. A dependency that stays down surfaces as
/// <see cref="DependencyUnavailableException"/> (Unavailable).
/// </summary>
public class ServiceCallPipeline
{
    private readonly ResiliencePipeline _pipeline;
    private readonly string _dependency;

    public ServiceCallPipeline(string dependency, int maxRetries = 3, TimeSpan? breakDuration = null)
    {
        _dependency = dependency;
        var transient = new PredicateBuilder().Handle<RpcException>(IsTransient);
        _pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = transient,
                MaxRetryAttempts = maxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(100),
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = transient,
                FailureRatio = 0.5,
                MinimumThroughput = 8,
                SamplingDuration = TimeSpan.FromSeconds(10),
                BreakDuration = breakDuration ?? TimeSpan.FromSeconds(5),
            })
            .Build();
    }

    public static bool IsTransient(RpcException ex) => ex.StatusCode switch
    {
        StatusCode.Unavailable => true,
        StatusCode.Aborted => ex.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>() is { Reason: "DATABASE_TRANSIENT" },
        // The client's own Internal when the connection failed under the call (a server closing with GOAWAY as it
        // stops): the transport failed, not the other service's logic.
        StatusCode.Internal => ex.Status.DebugException is HttpRequestException or HttpIOException,
        _ => false,
    };

    public async Task<T> ExecuteIdempotentAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await _pipeline.ExecuteAsync(async token => await call(token), cancellationToken);
        }
        catch (RpcException ex) when (IsTransient(ex) || ex.StatusCode == StatusCode.DeadlineExceeded)
        {
            throw new DependencyUnavailableException(_dependency, ex);
        }
        catch (BrokenCircuitException ex)
        {
            throw new DependencyUnavailableException(_dependency, ex);
        }
    }
}
