using Duban.Tasks.Domain.Deadlines;

namespace Duban.Tasks.Domain;

/// <summary>A parsed deadline as an assignment stores it: relative wording resolved to a date from its anchor.</summary>
public sealed record AssignmentDeadline(DeadlineKind Kind, string Text, DateOnly? DueDate, DatePrecision? Precision, MilestoneValue[] Milestones)
{
    /// <summary>
    /// Relative deadlines ("会后7日内") are counted from <paramref name="anchor"/> (the day the work is assigned)
    /// on the working calendar; the wording is kept and the kind stays Relative.
    /// </summary>
    public static AssignmentDeadline From(Deadline deadline, DateOnly anchor, WorkingCalendar calendar) => deadline switch
    {
        FixedDeadline f => new(DeadlineKind.Fixed, f.OriginalText, f.Date, f.Precision, []),
        MilestoneDeadline m => new(DeadlineKind.Milestones, m.OriginalText, m.Final.Date, m.Final.Precision,
            m.Milestones.Select(x => new MilestoneValue(x.Date, x.Precision, x.Label)).ToArray()),
        RelativeDeadline r => new(DeadlineKind.Relative, r.OriginalText, r.Resolve(anchor, calendar), DatePrecision.Day, []),
        RecurringDeadline or OngoingDeadline => new(deadline.Kind, deadline.OriginalText, null, null, []),
        _ => throw new ArgumentOutOfRangeException(nameof(deadline), deadline.Kind, "unknown deadline kind"),
    };

    /// <summary>
    /// "倒排工期": a child is due no later than its parent, and so is each of its milestones. Work without an
    /// end (recurring, ongoing) cannot sit under a parent that has one. Returns the problem, or null.
    /// </summary>
    public string? ProblemUnder(DateOnly? parentDue)
    {
        if (parentDue is not { } limit)
            return null;
        if (DueDate is not { } due)
            return $"“{Text}” has no end date, but the parent is due {limit:yyyy-MM-dd}";
        if (due > limit)
            return $"due {due:yyyy-MM-dd}, after the parent's deadline {limit:yyyy-MM-dd}";
        return Milestones.FirstOrDefault(m => m.Date > limit) is { } late
            ? $"milestone “{late.Label}” ({late.Date:yyyy-MM-dd}) falls after the parent's deadline {limit:yyyy-MM-dd}"
            : null;
    }
}
