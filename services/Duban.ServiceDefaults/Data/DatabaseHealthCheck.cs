using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Duban.ServiceDefaults.Data;

public sealed class DatabaseHealthOptions
{
    public const string Section = "Health";

    /// <summary>How long /readyz waits for the database before it answers 503.</summary>
    [Range(1, 60)]
    public int DatabaseTimeoutSeconds { get; set; } = 3;
}

/// <summary>
/// Ready while the database answers a query within the configured time. A PostgreSQL that accepts connections but
/// never answers (stopped, or a network that drops packets) would otherwise hold the probe until connection and
/// command timeouts pass; the wait is cut even if the driver does not give up.
/// </summary>
public sealed class DatabaseHealthCheck<TContext>(IServiceProvider services, IOptions<DatabaseHealthOptions> options) : IHealthCheck
    where TContext : DbContext
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var timeout = TimeSpan.FromSeconds(options.Value.DatabaseTimeoutSeconds);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cancel.CancelAfter(timeout);
        var probe = Task.Run(async () =>
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TContext>();
            return await db.Database.CanConnectAsync(cancel.Token);
        }, CancellationToken.None);
        try
        {
            var answered = await probe.WaitAsync(timeout, cancellationToken);
            return answered ? HealthCheckResult.Healthy() : new HealthCheckResult(context.Registration.FailureStatus, "the database refuses connections");
        }
        catch (TimeoutException)
        {
            _ = probe.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted); // observed, not awaited
            return new HealthCheckResult(context.Registration.FailureStatus, $"the database did not answer within {timeout.TotalSeconds:0} s");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "the database cannot be reached", ex);
        }
    }
}
