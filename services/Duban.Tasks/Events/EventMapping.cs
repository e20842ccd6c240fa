using Duban.Tasks.Domain;
using Duban.Tasks.Domain.Deadlines;
using Duban.Tasks.Grpc;
using Google.Protobuf.WellKnownTypes;
using Contract = Duban.Contracts.Tasks.V1;

namespace Duban.Tasks.Events;

/// <summary>
/// The feed's contract, mapped from the domain: what an assignment is after a change, with its report duty as a
/// rule rather than as dates computed for the day the event was written. The API's Assignment view is not used
/// here, so the API may change its view without changing what followers read.
/// </summary>
public static class EventMapping
{
    private static readonly Dictionary<string, Contract.AssignmentEventType> Types = new()
    {
        [HistoryTypes.Assigned] = Contract.AssignmentEventType.Assigned,
        [HistoryTypes.Accepted] = Contract.AssignmentEventType.Accepted,
        [HistoryTypes.ProgressReported] = Contract.AssignmentEventType.ProgressReported,
        [HistoryTypes.CompletionConfirmed] = Contract.AssignmentEventType.CompletionConfirmed,
        [HistoryTypes.CompletionVerified] = Contract.AssignmentEventType.CompletionVerified,
        [HistoryTypes.CompletionRejected] = Contract.AssignmentEventType.CompletionRejected,
        [HistoryTypes.ExtensionRequested] = Contract.AssignmentEventType.ExtensionRequested,
        [HistoryTypes.ExtensionApproved] = Contract.AssignmentEventType.ExtensionApproved,
        [HistoryTypes.ExtensionRefused] = Contract.AssignmentEventType.ExtensionRefused,
        [HistoryTypes.Cancelled] = Contract.AssignmentEventType.Cancelled,
        [HistoryTypes.Decomposed] = Contract.AssignmentEventType.Decomposed,
        [HistoryTypes.RolledUp] = Contract.AssignmentEventType.RolledUp,
    };

    /// <summary>The event type of a history entry type; a type the contract does not know is Unspecified.</summary>
    public static Contract.AssignmentEventType TypeOf(string historyType) =>
        Types.GetValueOrDefault(historyType, Contract.AssignmentEventType.Unspecified);

    public static Contract.AssignmentFacts ToFacts(Assignment a) => new()
    {
        Id = a.Id.ToString(),
        PlanId = a.PlanId.ToString(),
        ItemId = a.ItemId.ToString(),
        ParentAssignmentId = a.ParentAssignmentId?.ToString() ?? "",
        AssigningUnitId = a.AssigningUnitId.ToString(),
        LeadUnitId = a.LeadUnitId.ToString(),
        CoUnitIds = { a.CoUnitIds.Select(id => id.ToString()) },
        OwnerPersonId = a.OwnerPersonId?.ToString() ?? "",
        OwnerName = a.OwnerName,
        Title = a.Title,
        Status = ToContract(a.Status),
        ProgressPercent = a.ProgressPercent,
        Version = a.Version,
        TimeZone = a.TimeZone,
        Deadline = DeadlineOf(a),
        CreateTime = Timestamp.FromDateTimeOffset(a.CreateTime),
        UpdateTime = Timestamp.FromDateTimeOffset(a.UpdateTime),
        CompletionRequestedTime = a.CompletionRequestedTime is { } requested ? Timestamp.FromDateTimeOffset(requested) : null,
        CompletedTime = a.CompletedTime is { } completed ? Timestamp.FromDateTimeOffset(completed) : null,
        ChildCount = a.ChildCount,
        OpenChildCount = a.OpenChildCount,
    };

    public static Contract.AssignmentStatus ToContract(AssignmentStatus status) => status switch
    {
        AssignmentStatus.Assigned => Contract.AssignmentStatus.Assigned,
        AssignmentStatus.Accepted => Contract.AssignmentStatus.Accepted,
        AssignmentStatus.InProgress => Contract.AssignmentStatus.InProgress,
        AssignmentStatus.CompletionRequested => Contract.AssignmentStatus.CompletionRequested,
        AssignmentStatus.Completed => Contract.AssignmentStatus.Completed,
        AssignmentStatus.Cancelled => Contract.AssignmentStatus.Cancelled,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "an assignment status the feed does not know"),
    };

    private static Contract.DeadlineFacts DeadlineOf(Assignment a) => new()
    {
        Kind = ToContract(a.DeadlineKind),
        OriginalText = a.DeadlineText,
        DueDate = a.DueDate?.ToDate(),
        Precision = a.DuePrecision is { } p ? TaskMapping.ToContract(p) : Contract.DatePrecision.Unspecified,
        Milestones = { a.Milestones.Select(m => new Contract.Milestone { Date = m.Date.ToDate(), Precision = TaskMapping.ToContract(m.Precision), Label = m.Label }) },
        Version = a.DeadlineVersion,
        OriginalDueDate = a.OriginalDueDate?.ToDate(),
        ReportRule = ReportRuleOf(a),
    };

    /// <summary>The rule a report duty follows; only recurring and ongoing deadlines have one (reading the wording is the cost).</summary>
    public static Contract.RecurrenceRule? ReportRuleOf(Assignment a) => a.DeadlineKind switch
    {
        DeadlineKind.Recurring or DeadlineKind.Ongoing => a.Deadline switch
        {
            RecurringDeadline recurring => ToContract(recurring.Recurrence),
            OngoingDeadline { ReportingCadence: { } cadence } => ToContract(cadence),
            _ => null,
        },
        _ => null,
    };

    public static Contract.DeadlineKind ToContract(DeadlineKind kind) => kind switch
    {
        DeadlineKind.Fixed => Contract.DeadlineKind.Fixed,
        DeadlineKind.Relative => Contract.DeadlineKind.Relative,
        DeadlineKind.Recurring => Contract.DeadlineKind.Recurring,
        DeadlineKind.Ongoing => Contract.DeadlineKind.Ongoing,
        DeadlineKind.Milestones => Contract.DeadlineKind.Milestones,
        DeadlineKind.Invalid => Contract.DeadlineKind.Invalid,
        _ => Contract.DeadlineKind.Unspecified,
    };

    public static Contract.RecurrenceRule ToContract(Recurrence r) => new()
    {
        Frequency = r.Frequency switch
        {
            RecurrenceFrequency.Weekly => Contract.RecurrenceFrequency.Weekly,
            RecurrenceFrequency.Biweekly => Contract.RecurrenceFrequency.Biweekly,
            RecurrenceFrequency.Monthly => Contract.RecurrenceFrequency.Monthly,
            RecurrenceFrequency.Quarterly => Contract.RecurrenceFrequency.Quarterly,
            RecurrenceFrequency.HalfYearly => Contract.RecurrenceFrequency.HalfYearly,
            RecurrenceFrequency.Yearly => Contract.RecurrenceFrequency.Yearly,
            _ => throw new ArgumentOutOfRangeException(nameof(r), r.Frequency, "a frequency the feed does not know"),
        },
        // ISO numbering (Monday 1 … Sunday 7), as google.type.DayOfWeek has it.
        Weekday = r.Weekday is { } day ? (Google.Type.DayOfWeek)(day == DayOfWeek.Sunday ? 7 : (int)day) : Google.Type.DayOfWeek.Unspecified,
        FirstDueDate = r.FirstDue?.ToDate(),
        MonthOfPeriod = r.MonthOfPeriod ?? 0,
        DayOfMonth = r.DayOfMonth ?? 0,
    };
}
