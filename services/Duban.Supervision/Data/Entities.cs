using Duban.Supervision.Domain.Reviews;

namespace Duban.Supervision.Data;

/// <summary>Supervision's own copy of an assignment, kept from the tasks feed, applied by version.</summary>
public sealed class ProjectedAssignment
{
    public Guid Id { get; init; }
    public Guid PlanId { get; set; }
    public Guid? ParentId { get; set; }
    public Guid LeadUnitId { get; set; }
    public Guid AssigningUnitId { get; set; }
    public Guid? OwnerPersonId { get; set; }
    public string OwnerName { get; set; } = "";
    public string Title { get; set; } = "";
    public AssignmentState Status { get; set; }
    public DateOnly? DueDate { get; set; }
    /// <summary>The end of the due date in the assignment's time zone: when it falls overdue.</summary>
    public DateTimeOffset? DueAt { get; set; }
    public DateOnly? OriginalDueDate { get; set; }
    /// <summary>The dated steps (时间节点) before the final deadline, as JSON [{"date":"2026-06-30","label":"完成方案"}].</summary>
    public string Milestones { get; set; } = "[]";
    public int DeadlineVersion { get; set; }
    public int ProgressPercent { get; set; }
    public string TimeZone { get; set; } = "Asia/Shanghai";
    public DateTimeOffset AssignedAt { get; set; }
    public DateTimeOffset? CompletionRequestedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public long Version { get; set; }
    public int RejectedCompletions { get; set; }
    public int ApprovedExtensions { get; set; }
    /// <summary>An extension approved before the original deadline passed: scored against the new date.</summary>
    public bool ExtensionApprovedBeforeOriginalDue { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public enum NoticeKind
{
    DueSoon = 1,
    Overdue = 2,
    Escalated = 3,
    MilestoneOverdue = 4,
    ReportMissing = 5,
    Urged = 6,
    BehindSchedule = 7,
}

public enum NoticeStatus
{
    Open = 1,
    Acknowledged = 2,
    Resolved = 3,
}

/// <summary>
/// A notice, raised once per (assignment, kind, deadline version, level): a unique index makes a second
/// scan, or a second instance scanning at the same time, add nothing.
/// </summary>
public sealed class Notice
{
    public Guid Id { get; init; }
    /// <summary>Order of raising, for watchers.</summary>
    public long Sequence { get; init; }
    public Guid AssignmentId { get; init; }
    public NoticeKind Kind { get; init; }
    public int DeadlineVersion { get; init; }
    public int Level { get; init; }
    public NoticeStatus Status { get; set; } = NoticeStatus.Open;
    public Guid PlanId { get; init; }
    public Guid LeadUnitId { get; init; }
    public Guid? OwnerPersonId { get; init; }
    public string Title { get; init; } = "";
    public DateOnly? DueDate { get; init; }
    public string Message { get; init; } = "";
    public Guid[] RecipientUnitIds { get; init; } = [];
    public DateTimeOffset RaisedAt { get; init; }
    public DateTimeOffset? AcknowledgedAt { get; set; }
    public Guid? AcknowledgedBy { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public DateOnly? ReplyBy { get; init; }
    public string? RequestId { get; init; }
}

public enum ExplanationStatus
{
    Submitted = 1,
    Accepted = 2,
    Returned = 3,
}

/// <summary>情况说明: the lead unit's reasons for an overdue item and when it will be remedied.</summary>
public sealed class Explanation
{
    public Guid Id { get; init; }
    public Guid NoticeId { get; init; }
    public Guid AssignmentId { get; init; }
    public Guid LeadUnitId { get; init; }
    public string Reasons { get; init; } = "";
    public DateOnly? RemedyDate { get; init; }
    public ExplanationStatus Status { get; set; } = ExplanationStatus.Submitted;
    public string DecisionRemark { get; set; } = "";
    public Guid? SubmittedBy { get; init; }
    public DateTimeOffset SubmittedAt { get; init; }
    public DateTimeOffset? DecidedAt { get; set; }
}

/// <summary>A frozen weekly review, one per (scope unit, ISO week).</summary>
public sealed class WeeklyReviewRecord
{
    public Guid Id { get; init; }
    public Guid ScopeUnitId { get; init; }
    public required string Week { get; init; }
    public DateTimeOffset AsOf { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public required string ScopeName { get; init; }
    /// <summary>The computed review (JSON of <see cref="WeeklyReviewReport"/>).</summary>
    public required string Report { get; init; }
}

/// <summary>Where the projection stands in the tasks feed.</summary>
public sealed class FeedPosition
{
    public int Id { get; init; } = 1;
    /// <summary>The feed cursor's transaction id (an xid8; stays far below 2^63).</summary>
    public long TransactionId { get; set; }
    public long Sequence { get; set; }
    public DateTimeOffset? LastEventTime { get; set; }
    public DateTimeOffset? AppliedAt { get; set; }
}
