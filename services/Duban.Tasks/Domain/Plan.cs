using Duban.Tasks.Domain.Import;

namespace Duban.Tasks.Domain;

public enum PlanStatus
{
    Draft = 1,
    Published = 2,
    Closed = 3,
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
    public string? CreateRequestId { get; init; }
    public DateTimeOffset CreateTime { get; init; }
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
    public Dictionary<string, string> Attributes { get; init; } = [];
    public int SourceLine { get; init; }
    /// <summary>Document order within the plan.</summary>
    public int Position { get; init; }
    public int Depth { get; init; }
}
