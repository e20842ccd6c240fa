using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Duban.Supervision.Projection;

/// <summary>
/// How far the projection is behind the tasks feed, as health detail on /readyz. A lagging projection is
/// Degraded, not Unhealthy: the service still answers, from older data.
/// </summary>
public sealed class ProjectionHealthCheck(FeedFollower follower) : IHealthCheck
{
    public static readonly TimeSpan Lagging = TimeSpan.FromMinutes(1);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var lag = follower.LagSeconds;
        var data = new Dictionary<string, object> { ["lagSeconds"] = Math.Round(lag, 3) };
        return Task.FromResult(lag > Lagging.TotalSeconds
            ? HealthCheckResult.Degraded($"the projection is {lag:0} s behind the tasks feed", data: data)
            : HealthCheckResult.Healthy("following the tasks feed", data));
    }
}
