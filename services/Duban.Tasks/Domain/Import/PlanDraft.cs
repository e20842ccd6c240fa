namespace Duban.Tasks.Domain.Import;

/// <summary>
/// A plan as read from an office's document, before unit names are resolved and deadline wording is
/// interpreted. Everything here is text as written; the import service turns it into a plan.
/// </summary>
public sealed class PlanDraft
{
    /// <summary>The plan's title (方案标题), when the document states one.</summary>
    public string? Title { get; init; }

    /// <summary>Text between the title and the first numbered item of an outline (e.g. "为贯彻落实……，制定本方案。").</summary>
    public string? Preamble { get; init; }

    public required IReadOnlyList<DraftItem> Items { get; init; }

    /// <summary>Every item of the tree in document order (parents before their children).</summary>
    public IEnumerable<DraftItem> AllItems() => Items.SelectMany(item => item.SelfAndDescendants());
}

/// <summary>
/// The level of an item in the plan tree.
/// Outline: 一、 = <see cref="Area"/>, （一） = <see cref="KeyTask"/>, 1. = <see cref="Measure"/>, deeper = <see cref="SubMeasure"/>,
/// counted by depth in the tree, so a document that starts at （一） has its （一） items as areas.
/// 任务分解表: 目标 column = <see cref="Goal"/>, 重点任务 = <see cref="KeyTask"/>, 具体措施 = <see cref="Measure"/>.
/// Goals appear only where a document has a column for them: plans state their goals in prose, not as a numbering level.
/// </summary>
public enum DraftItemKind
{
    /// <summary>目标</summary>
    Goal,
    /// <summary>方面</summary>
    Area,
    /// <summary>重点任务</summary>
    KeyTask,
    /// <summary>措施</summary>
    Measure,
    /// <summary>A step below a measure (（1）, ①).</summary>
    SubMeasure,
}

/// <summary>
/// A unit as named in the document. Whether the name is one unit's or a collective's ("一市三园", "各街道") is for the units
/// service to say, where the office keeps both.
/// </summary>
public sealed record UnitRef(string Text);

/// <summary>
/// One item of the draft tree. Responsibility fields hold the item's effective values: stated on the item,
/// carried by 下同/同上, or inherited from its parent (see <see cref="ResponsibilityCarry"/>).
/// </summary>
public sealed class DraftItem
{
    private readonly List<DraftItem> _children = [];

    public required DraftItemKind Kind { get; init; }

    /// <summary>Numbering as written ("二", "（三）", "4", "（1）", "①"); when the document writes none, the 1-based position among siblings.</summary>
    public required string Numbering { get; init; }

    /// <summary>Numberings from the root down, e.g. "二（三）4"; digits that would run together are joined with "." ("1.2").</summary>
    public required string PathLabel { get; init; }

    public required string Text { get; init; }

    /// <summary>The body paragraphs under an outline heading, one per line; null when the document gives none.</summary>
    public string? Description { get; init; }

    /// <summary>1-based row of a 任务分解表 (header = row 1) or line of an outline where the item starts.</summary>
    public required int LineOrRow { get; init; }

    /// <summary>牵头单位; the first is the lead, the rest lead jointly.</summary>
    public IReadOnlyList<UnitRef> LeadUnits { get; internal set; } = [];

    /// <summary>配合单位</summary>
    public IReadOnlyList<UnitRef> CoUnits { get; internal set; } = [];

    /// <summary>责任人, as written.</summary>
    public string? Owner { get; internal set; }

    /// <summary>完成时限, as written; another component interprets it.</summary>
    public string? DeadlineText { get; internal set; }

    /// <summary>For each field (牵头单位 …) the item did not write itself: where its value came from (同上, 下同, the parent).</summary>
    public IReadOnlyDictionary<string, string> InheritedFrom { get; internal set; } = new Dictionary<string, string>();

    /// <summary>Columns or note keys this importer does not understand, by header or key as written.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; internal set; } = new Dictionary<string, string>();

    public IReadOnlyList<DraftItem> Children => _children;

    public IEnumerable<DraftItem> SelfAndDescendants() =>
        _children.SelectMany(child => child.SelfAndDescendants()).Prepend(this);

    internal void AddChild(DraftItem child) => _children.Add(child);
}
