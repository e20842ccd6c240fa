using System.Security.Cryptography;
using System.Text;
using Duban.ServiceDefaults.Data;
using Duban.ServiceDefaults.Errors;
using Duban.ServiceDefaults.Paging;
using Duban.Supervision.Data;
using Duban.Supervision.Domain.Webhooks;
using Duban.Supervision.Reviews;
using Duban.Units.Client;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Duban.Supervision.Webhooks;

public sealed record NewWebhookSubscription(string Name, string Url, string Secret, IReadOnlyList<NoticeKind> Kinds, string LeadUnitId);

public sealed record ReplayOutcome(Guid ReplayId, int Enqueued);

/// <summary>The office's webhook subscriptions, their deliveries, and replays from the notice history.</summary>
public sealed class WebhookSubscriptions(SupervisionDb db, UnitsDirectory units, WebhookTargetPolicy targets, TimeProvider time)
{
    public const int MinSecretLength = 16;

    /// <summary>Creates a subscription that sends the notices raised from now on (older ones: replay).</summary>
    public async Task<WebhookSubscription> CreateAsync(NewWebhookSubscription request, CancellationToken ct)
    {
        var violations = new Violations().RequireText(request.Name, "name", 200).RequireText(request.Url, "url", 2000);
        var url = request.Url.Trim();
        if (url.Length > 0 && targets.CheckSubscription(url) is { } badUrl)
            violations.Add("url", badUrl);
        if (request.Secret.Length > 0 && request.Secret.Length < MinSecretLength)
            violations.Add("secret", $"must be at least {MinSecretLength} characters (or empty: one is generated)");
        violations.MaxLength(request.Secret, "secret", 200);
        foreach (var kind in request.Kinds.Where(k => !Enum.IsDefined(k)))
            violations.Add("kinds", $"{(int)kind} is not a notice kind");
        if (request.LeadUnitId.Length > 0)
            violations.RequireId(request.LeadUnitId, "lead_unit_id");
        violations.ThrowIfAny();
        Guid? leadUnit = request.LeadUnitId.Length > 0 ? Guid.Parse(request.LeadUnitId) : null;
        if (leadUnit is { } unit && await units.FindUnitAsync(unit, ct) is null)
            throw new ValidationFailedException("lead_unit_id", $"no unit with id '{unit}'");

        var (transaction, sequence) = await NoticeCursorNowAsync(ct);
        var subscription = new WebhookSubscription
        {
            Id = Guid.CreateVersion7(),
            Name = request.Name.Trim(),
            Url = url,
            Secret = request.Secret.Length > 0 ? request.Secret : Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            Kinds = request.Kinds.Distinct().Order().ToArray(),
            LeadUnitId = leadUnit,
            CreatedAt = time.GetStoredUtcNow(),
            EnqueuedThroughTransaction = transaction,
            EnqueuedThroughSequence = sequence,
        };
        db.WebhookSubscriptions.Add(subscription);
        await db.SaveChangesAsync(ct);
        return subscription;
    }

    public async Task<Page<WebhookSubscription>> ListAsync(bool includeInactive, int pageSize, string pageToken, CancellationToken ct)
    {
        var size = PageToken.Size(pageSize);
        var fingerprint = $"webhooks|{includeInactive}";
        var query = db.WebhookSubscriptions.AsNoTracking().Where(s => includeInactive || s.Active);
        if (PageToken.Decode(pageToken, fingerprint) is { } after)
        {
            var afterId = PageToken.Key(after, Guid.Parse);
            query = query.Where(s => s.Id.CompareTo(afterId) > 0);
        }
        var rows = await query.OrderBy(s => s.Id).Take(size + 1).ToListAsync(ct);
        return rows.Count <= size ? new(rows, "") : new(rows.Take(size).ToList(), PageToken.Encode(fingerprint, rows[size - 1].Id.ToString()));
    }

    /// <summary>Stops sending: nothing new is enqueued and pending deliveries wait (they stay listed). Repeating it changes nothing.</summary>
    public async Task<WebhookSubscription> DeactivateAsync(string id, CancellationToken ct)
    {
        var subscription = await FindAsync(id, "id", ct);
        if (subscription.Active)
        {
            subscription.Active = false;
            subscription.DeactivatedAt = time.GetStoredUtcNow();
            await db.SaveChangesAsync(ct);
        }
        return subscription;
    }

    /// <summary>A subscription's deliveries, newest first.</summary>
    public async Task<Page<WebhookDelivery>> ListDeliveriesAsync(string subscriptionId, IReadOnlyList<WebhookDeliveryStatus> statuses, string noticeId,
        int pageSize, string pageToken, CancellationToken ct)
    {
        var subscription = Ids.Parse(subscriptionId, "subscription_id");
        Guid? notice = noticeId.Length > 0 ? Ids.Parse(noticeId, "notice_id") : null;
        var size = PageToken.Size(pageSize);
        var fingerprint = $"webhook-deliveries|{subscription}|{string.Join(',', statuses)}|{notice}";
        var query = db.WebhookDeliveries.AsNoTracking().Where(d => d.SubscriptionId == subscription);
        if (statuses.Count > 0)
            query = query.Where(d => statuses.Contains(d.Status));
        if (notice is { } n)
            query = query.Where(d => d.NoticeId == n);
        if (PageToken.Decode(pageToken, fingerprint) is { } after)
        {
            var (afterTime, afterId) = PageToken.Key(after, key =>
            {
                var bar = key.IndexOf('|');
                return bar < 0 ? throw new FormatException() : (new DateTimeOffset(long.Parse(key[..bar]), TimeSpan.Zero), Guid.Parse(key[(bar + 1)..]));
            });
            query = query.Where(d => d.CreatedAt < afterTime || (d.CreatedAt == afterTime && d.Id.CompareTo(afterId) < 0));
        }
        else if (!await db.WebhookSubscriptions.AnyAsync(s => s.Id == subscription, ct))
        {
            throw new NotFoundException("webhook subscription", subscriptionId);
        }
        var rows = await query.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Take(size + 1).ToListAsync(ct);
        if (rows.Count <= size)
            return new(rows, "");
        var last = rows[size - 1];
        return new(rows.Take(size).ToList(), PageToken.Encode(fingerprint, $"{last.CreatedAt.UtcTicks}|{last.Id}"));
    }

    /// <summary>
    /// Enqueues every notice raised since <paramref name="since"/> that matches the subscription's filters again, each with a
    /// new delivery id and its own event id. A request id makes the replay repeatable: the same request id adds nothing
    /// the second time and reports what the first added.
    /// </summary>
    public async Task<ReplayOutcome> ReplayAsync(string subscriptionId, DateTimeOffset? since, string requestId, CancellationToken ct)
    {
        var violations = new Violations().RequireId(subscriptionId, "subscription_id").MaxLength(requestId, "request_id", 100);
        if (since is null)
            violations.Add("since", "must be set: notices raised from this instant on are sent again");
        violations.ThrowIfAny();
        var subscription = await FindAsync(subscriptionId, "subscription_id", ct);
        if (!subscription.Active)
            throw new FailedPreconditionException("INACTIVE", $"webhooks/{subscription.Id}", "the subscription was deactivated; it sends nothing");

        var replayId = requestId.Length > 0
            ? new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"{subscription.Id}|{requestId.Trim()}")).AsSpan(0, 16))
            : Guid.CreateVersion7();
        var now = time.GetStoredUtcNow();
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO webhook_deliveries (id, subscription_id, notice_id, replay_id, status, attempt_count, next_attempt_at, last_error, created_at)
            SELECT gen_random_uuid(), s.id, n.id, {replayId}, {(int)WebhookDeliveryStatus.Pending}, 0, {now}, '', {now}
            FROM webhook_subscriptions s
            JOIN notices n ON n.raised_at >= {since!.Value}
             AND (cardinality(s.kinds) = 0 OR n.kind = ANY(s.kinds)) AND (s.lead_unit_id IS NULL OR n.lead_unit_id = s.lead_unit_id)
            WHERE s.id = {subscription.Id}
            ON CONFLICT DO NOTHING
            """, ct);
        var enqueued = await db.WebhookDeliveries.CountAsync(d => d.SubscriptionId == subscription.Id && d.ReplayId == replayId, ct);
        return new ReplayOutcome(replayId, enqueued);
    }

    private async Task<WebhookSubscription> FindAsync(string id, string field, CancellationToken ct)
    {
        var key = Ids.Parse(id, field);
        return await db.WebhookSubscriptions.FirstOrDefaultAsync(s => s.Id == key, ct) ?? throw new NotFoundException("webhook subscription", id);
    }

    /// <summary>The newest notice a reader may take now (see <see cref="WebhookQueue.VisibleBound"/>): a new subscription starts after it.</summary>
    private async Task<(long Transaction, long Sequence)> NoticeCursorNowAsync(CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = new NpgsqlCommand($"""
                WITH {WebhookQueue.VisibleBound}
                SELECT n.transaction_id::text::bigint, n.sequence FROM notices n, bound
                WHERE n.transaction_id < bound.below
                ORDER BY n.transaction_id DESC, n.sequence DESC
                LIMIT 1
                """, (NpgsqlConnection)db.Database.GetDbConnection());
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? (reader.GetInt64(0), reader.GetInt64(1)) : (0, 0);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
