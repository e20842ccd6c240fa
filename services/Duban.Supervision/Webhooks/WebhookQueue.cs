using Duban.Supervision.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Duban.Supervision.Webhooks;

/// <summary>
/// The deliveries table as a queue: notices become deliveries per subscription (an outbox in the same database, so a
/// receiver that is down loses nothing), senders claim due ones with a lease, and record how each round ended.
/// </summary>
public sealed class WebhookQueue(SupervisionDb db)
{
    /// <summary>
    /// The notices a reader may take: those of transactions older than every transaction still running in this
    /// database. A scan that took lower sequence numbers but commits later is read on a later round, after the cursor.
    /// (The same bound as the tasks feed; other databases' transactions are left out of it.)
    /// </summary>
    internal const string VisibleBound = """
        snapshot AS (SELECT pg_current_snapshot() AS s),
        elsewhere AS (
            SELECT backend_xid::text::bigint AS xid FROM pg_stat_activity
            WHERE backend_xid IS NOT NULL AND datname IS DISTINCT FROM current_database()),
        bound AS (
            SELECT coalesce(min(running), (SELECT pg_snapshot_xmax(s) FROM snapshot)) AS below
            FROM snapshot, pg_snapshot_xip(snapshot.s) AS running
            WHERE (running::text::numeric % 4294967296)::bigint NOT IN (SELECT xid FROM elsewhere))
        """;

    /// <summary>
    /// For every active subscription: deliveries for the notices after its cursor that match its filters, and the cursor
    /// moved past every notice looked at, in one statement. Subscriptions another replica is enqueueing are skipped.
    /// </summary>
    public async Task<long> EnqueueAsync(DateTimeOffset now, int limit, CancellationToken ct)
    {
        await using var command = await CommandAsync($"""
            WITH {VisibleBound},
            subscriptions AS (
                SELECT id, kinds, lead_unit_id, enqueued_through_transaction, enqueued_through_sequence
                FROM webhook_subscriptions WHERE active FOR UPDATE SKIP LOCKED),
            scanned AS (
                SELECT s.id AS subscription_id, n.id AS notice_id, n.transaction_id, n.sequence,
                       (cardinality(s.kinds) = 0 OR n.kind = ANY(s.kinds)) AND (s.lead_unit_id IS NULL OR n.lead_unit_id = s.lead_unit_id) AS matches
                FROM subscriptions s CROSS JOIN bound
                CROSS JOIN LATERAL (
                    SELECT n.id, n.kind, n.lead_unit_id, n.transaction_id, n.sequence FROM notices n
                    WHERE (n.transaction_id, n.sequence) > (s.enqueued_through_transaction::text::xid8, s.enqueued_through_sequence)
                      AND n.transaction_id < bound.below
                    ORDER BY n.transaction_id, n.sequence
                    LIMIT $2) n),
            inserted AS (
                INSERT INTO webhook_deliveries (id, subscription_id, notice_id, status, attempt_count, next_attempt_at, last_error, created_at)
                SELECT gen_random_uuid(), subscription_id, notice_id, {(int)WebhookDeliveryStatus.Pending}, 0, $1, '', $1
                FROM scanned WHERE matches
                ON CONFLICT DO NOTHING
                RETURNING 1),
            last AS (
                SELECT DISTINCT ON (subscription_id) subscription_id, transaction_id, sequence FROM scanned
                ORDER BY subscription_id, transaction_id DESC, sequence DESC),
            moved AS (
                UPDATE webhook_subscriptions w
                SET enqueued_through_transaction = last.transaction_id::text::bigint, enqueued_through_sequence = last.sequence
                FROM last WHERE w.id = last.subscription_id)
            -- PostgreSQL runs every data-modifying CTE to completion, read or not: "moved" needs no reference.
            SELECT count(*) FROM inserted
            """, ct);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        try
        {
            return (long)(await command.ExecuteScalarAsync(ct))!;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Claims up to <paramref name="limit"/> due deliveries of active subscriptions: their next attempt moves to the end of
    /// a lease, so no other replica sends them meanwhile and no transaction stays open while waiting on a receiver. A
    /// sender that dies mid-send leaves them to be sent again when the lease ends (at least once: receivers dedupe by the
    /// delivery id).
    /// </summary>
    public async Task<List<ClaimedDelivery>> ClaimAsync(DateTimeOffset now, TimeSpan lease, int limit, CancellationToken ct)
    {
        await using var command = await CommandAsync($"""
                UPDATE webhook_deliveries d SET next_attempt_at = $2
                FROM webhook_subscriptions s, notices n
                WHERE d.id IN (
                        SELECT q.id FROM webhook_deliveries q JOIN webhook_subscriptions qs ON qs.id = q.subscription_id
                        WHERE q.status = {(int)WebhookDeliveryStatus.Pending} AND q.next_attempt_at <= $1 AND qs.active
                        ORDER BY q.next_attempt_at
                        LIMIT $3
                        FOR UPDATE OF q SKIP LOCKED)
                  AND s.id = d.subscription_id AND n.id = d.notice_id
                RETURNING d.id, d.subscription_id, d.attempt_count, d.created_at, s.url, s.secret,
                          n.id, n.kind, n.level, n.status, n.assignment_id, n.plan_id, n.lead_unit_id, n.title, n.due_date, n.message, n.raised_at
                """, ct);
        try
        {
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now + lease });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            var claimed = new List<ClaimedDelivery>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                claimed.Add(new ClaimedDelivery(reader.GetGuid(0), reader.GetGuid(1), reader.GetInt32(2), reader.GetFieldValue<DateTimeOffset>(3),
                    reader.GetString(4), reader.GetString(5), new Notice
                    {
                        Id = reader.GetGuid(6),
                        Kind = (NoticeKind)reader.GetInt32(7),
                        Level = reader.GetInt32(8),
                        Status = (NoticeStatus)reader.GetInt32(9),
                        AssignmentId = reader.GetGuid(10),
                        PlanId = reader.GetGuid(11),
                        LeadUnitId = reader.GetGuid(12),
                        Title = reader.GetString(13),
                        DueDate = reader.IsDBNull(14) ? null : reader.GetFieldValue<DateOnly>(14),
                        Message = reader.GetString(15),
                        RaisedAt = reader.GetFieldValue<DateTimeOffset>(16),
                    }));
            return claimed;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>A command on the context's connection, left open until the caller closes it.</summary>
    private async Task<NpgsqlCommand> CommandAsync(string sql, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        return new NpgsqlCommand(sql, (NpgsqlConnection)db.Database.GetDbConnection(),
            (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction());
    }

    /// <summary>Records a round: delivered, rescheduled (<paramref name="nextAttempt"/>), or given up (null).</summary>
    public async Task CompleteAsync(Guid id, SendOutcome outcome, DateTimeOffset? nextAttempt, DateTimeOffset now, CancellationToken ct)
    {
        var status = outcome.Delivered ? WebhookDeliveryStatus.Delivered
            : nextAttempt is null ? WebhookDeliveryStatus.Failed : WebhookDeliveryStatus.Pending;
        var error = outcome.Error.Length > 2000 ? outcome.Error[..2000] : outcome.Error;
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE webhook_deliveries
            SET status = {(int)status}, attempt_count = attempt_count + 1, next_attempt_at = {nextAttempt ?? now},
                last_error = {error}, last_status_code = {outcome.StatusCode}, delivered_at = {(outcome.Delivered ? now : null)}
            WHERE id = {id}
            """, ct);
    }
}
