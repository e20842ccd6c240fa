using Duban.ServiceDefaults.Errors;
using Duban.Tasks.Domain.Deadlines;

namespace Duban.Tasks.Domain;

/// <summary>Who did something: a person acting for a unit.</summary>
public sealed record Actor(Guid? PersonId, Guid? UnitId);

/// <summary>A dated step of a deadline (时间节点).</summary>
public sealed record MilestoneValue(DateOnly Date, DatePrecision Precision, string Label);

/// <summary>An extension the lead unit asked for and the office has not decided yet.</summary>
public sealed record PendingExtension(DateOnly RequestedDueDate, string Reason, Guid? RequestedBy, DateTimeOffset RequestTime);

/// <summary>
/// A link to evidence (佐证材料) sent with a completion. Pages show these links, so only http and https
/// pass: a javascript: or data: link would run in the reader's browser.
/// </summary>
public static class EvidenceLink
{
    public const int MaxLength = 2000;
    public const int MaxCount = 20;

    /// <summary>Why the link is refused, or null when it is fine.</summary>
    public static string? Problem(string link)
    {
        if (link.Length > MaxLength)
            return $"must be at most {MaxLength} characters";
        if (!Uri.TryCreate(link, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
            return "must be an absolute http or https link";
        if (uri.UserInfo.Length > 0)
            return "must not carry a user name or password";
        return null;
    }
}

/// <summary>量化目标</summary>
public sealed record QuantitativeTarget(string Metric, double Value, string UnitOfMeasure, string ByText);

/// <summary>
/// 交办事项: an item of a plan assigned to a lead unit, with co-units, an owner and a deadline, followed
/// from assignment to verified completion. Every change bumps <see cref="Version"/> and is recorded.
/// </summary>
public sealed class Assignment
{
    public Guid Id { get; init; }
    public Guid PlanId { get; init; }
    public Guid ItemId { get; init; }
    public Guid? ParentAssignmentId { get; init; }
    public Guid AssigningUnitId { get; init; }
    /// <summary>牵头单位</summary>
    public Guid LeadUnitId { get; init; }
    /// <summary>配合单位</summary>
    public Guid[] CoUnitIds { get; init; } = [];
    /// <summary>
    /// The collective the plan named as lead ("一市三园"), when this assignment is one member's share of it; empty otherwise.
    /// </summary>
    public string LeadCollective { get; init; } = "";
    /// <summary>责任人</summary>
    public Guid? OwnerPersonId { get; init; }
    public string OwnerName { get; init; } = "";
    public required string Title { get; init; }

    public DeadlineKind DeadlineKind { get; set; }
    /// <summary>The office's wording, kept verbatim.</summary>
    public required string DeadlineText { get; set; }
    public DateOnly? DueDate { get; set; }
    public DatePrecision? DuePrecision { get; set; }
    public MilestoneValue[] Milestones { get; set; } = [];
    /// <summary>The due date as first set, for scoring after an extension (按原定时间考核).</summary>
    public DateOnly? OriginalDueDate { get; init; }
    public int DeadlineVersion { get; set; } = 1;
    /// <summary>The date deadline wording is read against (the plan's issue date), to compute report dates again.</summary>
    public DateOnly DeadlineContextDate { get; init; }

    public QuantitativeTarget? Target { get; init; }
    public string Source { get; init; } = "";
    public AssignmentStatus Status { get; set; } = AssignmentStatus.Assigned;
    public int ProgressPercent { get; set; }
    public long Version { get; set; } = 1;
    public required string TimeZone { get; init; }
    public string? CreateRequestId { get; init; }
    /// <summary>SHA-256 of the request that created it, so a request id sent again with another body is refused.</summary>
    public string? CreateRequestHash { get; init; }
    public DateTimeOffset CreateTime { get; init; }
    public DateTimeOffset UpdateTime { get; set; }
    public DateTimeOffset? CompletionRequestedTime { get; set; }
    /// <summary>Who confirmed the completion waiting for verification: they may not verify it themselves.</summary>
    public Guid? CompletionRequestedBy { get; set; }
    public DateTimeOffset? CompletedTime { get; set; }
    public PendingExtension? PendingExtension { get; set; }
    public int ChildCount { get; set; }
    public int OpenChildCount { get; set; }

    /// <summary>The typed deadline, read again from its wording and stored dates.</summary>
    public Deadline Deadline => DeadlineKind switch
    {
        DeadlineKind.Fixed or DeadlineKind.Relative when DueDate is { } due => new FixedDeadline(DeadlineText, due, DuePrecision ?? DatePrecision.Day),
        DeadlineKind.Milestones => new MilestoneDeadline(DeadlineText, Milestones.Select(m => new Milestone(m.Date, m.Precision, m.Label)).ToList()),
        DeadlineKind.Invalid => new UnreadableDeadline(DeadlineText, ""),
        _ => ParsedDeadlines.Parse(DeadlineText, new DeadlineContext(DeadlineContextDate.Year, DeadlineContextDate, TimeZone)) is { Deadline: { } parsed }
            ? parsed
            : new UnreadableDeadline(DeadlineText, "the stored wording no longer reads as a deadline"),
    };

    /// <summary>A relative deadline's period as written (会后7日内), read again from the wording; null for other kinds.</summary>
    public RelativeDeadline? RelativePeriod => DeadlineKind == DeadlineKind.Relative
        ? ParsedDeadlines.Parse(DeadlineText, new DeadlineContext(DeadlineContextDate.Year, DeadlineContextDate, TimeZone)).Deadline as RelativeDeadline
        : null;

    /// <summary>
    /// The day a relative deadline was counted from: the plan's issue date for imported work, the day of the decomposition
    /// (in the plan's zone) for decomposed work — as <see cref="AssignmentDeadline.From"/> was given them.
    /// </summary>
    public DateOnly RelativeAnchorDate => ParentAssignmentId is null
        ? DeadlineContextDate
        : DueTime.LocalDate(CreateTime, TimeZone);

    public bool IsOverdueAt(DateTimeOffset now) =>
        Status.IsWorking() && DueDate is { } due && DueTime.IsOverdue(due, now, TimeZone);

    public HistoryEntry Accept(Actor actor, DateTimeOffset now)
    {
        RequireStatus("accept", AssignmentStatus.Assigned);
        Status = AssignmentStatus.Accepted;
        return Record(HistoryTypes.Accepted, actor, now);
    }

    public HistoryEntry ReportProgress(Actor actor, int percent, string narrative, DateTimeOffset now)
    {
        RequireStatus("report progress on", AssignmentStatus.Assigned, AssignmentStatus.Accepted, AssignmentStatus.InProgress);
        if (percent is < 0 or > 100)
            throw new ValidationFailedException("percent", "must be between 0 and 100");
        if (ChildCount > 0 && percent != ProgressPercent)
            throw new FailedPreconditionException("HAS_CHILDREN", Subject,
                "this assignment's progress rolls up from its decomposed assignments; report on those, or send the current percent with a narrative");
        Status = AssignmentStatus.InProgress;
        ProgressPercent = percent;
        return Record(HistoryTypes.ProgressReported, actor, now, narrative);
    }

    /// <summary>The lead unit's lead confirms completion (确认办结), with evidence.</summary>
    public HistoryEntry ConfirmCompletion(Actor actor, string evidence, IReadOnlyList<string> links, DateTimeOffset now)
    {
        RequireStatus("confirm completion of", AssignmentStatus.Accepted, AssignmentStatus.InProgress);
        if (OpenChildCount > 0)
            throw new FailedPreconditionException("OPEN_CHILDREN", Subject,
                $"{OpenChildCount} decomposed assignment(s) are still open; they must be completed or cancelled first");
        Status = AssignmentStatus.CompletionRequested;
        CompletionRequestedTime = now;
        CompletionRequestedBy = actor.PersonId;
        // The unit says the work is done: an extension it asked for earlier is moot.
        PendingExtension = null;
        var entry = Record(HistoryTypes.CompletionConfirmed, actor, now, evidence);
        entry.Links = links.ToArray();
        return entry;
    }

    public HistoryEntry Verify(Actor actor, string remark, DateTimeOffset now)
    {
        RequireStatus("verify", AssignmentStatus.CompletionRequested);
        // Separation of duties: a claim is checked by someone else, whatever roles the claimant also holds.
        if (CompletionRequestedBy is { } claimant && actor.PersonId == claimant)
            throw new PermissionDeniedException("whoever confirmed a completion cannot verify it; another member of the office must");
        Status = AssignmentStatus.Completed;
        ProgressPercent = 100;
        CompletedTime = now;
        return Record(HistoryTypes.CompletionVerified, actor, now, remark);
    }

    /// <summary>退办: back to the unit with the office's reason.</summary>
    public HistoryEntry Reject(Actor actor, string reason, DateTimeOffset now)
    {
        RequireStatus("reject", AssignmentStatus.CompletionRequested);
        Status = AssignmentStatus.InProgress;
        CompletionRequestedTime = null;
        CompletionRequestedBy = null;
        return Record(HistoryTypes.CompletionRejected, actor, now, reason);
    }

    public HistoryEntry RequestExtension(Actor actor, DateOnly newDueDate, string reason, DateOnly? parentDueDate, DateTimeOffset now)
    {
        RequireStatus("request an extension of", AssignmentStatus.Assigned, AssignmentStatus.Accepted, AssignmentStatus.InProgress);
        if (DueDate is not { } due)
            throw new FailedPreconditionException("NO_DUE_DATE", Subject, $"a {DeadlineKind} deadline has no date to extend");
        if (PendingExtension is not null)
            throw new FailedPreconditionException("EXTENSION_PENDING", Subject, "an extension request is already waiting for the office's decision");
        if (newDueDate <= due)
            throw new ValidationFailedException("new_due_date", $"must be after the current due date {due:yyyy-MM-dd}");
        if (parentDueDate is { } parentDue && newDueDate > parentDue)
            throw new ValidationFailedException("new_due_date", $"must not fall after the parent assignment's due date {parentDue:yyyy-MM-dd}");
        PendingExtension = new PendingExtension(newDueDate, reason, actor.PersonId, now);
        var entry = Record(HistoryTypes.ExtensionRequested, actor, now, reason);
        entry.DueDate = newDueDate;
        return entry;
    }

    /// <summary>An approved extension moves the deadline and bumps its version; the original date stays for scoring.</summary>
    public HistoryEntry DecideExtension(Actor actor, bool approve, string remark, DateTimeOffset now)
    {
        RequireStatus("decide an extension of", AssignmentStatus.Assigned, AssignmentStatus.Accepted, AssignmentStatus.InProgress);
        var pending = PendingExtension
            ?? throw new FailedPreconditionException("NO_EXTENSION_PENDING", Subject, "there is no extension request to decide");
        if (pending.RequestedBy is { } requester && actor.PersonId == requester)
            throw new PermissionDeniedException("whoever requested an extension cannot decide it; another member of the office must");
        var previousDue = DueDate;
        PendingExtension = null;
        if (!approve)
            return Record(HistoryTypes.ExtensionRefused, actor, now, remark);

        DeadlineKind = DeadlineKind.Fixed;
        DueDate = pending.RequestedDueDate;
        DuePrecision = DatePrecision.Day;
        // Steps before the old deadline still stand; the old final step is replaced by the new date.
        Milestones = Milestones.Where(m => m.Date < previousDue).ToArray();
        DeadlineVersion++;
        var entry = Record(HistoryTypes.ExtensionApproved, actor, now, remark);
        entry.DueDate = pending.RequestedDueDate;
        return entry;
    }

    public HistoryEntry Cancel(Actor actor, string reason, DateTimeOffset now)
    {
        if (!Status.IsOpen())
            throw new FailedPreconditionException("STATE", Subject, $"cannot cancel: the assignment is already {Status} ({Status.Chinese()})");
        Status = AssignmentStatus.Cancelled;
        PendingExtension = null;
        return Record(HistoryTypes.Cancelled, actor, now, reason);
    }

    /// <summary>A decomposition below this assignment: its children's count and rolled-up progress changed.</summary>
    public HistoryEntry RecordDecomposition(Actor actor, int added, DateTimeOffset now)
    {
        if (!Status.IsWorking())
            throw new FailedPreconditionException("STATE", Subject, $"cannot decompose: the assignment is {Status} ({Status.Chinese()})");
        ChildCount += added;
        OpenChildCount += added;
        return Record(HistoryTypes.Decomposed, actor, now, $"分解为 {added} 项");
    }

    /// <summary>Progress and open children follow the children; returns null when nothing changed.</summary>
    public HistoryEntry? RollUp(int childCount, int openChildCount, int progressPercent, DateTimeOffset now)
    {
        if (ChildCount == childCount && OpenChildCount == openChildCount && ProgressPercent == progressPercent)
            return null;
        ChildCount = childCount;
        OpenChildCount = openChildCount;
        ProgressPercent = progressPercent;
        return Record(HistoryTypes.RolledUp, new Actor(null, null), now);
    }

    public void CheckVersion(long sentVersion)
    {
        if (sentVersion != Version)
            throw new StaleVersionException("assignment", Id.ToString(), sentVersion, Version);
    }

    private string Subject => $"assignments/{Id}";

    private void RequireStatus(string action, params AssignmentStatus[] allowed)
    {
        if (!allowed.Contains(Status))
            throw new FailedPreconditionException("STATE", Subject,
                $"cannot {action} the assignment: it is {Status} ({Status.Chinese()}); allowed from {string.Join(", ", allowed)}");
    }

    private HistoryEntry Record(string type, Actor actor, DateTimeOffset now, string text = "")
    {
        Version++;
        UpdateTime = now;
        return new HistoryEntry
        {
            AssignmentId = Id,
            Type = type,
            Time = now,
            PersonId = actor.PersonId,
            UnitId = actor.UnitId,
            StatusAfter = Status,
            ProgressPercent = ProgressPercent,
            Text = text,
            Version = Version,
        };
    }
}
