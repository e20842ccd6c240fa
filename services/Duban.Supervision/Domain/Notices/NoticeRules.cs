namespace Duban.Supervision.Domain.Notices;

/// <summary>When notices are raised. Defaults apply to every plan; a plan may override them (Scan:Plans:{planId}).</summary>
public sealed class NoticeRules
{
    /// <summary>DUE_SOON this many days (of 24 hours) before the deadline (a yellow light).</summary>
    public int DueSoonDays { get; set; } = 3;
    /// <summary>
    /// ESCALATED level n once the days overdue exceed the n-th entry: level 1 to the assigning (parent) unit, level 2
    /// and up for the office's bulletin. Ascending; empty means [3, 7]. (Not a default value of the property: the
    /// configuration binder appends to an array it finds, so [3, 7] configured would become [3, 7, 3, 7].)
    /// </summary>
    public int[] EscalationDays { get; set; } = [];

    public static IReadOnlyList<int> DefaultEscalationDays { get; } = [3, 7];

    /// <summary>The thresholds in force.</summary>
    public IReadOnlyList<int> Escalations => EscalationDays.Length > 0 ? EscalationDays : DefaultEscalationDays;
    /// <summary>BEHIND_SCHEDULE when progress lags the time elapsed (序时进度) by more than these points: level 0 yellow, level 1 red.</summary>
    public int BehindScheduleYellowPoints { get; set; } = 10;
    public int BehindScheduleRedPoints { get; set; } = 30;

    public IEnumerable<string> Problems()
    {
        if (DueSoonDays < 0)
            yield return "DueSoonDays must not be negative";
        if (Escalations.Any(d => d <= 0) || Escalations.Zip(Escalations.Skip(1)).Any(p => p.First >= p.Second))
            yield return "EscalationDays must be positive and ascending";
    }

    /// <summary>The escalation level <paramref name="daysOverdue"/> earns: how many thresholds it exceeds (0: plain OVERDUE).</summary>
    public int EscalationLevel(int daysOverdue) => Escalations.Count(d => daysOverdue > d);
}
