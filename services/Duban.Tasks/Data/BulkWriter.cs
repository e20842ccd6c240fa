using System.Text.Json;
using Duban.Tasks.Domain;
using Duban.Tasks.Events;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Duban.Tasks.Data;

/// <summary>
/// Stores a whole imported plan in one transaction with binary COPY: its items, its assignments, their
/// first history entries and their feed events. Column lists follow the EF model (snake_case).
/// </summary>
public sealed class BulkWriter(TasksDb db)
{
    /// <summary>
    /// Stores the plan, unless a plan with its request id was stored first: imports with one request id queue on an
    /// advisory lock, and each later one returns the plan the first one committed, storing nothing.
    /// </summary>
    public async Task<Plan?> WritePlanAsync(Plan plan, IReadOnlyList<PlanItem> items, IReadOnlyList<Assignment> assignments, DateTimeOffset now,
        CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (plan.CreateRequestId is { } requestId)
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext('import_plan'), hashtext({requestId}))", ct);
            if (await db.Plans.AsNoTracking().FirstOrDefaultAsync(p => p.CreateRequestId == requestId, ct) is { } earlier)
                return earlier;
        }
        db.Plans.Add(plan);
        await db.SaveChangesAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();

        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY plan_items (id, plan_id, parent_id, kind, numbering, path_label, text, description, attributes, source_line, position, depth) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var item in items)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(item.Id, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(item.PlanId, NpgsqlDbType.Uuid, ct);
                await WriteNullableAsync(copy, item.ParentId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync((int)item.Kind, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(item.Numbering, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(item.PathLabel, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(item.Text, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(item.Description, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(JsonSerializer.Serialize(item.Attributes, JsonSerializerOptions.Web), NpgsqlDbType.Jsonb, ct);
                await copy.WriteAsync(item.SourceLine, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(item.Position, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(item.Depth, NpgsqlDbType.Integer, ct);
            }
            await copy.CompleteAsync(ct);
        }

        await using (var copy = await connection.BeginBinaryImportAsync("""
            COPY assignments (id, plan_id, item_id, parent_assignment_id, assigning_unit_id, lead_unit_id, co_unit_ids, lead_collective, owner_person_id,
                owner_name, title, deadline_kind, deadline_text, due_date, due_precision, milestones, original_due_date, deadline_version,
                deadline_context_date, target, source, status, progress_percent, version, time_zone, create_request_id, create_time,
                update_time, child_count, open_child_count) FROM STDIN (FORMAT BINARY)
            """, ct))
        {
            foreach (var a in assignments)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(a.Id, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(a.PlanId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(a.ItemId, NpgsqlDbType.Uuid, ct);
                await WriteNullableAsync(copy, a.ParentAssignmentId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(a.AssigningUnitId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(a.LeadUnitId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(a.CoUnitIds, NpgsqlDbType.Array | NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(a.LeadCollective, NpgsqlDbType.Varchar, ct);
                await WriteNullableAsync(copy, a.OwnerPersonId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(a.OwnerName, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(a.Title, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync((int)a.DeadlineKind, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(a.DeadlineText, NpgsqlDbType.Varchar, ct);
                await WriteNullableAsync(copy, a.DueDate, NpgsqlDbType.Date, ct);
                await WriteNullableAsync(copy, a.DuePrecision is { } p ? (int)p : (int?)null, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(JsonSerializer.Serialize(a.Milestones, JsonSerializerOptions.Web), NpgsqlDbType.Jsonb, ct);
                await WriteNullableAsync(copy, a.OriginalDueDate, NpgsqlDbType.Date, ct);
                await copy.WriteAsync(a.DeadlineVersion, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(a.DeadlineContextDate, NpgsqlDbType.Date, ct);
                await copy.WriteAsync(JsonSerializer.Serialize(a.Target, JsonSerializerOptions.Web), NpgsqlDbType.Jsonb, ct);
                await copy.WriteAsync(a.Source, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync((int)a.Status, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(a.ProgressPercent, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(a.Version, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(a.TimeZone, NpgsqlDbType.Varchar, ct);
                await WriteNullableAsync(copy, a.CreateRequestId, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(a.CreateTime, NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(a.UpdateTime, NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(a.ChildCount, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(a.OpenChildCount, NpgsqlDbType.Integer, ct);
            }
            await copy.CompleteAsync(ct);
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY assignment_history (assignment_id, type, time, status_after, progress_percent, text, links, due_date, version) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var a in assignments)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(a.Id, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(HistoryTypes.Assigned, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync((int)a.Status, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(0, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(plan.Title, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(Array.Empty<string>(), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
                await WriteNullableAsync(copy, a.DueDate, NpgsqlDbType.Date, ct);
                await copy.WriteAsync(a.Version, NpgsqlDbType.Bigint, ct);
            }
            await copy.CompleteAsync(ct);
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY task_events (assignment_id, type, version, time, facts) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var a in assignments)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(a.Id, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(HistoryTypes.Assigned, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(a.Version, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(EventFeed.Facts(a), NpgsqlDbType.Bytea, ct);
            }
            await copy.CompleteAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return null;
    }

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type, CancellationToken ct) where T : struct =>
        value is { } v ? copy.WriteAsync(v, type, ct) : copy.WriteNullAsync(ct);

    private static Task WriteNullableAsync(NpgsqlBinaryImporter copy, string? value, NpgsqlDbType type, CancellationToken ct) =>
        value is not null ? copy.WriteAsync(value, type, ct) : copy.WriteNullAsync(ct);
}
