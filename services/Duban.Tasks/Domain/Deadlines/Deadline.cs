namespace Duban.Tasks.Domain.Deadlines;

public enum DeadlineKind
{
    Fixed,
    Relative,
    Recurring,
    Ongoing,
    Milestones,
    /// <summary>The wording gives no date (尽快, an impossible date, nothing readable): a problem of its row, never stored.</summary>
    Invalid,
}

/// <summary>How exactly the office named a calendar date; the date itself is always the last day meant.</summary>
public enum DatePrecision
{
    /// <summary>A named day, including 上旬 (the 10th) and 中旬 (the 20th).</summary>
    Day,
    /// <summary>月底, a bare month, or 下旬.</summary>
    MonthEnd,
    QuarterEnd,
    HalfYearEnd,
    /// <summary>年底, 年内, a bare year, or the last year of a range (2023年至2025年).</summary>
    YearEnd,
}

/// <summary>
/// A 完成时限, typed. <see cref="OriginalText"/> keeps the office's wording verbatim, so it can be shown back
/// and the original deadline scored after an extension (按原定时间考核).
/// </summary>
public abstract record Deadline(string OriginalText)
{
    public abstract DeadlineKind Kind { get; }

    /// <summary>
    /// The calendar date the whole assignment is due by, in the plan's time zone; null when there is no single
    /// such date: relative deadlines need their anchor date (<see cref="RelativeDeadline.Resolve"/>),
    /// recurring duties have one date per report, ongoing work never ends.
    /// </summary>
    public abstract DateOnly? DueDate { get; }
}

/// <summary>An absolute date such as 2023年6月底前, due at the end of <see cref="Date"/>.</summary>
public sealed record FixedDeadline(string OriginalText, DateOnly Date, DatePrecision Precision) : Deadline(OriginalText)
{
    public override DeadlineKind Kind => DeadlineKind.Fixed;
    public override DateOnly? DueDate => Date;

    public DateTimeOffset DueUtc(string timeZone) => DueTime.EndOfDayUtc(Date, timeZone);

    public bool IsOverdueAt(DateTimeOffset now, string timeZone) => DueTime.IsOverdue(Date, now, timeZone);
}

/// <summary>One step of a 分阶段 deadline, e.g. 6月底前 + 完成方案.</summary>
public sealed record Milestone(DateOnly Date, DatePrecision Precision, string Label)
{
    public DateTimeOffset DueUtc(string timeZone) => DueTime.EndOfDayUtc(Date, timeZone);
}

/// <summary>Several dated steps in one cell, in calendar order; the last one is the assignment's deadline.</summary>
public sealed record MilestoneDeadline : Deadline
{
    public MilestoneDeadline(string originalText, IReadOnlyList<Milestone> milestones) : base(originalText)
    {
        if (milestones.Count == 0)
            throw new ArgumentException("A milestone deadline needs at least one milestone.", nameof(milestones));
        Milestones = milestones;
    }

    public IReadOnlyList<Milestone> Milestones { get; }
    public Milestone Final => Milestones[^1];
    public override DeadlineKind Kind => DeadlineKind.Milestones;
    public override DateOnly? DueDate => Final.Date;

    public DateTimeOffset DueUtc(string timeZone) => Final.DueUtc(timeZone);

    public bool IsOverdueAt(DateTimeOffset now, string timeZone) => DueTime.IsOverdue(Final.Date, now, timeZone);

    // Records compare lists by reference; a deadline is a value, so compare the steps themselves.
    public bool Equals(MilestoneDeadline? other) =>
        other is not null && OriginalText == other.OriginalText && Milestones.SequenceEqual(other.Milestones);

    public override int GetHashCode() => HashCode.Combine(OriginalText, Final);
}

/// <summary>What a relative deadline counts from.</summary>
public enum RelativeAnchor
{
    /// <summary>No starting point written, e.g. 30个工作日内; the assignment's own start applies.</summary>
    Unspecified,
    /// <summary>会后: the meeting that decided the matter.</summary>
    Meeting,
    /// <summary>收到交办事项之日起: receipt of the assignment.</summary>
    AssignmentReceipt,
    /// <summary>印发之日起: issue of the document.</summary>
    DocumentIssue,
}

public enum DurationUnit
{
    CalendarDays,
    WorkingDays,
    Weeks,
    Months,
}

/// <summary>A period counted from an event, e.g. 会后7日内 or 收到交办事项之日起30个工作日内.</summary>
public sealed record RelativeDeadline(string OriginalText, RelativeAnchor Anchor, int Count, DurationUnit Unit)
    : Deadline(OriginalText)
{
    public override DeadlineKind Kind => DeadlineKind.Relative;
    public override DateOnly? DueDate => null;

    /// <summary>
    /// The last day of the period. As in 民法典 art. 201–202, the anchor day itself is not counted:
    /// 会后7日内 after a meeting on 5 June 2023 is due on 12 June; 3个月内 from 30 November 2023 is due on 29 February
    /// 2024 (the corresponding day, or the month's last day when there is none).
    /// As in art. 203, a period whose last day is a day off (a weekend or a public holiday, per the working calendar)
    /// ends on the next working day instead: 3个月内 from 31 January 2023 would end on Sunday 30 April, in the 劳动节
    /// break, and ends on 4 May. Working-day counts land on working days anyway.
    /// </summary>
    public DateOnly Resolve(DateOnly anchorDate, WorkingCalendar calendar) => Unit switch
    {
        DurationUnit.CalendarDays => calendar.SameOrNextWorkingDay(anchorDate.AddDays(Count)),
        DurationUnit.WorkingDays => calendar.AddWorkingDays(anchorDate, Count),
        DurationUnit.Weeks => calendar.SameOrNextWorkingDay(anchorDate.AddDays(7 * Count)),
        DurationUnit.Months => calendar.SameOrNextWorkingDay(anchorDate.AddMonths(Count)),
        _ => throw new ArgumentOutOfRangeException(nameof(Unit), Unit, null),
    };
}

/// <summary>A standing report duty such as 每月28日前 or 每季度末.</summary>
public sealed record RecurringDeadline(string OriginalText, Recurrence Recurrence) : Deadline(OriginalText)
{
    public override DeadlineKind Kind => DeadlineKind.Recurring;
    public override DateOnly? DueDate => null;

    public IReadOnlyList<DateOnly> NextDueDates(DateOnly after, int count) => Recurrence.NextDueDates(after, count);
}

/// <summary>
/// Work that never finishes (长期坚持, 持续推进); never overdue. Progress is due on <see cref="ReportingCadence"/> only when
/// the wording states one (长期坚持，每季度末报送进展); without one there is no report duty — none is made up.
/// </summary>
public sealed record OngoingDeadline(string OriginalText, Recurrence? ReportingCadence) : Deadline(OriginalText)
{
    public override DeadlineKind Kind => DeadlineKind.Ongoing;
    public override DateOnly? DueDate => null;

    public bool IsOverdueAt(DateTimeOffset now, string timeZone) => false;
}

/// <summary>Wording that gives no deadline, with the reason (shown by a dry run; an import refuses it).</summary>
public sealed record UnreadableDeadline(string OriginalText, string Reason) : Deadline(OriginalText)
{
    public override DeadlineKind Kind => DeadlineKind.Invalid;
    public override DateOnly? DueDate => null;
}
