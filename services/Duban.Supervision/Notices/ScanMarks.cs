using Duban.Supervision.Data;
using Duban.Supervision.Domain.Notices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Duban.Supervision.Notices;

/// <summary>The projection's side of <see cref="ScanMark"/>: a changed row is read by the next scan.</summary>
public static class ScanMarks
{
    /// <summary>Marks <paramref name="versions"/> (assignment id → version written) changed, in one statement.</summary>
    public static async Task MarkChangedAsync(SupervisionDb db, IReadOnlyDictionary<Guid, long> versions, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            INSERT INTO scan_marks (assignment_id, version, next_scan_at)
            SELECT id, version, {ScanSchedule.ChangedSql} FROM unnest($1::uuid[], $2::bigint[]) AS c(id, version)
            ON CONFLICT (assignment_id) DO UPDATE SET version = EXCLUDED.version, next_scan_at = EXCLUDED.next_scan_at
            """, (NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction());
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = versions.Keys.ToArray() });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = versions.Values.ToArray() });
        await command.ExecuteNonQueryAsync(ct);
    }
}
