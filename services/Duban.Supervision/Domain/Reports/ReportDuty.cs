using Duban.Deadlines;

namespace Duban.Supervision.Domain.Reports;

/// <summary>
/// When a standing report duty (每月28日前, 长期坚持 with a cadence) next owes a report, from its rule and local
/// calendar days in the assignment's time zone. The rule is the tasks service's own (<see cref="Recurrence"/>).
/// </summary>
public static class ReportDuty
{
    /// <summary>The first report due on or after <paramref name="day"/>: what a duty owes from the day it is assigned.</summary>
    public static DateOnly FirstDue(Recurrence rule, DateOnly day) => rule.NextDueDates(day.AddDays(-1), 1)[0];

    /// <summary>
    /// A report filed on <paramref name="day"/> satisfies the first one due on or after that day; the one after
    /// it is then due. Filing on the due date itself still counts for that date.
    /// </summary>
    public static DateOnly DueAfterReportOn(Recurrence rule, DateOnly day) => rule.NextDueDates(day.AddDays(-1), 2)[1];
}
