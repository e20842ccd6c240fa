using Duban.Tasks.Data;
using Duban.Tasks.Domain;
using Duban.Tasks.Grpc;
using Google.Protobuf;
using Npgsql;

namespace Duban.Tasks.Events;

public sealed record FeedEvent(FeedCursor Cursor, string Type, Guid AssignmentId, long Version, DateTimeOffset Time, byte[] Snapshot);

/// <summary>
/// The ordered feed of assignment changes. Writers add an event in the same transaction as the change;
/// a statement trigger NOTIFYs watchers. Readers see events in (transaction id, sequence) order, and only
/// those of transactions older than every transaction still running in this database: a transaction that
/// took its sequence numbers early but commits late is still ahead of every cursor handed out, so no reader
/// skips it. Transactions of other databases in the same cluster are left out of that bound (a backend
/// never writes outside its database), so a long report elsewhere does not hold the feed back; where the
/// database user may not see other sessions (no pg_read_all_stats), they count, which is safe, only slower.
/// </summary>
public sealed class EventFeed(NpgsqlDataSource dataSource, TimeProvider time)
{
    public const string Channel = "task_events";
    public const int DefaultLimit = 500;
    public const int MaxLimit = 5000;

    /// <summary>Adds the event of <paramref name="assignment"/>'s latest change to the unit of work.</summary>
    public void Append(TasksDb db, Assignment assignment, string type) =>
        db.Events.Add(NewEvent(assignment, type, time.GetUtcNow()));

    public static TaskEvent NewEvent(Assignment assignment, string type, DateTimeOffset now) => new()
    {
        AssignmentId = assignment.Id,
        Type = type,
        Version = assignment.Version,
        Time = now,
        Snapshot = Snapshot(assignment, now),
    };

    public static byte[] Snapshot(Assignment assignment, DateTimeOffset now) =>
        assignment.ToContract(DateOnly.FromDateTime(now.UtcDateTime)).ToByteArray();

    public async Task<IReadOnlyList<FeedEvent>> ReadAsync(FeedCursor after, int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            WITH snapshot AS (SELECT pg_current_snapshot() AS s),
            elsewhere AS (
                SELECT backend_xid::text::bigint AS xid FROM pg_stat_activity
                WHERE backend_xid IS NOT NULL AND datname IS DISTINCT FROM current_database()),
            bound AS (
                SELECT coalesce(min(running), (SELECT pg_snapshot_xmax(s) FROM snapshot)) AS below
                FROM snapshot, pg_snapshot_xip(snapshot.s) AS running
                WHERE (running::text::numeric % 4294967296)::bigint NOT IN (SELECT xid FROM elsewhere))
            SELECT e.transaction_id::text AS tx, e.sequence, e.type, e.assignment_id, e.version, e.time, e.snapshot
            FROM task_events e, bound
            WHERE (e.transaction_id, e.sequence) > ($1::text::xid8, $2)
              AND e.transaction_id < bound.below
            ORDER BY e.transaction_id, e.sequence
            LIMIT $3
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = after.TransactionId.ToString() });
        command.Parameters.Add(new NpgsqlParameter { Value = after.Sequence });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        var events = new List<FeedEvent>(Math.Min(limit, 1024));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            events.Add(new FeedEvent(new FeedCursor(ulong.Parse(reader.GetString(0)), reader.GetInt64(1)), reader.GetString(2),
                reader.GetGuid(3), reader.GetInt64(4), reader.GetFieldValue<DateTimeOffset>(5), reader.GetFieldValue<byte[]>(6)));
        return events;
    }
}
