using Duban.ServiceDefaults.Data;
using Duban.Supervision.Domain.Webhooks;
using Microsoft.Extensions.Options;

namespace Duban.Supervision.Webhooks;

/// <summary>
/// Turns new notices into deliveries and sends the due ones, every Webhooks:PollMilliseconds. Every replica may run it:
/// enqueueing skips subscriptions another replica holds, and sending claims deliveries with a lease.
/// </summary>
public sealed class WebhookDispatcher(IServiceScopeFactory scopes, WebhookSender sender, IOptions<WebhookOptions> options, TimeProvider time,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.Enabled)
            return;
        var schedule = new RedeliverySchedule(TimeSpan.FromSeconds(o.RetryBaseSeconds), TimeSpan.FromSeconds(o.RetryMaxSeconds),
            TimeSpan.FromHours(o.GiveUpAfterHours));
        // Long enough that a round never outlives its lease, so two replicas never send the same delivery at once.
        var lease = sender.RoundCeiling() + TimeSpan.FromSeconds(30);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(o.PollMilliseconds, 10)), time);
        do
        {
            try
            {
                while (await RoundAsync(schedule, lease, stoppingToken))
                {
                    // A full batch: more may be waiting, go on without sleeping.
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Webhook dispatch failed; the next tick tries again");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One enqueue and one batch of sends; true when the batch was full.</summary>
    private async Task<bool> RoundAsync(RedeliverySchedule schedule, TimeSpan lease, CancellationToken ct)
    {
        var o = options.Value;
        await using var scope = scopes.CreateAsyncScope();
        var queue = scope.ServiceProvider.GetRequiredService<WebhookQueue>();
        var enqueued = await queue.EnqueueAsync(time.GetStoredUtcNow(), o.BatchSize * 20, ct);
        if (enqueued > 0)
            logger.LogDebug("Enqueued {Count} webhook deliveries", enqueued);

        var claimed = await queue.ClaimAsync(time.GetStoredUtcNow(), lease, o.BatchSize, ct);
        var outcomes = new System.Collections.Concurrent.ConcurrentBag<(ClaimedDelivery Delivery, SendOutcome Outcome)>();
        await Parallel.ForEachAsync(claimed, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(o.MaxConcurrentSends, 1), CancellationToken = ct },
            async (delivery, token) => outcomes.Add((delivery, await sender.SendAsync(delivery, token))));
        foreach (var (delivery, outcome) in outcomes)
        {
            var now = time.GetStoredUtcNow();
            var next = outcome.Delivered ? now : schedule.NextAttempt(delivery.AttemptCount + 1, delivery.CreatedAt, now);
            if (!outcome.Delivered)
                logger.Log(next is null ? LogLevel.Warning : LogLevel.Information,
                    "Webhook delivery {Delivery} to {Url} failed ({Error}); {Next}", delivery.Id, delivery.Url, outcome.Error,
                    next is null ? "giving up" : $"next attempt at {next:O}");
            // CancellationToken.None: a send that happened is recorded even while shutting down.
            await queue.CompleteAsync(delivery.Id, outcome, next, now, CancellationToken.None);
        }
        return claimed.Count == o.BatchSize;
    }
}
