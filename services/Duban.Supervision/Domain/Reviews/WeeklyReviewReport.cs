namespace Duban.Supervision.Domain.Reviews;

/// <summary>
/// The weekly review (周调度) of a scope unit for one ISO week, as of one instant. Every list has a stable order,
/// so the same input always yields the same report.
/// <list type="bullet">
/// <item><c>Units</c>: units with assignments of their own, worst first: red, yellow, green; then overdue desc; then name.</item>
/// <item><c>NewlyOverdue</c>: became overdue within the week (due instant after the week's first instant, at or before the
/// as-of instant); days overdue desc, then unit, due date, title.</item>
/// <item><c>StillOverdue</c>: already overdue when the week started, and still open; same order.</item>
/// <item><c>CompletedThisWeek</c>: completed by the unit within the week (unit completion time after the week's first instant, at or
/// before the as-of instant); by unit, then title.</item>
/// <item><c>DueNextWeek</c>: open, with the current due date in next week's Monday–Sunday; by due date, unit, title.</item>
/// <item><c>UnitsToExplain</c>: units that neither completed nor explained — they hold overdue items with no 情况说明 and
/// must explain at the next meeting; most such items first.</item>
/// <item><c>Change</c>: deltas against the previous week's report; null when none was given.</item>
/// </list>
/// </summary>
public sealed record WeeklyReviewReport(
    Guid ScopeUnitId,
    IsoWeek Week,
    DateOnly WeekStart,
    DateOnly WeekEnd,
    DateTimeOffset AsOf,
    string TimeZone,
    ReviewCounts Totals,
    IReadOnlyList<UnitReviewRow> Units,
    IReadOnlyList<ReviewItem> NewlyOverdue,
    IReadOnlyList<ReviewItem> StillOverdue,
    IReadOnlyList<ReviewItem> CompletedThisWeek,
    IReadOnlyList<ReviewItem> DueNextWeek,
    IReadOnlyList<UnitToExplain> UnitsToExplain,
    ChangeSincePrevious? Change);

/// <summary>
/// Counts for one unit or the whole scope, as of the report's instant (the rules are those of <see cref="ReviewedAssignment"/>):
/// <list type="bullet">
/// <item><c>Assigned</c> (交办): not cancelled and assigned by the as-of instant;
/// Assigned = CompletedOnTime + CompletedLate + AwaitingVerification + Open.</item>
/// <item><c>CompletedOnTime</c>/<c>CompletedLate</c> (按时完成/逾期完成): verified by the office, judged on the unit's own
/// completion time against the counting deadline. <see cref="Completed"/> (已完成) is their sum.</item>
/// <item><c>AwaitingVerification</c> (待核验): claimed by the lead, not yet verified; never completed, never overdue.</item>
/// <item><c>Open</c> (未完成), of which <c>Overdue</c> (逾期: current deadline passed) and <c>OverdueWithoutExplanation</c>
/// (no 情况说明 filed); <c>DueNextWeek</c> (下周到期): open with the current deadline in next week.</item>
/// <item><c>ShouldBeCompleted</c> (应完成): completed, or a counting or current deadline has passed — the on-time rate's denominator.</item>
/// <item><c>OnTimeRate</c> (按时完成率) = CompletedOnTime ÷ ShouldBeCompleted × 100, one decimal, half away from zero;
/// null ("—") when ShouldBeCompleted is 0.</item>
/// </list>
/// A totals row is the sum of the units' counts, with its rate computed from the sums by <see cref="OnTimeRateOf"/>,
/// exactly as each unit's.
/// </summary>
public sealed record ReviewCounts(
    int Assigned,
    int CompletedOnTime,
    int CompletedLate,
    int AwaitingVerification,
    int Open,
    int DueNextWeek,
    int Overdue,
    int OverdueWithoutExplanation,
    int ShouldBeCompleted,
    decimal? OnTimeRate)
{
    public int Completed => CompletedOnTime + CompletedLate;

    /// <summary>Completed on time ÷ should be completed × 100, one decimal, half away from zero; null when nothing counts.</summary>
    public static decimal? OnTimeRateOf(int completedOnTime, int shouldBeCompleted) =>
        shouldBeCompleted == 0 ? null : Math.Round(100m * completedOnTime / shouldBeCompleted, 1, MidpointRounding.AwayFromZero);

    /// <summary>The counts summed, the rate computed from the sums.</summary>
    public static ReviewCounts Sum(IEnumerable<ReviewCounts> counts)
    {
        int assigned = 0, onTime = 0, late = 0, awaiting = 0, open = 0, dueNext = 0, overdue = 0, unexplained = 0, shouldBe = 0;
        foreach (var c in counts)
        {
            assigned += c.Assigned;
            onTime += c.CompletedOnTime;
            late += c.CompletedLate;
            awaiting += c.AwaitingVerification;
            open += c.Open;
            dueNext += c.DueNextWeek;
            overdue += c.Overdue;
            unexplained += c.OverdueWithoutExplanation;
            shouldBe += c.ShouldBeCompleted;
        }
        return new ReviewCounts(assigned, onTime, late, awaiting, open, dueNext, overdue, unexplained, shouldBe, OnTimeRateOf(onTime, shouldBe));
    }
}

public sealed record UnitReviewRow(Guid UnitId, string UnitName, ReviewCounts Counts, Light Light);

/// <summary>One named item in a bulletin list. DaysOverdue is days past the current deadline for open items,
/// days late against the counting deadline for completed ones (0 when on time).</summary>
public sealed record ReviewItem(
    Guid AssignmentId,
    string Title,
    Guid UnitId,
    string UnitName,
    string OwnerName,
    DateOnly? DueDate,
    int DaysOverdue,
    int ProgressPercent,
    bool HasExplanation);

public sealed record UnitToExplain(Guid UnitId, string UnitName, int OverdueWithoutExplanation);

/// <summary>
/// Change against last week: positive OverdueDelta = more overdue; positive OnTimeRateDelta = better (percentage points),
/// null when either week has no rate ("—").
/// Units lists every unit in either report, ordered by name then id.
/// </summary>
public sealed record ChangeSincePrevious(
    IsoWeek PreviousWeek,
    int OverdueDelta,
    decimal? OnTimeRateDelta,
    IReadOnlyList<UnitChange> Units)
{
    /// <summary>
    /// Compares two reports. A unit missing from one side counts there as 0 overdue; its rate delta is null
    /// because there is no rate to compare with.
    /// </summary>
    public static ChangeSincePrevious Between(WeeklyReviewReport previous, ReviewCounts currentTotals, IReadOnlyList<UnitReviewRow> currentUnits)
    {
        var before = previous.Units.ToDictionary(u => u.UnitId);
        var now = currentUnits.ToDictionary(u => u.UnitId);
        var units = before.Keys.Union(now.Keys)
            .Select(id =>
            {
                before.TryGetValue(id, out var b);
                now.TryGetValue(id, out var n);
                return new UnitChange(
                    id,
                    (n ?? b)!.UnitName,
                    (n?.Counts.Overdue ?? 0) - (b?.Counts.Overdue ?? 0),
                    n is not null && b is not null ? n.Counts.OnTimeRate - b.Counts.OnTimeRate : null,
                    b?.Light,
                    n?.Light);
            })
            .OrderBy(u => u.UnitName, StringComparer.Ordinal)
            .ThenBy(u => u.UnitId)
            .ToList();
        return new ChangeSincePrevious(
            previous.Week,
            currentTotals.Overdue - previous.Totals.Overdue,
            currentTotals.OnTimeRate - previous.Totals.OnTimeRate,
            units);
    }
}

public sealed record UnitChange(
    Guid UnitId,
    string UnitName,
    int OverdueDelta,
    decimal? OnTimeRateDelta,
    Light? PreviousLight,
    Light? CurrentLight);
