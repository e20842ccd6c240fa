namespace Duban.Supervision.Domain.Reviews;

/// <summary>
/// How much of a review the Markdown bulletin (通报) names; configuration section <c>Bulletin</c>. A bulletin names the
/// laggards: the overdue items of the worst units, then this week's completions and next week's deadlines. Beyond these
/// limits it says how many more there are; the CSV and JSON exports always hold every item.
/// </summary>
public sealed record BulletinLimits
{
    public const string Section = "Bulletin";

    /// <summary>Units whose overdue items are listed, worst first (the order of the units table).</summary>
    public int UnitsWithOverdueListed { get; init; } = 50;

    /// <summary>Overdue items listed per unit, most days overdue first.</summary>
    public int OverdueItemsPerUnit { get; init; } = 20;

    /// <summary>Items listed of this week's completions, and of next week's deadlines.</summary>
    public int ItemsPerList { get; init; } = 100;
}

/// <summary>How many items each list of a review holds, when the lists handed to the renderer are excerpts.</summary>
public sealed record ReviewListSizes(int NewlyOverdue, int StillOverdue, int CompletedThisWeek, int DueNextWeek);
