using Duban.Tasks.Data;
using Duban.Tasks.Domain;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Npgsql;
using Contract = Duban.Contracts.Tasks.V1;

namespace Duban.Tasks.Events;

/// <summary>One event as read from the feed; <paramref name="Type"/> is the stored history entry type.</summary>
public sealed record FeedEvent(FeedCursor Cursor, string Type, Guid AssignmentId, long Version, DateTimeOffset Time, Contract.AssignmentFacts Assignment)
{
    public Contract.AssignmentEvent ToContract() => new()
    {
        Cursor = Cursor.ToString(),
        Type = EventMapping.TypeOf(Type),
        AssignmentId = AssignmentId.ToString(),
        Version = Version,
        Time = Timestamp.FromDateTimeOffset(Time),
        Assignment = Assignment,
    };
}

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
        Facts = Facts(assignment),
    };

    /// <summary>What the event stores: the assignment's facts after the change.</summary>
    public static byte[] Facts(Assignment assignment) => EventMapping.ToFacts(assignment).ToByteArray();

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
            SELECT e.transaction_id::text AS tx, e.sequence, e.type, e.assignment_id, e.version, e.time, e.facts, e.snapshot
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
        List<(int Index, Contract.Assignment Snapshot)>? legacy = null;
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
            {
                Contract.AssignmentFacts facts;
                if (!reader.IsDBNull(6))
                    facts = Contract.AssignmentFacts.Parser.ParseFrom(reader.GetFieldValue<byte[]>(6));
                else
                {
                    facts = new Contract.AssignmentFacts();
                    if (!reader.IsDBNull(7))
                        (legacy ??= []).Add((events.Count, Contract.Assignment.Parser.ParseFrom(reader.GetFieldValue<byte[]>(7))));
                }
                events.Add(new FeedEvent(new FeedCursor(ulong.Parse(reader.GetString(0)), reader.GetInt64(1)), reader.GetString(2),
                    reader.GetGuid(3), reader.GetInt64(4), reader.GetFieldValue<DateTimeOffset>(5), facts));
            }
        if (legacy is not null)
            await ReadLegacyAsync(events, legacy, ct);
        return events;
    }

    private async Task ReadLegacyAsync(List<FeedEvent> events, List<(int Index, Contract.Assignment Snapshot)> legacy, CancellationToken ct)
    {
        var rules = await LegacyEvents.ReportRulesAsync(dataSource, legacy.Select(l => events[l.Index].AssignmentId).Distinct().ToArray(), ct);
        foreach (var (index, snapshot) in legacy)
            events[index] = events[index] with { Assignment = LegacyEvents.ToFacts(snapshot, rules.GetValueOrDefault(events[index].AssignmentId)) };
    }
}
