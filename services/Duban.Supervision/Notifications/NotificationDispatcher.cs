using Duban.ServiceDefaults.Data;
using Duban.Supervision.Data;
using Duban.Supervision.Domain.Notifications;
using Duban.Supervision.Domain.Webhooks;
using Duban.Supervision.Webhooks;
using Duban.Units.Client;
using Microsoft.Extensions.Options;
using UnitsContract = Duban.Contracts.Units.V1;

namespace Duban.Supervision.Notifications;

/// <summary>
/// Queues deliveries for newly named notices and sends the due ones, every Notifications:PollMilliseconds, on every
/// replica. A recipient's due rows go out as one message (the digest; for a robot, one message listing several notices,
/// at most one per Notifications:RobotIntervalSeconds). Each message is recorded as soon as it is sent, so a sender that
/// dies loses at most the one message in flight to a resend after its lease, and never repeats the ones before.
/// </summary>
public sealed class NotificationDispatcher(IServiceScopeFactory scopes, IEnumerable<INotificationChannel> channels, IOptions<NotificationOptions> options,
    TimeProvider time, ILogger<NotificationDispatcher> logger) : BackgroundService
{
    private readonly Dictionary<DeliveryChannel, INotificationChannel> _channels = channels.ToDictionary(c => c.Channel);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.Enabled)
            return;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(o.PollMilliseconds, 10)), time);
        do
        {
            try
            {
                // Queueing once per tick, then the batches of recipients until a digest of thousands has drained.
                var queueNew = true;
                while (await RoundAsync(stoppingToken, queueNew))
                {
                    // A full batch: more may be waiting, go on without sleeping.
                    queueNew = false;
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Sending notifications failed; the next tick tries again");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One queueing pass (unless <paramref name="queueNew"/> is false) and one batch of recipients; true when the batch was full.</summary>
    public async Task<bool> RoundAsync(CancellationToken ct, bool queueNew = true)
    {
        var o = options.Value;
        await using var scope = scopes.CreateAsyncScope();
        if (queueNew)
        {
            var fanout = scope.ServiceProvider.GetRequiredService<NotificationFanoutWriter>();
            while (await fanout.QueueAsync(ct) > 0)
            {
            }
        }

        var queue = scope.ServiceProvider.GetRequiredService<NotificationQueue>();
        var lease = TimeSpan.FromSeconds(o.LeaseSeconds);
        var claimed = await queue.ClaimAsync(time.GetStoredUtcNow(), lease, o.BatchSize, ct);
        if (claimed.Count == 0)
            return false;
        var groups = claimed.GroupBy(c => (c.Channel, c.RecipientId)).ToList();

        var robotUnits = groups.Where(g => g.Key.Channel is DeliveryChannel.DingTalk or DeliveryChannel.WeCom).Select(g => g.Key.RecipientId).ToHashSet();
        IReadOnlyDictionary<Guid, UnitsContract.UnitRobotTargets> robots = new Dictionary<Guid, UnitsContract.UnitRobotTargets>();
        if (robotUnits.Count > 0)
        {
            try
            {
                robots = (await scope.ServiceProvider.GetRequiredService<UnitsDirectory>().GetNotificationTargetsAsync([], robotUnits, ct)).Units;
            }
            catch (Duban.ServiceDefaults.Errors.DependencyUnavailableException ex)
            {
                // Without the robots' URLs these wait, uncounted, for the units service.
                logger.LogWarning(ex, "Robot messages wait for the units service");
                var robotRows = groups.Where(g => robotUnits.Contains(g.Key.RecipientId)).SelectMany(g => g.Select(r => r.Id)).ToList();
                await queue.ReleaseAsync(robotRows, time.GetStoredUtcNow() + TimeSpan.FromSeconds(o.RetryBaseSeconds), CancellationToken.None);
                groups = groups.Where(g => !robotUnits.Contains(g.Key.RecipientId)).ToList();
            }
        }

        // The wording once per round, not once per recipient.
        var wording = await scope.ServiceProvider.GetRequiredService<NotificationTemplates>().WordingAsync(ct);
        await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = o.MaxConcurrentSends, CancellationToken = ct },
            async (group, token) =>
            {
                await using var groupScope = scopes.CreateAsyncScope();
                await SendGroupAsync(groupScope.ServiceProvider, group.Key.Channel, group.ToList(), robots.GetValueOrDefault(group.Key.RecipientId), wording,
                    token);
            });
        return groups.Count == o.BatchSize;
    }

    private async Task SendGroupAsync(IServiceProvider services, DeliveryChannel channel, List<ClaimedNotification> rows,
        UnitsContract.UnitRobotTargets? robot, NoticeWording wording, CancellationToken ct)
    {
        var o = options.Value;
        var queue = services.GetRequiredService<NotificationQueue>();
        var schedule = new RedeliverySchedule(TimeSpan.FromSeconds(o.RetryBaseSeconds), TimeSpan.FromSeconds(o.RetryMaxSeconds),
            TimeSpan.FromHours(o.GiveUpAfterHours));

        var gone = rows.Where(r => r.NoticeStatus is not (NoticeStatus.Open or NoticeStatus.Acknowledged)).Select(r => r.Id).ToList();
        if (gone.Count > 0)
            await queue.WithdrawAsync(gone, time.GetStoredUtcNow(), CancellationToken.None);
        var live = rows.Where(r => r.NoticeStatus is NoticeStatus.Open or NoticeStatus.Acknowledged)
            .OrderByDescending(r => r.Notice.Urgency).ThenBy(r => r.Notice.NoticeId).ToList();
        if (live.Count == 0)
            return;
        var chunks = live.Chunk(o.MaxNoticesPerMessage).ToList();

        if (channel is DeliveryChannel.DingTalk or DeliveryChannel.WeCom)
        {
            var interval = TimeSpan.FromSeconds(o.RobotIntervalSeconds);
            var now = time.GetStoredUtcNow();
            if (!await queue.TakeRobotTurnAsync(channel, live[0].RecipientId, now, interval, ct))
            {
                await queue.ReleaseAsync(live.Select(r => r.Id).ToList(), await queue.NextTurnAsync(channel, live[0].RecipientId, now, interval, ct),
                    CancellationToken.None);
                return;
            }
            // One message per turn: the rest wait for the robot's next turn.
            if (chunks.Count > 1)
                await queue.ReleaseAsync(chunks.Skip(1).SelectMany(c => c.Select(r => r.Id)).ToList(), now + interval, CancellationToken.None);
            chunks = chunks.Take(1).ToList();
        }

        foreach (var chunk in chunks)
        {
            var first = chunk[0];
            var messageId = Guid.CreateVersion7();
            var content = wording.Render(chunk.Select(r => r.Notice).ToList(), digest: chunk.Any(r => !r.Immediate));
            var message = new OutgoingMessage(messageId, channel, first.RecipientName, first.Address,
                chunk.SelectMany(r => r.Mentions).Distinct().ToList(), content, robot);
            var outcome = _channels.TryGetValue(channel, out var sender)
                ? await sender.SendAsync(message, ct)
                : new SendOutcome(false, null, $"no {channel} channel in this instance");
            var now = time.GetStoredUtcNow();
            var next = outcome.Delivered ? now
                : schedule.NextAttempt(chunk.Max(r => r.AttemptCount) + 1, chunk.Min(r => r.CreatedAt), now);
            if (!outcome.Delivered)
                logger.Log(next is null ? LogLevel.Warning : LogLevel.Information, "{Channel} message to {Recipient} failed ({Error}); {Next}",
                    channel, first.RecipientName, outcome.Error, next is null ? "giving up" : $"next attempt at {next:O}");
            // CancellationToken.None: a message that went out is recorded even while shutting down.
            await queue.CompleteAsync(chunk.Select(r => r.Id).ToList(), messageId, outcome, next, now, CancellationToken.None);
        }
    }
}
