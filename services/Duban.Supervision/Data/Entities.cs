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
    /// <summary>
    /// Recurring and ongoing work: the date the next progress report is due. It moves on only when a report is
    /// filed, so a missed date stays here until then (and raises one REPORT_MISSING notice).
    /// </summary>
    public DateOnly? ReportDueDate { get; set; }
    public DateTimeOffset? LastReportAt { get; set; }
    public int RejectedCompletions { get; set; }
    /// <summary>Supervision rounds so far: each return (退办) starts a new one, whose notices are raised afresh.</summary>
    public int SupervisionRound { get; set; }
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
    /// <summary>情况说明退回: the office returned the lead unit's explanation; the office's remark is the message.</summary>
    ExplanationReturned = 8,
}

/// <summary>Where a notice stands; the state machine is in README ("Notices") and in <see cref="Domain.Notices.NoticeTransitions"/>.</summary>
public enum NoticeStatus
{
    Open = 1,
    Acknowledged = 2,
    /// <summary>Verified, cancelled, or its deadline moved.</summary>
    Resolved = 3,
    /// <summary>待核验: the lead unit claimed completion; verification resolves it, a return (退办) resumes it.</summary>
    Paused = 4,
    /// <summary>A notice further up its chain, or of a later round, took its place.</summary>
    Superseded = 5,
}

/// <summary>
/// A notice, raised once per (assignment, kind, deadline version, level, supervision round): a unique index makes a
/// second scan, or a second instance scanning at the same time, add nothing.
/// </summary>
public sealed class Notice
{
    public Guid Id { get; init; }
    /// <summary>Order of raising, for watchers.</summary>
    public long Sequence { get; init; }
    /// <summary>
    /// The raising transaction (xid8, set by the database). Sequences are taken at insert but transactions commit in
    /// any order, so webhooks read notices by (transaction, sequence) below the oldest running transaction, as the
    /// tasks feed does: a scan that commits late still sorts after every cursor already stored.
    /// </summary>
    public ulong TransactionId { get; init; }
    public Guid AssignmentId { get; init; }
    public NoticeKind Kind { get; init; }
    public int DeadlineVersion { get; init; }
    public int Level { get; init; }
    /// <summary>The assignment's supervision round when raised (0 until its first return).</summary>
    public int Round { get; init; }
    public NoticeStatus Status { get; set; } = NoticeStatus.Open;
    /// <summary>How urgent, for lists (set by the database from kind and level, see <see cref="Domain.Notices.NoticeChains.Urgency"/>).</summary>
    public int Urgency { get; init; }
    public Guid PlanId { get; init; }
    public Guid LeadUnitId { get; init; }
    /// <summary>The lead unit's name, from the units service with the recipients; empty until then.</summary>
    public string LeadUnitName { get; set; } = "";
    public Guid? OwnerPersonId { get; init; }
    public string Title { get; init; } = "";
    public DateOnly? DueDate { get; init; }
    public string Message { get; init; } = "";
    public Guid[] RecipientUnitIds { get; init; } = [];
    /// <summary>The people told; null until the units service has named them (filled by the scan).</summary>
    public Guid[]? RecipientPersonIds { get; set; }
    /// <summary>When its deliveries were queued (<see cref="Notifications.NotificationFanoutWriter"/>); null until then. Each notice is queued once.</summary>
    public DateTimeOffset? QueuedAt { get; set; }
    public DateTimeOffset RaisedAt { get; init; }
    public DateTimeOffset? AcknowledgedAt { get; set; }
    public Guid? AcknowledgedBy { get; set; }
    /// <summary>When it was resolved or superseded.</summary>
    public DateTimeOffset? ResolvedAt { get; set; }
    public DateOnly? ReplyBy { get; init; }
    public string? RequestId { get; init; }
    /// <summary>An urging's reply (its acknowledgement): the evidence files tied to it in the tasks service.</summary>
    public Guid[] ReplyAttachmentIds { get; set; } = [];
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
    /// <summary>The evidence files tied to it in the tasks service (佐证材料), in the order sent.</summary>
    public Guid[] AttachmentIds { get; init; } = [];
}

/// <summary>
/// One revision of the weekly review of (scope unit, ISO week), numbered from 1. The current week gains a revision
/// whenever its computed report differs from the last one's; a past week ends with one final revision as of its end.
/// </summary>
public sealed class WeeklyReviewRecord
{
    public Guid Id { get; init; }
    public Guid ScopeUnitId { get; init; }
    public required string Week { get; init; }
    public int Revision { get; init; } = 1;
    /// <summary>The instant the report describes (数据截至): when it was run, or the week's end for the final revision.</summary>
    public DateTimeOffset AsOf { get; init; }
    /// <summary>
    /// SHA-256 (hex) of the report apart from its as-of instant (<see cref="Domain.Reviews.BulletinRenderer.ContentHash"/>),
    /// for the current week's revisions: running again with the same hash returns this revision. Null for final ones.
    /// </summary>
    public string? ContentHash { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public required string ScopeName { get; init; }
    /// <summary>
    /// The computed review (JSON of <see cref="WeeklyReviewReport"/>) without its item lists, which are <see cref="Lists"/>:
    /// at a million assignments they run to hundreds of thousands of items.
    /// </summary>
    public required string Report { get; init; }
    /// <summary>The four item lists, as <see cref="Reviews.StoredReviewLists"/> writes them; read only to render the lists.</summary>
    public required byte[] Lists { get; init; }
    // The totals, so a review can be listed without reading its report.
    public int Assigned { get; init; }
    public int Overdue { get; init; }
    public int CompletedOnTime { get; init; }
    public int OverdueWithoutExplanation { get; init; }
}

/// <summary>A stored review without its (possibly very large) report.</summary>
public sealed record WeeklyReviewSummary(Guid Id, Guid ScopeUnitId, string Week, int Revision, DateTimeOffset AsOf, DateTimeOffset CreatedAt,
    string ScopeName, int Assigned, int Overdue, int CompletedOnTime, int OverdueWithoutExplanation)
{
    /// <summary>As of its week's end (Sunday 24:00 in Asia/Shanghai): the week's final revision, frozen for good.</summary>
    public bool Final => AsOf >= IsoWeek.Parse(Week).End(ReviewClock.DefaultTimeZone);
}

/// <summary>
/// From when the scan must read an assignment again (<see cref="Domain.Notices.ScanSchedule"/>): the next instant a
/// notice could fall due, or <see cref="Domain.Notices.ScanSchedule.ChangedSql"/> when the projection changed it; null when
/// nothing can fall due any more. Kept beside the projection, not in it, so marking a row rewrites a narrow row.
/// </summary>
public sealed class ScanMark
{
    public Guid AssignmentId { get; init; }
    /// <summary>The assignment's version the mark was set from: a scan stores an instant only for the version it read.</summary>
    public long Version { get; set; }
    public DateTimeOffset? NextScanAt { get; set; }
}

/// <summary>
/// What the latest scan went by, in one row that every scan locks first (so scans take turns): the rules it applied and
/// the instant it scanned as of. Other rules, or an earlier instant, make the next scan read every open assignment again.
/// </summary>
public sealed class ScanState
{
    public int Id { get; init; } = 1;
    public string Rules { get; set; } = "";
    public DateTimeOffset? LastAsOf { get; set; }
    public DateTimeOffset? ScannedAt { get; set; }
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

/// <summary>
/// An outgoing webhook: every notice that matches its filters is POSTed, as JSON signed with its secret, to its URL.
/// </summary>
public sealed class WebhookSubscription
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public string Url { get; init; } = "";
    /// <summary>The HMAC-SHA256 key. Kept in clear because every send signs with it; returned only by the call that created it.</summary>
    public string Secret { get; init; } = "";
    /// <summary>The kinds sent; empty sends every kind.</summary>
    public NoticeKind[] Kinds { get; init; } = [];
    /// <summary>Only notices of this lead unit, when set.</summary>
    public Guid? LeadUnitId { get; init; }
    public bool Active { get; set; } = true;
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? DeactivatedAt { get; set; }
    /// <summary>The last notice (transaction id, sequence) already turned into deliveries for this subscription.</summary>
    public long EnqueuedThroughTransaction { get; set; }
    public long EnqueuedThroughSequence { get; set; }
}

public enum WebhookDeliveryStatus
{
    Pending = 1,
    Delivered = 2,
    /// <summary>Given up after Webhooks:GiveUpAfterHours; a replay sends it again.</summary>
    Failed = 3,
}

/// <summary>
/// One notice to send to one subscription. Its id is the delivery id receivers see (X-Duban-Delivery); the notice id
/// is the event id (X-Duban-Event). A replay adds a row with a new delivery id and the same event id.
/// </summary>
public sealed class WebhookDelivery
{
    public Guid Id { get; init; }
    public Guid SubscriptionId { get; init; }
    public Guid NoticeId { get; init; }
    /// <summary>The replay that created it; null for the delivery made when the notice was raised.</summary>
    public Guid? ReplayId { get; init; }
    public WebhookDeliveryStatus Status { get; set; } = WebhookDeliveryStatus.Pending;
    /// <summary>Rounds of sending so far (each round may retry quickly a couple of times).</summary>
    public int AttemptCount { get; set; }
    /// <summary>When it is due to be sent (again); while a sender holds it, the end of that sender's lease.</summary>
    public DateTimeOffset NextAttemptAt { get; set; }
    public string LastError { get; set; } = "";
    public int? LastStatusCode { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? DeliveredAt { get; set; }
}

/// <summary>An office's own template (.docx with placeholders) for the documents of a scope; replaced by each upload.</summary>
public sealed class DocumentTemplateRecord
{
    public Guid Id { get; init; }
    public Guid ScopeUnitId { get; init; }
    public Documents.DocumentTemplateKind Kind { get; init; }
    public string FileName { get; set; } = "";
    public byte[] Content { get; set; } = [];
    /// <summary>1 for the first upload of (scope, kind), one more with each replacement.</summary>
    public int Version { get; set; }
    public string UploadedBy { get; set; } = "";
    public DateTimeOffset UploadTime { get; set; }
}
