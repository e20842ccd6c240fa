namespace Duban.Supervision.Domain.Reviews;

/// <summary>A unit's light in the weekly review (亮灯).</summary>
public enum Light
{
    Green = 1,
    Yellow = 2,
    Red = 3,
}

/// <summary>
/// Thresholds for a unit's weekly light; configuration, with these defaults. The whole rule lives in
/// <see cref="Evaluate"/>:
/// <list type="bullet">
/// <item><b>Red</b> when any overdue item has no explanation (情况说明) filed
/// (<see cref="RedWhenOverdueWithoutExplanation"/>), or any item is at least <see cref="RedOverdueDays"/> days
/// overdue (30), or the on-time rate is below <see cref="RedOnTimeRateBelow"/> (60%).</item>
/// <item><b>Yellow</b>, otherwise, when any item is overdue (<see cref="YellowWhenAnyOverdue"/>), or an open item due
/// next week reports progress below <see cref="YellowDueNextWeekProgressBelow"/> (50%), or the on-time rate is
/// below <see cref="YellowOnTimeRateBelow"/> (85%).</item>
/// <item><b>Green</b> otherwise.</item>
/// </list>
/// The on-time rate is that of <see cref="ReviewCounts"/> (completed on time ÷ should be completed); when it is "—"
/// (nothing should be completed yet) its clauses do not apply, so such a unit is judged on its due-soon items alone.
/// Since every overdue item counts in the rate's denominator and none in its numerator, a unit with an overdue item
/// never shows 100%, and a red or yellow light for overdue work always stands beside a rate below 100%.
/// A threshold of 0 (or false) switches its clause off.
/// </summary>
public sealed record LightRules
{
    public static LightRules Default { get; } = new();

    public bool RedWhenOverdueWithoutExplanation { get; init; } = true;
    public int RedOverdueDays { get; init; } = 30;
    public decimal RedOnTimeRateBelow { get; init; } = 60m;

    public bool YellowWhenAnyOverdue { get; init; } = true;
    public int YellowDueNextWeekProgressBelow { get; init; } = 50;
    public decimal YellowOnTimeRateBelow { get; init; } = 85m;

    /// <param name="overdue">Items overdue as of the review instant.</param>
    /// <param name="overdueWithoutExplanation">Of those, items with no explanation filed.</param>
    /// <param name="maxDaysOverdue">The most days any item is overdue.</param>
    /// <param name="lowestProgressDueNextWeek">The lowest progress among open items due next week; null if none.</param>
    /// <param name="onTimeRate">The unit's on-time rate; null ("—") when nothing should be completed yet.</param>
    public Light Evaluate(int overdue, int overdueWithoutExplanation, int maxDaysOverdue, int? lowestProgressDueNextWeek, decimal? onTimeRate)
    {
        if ((RedWhenOverdueWithoutExplanation && overdueWithoutExplanation > 0)
            || (RedOverdueDays > 0 && maxDaysOverdue >= RedOverdueDays)
            || (onTimeRate is { } low && low < RedOnTimeRateBelow))
            return Light.Red;
        if ((YellowWhenAnyOverdue && overdue > 0)
            || (lowestProgressDueNextWeek is { } progress && progress < YellowDueNextWeekProgressBelow)
            || (onTimeRate is { } lagging && lagging < YellowOnTimeRateBelow))
            return Light.Yellow;
        return Light.Green;
    }
}
