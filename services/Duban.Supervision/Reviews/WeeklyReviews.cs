using Duban.ServiceDefaults.Data;
using Duban.ServiceDefaults.Errors;
using Duban.Supervision.Data;
using Duban.Supervision.Domain.Reviews;
using Duban.Units.Client;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Duban.Supervision.Reviews;

/// <summary>
/// 周调度: one frozen review per (scope unit, ISO week). A past week is frozen as of its end (Sunday 24:00 in
/// Asia/Shanghai); the current week as of the moment it is first run. Running it again — or twice at once —
/// returns the first review: the review is computed, then inserted only if none exists, then read back.
/// </summary>
public sealed class WeeklyReviews(SupervisionDb db, UnitsDirectory units, TimeProvider time)
{
    public async Task<WeeklyReviewSummary> RunAsync(string scopeUnitId, string weekText, CancellationToken ct)
    {
        var violations = new Violations().RequireId(scopeUnitId, "scope_unit_id");
        var now = time.GetStoredUtcNow();
        var current = IsoWeek.Containing(ReviewClock.LocalDate(now, ReviewClock.DefaultTimeZone));
        IsoWeek week = current;
        if (!string.IsNullOrWhiteSpace(weekText) && weekText.Trim() != "current" && !IsoWeek.TryParse(weekText.Trim(), out week))
            violations.Add("week", "must be an ISO week such as 2026-W47, or \"current\"");
        else if (week.CompareTo(current) > 0)
            violations.Add("week", $"{week} has not begun; the current week is {current}");
        violations.ThrowIfAny();

        var scopeId = Guid.Parse(scopeUnitId);
        if (await FindAsync(scopeId, week, ct) is { } existing)
            return existing;

        var scope = await units.FindUnitAsync(scopeId, ct) ?? throw new ValidationFailedException("scope_unit_id", $"no unit with id '{scopeUnitId}'");
        var subtree = await units.ListSubtreeAsync(scopeId, ct);
        var reviewUnits = subtree.Select(u => new ReviewUnit(Guid.Parse(u.Id), u.Name, u.ParentId.Length > 0 ? Guid.Parse(u.ParentId) : null))
            .Prepend(new ReviewUnit(scopeId, scope.Name, null)).ToList();
        var asOf = week.CompareTo(current) < 0 ? ReviewClock.StartOfDay(week.Sunday.AddDays(1), ReviewClock.DefaultTimeZone) : now;

        var assignments = await LoadAssignmentsAsync(reviewUnits.Select(u => u.Id).ToArray(), ct);
        var previous = await FindAsync(scopeId, week.Previous(), ct);
        var previousReport = previous is null ? null : BulletinRenderer.ReadJson(await ReportAsync(previous.Id, ct));
        var report = new WeeklyReviewCalculator().Calculate(scopeId, week, asOf, reviewUnits, assignments, previousReport);
        var totals = report.Totals;

        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO weekly_reviews (id, scope_unit_id, week, as_of, created_at, scope_name, report,
                                        assigned, overdue, completed_on_time, overdue_without_explanation)
            VALUES ({Guid.CreateVersion7()}, {scopeId}, {week.ToString()}, {asOf}, {now}, {scope.Name}, {BulletinRenderer.RenderJson(report)}::jsonb,
                    {totals.Assigned}, {totals.Overdue}, {totals.CompletedOnTime}, {totals.OverdueWithoutExplanation})
            ON CONFLICT (scope_unit_id, week) DO NOTHING
            """, ct);
        return await FindAsync(scopeId, week, ct) ?? throw new InvalidOperationException("the review was stored but cannot be read back");
    }

    public async Task<WeeklyReviewSummary> GetAsync(string id, CancellationToken ct)
    {
        var reviewId = Ids.Parse(id, "id");
        return await Summaries(db.WeeklyReviews.Where(r => r.Id == reviewId)).FirstOrDefaultAsync(ct) ?? throw new NotFoundException("weekly review", id);
    }

    /// <summary>The stored report (JSON), read only when it is exported.</summary>
    public async Task<string> ReportAsync(Guid id, CancellationToken ct) =>
        await db.WeeklyReviews.Where(r => r.Id == id).Select(r => r.Report).SingleAsync(ct);

    public IQueryable<WeeklyReviewRecord> Records => db.WeeklyReviews.AsNoTracking();

    /// <summary>Filter and order the records first: EF Core cannot translate conditions on the projected summary.</summary>
    public static IQueryable<WeeklyReviewSummary> Summaries(IQueryable<WeeklyReviewRecord> records) => records.Select(r => new WeeklyReviewSummary(
        r.Id, r.ScopeUnitId, r.Week, r.AsOf, r.CreatedAt, r.ScopeName, r.Assigned, r.Overdue, r.CompletedOnTime, r.OverdueWithoutExplanation));

    private Task<WeeklyReviewSummary?> FindAsync(Guid scopeId, IsoWeek week, CancellationToken ct)
    {
        var text = week.ToString();
        return Summaries(db.WeeklyReviews.AsNoTracking().Where(r => r.ScopeUnitId == scopeId && r.Week == text)).FirstOrDefaultAsync(ct);
    }

    /// <summary>The projection of every assignment led inside the scope, with what the review needs to know about explanations and urgings.</summary>
    public async Task<List<ReviewedAssignment>> LoadAssignmentsAsync(Guid[] unitIds, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = new NpgsqlCommand("""
                SELECT a.id, a.plan_id, a.lead_unit_id, a.title, a.owner_name, a.status, a.due_date, a.original_due_date, a.time_zone,
                       a.assigned_at, a.completion_requested_at, a.completed_at, a.progress_percent,
                       e.assignment_id IS NOT NULL, a.extension_approved_before_original_due, a.rejected_completions,
                       coalesce(u.urgings, 0), a.approved_extensions
                FROM assignments a
                LEFT JOIN (SELECT DISTINCT assignment_id FROM explanations WHERE status IN (1, 2)) e ON e.assignment_id = a.id
                LEFT JOIN (SELECT assignment_id, count(*)::int AS urgings FROM notices WHERE kind = 6 GROUP BY assignment_id) u ON u.assignment_id = a.id
                WHERE a.lead_unit_id = ANY($1)
                """, connection);
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = unitIds });
            var rows = new List<ReviewedAssignment>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                rows.Add(new ReviewedAssignment(reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3), reader.GetString(4),
                    (AssignmentState)reader.GetInt32(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateOnly>(6),
                    reader.IsDBNull(7) ? null : reader.GetFieldValue<DateOnly>(7), reader.GetString(8), reader.GetFieldValue<DateTimeOffset>(9),
                    reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10), reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11),
                    reader.GetInt32(12), reader.GetBoolean(13), reader.GetBoolean(14), reader.GetInt32(15), reader.GetInt32(16), reader.GetInt32(17)));
            return rows;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

}
