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
        ArgumentNullException.ThrowIfNull(assignments);
        var review = Begin(scopeUnitId, week, asOf, units);
        foreach (var a in assignments)
            review.Add(a);
        return review.Build(previous);
    }

    /// <summary>
    /// Starts a review that takes its assignments one at a time, so a large scope can be streamed from the database
    /// without holding every assignment: only the tallies and the listed items are kept.
    /// </summary>
    public WeeklyReviewBuilder Begin(Guid scopeUnitId, IsoWeek week, DateTimeOffset asOf, IEnumerable<ReviewUnit> units)
    {
        ArgumentNullException.ThrowIfNull(units);
        return new WeeklyReviewBuilder(this, scopeUnitId, week, asOf, ReviewScope.Of(scopeUnitId, units));
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
