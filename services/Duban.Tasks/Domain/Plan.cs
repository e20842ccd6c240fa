using Duban.ServiceDefaults.Errors;
using Duban.Tasks.Domain.Import;

namespace Duban.Tasks.Domain;

public enum PlanStatus
{
    Draft = 1,
    Published = 2,
    Closed = 3,
    /// <summary>撤回: withdrawn by the office, its open assignments cancelled.</summary>
    Withdrawn = 4,
}

/// <summary>A plan (方案) issued by a unit, whose items are decomposed into assignments.</summary>
public sealed class Plan
{
    public Guid Id { get; init; }
    public required string Title { get; set; }
    public Guid IssuingUnitId { get; init; }
    public DateOnly IssueDate { get; init; }
    public required string TimeZone { get; init; }
    public string SourceText { get; init; } = "";
    public PlanStatus Status { get; set; } = PlanStatus.Published;
    public long Version { get; set; } = 1;
    /// <summary>Source of the matter (年度重点工作, 会议议定事项 …) given to the plan's assignments.</summary>
    public string Source { get; init; } = "";
    public string WithdrawReason { get; private set; } = "";
    public DateTimeOffset? WithdrawnAt { get; private set; }
    public string? CreateRequestId { get; init; }
    /// <summary>SHA-256 of the import request that created the plan: a repeat of its request id must ask for the same plan.</summary>
    public string? CreateRequestHash { get; init; }
    public DateTimeOffset CreateTime { get; init; }

    public const int MaxWithdrawReasonLength = 500;

    /// <summary>
    /// 撤回. A plan still in force can be withdrawn once; while any of its assignments awaits the office's verification,
    /// only when forced (the office then throws away a completion it has not looked at).
    /// </summary>
    public void Withdraw(string reason, int awaitingVerification, bool force, DateTimeOffset now)
    {
        if (Status == PlanStatus.Withdrawn)
            throw new FailedPreconditionException("STATE", $"plans/{Id}", $"the plan was already withdrawn: {WithdrawReason}");
        if (awaitingVerification > 0 && !force)
            throw new FailedPreconditionException("AWAITING_VERIFICATION", $"plans/{Id}",
                $"{awaitingVerification} assignment(s) of the plan await verification (待核验); verify or return them first, or withdraw with force");
        Status = PlanStatus.Withdrawn;
        WithdrawReason = reason.Trim();
        WithdrawnAt = now;
        Version++;
    }
}

/// <summary>One item of a plan's tree (目标, 方面, 重点任务, 措施), numbered as the document numbers it.</summary>
public sealed class PlanItem
{
    public Guid Id { get; init; }
    public Guid PlanId { get; init; }
    public Guid? ParentId { get; init; }
    public DraftItemKind Kind { get; init; }
    public required string Numbering { get; init; }
    public required string PathLabel { get; init; }
    public required string Text { get; init; }
    /// <summary>The paragraphs the document writes under the item's heading ("" when none).</summary>
    public string Description { get; init; } = "";
    public Dictionary<string, string> Attributes { get; init; } = [];
    public int SourceLine { get; init; }
    /// <summary>Document order within the plan.</summary>
    public int Position { get; init; }
    public int Depth { get; init; }
}
