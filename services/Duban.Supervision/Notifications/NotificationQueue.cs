using Duban.Supervision.Data;
using Duban.Supervision.Domain.Notifications;
using Duban.Supervision.Webhooks;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Duban.Supervision.Notifications;

/// <summary>A claimed delivery with the notice it tells of.</summary>
public sealed record ClaimedNotification(Guid Id, DeliveryChannel Channel, Guid RecipientId, string RecipientName, string Address, string[] Mentions,
    bool Immediate, int AttemptCount, DateTimeOffset CreatedAt, NoticeStatus NoticeStatus, NoticeLine Notice);

/// <summary>
/// The notification deliveries as a queue, the same way as the webhook queue: due rows are claimed with FOR UPDATE SKIP
/// LOCKED and leased (their next attempt moved to the lease's end) so no transaction stays open while a mail server or a
/// robot answers, and no other replica takes them meanwhile. Claims take whole recipients — every due row of a person on
/// a channel, or of a robot — so each goes out as one message.
/// </summary>
public sealed class NotificationQueue(SupervisionDb db)
{
    /// <summary>The first key of the advisory locks on recipients ("NOTI"), apart from any other advisory lock.</summary>
    private const int AdvisoryKey = 0x4E4F5449;

    public async Task<List<ClaimedNotification>> ClaimAsync(DateTimeOffset now, TimeSpan lease, int recipients, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = new NpgsqlCommand($"""
                -- The earliest due rows through the partial index on next_attempt_at, and the recipients among them: grouping
                -- every due row instead read the whole backlog each round (0.3 s at 100,000 rows, 400 rounds for 20,000 people).
                WITH due_rows AS (
                    SELECT channel, recipient_id, next_attempt_at FROM notification_deliveries
                    WHERE status = {(int)NotificationStatus.Pending} AND next_attempt_at <= $1
                    ORDER BY next_attempt_at LIMIT $3 * 40),
                due_recipients AS (
                    SELECT channel, recipient_id FROM due_rows GROUP BY channel, recipient_id ORDER BY min(next_attempt_at) LIMIT $3 * 4),
                -- A recipient is claimed whole by one sender: without this lock, two senders locking rows at the same
                -- moment could split a person's rows between them and send two digests (each row still once).
                mine AS MATERIALIZED (
                    SELECT channel, recipient_id FROM due_recipients
                    WHERE pg_try_advisory_xact_lock({AdvisoryKey}, hashtext(channel::text || ':' || recipient_id::text))
                    LIMIT $3),
                claimed AS (
                    SELECT d.id FROM notification_deliveries d JOIN mine r USING (channel, recipient_id)
                    WHERE d.status = {(int)NotificationStatus.Pending} AND d.next_attempt_at <= $1
                    FOR UPDATE OF d SKIP LOCKED)
                UPDATE notification_deliveries d SET next_attempt_at = $2
                FROM claimed, notices n WHERE d.id = claimed.id AND n.id = d.notice_id
                RETURNING d.id, d.channel, d.recipient_id, d.recipient_name, d.address, d.mentions, d.immediate, d.attempt_count, d.created_at,
                          n.status, n.id, n.kind, n.level, n.urgency, n.assignment_id, n.title, n.lead_unit_name, n.due_date, n.message
                """, (NpgsqlConnection)db.Database.GetDbConnection());
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now + lease });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = recipients });
            var claimed = new List<ClaimedNotification>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                claimed.Add(new ClaimedNotification(reader.GetGuid(0), (DeliveryChannel)reader.GetInt32(1), reader.GetGuid(2), reader.GetString(3),
                    reader.GetString(4), reader.GetFieldValue<string[]>(5), reader.GetBoolean(6), reader.GetInt32(7), reader.GetFieldValue<DateTimeOffset>(8),
                    (NoticeStatus)reader.GetInt32(9),
                    new NoticeLine(reader.GetGuid(10), (NoticeKind)reader.GetInt32(11), reader.GetInt32(12), reader.GetInt32(13), reader.GetGuid(14),
                        reader.GetString(15), reader.GetString(16), reader.IsDBNull(17) ? null : reader.GetFieldValue<DateOnly>(17), reader.GetString(18))));
            return claimed;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Takes the robot's turn: true when its last message is at least <paramref name="interval"/> old (and records this
    /// one), false when it must wait (see <see cref="NextTurnAsync"/>).
    /// </summary>
    public async Task<bool> TakeRobotTurnAsync(DeliveryChannel channel, Guid unitId, DateTimeOffset now, TimeSpan interval, CancellationToken ct)
    {
        var taken = await db.Database.SqlQuery<int>($"""
            INSERT INTO robot_sends (channel, unit_id, last_sent_at) VALUES ({(int)channel}, {unitId}, {now})
            ON CONFLICT (channel, unit_id) DO UPDATE SET last_sent_at = excluded.last_sent_at
            WHERE robot_sends.last_sent_at <= {now - interval}
            RETURNING 1 AS "Value"
            """).ToListAsync(ct);
        return taken.Count > 0;
    }

    public async Task<DateTimeOffset> NextTurnAsync(DeliveryChannel channel, Guid unitId, DateTimeOffset now, TimeSpan interval, CancellationToken ct) =>
        (await db.RobotSends.AsNoTracking().Where(r => r.Channel == channel && r.UnitId == unitId).Select(r => (DateTimeOffset?)r.LastSentAt)
            .FirstOrDefaultAsync(ct) ?? now) + interval;

    /// <summary>Puts claimed rows back, due at <paramref name="at"/>, without counting an attempt.</summary>
    public Task ReleaseAsync(IReadOnlyCollection<Guid> ids, DateTimeOffset at, CancellationToken ct) =>
        db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE notification_deliveries SET next_attempt_at = {at} WHERE id = ANY({ids.ToArray()}) AND status = {(int)NotificationStatus.Pending}
            """, ct);

    public Task WithdrawAsync(IReadOnlyCollection<Guid> ids, DateTimeOffset now, CancellationToken ct) =>
        db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE notification_deliveries SET status = {(int)NotificationStatus.Withdrawn}, next_attempt_at = {now}, last_error = 'notice no longer open'
            WHERE id = ANY({ids.ToArray()}) AND status = {(int)NotificationStatus.Pending}
            """, ct);

    /// <summary>Records how the message carrying <paramref name="ids"/> went: delivered, rescheduled, or given up (null).</summary>
    public Task CompleteAsync(IReadOnlyCollection<Guid> ids, Guid messageId, SendOutcome outcome, DateTimeOffset? nextAttempt, DateTimeOffset now,
        CancellationToken ct)
    {
        var status = outcome.Delivered ? NotificationStatus.Delivered : nextAttempt is null ? NotificationStatus.Failed : NotificationStatus.Pending;
        var error = outcome.Error.Length > 2000 ? outcome.Error[..2000] : outcome.Error;
        return db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE notification_deliveries
            SET status = {(int)status}, attempt_count = attempt_count + 1, next_attempt_at = {nextAttempt ?? now}, last_error = {error},
                delivered_at = {(outcome.Delivered ? now : null)}, message_id = {messageId}
            WHERE id = ANY({ids.ToArray()}) AND status = {(int)NotificationStatus.Pending}
            """, ct);
    }
}
