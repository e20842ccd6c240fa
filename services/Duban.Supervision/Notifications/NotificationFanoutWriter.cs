using Duban.ServiceDefaults.Data;
using Duban.Supervision.Data;
using Duban.Supervision.Domain.Notifications;
using Duban.Units.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using UnitsContract = Duban.Contracts.Units.V1;

namespace Duban.Supervision.Notifications;

/// <summary>
/// Queues the deliveries of notices whose recipients are named: one row per (notice, channel, recipient) for each
/// person's e-mail and SMS (unless opted out, or without an address) and for the lead unit's 钉钉 and 企业微信 robots,
/// due at once for escalations, 催办 and returned explanations, at the next digest otherwise. Notices are locked while queued, their rows
/// inserted with ON CONFLICT DO NOTHING and the notices marked queued in the same transaction, so two replicas queueing at once
/// add each row once, and a notice is looked at once.
/// </summary>
public sealed class NotificationFanoutWriter(SupervisionDb db, UnitsDirectory units, NotificationClock clock, IOptions<NotificationOptions> options,
    TimeProvider time, ILogger<NotificationFanoutWriter> logger)
{
    private const int Batch = 5_000;

    /// <summary>The next batch of named notices not yet queued, locked; a partial index holds only these.</summary>
    public static readonly string AwaitingQueueSql = $"""
        SELECT n.* FROM notices n
        WHERE n.queued_at IS NULL AND n.recipient_person_ids IS NOT NULL
        ORDER BY n.sequence LIMIT {Batch}
        FOR UPDATE OF n SKIP LOCKED
        """;

    /// <summary>Escalations and the office's own notices (催办, a returned 情况说明, which asks for a new one) go at once.</summary>
    public static bool IsImmediate(NoticeKind kind) => kind is NoticeKind.Escalated or NoticeKind.Urged or NoticeKind.ExplanationReturned;

    public async Task<int> QueueAsync(CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var pending = await db.Notices
            .FromSqlRaw(AwaitingQueueSql)
            .AsNoTracking().Select(n => new { n.Id, n.Kind, n.Status, n.LeadUnitId, n.LeadUnitName, People = n.RecipientPersonIds! }).ToListAsync(ct);
        if (pending.Count == 0)
            return 0;

        var live = pending.Where(n => n.Status is NoticeStatus.Open or NoticeStatus.Acknowledged).ToList();
        IReadOnlyDictionary<Guid, UnitsContract.PersonTarget> people;
        IReadOnlyDictionary<Guid, UnitsContract.UnitRobotTargets> robots;
        try
        {
            (people, robots) = await units.GetNotificationTargetsAsync(live.SelectMany(n => n.People).ToHashSet(), live.Select(n => n.LeadUnitId).ToHashSet(), ct);
        }
        catch (Duban.ServiceDefaults.Errors.DependencyUnavailableException ex)
        {
            logger.LogWarning(ex, "Deliveries of {Count} notices wait for the units service", pending.Count);
            return 0;
        }

        var o = options.Value;
        var now = time.GetStoredUtcNow();
        var rows = new Rows();
        foreach (var notice in live)
        {
            var immediate = IsImmediate(notice.Kind);
            var due = clock.DueAt(immediate, now);
            var told = notice.People.Select(id => people.GetValueOrDefault(id)).OfType<UnitsContract.PersonTarget>().Where(p => p.Active).ToList();
            foreach (var person in told)
            {
                if (o.Smtp.Host.Length > 0 && person.Email.Length > 0 && !OptedOut(person, UnitsContract.NotificationChannel.Email))
                    rows.Add(notice.Id, DeliveryChannel.Email, Guid.Parse(person.PersonId), person.Name, person.Email, [], immediate, due);
                if (o.Sms.Url.Length > 0 && person.Phone.Length > 0 && !OptedOut(person, UnitsContract.NotificationChannel.Sms))
                    rows.Add(notice.Id, DeliveryChannel.Sms, Guid.Parse(person.PersonId), person.Name, person.Phone, [], immediate, due);
            }
            if (robots.GetValueOrDefault(notice.LeadUnitId) is not { } robot)
                continue;
            var unitName = robot.UnitName.Length > 0 ? robot.UnitName : notice.LeadUnitName;
            if (robot.DingtalkWebhookUrl.Length > 0)
                rows.Add(notice.Id, DeliveryChannel.DingTalk, notice.LeadUnitId, unitName, "",
                    told.Where(p => p.Phone.Length > 0 && !OptedOut(p, UnitsContract.NotificationChannel.Dingtalk)).Select(p => p.Phone).Distinct().ToArray(),
                    immediate, due);
            if (robot.WecomWebhookUrl.Length > 0)
                rows.Add(notice.Id, DeliveryChannel.WeCom, notice.LeadUnitId, unitName, "", [], immediate, due);
        }

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO notification_deliveries (id, notice_id, channel, recipient_id, recipient_name, address, mentions, immediate, status,
                                                 attempt_count, next_attempt_at, last_error, created_at)
            SELECT gen_random_uuid(), v.notice_id, v.channel, v.recipient_id, v.recipient_name, v.address,
                   CASE WHEN v.mentions = '' THEN '{}'::text[] ELSE string_to_array(v.mentions, ',') END, v.immediate, 1, 0, v.due, '', $9
            FROM unnest($1::uuid[], $2::int[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::bool[], $8::timestamptz[])
                 AS v(notice_id, channel, recipient_id, recipient_name, address, mentions, immediate, due)
            ON CONFLICT (notice_id, channel, recipient_id) DO NOTHING
            """, connection, (NpgsqlTransaction)transaction.GetDbTransaction()))
        {
            insert.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = rows.Notices.ToArray() });
            insert.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = rows.Channels.ToArray() });
            insert.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = rows.Recipients.ToArray() });
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = rows.Names.ToArray() });
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = rows.Addresses.ToArray() });
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = rows.Mentions.ToArray() });
            insert.Parameters.Add(new NpgsqlParameter<bool[]> { TypedValue = rows.Immediate.ToArray() });
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = rows.Due.ToArray() });
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            await insert.ExecuteNonQueryAsync(ct);
        }
        await using (var mark = new NpgsqlCommand("""
            UPDATE notices SET queued_at = $2 WHERE id = ANY($1)
            """, connection, (NpgsqlTransaction)transaction.GetDbTransaction()))
        {
            mark.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = pending.Select(n => n.Id).ToArray() });
            mark.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            await mark.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return pending.Count;
    }

    private static bool OptedOut(UnitsContract.PersonTarget person, UnitsContract.NotificationChannel channel) => person.OptedOutChannels.Contains(channel);

    private sealed class Rows
    {
        public List<Guid> Notices { get; } = [];
        public List<int> Channels { get; } = [];
        public List<Guid> Recipients { get; } = [];
        public List<string> Names { get; } = [];
        public List<string> Addresses { get; } = [];
        public List<string> Mentions { get; } = [];
        public List<bool> Immediate { get; } = [];
        public List<DateTimeOffset> Due { get; } = [];

        public void Add(Guid notice, DeliveryChannel channel, Guid recipient, string name, string address, string[] mentions, bool immediate, DateTimeOffset due)
        {
            Notices.Add(notice);
            Channels.Add((int)channel);
            Recipients.Add(recipient);
            Names.Add(name);
            Addresses.Add(address);
            // Mobiles hold digits, spaces and + - ( ) only, never a comma.
            Mentions.Add(string.Join(',', mentions));
            Immediate.Add(immediate);
            Due.Add(due);
        }
    }
}
