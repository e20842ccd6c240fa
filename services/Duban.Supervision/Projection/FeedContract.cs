using Duban.Deadlines;
using Duban.Supervision.Domain.Reviews;
using Contract = Duban.Contracts.Tasks.V1;

namespace Duban.Supervision.Projection;

/// <summary>The tasks feed's values in supervision's own terms.</summary>
public static class FeedContract
{
    public static AssignmentState ToState(Contract.AssignmentStatus status) => status switch
    {
        Contract.AssignmentStatus.Assigned => AssignmentState.Assigned,
        Contract.AssignmentStatus.Accepted => AssignmentState.Accepted,
        Contract.AssignmentStatus.InProgress => AssignmentState.InProgress,
        Contract.AssignmentStatus.CompletionRequested => AssignmentState.CompletionRequested,
        Contract.AssignmentStatus.Completed => AssignmentState.Completed,
        Contract.AssignmentStatus.Cancelled => AssignmentState.Cancelled,
        // A status this projection cannot place would be counted wrong everywhere: stop rather than guess.
        _ => throw new InvalidOperationException($"the feed carries an assignment status supervision does not know: {status}"),
    };

    /// <summary>The report rule as the shared <see cref="Recurrence"/>; null when there is none or its frequency is one this build does not know.</summary>
    public static Recurrence? ToRecurrence(Contract.RecurrenceRule? rule)
    {
        if (rule is null)
            return null;
        int? month = rule.MonthOfPeriod == 0 ? null : rule.MonthOfPeriod;
        int? day = rule.DayOfMonth == 0 ? null : rule.DayOfMonth;
        return rule.Frequency switch
        {
            Contract.RecurrenceFrequency.Weekly => Recurrence.Weekly(ToWeekday(rule.Weekday)),
            Contract.RecurrenceFrequency.Biweekly => Recurrence.Biweekly(ToDate(rule.FirstDueDate)
                ?? throw new InvalidOperationException("a fortnightly report rule without its first due date")),
            Contract.RecurrenceFrequency.Monthly => Recurrence.Monthly(day),
            Contract.RecurrenceFrequency.Quarterly => Recurrence.Quarterly(month, day),
            Contract.RecurrenceFrequency.HalfYearly => Recurrence.HalfYearly(month, day),
            Contract.RecurrenceFrequency.Yearly => Recurrence.Yearly(month, day),
            _ => null,
        };
    }

    public static DateOnly? ToDate(Google.Type.Date? date) =>
        date is null || date.Year == 0 ? null : new DateOnly(date.Year, date.Month, date.Day);

    /// <summary>google.type.DayOfWeek counts Monday 1 … Sunday 7.</summary>
    private static DayOfWeek ToWeekday(Google.Type.DayOfWeek day) => day switch
    {
        Google.Type.DayOfWeek.Unspecified => throw new InvalidOperationException("a weekly report rule without its weekday"),
        Google.Type.DayOfWeek.Sunday => DayOfWeek.Sunday,
        _ => (DayOfWeek)(int)day,
    };
}
