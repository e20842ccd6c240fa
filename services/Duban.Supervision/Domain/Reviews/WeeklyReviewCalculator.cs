namespace Duban.Supervision.Domain.Reviews;

/// <summary>
/// Computes the weekly review (周调度) of a scope unit for one ISO week, as of an instant the caller picks
/// (the end of the week — Sunday 24:00 in the review's time zone — or now, for the current week).
/// <para>
/// The review covers every assignment led by a unit in the scope (the scope unit and its subtree, following
/// <see cref="ReviewUnit.ParentId"/>) that is not cancelled and was assigned by the as-of instant. Each unit is
/// counted on its own assignments only (LeadUnitId == unit); nothing rolls up from sub-units. Assignments
/// whose lead unit is outside the scope are ignored. Timing rules are those of <see cref="ReviewedAssignment"/>;
/// the week itself runs from Monday 00:00 to Sunday 24:00 in the review's time zone (default Asia/Shanghai).
/// "Within the week" means after the week's first instant and at or before the as-of instant, so with as-of at
/// Sunday 24:00 each item becomes newly overdue (or is completed) in exactly one weekly review: an item due on the
/// week's Sunday is due at that very instant and is newly overdue in this week's review, not next week's.
/// </para>
/// <para>
/// Output is deterministic: ties are broken by ordinal comparison of names (not culture-sensitive collation,
/// which differs between machines), then by id.
/// </para>
/// </summary>
public sealed class WeeklyReviewCalculator(LightRules? rules = null, string timeZone = ReviewClock.DefaultTimeZone)
{
    public LightRules Rules { get; } = rules ?? LightRules.Default;

    /// <summary>IANA id of the zone the week's boundaries are drawn in.</summary>
    public string TimeZone { get; } = timeZone;

    /// <param name="scopeUnitId">The unit whose subtree is reviewed; must be among <paramref name="units"/>.</param>
    /// <param name="week">The ISO week under review.</param>
    /// <param name="asOf">The instant the review describes: the week's end, or now for the current week.</param>
    /// <param name="units">The scope unit and its subtree (other units are ignored).</param>
    /// <param name="assignments">Assignments led by units in the scope.</param>
    /// <param name="previous">Last week's report for the same scope, to compute <see cref="WeeklyReviewReport.Change"/>; or null.</param>
    public WeeklyReviewReport Calculate(
        Guid scopeUnitId,
        IsoWeek week,
        DateTimeOffset asOf,
        IEnumerable<ReviewUnit> units,
        IEnumerable<ReviewedAssignment> assignments,
        WeeklyReviewReport? previous = null)
    {
        ArgumentNullException.ThrowIfNull(units);
        ArgumentNullException.ThrowIfNull(assignments);
        if (previous is not null && previous.ScopeUnitId != scopeUnitId)
            throw new ArgumentException("The previous report belongs to another scope unit.", nameof(previous));

        // The same instant always renders the same way, whatever offset the caller wrote it in.
        asOf = asOf.ToUniversalTime();
        var scope = ReviewScope.Of(scopeUnitId, units);
        var weekStart = ReviewClock.StartOfDay(week.Monday, TimeZone);
        var next = week.Next();
        var (nextMonday, nextSunday) = (next.Monday, next.Sunday);

        var asOfLocalDates = new Dictionary<string, int>(StringComparer.Ordinal);
        var tallies = new Dictionary<Guid, Tally>();
        var newlyOverdue = new List<ReviewItem>();
        var stillOverdue = new List<ReviewItem>();
        var completedThisWeek = new List<ReviewItem>();
        var dueNextWeek = new List<ReviewItem>();

        foreach (var a in assignments)
        {
            if (a.IsCancelled || a.AssignedAt > asOf || !scope.TryGetValue(a.LeadUnitId, out var unit))
                continue;
            if (!tallies.TryGetValue(unit.Id, out var tally))
                tallies.Add(unit.Id, tally = new Tally(unit));
            tally.Assigned++;

            if (a.IsCompletedAsOf(asOf))
            {
                if (a.IsCompletedOnTime())
                    tally.CompletedOnTime++;
                else
                    tally.CompletedLate++;
                if (a.UnitCompletionTime() is { } done && done > weekStart)
                    completedThisWeek.Add(Item(a, unit, a.CurrentDueDate(), a.DaysLate()));
                continue;
            }

            tally.Open++;
            if (a.CurrentDueDate() is not { } due)
                continue;
            var dueAt = ReviewClock.DueInstant(due, a.TimeZone);
            if (dueAt <= asOf)
            {
                if (!asOfLocalDates.TryGetValue(a.TimeZone, out var today))
                    asOfLocalDates.Add(a.TimeZone, today = ReviewClock.LocalDate(asOf, a.TimeZone).DayNumber);
                var days = Math.Max(0, today - due.DayNumber);
                tally.Overdue++;
                if (!a.HasAcceptedExplanationOrPending)
                    tally.OverdueWithoutExplanation++;
                tally.MaxDaysOverdue = Math.Max(tally.MaxDaysOverdue, days);
                (dueAt > weekStart ? newlyOverdue : stillOverdue).Add(Item(a, unit, due, days));
            }
            if (due >= nextMonday && due <= nextSunday)
            {
                tally.DueNextWeek++;
                tally.LowestProgressDueNextWeek = Math.Min(tally.LowestProgressDueNextWeek ?? int.MaxValue, a.ProgressPercent);
                dueNextWeek.Add(Item(a, unit, due, 0));
            }
        }

        var rows = tallies.Values
            .Select(t => new UnitReviewRow(t.Unit.Id, t.Unit.Name, t.ToCounts(), Rules.Evaluate(
                t.Overdue, t.OverdueWithoutExplanation, t.MaxDaysOverdue, t.LowestProgressDueNextWeek, t.OnTimeRate)))
            .OrderByDescending(r => r.Light)
            .ThenByDescending(r => r.Counts.Overdue)
            .ThenBy(r => r.UnitName, StringComparer.Ordinal)
            .ThenBy(r => r.UnitId)
            .ToList();

        var totals = Sum(rows.Select(r => r.Counts));
        var toExplain = rows
            .Where(r => r.Counts.OverdueWithoutExplanation > 0)
            .Select(r => new UnitToExplain(r.UnitId, r.UnitName, r.Counts.OverdueWithoutExplanation))
            .OrderByDescending(u => u.OverdueWithoutExplanation)
            .ThenBy(u => u.UnitName, StringComparer.Ordinal)
            .ThenBy(u => u.UnitId)
            .ToList();

        return new WeeklyReviewReport(
            scopeUnitId,
            week,
            week.Monday,
            week.Sunday,
            asOf,
            TimeZone,
            totals,
            rows,
            ByDaysOverdue(newlyOverdue),
            ByDaysOverdue(stillOverdue),
            completedThisWeek
                .OrderBy(i => i.UnitName, StringComparer.Ordinal).ThenBy(i => i.Title, StringComparer.Ordinal).ThenBy(i => i.AssignmentId)
                .ToList(),
            dueNextWeek
                .OrderBy(i => i.DueDate).ThenBy(i => i.UnitName, StringComparer.Ordinal)
                .ThenBy(i => i.Title, StringComparer.Ordinal).ThenBy(i => i.AssignmentId)
                .ToList(),
            toExplain,
            previous is null ? null : ChangeSincePrevious.Between(previous, totals, rows));
    }

    /// <summary>Completed on time ÷ completed × 100, one decimal, half away from zero; 100 when nothing is completed.</summary>
    public static decimal OnTimeRate(int completedOnTime, int completed) =>
        completed == 0 ? 100m : Math.Round(100m * completedOnTime / completed, 1, MidpointRounding.AwayFromZero);

    private static List<ReviewItem> ByDaysOverdue(List<ReviewItem> items) =>
        items
            .OrderByDescending(i => i.DaysOverdue)
            .ThenBy(i => i.UnitName, StringComparer.Ordinal)
            .ThenBy(i => i.DueDate)
            .ThenBy(i => i.Title, StringComparer.Ordinal)
            .ThenBy(i => i.AssignmentId)
            .ToList();

    private static ReviewItem Item(ReviewedAssignment a, ReviewUnit unit, DateOnly? due, int days) =>
        new(a.Id, a.Title, unit.Id, unit.Name, a.OwnerName, due, days, a.ProgressPercent, a.HasAcceptedExplanationOrPending);

    private static ReviewCounts Sum(IEnumerable<ReviewCounts> counts)
    {
        int assigned = 0, onTime = 0, late = 0, open = 0, dueNext = 0, overdue = 0, unexplained = 0;
        foreach (var c in counts)
        {
            assigned += c.Assigned;
            onTime += c.CompletedOnTime;
            late += c.CompletedLate;
            open += c.Open;
            dueNext += c.DueNextWeek;
            overdue += c.Overdue;
            unexplained += c.OverdueWithoutExplanation;
        }
        return new ReviewCounts(assigned, onTime, late, open, dueNext, overdue, unexplained, OnTimeRate(onTime, onTime + late));
    }

    private sealed class Tally(ReviewUnit unit)
    {
        public ReviewUnit Unit { get; } = unit;
        public int Assigned, CompletedOnTime, CompletedLate, Open, DueNextWeek, Overdue, OverdueWithoutExplanation, MaxDaysOverdue;
        public int? LowestProgressDueNextWeek;

        public decimal OnTimeRate => WeeklyReviewCalculator.OnTimeRate(CompletedOnTime, CompletedOnTime + CompletedLate);

        public ReviewCounts ToCounts() =>
            new(Assigned, CompletedOnTime, CompletedLate, Open, DueNextWeek, Overdue, OverdueWithoutExplanation, OnTimeRate);
    }
}

/// <summary>The scope unit and its subtree, by id.</summary>
public static class ReviewScope
{
    /// <summary>Throws <see cref="ArgumentException"/> when the scope unit is not among <paramref name="units"/>.</summary>
    public static Dictionary<Guid, ReviewUnit> Of(Guid scopeUnitId, IEnumerable<ReviewUnit> units)
    {
        var byId = new Dictionary<Guid, ReviewUnit>();
        var children = new Dictionary<Guid, List<Guid>>();
        foreach (var unit in units)
        {
            if (!byId.TryAdd(unit.Id, unit))
                throw new ArgumentException($"Unit {unit.Id} appears twice.", nameof(units));
            if (unit.ParentId is { } parent)
            {
                if (!children.TryGetValue(parent, out var list))
                    children.Add(parent, list = []);
                list.Add(unit.Id);
            }
        }
        if (!byId.TryGetValue(scopeUnitId, out var root))
            throw new ArgumentException($"The scope unit {scopeUnitId} is not among the units given.", nameof(units));

        var scope = new Dictionary<Guid, ReviewUnit> { [root.Id] = root };
        var pending = new Stack<Guid>();
        pending.Push(root.Id);
        while (pending.TryPop(out var id))
        {
            if (!children.TryGetValue(id, out var kids))
                continue;
            foreach (var kid in kids)
                if (scope.TryAdd(kid, byId[kid]))
                    pending.Push(kid);
        }
        return scope;
    }
}
