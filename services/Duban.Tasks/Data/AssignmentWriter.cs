using System.Text.Json;
using Duban.ServiceDefaults.Errors;
using Duban.Tasks.Domain;
using Duban.Tasks.Events;
using Npgsql;
using NpgsqlTypes;

namespace Duban.Tasks.Data;

/// <summary>
/// Writes one change of one assignment — its new state, the history entry and the feed event — as a single
/// statement: the UPDATE carries the version the change was made from, and the two INSERTs read from its
/// RETURNING, so a concurrent change (no row updated) stores nothing at all. This is the path every
/// confirmation, acceptance and report takes, so it skips EF Core's change tracking.
/// </summary>
public static class AssignmentWriter
{
    private const string Sql = """
        WITH changed AS (
            UPDATE assignments SET status = $3, progress_percent = $4, version = $5, update_time = $6,
                completion_requested_time = $7, completed_time = $8, pending_extension = $9::jsonb, deadline_kind = $10,
                due_date = $11, due_precision = $12, milestones = $13::jsonb, deadline_version = $14, child_count = $15,
                open_child_count = $16, completion_requested_by = $24
            WHERE id = $1 AND version = $2
            RETURNING id),
        history AS (
            INSERT INTO assignment_history (assignment_id, type, time, person_id, unit_id, status_after, progress_percent, text, links, due_date, version)
            SELECT id, $17, $6, $18, $19, $3, $4, $20, $21, $22, $5 FROM changed)
        INSERT INTO task_events (assignment_id, type, version, time, facts)
        SELECT id, $17, $5, $6, $23 FROM changed
        """;

    public static async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Assignment a, long readVersion,
        HistoryEntry entry, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(Sql, connection, transaction);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<Guid>{ TypedValue = a.Id });
        p.Add(new NpgsqlParameter<long> { TypedValue = readVersion });
        p.Add(new NpgsqlParameter<int> { TypedValue = (int)a.Status });
        p.Add(new NpgsqlParameter<int> { TypedValue = a.ProgressPercent });
        p.Add(new NpgsqlParameter<long> { TypedValue = a.Version });
        p.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = a.UpdateTime });
        p.Add(Nullable(a.CompletionRequestedTime, NpgsqlDbType.TimestampTz));
        p.Add(Nullable(a.CompletedTime, NpgsqlDbType.TimestampTz));
        p.Add(Json(a.PendingExtension));
        p.Add(new NpgsqlParameter<int> { TypedValue = (int)a.DeadlineKind });
        p.Add(Nullable(a.DueDate, NpgsqlDbType.Date));
        p.Add(Nullable<int>(a.DuePrecision is { } precision ? (int)precision : null, NpgsqlDbType.Integer));
        p.Add(Json(a.Milestones));
        p.Add(new NpgsqlParameter<int> { TypedValue = a.DeadlineVersion });
        p.Add(new NpgsqlParameter<int> { TypedValue = a.ChildCount });
        p.Add(new NpgsqlParameter<int> { TypedValue = a.OpenChildCount });
        p.Add(new NpgsqlParameter<string> { TypedValue = entry.Type });
        p.Add(Nullable(entry.PersonId, NpgsqlDbType.Uuid));
        p.Add(Nullable(entry.UnitId, NpgsqlDbType.Uuid));
        p.Add(new NpgsqlParameter<string> { TypedValue = entry.Text });
        p.Add(new NpgsqlParameter<string[]> { TypedValue = entry.Links });
        p.Add(Nullable(entry.DueDate, NpgsqlDbType.Date));
        p.Add(new NpgsqlParameter<byte[]> { TypedValue = EventFeed.Facts(a) });
        p.Add(Nullable(a.CompletionRequestedBy, NpgsqlDbType.Uuid));

        if (await command.ExecuteNonQueryAsync(ct) == 0)
            throw new StaleVersionException("assignment", a.Id.ToString(), readVersion, a.Version);
    }

    internal static NpgsqlParameter Nullable<T>(T? value, NpgsqlDbType type) where T : struct =>
        new() { Value = value is { } v ? v : DBNull.Value, NpgsqlDbType = type };

    /// <summary>A value as jsonb; no value is SQL NULL (not the JSON literal null), as EF writes it and the queries test it.</summary>
    private static NpgsqlParameter Json<T>(T value) =>
        new() { Value = value is null ? DBNull.Value : JsonSerializer.Serialize(value, JsonSerializerOptions.Web), NpgsqlDbType = NpgsqlDbType.Jsonb };
}
