using Duban.Tasks.Domain;
using Duban.Tasks.Domain.Deadlines;
using Duban.Tasks.Tests.Domain.Deadlines;
using Xunit;

namespace Duban.Tasks.Tests.Domain.Lifecycle;

public class AssignmentDeadlineTests
{
    private static readonly DeadlineContext Plan2023 = new(2023, new DateOnly(2023, 3, 15));
    private static readonly DateOnly Anchor = new(2023, 6, 5);

    private static AssignmentDeadline From(string text, WorkingCalendar? calendar = null, DateOnly? anchor = null) =>
        AssignmentDeadline.From(
            DeadlineParser.Parse(text, Plan2023).Deadline ?? throw new InvalidOperationException($"“{text}” did not parse"),
            anchor ?? Anchor,
            calendar ?? WorkingCalendar.WeekendsOnly);

    [Theory]
    [InlineData("2023年6月底前", "2023-06-30", DatePrecision.MonthEnd)]
    [InlineData("12月31日", "2023-12-31", DatePrecision.Day)]
    [InlineData("年底前", "2023-12-31", DatePrecision.YearEnd)]
    [InlineData("三季度", "2023-09-30", DatePrecision.QuarterEnd)]
    public void A_fixed_deadline_keeps_its_date_and_precision(string text, string due, DatePrecision precision)
    {
        var deadline = From(text);

        Assert.Equal(DeadlineKind.Fixed, deadline.Kind);
        Assert.Equal(text, deadline.Text);
        Assert.Equal(DateOnly.Parse(due), deadline.DueDate);
        Assert.Equal(precision, deadline.Precision);
        Assert.Empty(deadline.Milestones);
    }

    [Fact]
    public void A_milestone_deadline_is_due_with_its_final_milestone_and_keeps_every_step()
    {
        var deadline = From("6月底前完成方案，12月底前全面完成");

        Assert.Equal(DeadlineKind.Milestones, deadline.Kind);
        Assert.Equal("6月底前完成方案，12月底前全面完成", deadline.Text);
        Assert.Equal(new DateOnly(2023, 12, 31), deadline.DueDate);
        Assert.Equal(DatePrecision.MonthEnd, deadline.Precision);
        Assert.Equal(
            [
                new MilestoneValue(new DateOnly(2023, 6, 30), DatePrecision.MonthEnd, "完成方案"),
                new MilestoneValue(new DateOnly(2023, 12, 31), DatePrecision.MonthEnd, "全面完成"),
            ],
            deadline.Milestones);
    }

    [Fact]
    public void A_relative_deadline_is_counted_from_the_day_the_work_is_assigned()
    {
        var deadline = From("会后7日内");

        Assert.Equal(DeadlineKind.Relative, deadline.Kind);
        Assert.Equal("会后7日内", deadline.Text);
        Assert.Equal(new DateOnly(2023, 6, 12), deadline.DueDate);
        Assert.Equal(DatePrecision.Day, deadline.Precision);
        Assert.Empty(deadline.Milestones);
    }

    [Fact]
    public void Working_days_skip_weekends_on_the_weekends_only_calendar()
    {
        Assert.Equal(new DateOnly(2023, 11, 8), From("30个工作日内", WorkingCalendar.WeekendsOnly, new DateOnly(2023, 9, 27)).DueDate);
    }

    [Fact]
    public void Working_days_skip_public_holidays_and_count_make_up_days_on_the_china_calendar()
    {
        var deadline = From("30个工作日内", CalendarData.ChinaCalendar, new DateOnly(2023, 9, 27));

        Assert.Equal(DeadlineKind.Relative, deadline.Kind);
        Assert.Equal(new DateOnly(2023, 11, 14), deadline.DueDate);
    }

    [Theory]
    [InlineData("每月28日前", DeadlineKind.Recurring)]
    [InlineData("每季度末", DeadlineKind.Recurring)]
    [InlineData("长期坚持", DeadlineKind.Ongoing)]
    public void Recurring_and_ongoing_work_has_no_due_date(string text, DeadlineKind kind)
    {
        var deadline = From(text);

        Assert.Equal(kind, deadline.Kind);
        Assert.Equal(text, deadline.Text);
        Assert.Null(deadline.DueDate);
        Assert.Null(deadline.Precision);
        Assert.Empty(deadline.Milestones);
    }

    [Theory]
    [InlineData("6月底前")]
    [InlineData("长期坚持")]
    [InlineData("2024年1月")]
    public void Anything_fits_under_a_parent_without_an_end_date(string text)
    {
        Assert.Null(From(text).ProblemUnder(null));
    }

    [Theory]
    [InlineData("6月底前")]
    [InlineData("12月31日")]               // the parent's own day is not after it
    [InlineData("6月底前完成方案，12月底前全面完成")]
    [InlineData("会后7日内")]
    public void A_child_due_by_its_parents_deadline_fits(string text)
    {
        Assert.Null(From(text).ProblemUnder(new DateOnly(2023, 12, 31)));
    }

    [Fact]
    public void A_child_due_after_its_parent_is_a_problem_naming_both_dates()
    {
        var problem = From("2024年1月").ProblemUnder(new DateOnly(2023, 12, 31));

        Assert.Equal("due 2024-01-31, after the parent's deadline 2023-12-31", problem);
    }

    [Fact]
    public void A_relative_child_resolving_after_its_parent_is_a_problem()
    {
        var problem = From("会后7日内").ProblemUnder(new DateOnly(2023, 6, 10));

        Assert.Equal("due 2023-06-12, after the parent's deadline 2023-06-10", problem);
    }

    [Fact]
    public void A_milestone_after_the_parents_deadline_is_a_problem_even_when_the_final_date_fits()
    {
        // Parsed milestones are in calendar order, so this shape only arises from stored data; the rule still holds.
        var deadline = new AssignmentDeadline(DeadlineKind.Milestones, "分阶段推进", new DateOnly(2023, 9, 30), DatePrecision.Day,
        [
            new MilestoneValue(new DateOnly(2023, 6, 30), DatePrecision.MonthEnd, "完成方案"),
            new MilestoneValue(new DateOnly(2023, 10, 31), DatePrecision.MonthEnd, "完成验收"),
        ]);

        var problem = deadline.ProblemUnder(new DateOnly(2023, 9, 30));

        Assert.Equal("milestone “完成验收” (2023-10-31) falls after the parent's deadline 2023-09-30", problem);
    }

    [Theory]
    [InlineData("长期坚持")]
    [InlineData("每月28日前")]
    public void Work_without_an_end_cannot_sit_under_a_dated_parent(string text)
    {
        var problem = From(text).ProblemUnder(new DateOnly(2023, 12, 31));

        Assert.Equal($"“{text}” has no end date, but the parent is due 2023-12-31", problem);
    }
}
