namespace Duban.Supervision.Domain.Reviews;

/// <summary>Where an assignment stands, as supervision's projection holds it.</summary>
public enum AssignmentState
{
    Assigned = 1,
    /// <summary>签收.</summary>
    Accepted = 2,
    InProgress = 3,
    /// <summary>The lead unit confirmed completion; the supervision office has yet to verify it.</summary>
    CompletionRequested = 4,
    Completed = 5,
    Cancelled = 6,
}

/// <summary>A unit in the review's scope: the scope unit and its subtree.</summary>
public sealed record ReviewUnit(Guid Id, string Name, Guid? ParentId);

/// <summary>
/// One assignment as supervision's projection holds it, with the rules that weekly reviews and
/// assessments share.
/// <list type="bullet">
/// <item><b>Due instant.</b> A due date is due at the END of that day in the assignment's
/// <see cref="TimeZone"/> (IANA id): the instant of the next local midnight (<see cref="ReviewClock.DueInstant"/>).</item>
/// <item><b>Current deadline</b> (<see cref="CurrentDueDate"/>) is the one in force: <see cref="DueDate"/>, else
/// <see cref="OriginalDueDate"/>. It decides whether an open assignment is overdue today.</item>
/// <item><b>Counting deadline</b> (<see cref="CountingDueDate"/>) decides "on time": the ORIGINAL due date
/// ("按原定时间考核"), unless <see cref="ExtensionApprovedBeforeOriginalDue"/>, in which case the current due date.</item>
/// <item><b>Unit completion time</b> is when the lead unit confirmed completion (<see cref="CompletionRequestedAt"/>),
/// else <see cref="CompletedAt"/>; it exists only while the state is CompletionRequested or Completed (a rejected
/// request sends the assignment back to InProgress, and its old request time no longer counts). It decides "on time".</item>
/// <item><b>Completed (已完成) as of T</b>: VERIFIED by the office — state Completed, with the verification
/// (<see cref="CompletedAt"/>) at or before T (or none recorded). A lead's claim alone never counts as completed.</item>
/// <item><b>Awaiting verification (待核验) as of T</b>: not completed as of T, and the lead confirmed completion at or
/// before T — state CompletionRequested (a request without a recorded time counts), or state Completed with a
/// request at or before T and the verification after T.</item>
/// <item><b>Open (未完成) as of T</b>: neither, and not cancelled. A time stamped after T is treated as not yet
/// happened, so a past week re-run later reproduces its numbers.</item>
/// <item><b>Completed on time</b>: unit completion time at or before the due instant of the counting deadline.
/// Without any deadline (长期坚持) a completion is always on time.</item>
/// <item><b>Overdue as of T</b>: open as of T (so neither completed nor awaiting verification) and the current
/// deadline's due instant ≤ T.</item>
/// <item><b>Counts toward the on-time rate (应完成) as of T</b>: not cancelled, and completed as of T, or its counting
/// or its current deadline has passed by T. Every overdue item therefore counts and none is on time.</item>
/// <item><b>Days overdue</b>: whole local days between the due date and the local date of T (or of the completion,
/// for a late completion), so an item due Sunday is 1 day overdue from Monday 00:00 local.</item>
/// </list>
/// HasAcceptedExplanationOrPending: an explanation (情况说明) was filed for its overdue notice, accepted or still pending.
/// RejectedCompletions: 退办, completion requests the office sent back. UrgeCount: 催办, times the office urged it.
/// </summary>
public sealed record ReviewedAssignment(
    Guid Id,
    Guid PlanId,
    Guid LeadUnitId,
    string Title,
    string OwnerName,
    AssignmentState Status,
    DateOnly? DueDate,
    DateOnly? OriginalDueDate,
    string TimeZone,
    DateTimeOffset AssignedAt,
    DateTimeOffset? CompletionRequestedAt,
    DateTimeOffset? CompletedAt,
    int ProgressPercent,
    bool HasAcceptedExplanationOrPending,
    bool ExtensionApprovedBeforeOriginalDue,
    int RejectedCompletions,
    int UrgeCount,
    int ApprovedExtensions)
{
    public bool IsCancelled => Status == AssignmentState.Cancelled;

    /// <summary>Assigned, accepted or in progress, as its status stands (whatever the dates): 1, 2 or 3 in the projection.</summary>
    public bool HasOpenStatus => Status is AssignmentState.Assigned or AssignmentState.Accepted or AssignmentState.InProgress;

    /// <summary>The deadline in force now: the due date, else the original one; null for ongoing work.</summary>
    public DateOnly? CurrentDueDate() => DueDate ?? OriginalDueDate;

    /// <summary>The deadline completion is judged against ("按原定时间考核").</summary>
    public DateOnly? CountingDueDate() =>
        ExtensionApprovedBeforeOriginalDue ? DueDate ?? OriginalDueDate : OriginalDueDate ?? DueDate;

    /// <summary>When the lead unit finished: its confirmation, else the office's verification.</summary>
    public DateTimeOffset? UnitCompletionTime() =>
        Status is AssignmentState.CompletionRequested or AssignmentState.Completed
            ? CompletionRequestedAt ?? CompletedAt
            : null;

    /// <summary>Verified by the office by <paramref name="asOf"/> (已完成); a claim alone is not completion.</summary>
    public bool IsCompletedAsOf(DateTimeOffset asOf) =>
        Status == AssignmentState.Completed && (CompletedAt is not { } verified || verified <= asOf);

    /// <summary>Claimed by the lead unit by <paramref name="asOf"/>, not yet verified by then (待核验).</summary>
    public bool IsAwaitingVerificationAsOf(DateTimeOffset asOf) =>
        Status switch
        {
            AssignmentState.CompletionRequested => CompletionRequestedAt is not { } requested || requested <= asOf,
            AssignmentState.Completed => !IsCompletedAsOf(asOf) && CompletionRequestedAt is { } requested && requested <= asOf,
            _ => false,
        };

    /// <summary>Open as of <paramref name="asOf"/>: not cancelled, not completed and not awaiting verification by then.</summary>
    public bool IsOpenAsOf(DateTimeOffset asOf) => !IsCancelled && !IsCompletedAsOf(asOf) && !IsAwaitingVerificationAsOf(asOf);

    /// <summary>In the on-time rate's denominator (应完成): completed, or a counting or current deadline passed.</summary>
    public bool CountsTowardOnTimeRateAsOf(DateTimeOffset asOf) =>
        !IsCancelled
        && (IsCompletedAsOf(asOf)
            || (CountingDueDate() is { } counting && ReviewClock.DueInstant(counting, TimeZone) <= asOf)
            || (CurrentDueInstant() is { } current && current <= asOf));

    /// <summary>Only meaningful once completed. A completion without a recorded time counts as on time.</summary>
    public bool IsCompletedOnTime() =>
        CountingDueDate() is not { } due
        || UnitCompletionTime() is not { } done
        || done <= ReviewClock.DueInstant(due, TimeZone);

    /// <summary>The due instant of the current deadline; null for ongoing work.</summary>
    public DateTimeOffset? CurrentDueInstant() =>
        CurrentDueDate() is { } due ? ReviewClock.DueInstant(due, TimeZone) : null;

    public bool IsOverdueAt(DateTimeOffset asOf) =>
        IsOpenAsOf(asOf) && CurrentDueInstant() is { } dueAt && dueAt <= asOf;

    /// <summary>Whole local days the current deadline lies behind <paramref name="asOf"/>; 0 when not overdue.</summary>
    public int DaysOverdueAt(DateTimeOffset asOf) =>
        IsOverdueAt(asOf) ? ReviewClock.DaysPast(CurrentDueDate()!.Value, asOf, TimeZone) : 0;

    /// <summary>Whole local days a completion came after its counting deadline; 0 when on time or not completed.</summary>
    public int DaysLate() =>
        UnitCompletionTime() is { } done && CountingDueDate() is { } due && !IsCompletedOnTime()
            ? ReviewClock.DaysPast(due, done, TimeZone)
            : 0;
}
