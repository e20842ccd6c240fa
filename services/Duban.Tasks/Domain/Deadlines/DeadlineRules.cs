namespace Duban.Tasks.Domain.Deadlines;

/// <summary>How a child assignment's deadline stands against its parent's (倒排工期).</summary>
public enum ChildDeadlineCheck
{
    Fits,
    FallsAfterParent,
    /// <summary>A relative deadline is involved; resolve it against its anchor date and check the dates.</summary>
    NeedsResolvedDates,
}

public static class DeadlineRules
{
    /// <summary>
    /// Checks that a child's deadline never falls after its parent's. Dated deadlines (fixed, or the final
    /// milestone) compare by date. Under a parent without an end (ongoing, or a recurring duty) anything fits.
    /// A child without an end under a parent that has one falls after it: the parent could never be completed.
    /// Relative deadlines cannot be compared until their anchor dates are known.
    /// </summary>
    public static ChildDeadlineCheck CheckChildAgainstParent(Deadline child, Deadline parent)
    {
        if (parent is OngoingDeadline or RecurringDeadline)
            return ChildDeadlineCheck.Fits;
        if (child is OngoingDeadline or RecurringDeadline)
            return ChildDeadlineCheck.FallsAfterParent;
        if (child is RelativeDeadline || parent is RelativeDeadline)
            return ChildDeadlineCheck.NeedsResolvedDates;
        return child.DueDate <= parent.DueDate ? ChildDeadlineCheck.Fits : ChildDeadlineCheck.FallsAfterParent;
    }
}
