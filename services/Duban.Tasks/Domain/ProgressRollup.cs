namespace Duban.Tasks.Domain;

/// <summary>How a parent's progress follows its decomposed assignments.</summary>
public static class ProgressRollup
{
    public sealed record ChildState(AssignmentStatus Status, int ProgressPercent);

    /// <summary>
    /// The average over children that are not cancelled, a completed child counting 100%; cancelled work
    /// no longer weighs on the parent. Null when no child counts.
    /// </summary>
    public static int? Average(IEnumerable<ChildState> children)
    {
        var counted = children.Where(c => c.Status != AssignmentStatus.Cancelled)
            .Select(c => c.Status == AssignmentStatus.Completed ? 100 : c.ProgressPercent).ToList();
        return counted.Count == 0 ? null : (int)Math.Round(counted.Average(), MidpointRounding.AwayFromZero);
    }
}
