using System.Text.Json;
using Duban.Tasks.Domain;
using Npgsql;
using NpgsqlTypes;

namespace Duban.Tasks.Data;

/// <summary>
/// Stores one decomposition in one round trip: the new assignments, every history entry and feed event (the children's,
/// the parent's decomposition and its roll-up), and the parent's new counts and progress. The parent's row is locked
/// first; the write then happens only if the parent is still at the version the caller read and its children are still
/// as the roll-up was worked out from (their number and the sum of their versions), and, with a request id, if no call
/// stored it first. Otherwise nothing is stored and <see cref="Outcome"/> says why.
/// </summary>
public static class DecompositionWriter
{
    /// <summary>What the parent and its children looked like when the decomposition was worked out.</summary>
    public sealed record ParentAsRead(Guid Id, long Version, int ChildCount, long ChildVersionSum);

    public enum Outcome { Stored, ParentChanged, ChildrenChanged, RequestIdTaken }

    public sealed record Result(Outcome Outcome, long ParentVersionNow);

    private const string LockParent = "SELECT version FROM assignments WHERE id = $1 FOR UPDATE";
    private const string LockRequestId = "SELECT pg_advisory_xact_lock(hashtext('decompose'), hashtext($1))";

    // $1 parent id (null for a plan item), $2 parent version read, $3/$4 its children's number and version sum as read,
    // $5 request id (null without), $6–$10 the parent's new version, update time, counts and progress.
    private const string Sql = """
        WITH guard AS (
            SELECT 1 AS ok
            WHERE ($1::uuid IS NULL OR EXISTS (
                      SELECT FROM assignments WHERE id = $1 AND version = $2
                         AND (SELECT (count(*), coalesce(sum(version), 0)) FROM assignments WHERE parent_assignment_id = $1) = ($3::bigint, $4::numeric)))
              AND ($5::text IS NULL OR NOT EXISTS (SELECT FROM assignments WHERE create_request_id = $5))),
        parent AS (
            UPDATE assignments SET version = $6, update_time = $7, child_count = $8, open_child_count = $9, progress_percent = $10
            WHERE id = $1 AND EXISTS (SELECT FROM guard)),
        children AS (
            INSERT INTO assignments (id, plan_id, item_id, parent_assignment_id, assigning_unit_id, lead_unit_id, co_unit_ids, lead_collective,
                owner_person_id, owner_name, title, deadline_kind, deadline_text, due_date, due_precision, milestones, original_due_date,
                deadline_version, deadline_context_date, target, source, status, progress_percent, version, time_zone, create_request_id,
                create_request_hash, create_time, update_time, child_count, open_child_count)
            SELECT c.id, c.plan_id, c.item_id, c.parent_id, c.assigning_unit_id, c.lead_unit_id, c.co_unit_ids::uuid[], c.lead_collective,
                c.owner_person_id, c.owner_name, c.title, c.deadline_kind, c.deadline_text, c.due_date, c.due_precision, c.milestones,
                c.original_due_date, c.deadline_version, c.deadline_context_date, c.target, c.source, c.status, c.progress_percent, c.version,
                c.time_zone, c.create_request_id, c.create_request_hash, c.create_time, c.update_time, c.child_count, c.open_child_count
            FROM unnest($11::uuid[], $12::uuid[], $13::uuid[], $14::uuid[], $15::uuid[], $16::uuid[], $17::text[], $18::text[], $19::uuid[],
                        $20::text[], $21::text[], $22::int[], $23::text[], $24::date[], $25::int[], $26::jsonb[], $27::date[], $28::int[],
                        $29::date[], $30::jsonb[], $31::text[], $32::int[], $33::int[], $34::bigint[], $35::text[], $36::text[], $37::text[],
                        $38::timestamptz[], $39::timestamptz[], $40::int[], $41::int[])
                AS c(id, plan_id, item_id, parent_id, assigning_unit_id, lead_unit_id, co_unit_ids, lead_collective, owner_person_id, owner_name,
                     title, deadline_kind, deadline_text, due_date, due_precision, milestones, original_due_date, deadline_version,
                     deadline_context_date, target, source, status, progress_percent, version, time_zone, create_request_id,
                     create_request_hash, create_time, update_time, child_count, open_child_count)
            WHERE EXISTS (SELECT FROM guard)
            RETURNING id),
        history AS (
            INSERT INTO assignment_history (assignment_id, type, time, person_id, unit_id, status_after, progress_percent, text, links, due_date, version)
            SELECT h.assignment_id, h.type, h.time, h.person_id, h.unit_id, h.status_after, h.progress_percent, h.text, '{}', h.due_date, h.version
            FROM unnest($42::uuid[], $43::text[], $44::timestamptz[], $45::uuid[], $46::uuid[], $47::int[], $48::int[], $49::text[], $50::date[], $51::bigint[])
                AS h(assignment_id, type, time, person_id, unit_id, status_after, progress_percent, text, due_date, version)
            WHERE EXISTS (SELECT FROM guard)),
        events AS (
            INSERT INTO task_events (assignment_id, type, version, time, facts)
            SELECT * FROM unnest($52::uuid[], $53::text[], $54::bigint[], $55::timestamptz[], $56::bytea[])
            WHERE EXISTS (SELECT FROM guard))
        SELECT count(*) FROM children
        """;

    /// <summary>
    /// Writes the decomposition. <paramref name="parent"/> carries the parent's state after the decomposition and its
    /// roll-up (null for a plan item); <paramref name="entries"/> and <paramref name="events"/> every record, in order.
    /// </summary>
    public static async Task<Result> WriteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, ParentAsRead? asRead, Assignment? parent,
        IReadOnlyList<Assignment> children, IReadOnlyList<HistoryEntry> entries, IReadOnlyList<TaskEvent> events, string? requestId, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        if (requestId is not null)
            batch.BatchCommands.Add(new NpgsqlBatchCommand(LockRequestId) { Parameters = { new NpgsqlParameter<string> { TypedValue = requestId } } });
        if (asRead is not null)
            batch.BatchCommands.Add(new NpgsqlBatchCommand(LockParent) { Parameters = { new NpgsqlParameter<Guid> { TypedValue = asRead.Id } } });
        var write = new NpgsqlBatchCommand(Sql);
        var p = write.Parameters;
        p.Add(AssignmentWriter.Nullable(asRead?.Id, NpgsqlDbType.Uuid));
        p.Add(new NpgsqlParameter<long> { TypedValue = asRead?.Version ?? 0 });
        p.Add(new NpgsqlParameter<long> { TypedValue = asRead?.ChildCount ?? 0 });
        p.Add(new NpgsqlParameter<long> { TypedValue = asRead?.ChildVersionSum ?? 0 });
        p.Add(new NpgsqlParameter { Value = (object?)requestId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter<long> { TypedValue = parent?.Version ?? 0 });
        p.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = parent?.UpdateTime ?? DateTimeOffset.UnixEpoch });
        p.Add(new NpgsqlParameter<int> { TypedValue = parent?.ChildCount ?? 0 });
        p.Add(new NpgsqlParameter<int> { TypedValue = parent?.OpenChildCount ?? 0 });
        p.Add(new NpgsqlParameter<int> { TypedValue = parent?.ProgressPercent ?? 0 });

        p.Add(Column(children, a => a.Id));
        p.Add(Column(children, a => a.PlanId));
        p.Add(Column(children, a => a.ItemId));
        p.Add(Column(children, a => a.ParentAssignmentId));
        p.Add(Column(children, a => a.AssigningUnitId));
        p.Add(Column(children, a => a.LeadUnitId));
        p.Add(Column(children, a => "{" + string.Join(",", a.CoUnitIds) + "}"));
        p.Add(Column(children, a => a.LeadCollective));
        p.Add(Column(children, a => a.OwnerPersonId));
        p.Add(Column(children, a => a.OwnerName));
        p.Add(Column(children, a => a.Title));
        p.Add(Column(children, a => (int)a.DeadlineKind));
        p.Add(Column(children, a => a.DeadlineText));
        p.Add(Column(children, a => a.DueDate));
        p.Add(Column(children, a => a.DuePrecision is { } precision ? (int)precision : (int?)null));
        p.Add(JsonColumn(children, a => a.Milestones));
        p.Add(Column(children, a => a.OriginalDueDate));
        p.Add(Column(children, a => a.DeadlineVersion));
        p.Add(Column(children, a => a.DeadlineContextDate));
        p.Add(JsonColumn(children, a => a.Target));
        p.Add(Column(children, a => a.Source));
        p.Add(Column(children, a => (int)a.Status));
        p.Add(Column(children, a => a.ProgressPercent));
        p.Add(Column(children, a => a.Version));
        p.Add(Column(children, a => a.TimeZone));
        p.Add(Column(children, a => a.CreateRequestId));
        p.Add(Column(children, a => a.CreateRequestHash));
        p.Add(Column(children, a => a.CreateTime));
        p.Add(Column(children, a => a.UpdateTime));
        p.Add(Column(children, a => a.ChildCount));
        p.Add(Column(children, a => a.OpenChildCount));

        p.Add(Column(entries, h => h.AssignmentId));
        p.Add(Column(entries, h => h.Type));
        p.Add(Column(entries, h => h.Time));
        p.Add(Column(entries, h => h.PersonId));
        p.Add(Column(entries, h => h.UnitId));
        p.Add(Column(entries, h => (int)h.StatusAfter));
        p.Add(Column(entries, h => h.ProgressPercent));
        p.Add(Column(entries, h => h.Text));
        p.Add(Column(entries, h => h.DueDate));
        p.Add(Column(entries, h => h.Version));

        p.Add(Column(events, e => e.AssignmentId));
        p.Add(Column(events, e => e.Type));
        p.Add(Column(events, e => e.Version));
        p.Add(Column(events, e => e.Time));
        p.Add(Column(events, e => e.Facts));
        batch.BatchCommands.Add(write);

        await using var reader = await batch.ExecuteReaderAsync(ct);
        if (requestId is not null)
            await reader.NextResultAsync(ct);
        var versionNow = 0L;
        if (asRead is not null)
        {
            // The parent's row, locked: its version now says whether another change came between the read and this write.
            if (await reader.ReadAsync(ct))
                versionNow = reader.GetInt64(0);
            await reader.NextResultAsync(ct);
        }
        await reader.ReadAsync(ct);
        var stored = reader.GetInt64(0);
        if (stored > 0)
            return new Result(Outcome.Stored, versionNow);
        if (asRead is not null && versionNow != asRead.Version)
            return new Result(Outcome.ParentChanged, versionNow);
        return new Result(requestId is not null ? Outcome.RequestIdTaken : Outcome.ChildrenChanged, versionNow);
    }

    private static NpgsqlParameter<T[]> Column<TRow, T>(IReadOnlyList<TRow> rows, Func<TRow, T> value) =>
        new() { TypedValue = rows.Select(value).ToArray() };

    /// <summary>A jsonb column; no value is SQL NULL (not the JSON literal null), as EF writes it.</summary>
    private static NpgsqlParameter JsonColumn<TRow, T>(IReadOnlyList<TRow> rows, Func<TRow, T> value) => new()
    {
        Value = rows.Select(r => value(r) is { } v ? JsonSerializer.Serialize(v, JsonSerializerOptions.Web) : null).ToArray(),
        NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
    };
}
