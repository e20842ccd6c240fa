using Duban.ServiceDefaults.Data;
using Duban.ServiceDefaults.Errors;
using Duban.ServiceDefaults.Memory;
using Duban.Supervision.Data;
using Duban.Supervision.Domain.Reviews;
using Duban.Units.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Duban.Supervision.Reviews;

/// <summary>
/// 周调度: revisions of the review of (scope unit, ISO week), numbered from 1; each stays retrievable by its id.
/// <list type="bullet">
/// <item><b>The current week is live.</b> Running it computes the report as of now; when its content — every number and
/// every listed item, apart from the as-of instant (<see cref="BulletinRenderer.ContentHash"/>) — equals the latest
/// revision's, that revision is returned, else a new one is stored. So a scheduler calling twice gets one revision, and a
/// verification, an explanation, a new assignment or a deadline passing since the last run gives a fresh one.</item>
/// <item><b>A past week is frozen once.</b> The first run after its end stores a final revision as of Sunday 24:00 in
/// Asia/Shanghai (whatever revisions it had during the week); every later run returns that one.</item>
/// </list>
/// <para>
/// A revision is computed and stored in one transaction holding an advisory lock on (scope, week): a second trigger
/// waits for the first one's commit, then finds its revision and stores nothing unless the content changed again. The
/// as-of instant is read after the lock, so revisions' instants grow with their numbers. The unique (scope, week,
/// revision) index refuses a second row for the same revision anyway.
/// </para>
/// <para>
/// The assignments are streamed from the projection through <see cref="WeeklyReviewBuilder"/>, so memory holds the
/// tallies and the listed items only; the report (units, totals, change) is stored as JSON and its four lists beside it
/// as one compressed value (<see cref="StoredReviewLists"/>).
/// </para>
/// </summary>
public sealed class WeeklyReviews(SupervisionDb db, UnitsDirectory units, TimeProvider time, IOptions<BulletinLimits> limits, MemoryReclaimer memory)
{
    // A review of this many assignments leaves enough garbage to be worth giving back (see MemoryReclaimer).
    private const int LargeReview = 100_000;
    // An export of this many items renders documents of several megabytes (see MemoryReclaimer).
    private const int LargeExport = 20_000;

    public async Task<WeeklyReviewSummary> RunAsync(string scopeUnitId, string weekText, CancellationToken ct)
    {
        var violations = new Violations().RequireId(scopeUnitId, "scope_unit_id");
        var current = CurrentWeek();
        var week = current;
        if (!string.IsNullOrWhiteSpace(weekText) && weekText.Trim() != "current" && !IsoWeek.TryParse(weekText.Trim(), out week))
            violations.Add("week", "must be an ISO week such as 2026-W47, or \"current\"");
        else if (week.CompareTo(current) > 0)
            violations.Add("week", $"{week} has not begun; the current week is {current}");
        violations.ThrowIfAny();

        var scopeId = Guid.Parse(scopeUnitId);
        // A past week's final revision never changes: no need to queue for the lock.
        if (await LatestAsync(scopeId, week, ct) is { Final: true } frozen)
            return frozen;

        var scope = await units.FindUnitAsync(scopeId, ct) ?? throw new ValidationFailedException("scope_unit_id", $"no unit with id '{scopeUnitId}'");
        var subtree = await units.ListSubtreeOutlineAsync(scopeId, includeArchived: false, ct);
        var reviewUnits = subtree.Select(u => new ReviewUnit(Guid.Parse(u.Id), u.Name, u.ParentId.Length > 0 ? Guid.Parse(u.ParentId) : null))
            .Prepend(new ReviewUnit(scopeId, scope.Name, null)).ToList();

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.WithoutJitAsync(ct);
        // Triggers of the same review queue here; the unique (scope, week, revision) index stays the guarantee.
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"SELECT pg_advisory_xact_lock(hashtext('weekly_review'), hashtext({scopeId.ToString() + week}))", ct);
        var latest = await LatestAsync(scopeId, week, ct);
        if (latest is { Final: true })
            return latest;
        var now = time.GetStoredUtcNow();
        var end = week.End(ReviewClock.DefaultTimeZone);
        var final = now >= end;
        var asOf = final ? end : now;

        var review = new WeeklyReviewCalculator().Begin(scopeId, week, asOf, reviewUnits);
        await FeedReviewAsync(reviewUnits.Select(u => u.Id).ToArray(), review, asOf, ct);
        var previous = await LatestAsync(scopeId, week.Previous(), ct);
        var report = review.Build(previous is null ? null : BulletinRenderer.ReadJson(await ReportJsonAsync(previous.Id, ct)));

        // Only the current week's revisions are ever compared; a final one is never replaced, so it needs no hash.
        var hash = final ? null : BulletinRenderer.ContentHash(report);
        if (latest is not null && hash is not null && hash == await db.WeeklyReviews.Where(r => r.Id == latest.Id).Select(r => r.ContentHash).SingleAsync(ct))
            return latest;

        var reviewId = Guid.CreateVersion7();
        var revision = (latest?.Revision ?? 0) + 1;
        var totals = report.Totals;
        // The lists are encoded on another core while the report renders: both are CPU alone, and the database waits.
        var encodingLists = Task.Run(() => StoredReviewLists.Write(ReviewLists.Of(report)), ct);
        var reportJson = BulletinRenderer.RenderStoredJson(WithoutLists(report));
        var lists = await encodingLists;
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO weekly_reviews (id, scope_unit_id, week, revision, as_of, content_hash, created_at, scope_name, report, lists,
                                        assigned, overdue, completed_on_time, overdue_without_explanation)
            VALUES ({reviewId}, {scopeId}, {week.ToString()}, {revision}, {asOf}, {hash}, {now}, {scope.Name},
                    {reportJson}::json, {lists},
                    {totals.Assigned}, {totals.Overdue}, {totals.CompletedOnTime}, {totals.OverdueWithoutExplanation})
            """, ct);
        await transaction.CommitAsync(ct);
        if (totals.Assigned >= LargeReview)
            memory.AfterLargeRequest();
        return await Summaries(db.WeeklyReviews.AsNoTracking().Where(r => r.Id == reviewId)).SingleAsync(ct);
    }

    /// <summary>The ISO week containing now in Asia/Shanghai, the zone reviews are drawn in.</summary>
    public IsoWeek CurrentWeek() => IsoWeek.Containing(ReviewClock.LocalDate(time.GetUtcNow(), ReviewClock.DefaultTimeZone));

    public async Task<WeeklyReviewSummary> GetAsync(string id, CancellationToken ct)
    {
        var reviewId = Ids.Parse(id, "id");
        return await Summaries(db.WeeklyReviews.Where(r => r.Id == reviewId)).FirstOrDefaultAsync(ct) ?? throw new NotFoundException("weekly review", id);
    }

    /// <summary>The whole stored report, every list in full (for CSV and JSON).</summary>
    public async Task<WeeklyReviewReport> ReportAsync(Guid id, CancellationToken ct)
    {
        var (report, stored) = await StoredAsync(id, ct);
        var lists = StoredReviewLists.Read(stored);
        if (lists.Count >= LargeExport)
            memory.AfterLargeRequest();
        return lists.Into(report);
    }

    /// <summary>
    /// The report with its lists cut to what a bulletin names (<see cref="BulletinLimits"/>): the overdue items of the
    /// worst units, the first completions and next week's first deadlines; with the full size of each list.
    /// </summary>
    public async Task<(WeeklyReviewReport Report, ReviewListSizes Sizes)> BulletinExcerptAsync(Guid id, CancellationToken ct)
    {
        var (report, stored) = await StoredAsync(id, ct);
        var bounds = limits.Value;
        var listedUnits = report.Units.Where(u => u.Counts.Overdue > 0).Take(bounds.UnitsWithOverdueListed).Select(u => u.UnitId).ToHashSet();
        // Only what the bulletin can name is decoded: the overdue items (lists 0 and 1) of the units it lists, the first
        // items of the other two.
        var (lists, sizes) = StoredReviewLists.Read(stored, (list, position, unit) => list <= 1 ? listedUnits.Contains(unit) : position < bounds.ItemsPerList);

        // Within a unit, an overdue item's place follows days overdue, then due date; its place in the lists breaks ties.
        // The items kept stay in their lists' order.
        var overdue = lists.NewlyOverdue.Select((item, position) => (Item: item, List: 0, Position: position))
            .Concat(lists.StillOverdue.Select((item, position) => (Item: item, List: 1, Position: position)))
            .GroupBy(entry => entry.Item.UnitId)
            .SelectMany(unit => unit.OrderByDescending(e => e.Item.DaysOverdue).ThenBy(e => e.Item.DueDate ?? DateOnly.MaxValue)
                .ThenBy(e => e.List).ThenBy(e => e.Position).Take(bounds.OverdueItemsPerUnit))
            .OrderBy(entry => entry.List).ThenBy(entry => entry.Position)
            .ToLookup(entry => entry.List, entry => entry.Item);
        var excerpt = new ReviewLists(overdue[0].ToList(), overdue[1].ToList(), lists.CompletedThisWeek, lists.DueNextWeek);
        return (excerpt.Into(report), sizes);
    }

    public IQueryable<WeeklyReviewRecord> Records => db.WeeklyReviews.AsNoTracking();

    /// <summary>Filter and order the records first: EF Core cannot translate conditions on the projected summary.</summary>
    public static IQueryable<WeeklyReviewSummary> Summaries(IQueryable<WeeklyReviewRecord> records) => records.Select(r => new WeeklyReviewSummary(
        r.Id, r.ScopeUnitId, r.Week, r.Revision, r.AsOf, r.CreatedAt, r.ScopeName, r.Assigned, r.Overdue, r.CompletedOnTime, r.OverdueWithoutExplanation));

    /// <summary>
    /// Hands every assignment led inside the scope, as the projection holds it, to <paramref name="add"/> (for
    /// assessments: with urgings, without titles), read as one statement (one snapshot) without holding them.
    /// </summary>
    public async Task StreamAssignmentsAsync(Guid[] unitIds, Action<ReviewedAssignment> add, CancellationToken ct)
    {
        await ReadAsync($"""
            SELECT {AssignmentColumns}, coalesce(u.urgings, 0), NULL, NULL, 0
            FROM assignments a
            LEFT JOIN (SELECT DISTINCT assignment_id FROM explanations WHERE status IN (1, 2)) e ON e.assignment_id = a.id
            LEFT JOIN (SELECT assignment_id, count(*)::int AS urgings FROM notices WHERE kind = 6 GROUP BY assignment_id) u ON u.assignment_id = a.id
            WHERE a.lead_unit_id = ANY($1)
            """, [new NpgsqlParameter<Guid[]> { TypedValue = unitIds }], (assignment, _) => add(assignment!), ct);
    }

    /// <summary>
    /// Feeds the review every assignment led inside the scope, in one statement (one snapshot). Those that are not simply
    /// open — closed, assigned after the as-of instant, or with a due or original date before next week is out — come one
    /// by one, with a title and owner only when they may be listed (due by next week's end, or verified within the week).
    /// The many others are counted: the statement gives each unit's count of open assignments
    /// (<see cref="WeeklyReviewBuilder.CountOpen"/>) as the projection's triggers keep it in <c>open_assignments_by_unit</c>
    /// (see the migration <c>OpenAssignmentsCountedByUnit</c>), read in the same snapshot as the rows, so the table is
    /// passed over once; the builder takes out those it was given one by one.
    /// </summary>
    private async Task FeedReviewAsync(Guid[] unitIds, WeeklyReviewBuilder review, DateTimeOffset asOf, CancellationToken ct)
    {
        // least() skips nulls: neither the current nor the counting deadline (each the due or the original date) lies
        // before next week is out, so the item is in no list and not yet in the on-time rate.
        const string simplyOpen = """
            a.status IN (1, 2, 3) AND a.assigned_at <= $3
            AND (least(a.due_date, a.original_due_date) IS NULL OR least(a.due_date, a.original_due_date) > $2)
            """;
        await ReadAsync($"""
            SELECT {AssignmentColumns}, 0,
                   CASE WHEN coalesce(a.due_date, a.original_due_date) <= $2 OR a.completed_at > $4 THEN a.title END,
                   CASE WHEN coalesce(a.due_date, a.original_due_date) <= $2 OR a.completed_at > $4 THEN a.owner_name END,
                   0
            FROM assignments a
            LEFT JOIN (SELECT DISTINCT assignment_id FROM explanations WHERE status IN (1, 2)) e ON e.assignment_id = a.id
            WHERE a.lead_unit_id = ANY($1) AND NOT ({simplyOpen})
            UNION ALL
            SELECT NULL, NULL, c.lead_unit_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, c.open_count
            FROM open_assignments_by_unit c
            WHERE c.lead_unit_id = ANY($1)
            """,
            [
                new NpgsqlParameter<Guid[]> { TypedValue = unitIds },
                new NpgsqlParameter<DateOnly> { TypedValue = review.LastListedDueDate },
                new NpgsqlParameter<DateTimeOffset> { TypedValue = asOf },
                new NpgsqlParameter<DateTimeOffset> { TypedValue = review.WeekStart },
            ],
            (assignment, counted) =>
            {
                if (assignment is not null)
                    review.Add(assignment);
                else
                    review.CountOpen(counted.UnitId, counted.Count);
            }, ct);
    }

    // The projection's columns a ReviewedAssignment is made of, in the order ReadAsync reads them.
    private const string AssignmentColumns = """
        a.id, a.plan_id, a.lead_unit_id, a.status, a.due_date, a.original_due_date, a.time_zone,
        a.assigned_at, a.completion_requested_at, a.completed_at, a.progress_percent,
        e.assignment_id IS NOT NULL, a.extension_approved_before_original_due, a.rejected_completions, a.approved_extensions
        """;

    /// <summary>
    /// Runs <paramref name="sql"/> (<see cref="AssignmentColumns"/>, urgings, title, owner, count) and hands each row on:
    /// an assignment, or — where the id is null — a count of assignments of one unit.
    /// </summary>
    private async Task ReadAsync(string sql, NpgsqlParameter[] parameters, Action<ReviewedAssignment?, (Guid UnitId, int Count)> row, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddRange(parameters);
            // Nearly every assignment carries the same zone: one string for all of them, not one per row.
            var zones = new Dictionary<string, string>(StringComparer.Ordinal);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                if (reader.IsDBNull(0))
                {
                    row(null, (reader.GetGuid(2), reader.GetInt32(18)));
                    continue;
                }
                var zone = reader.GetString(6);
                if (!zones.TryGetValue(zone, out var shared))
                    zones.Add(zone, shared = zone);
                row(new ReviewedAssignment(reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2),
                    reader.IsDBNull(16) ? "" : reader.GetString(16), reader.IsDBNull(17) ? "" : reader.GetString(17),
                    (AssignmentState)reader.GetInt32(3), reader.IsDBNull(4) ? null : reader.GetFieldValue<DateOnly>(4),
                    reader.IsDBNull(5) ? null : reader.GetFieldValue<DateOnly>(5), shared, reader.GetFieldValue<DateTimeOffset>(7),
                    reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8), reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9),
                    reader.GetInt32(10), reader.GetBoolean(11), reader.GetBoolean(12), reader.GetInt32(13), reader.GetInt32(15), reader.GetInt32(14)),
                    default);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The highest revision of (scope, week), or null when the week was never run.</summary>
    private Task<WeeklyReviewSummary?> LatestAsync(Guid scopeId, IsoWeek week, CancellationToken ct)
    {
        var text = week.ToString();
        return Summaries(db.WeeklyReviews.AsNoTracking().Where(r => r.ScopeUnitId == scopeId && r.Week == text).OrderByDescending(r => r.Revision))
            .FirstOrDefaultAsync(ct);
    }

    private async Task<string> ReportJsonAsync(Guid id, CancellationToken ct) =>
        await db.WeeklyReviews.Where(r => r.Id == id).Select(r => r.Report).SingleAsync(ct);

    /// <summary>A stored review's report (its lists empty) and its lists as stored (<see cref="StoredReviewLists"/>).</summary>
    private async Task<(WeeklyReviewReport Report, byte[] Lists)> StoredAsync(Guid id, CancellationToken ct)
    {
        var stored = await db.WeeklyReviews.Where(r => r.Id == id).Select(r => new { r.Report, r.Lists }).SingleAsync(ct);
        return (BulletinRenderer.ReadJson(stored.Report), stored.Lists);
    }

    private static WeeklyReviewReport WithoutLists(WeeklyReviewReport report) =>
        report with { NewlyOverdue = [], StillOverdue = [], CompletedThisWeek = [], DueNextWeek = [] };
}
