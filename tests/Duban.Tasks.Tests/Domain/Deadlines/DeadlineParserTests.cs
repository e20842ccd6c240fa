using Duban.Tasks.Domain.Deadlines;
using Xunit;

namespace Duban.Tasks.Tests.Domain.Deadlines;

public class DeadlineParserTests
{
    private static readonly DeadlineContext Plan2023 = new(2023, new DateOnly(2023, 3, 15));

    private static Deadline Parsed(string text)
    {
        var result = DeadlineParser.Parse(text, Plan2023);
        Assert.True(result.Success, $"“{text}” did not parse: {result.Problem}");
        Assert.Null(result.Problem);
        Assert.Equal(text, result.Deadline.OriginalText);
        return result.Deadline;
    }

    [Theory]
    [InlineData("2023年6月底前", "2023-06-30", DatePrecision.MonthEnd)]
    [InlineData("6月底前", "2023-06-30", DatePrecision.MonthEnd)]
    [InlineData("6月末", "2023-06-30", DatePrecision.MonthEnd)]
    [InlineData("6月底以前", "2023-06-30", DatePrecision.MonthEnd)]
    [InlineData("年底前", "2023-12-31", DatePrecision.YearEnd)]
    [InlineData("2024年底", "2024-12-31", DatePrecision.YearEnd)]
    [InlineData("2024年年底前", "2024-12-31", DatePrecision.YearEnd)]
    [InlineData("今年年底前", "2023-12-31", DatePrecision.YearEnd)]
    [InlineData("明年6月底前", "2024-06-30", DatePrecision.MonthEnd)]
    [InlineData("2023年12月31日前", "2023-12-31", DatePrecision.Day)]
    [InlineData("12月15日前", "2023-12-15", DatePrecision.Day)]
    [InlineData("6月30号", "2023-06-30", DatePrecision.Day)]
    [InlineData("2024年3月", "2024-03-31", DatePrecision.MonthEnd)]
    [InlineData("2024年2月", "2024-02-29", DatePrecision.MonthEnd)]
    [InlineData("2月底前", "2023-02-28", DatePrecision.MonthEnd)]
    [InlineData("2024年2月29日", "2024-02-29", DatePrecision.Day)]
    [InlineData("2025年", "2025-12-31", DatePrecision.YearEnd)]
    [InlineData("到2025年", "2025-12-31", DatePrecision.YearEnd)]
    [InlineData("上半年", "2023-06-30", DatePrecision.HalfYearEnd)]
    [InlineData("下半年", "2023-12-31", DatePrecision.HalfYearEnd)]
    [InlineData("2024年上半年", "2024-06-30", DatePrecision.HalfYearEnd)]
    [InlineData("一季度", "2023-03-31", DatePrecision.QuarterEnd)]
    [InlineData("第一季度", "2023-03-31", DatePrecision.QuarterEnd)]
    [InlineData("二季度前", "2023-06-30", DatePrecision.QuarterEnd)]
    [InlineData("三季度末", "2023-09-30", DatePrecision.QuarterEnd)]
    [InlineData("第三季度", "2023-09-30", DatePrecision.QuarterEnd)]
    [InlineData("2024年第四季度", "2024-12-31", DatePrecision.QuarterEnd)]
    [InlineData("年内", "2023-12-31", DatePrecision.YearEnd)]
    [InlineData("2024年内", "2024-12-31", DatePrecision.YearEnd)]
    [InlineData("2023年至2025年", "2025-12-31", DatePrecision.YearEnd)]
    [InlineData("2023-2025年", "2025-12-31", DatePrecision.YearEnd)]
    [InlineData("2023年—2025年底", "2025-12-31", DatePrecision.YearEnd)]
    [InlineData("2023年6月30日", "2023-06-30", DatePrecision.Day)]
    [InlineData("2023.6.30", "2023-06-30", DatePrecision.Day)]
    [InlineData("2023-06-30", "2023-06-30", DatePrecision.Day)]
    [InlineData("2023/6/30前", "2023-06-30", DatePrecision.Day)]
    [InlineData("6月上旬", "2023-06-10", DatePrecision.Day)]
    [InlineData("6月中旬", "2023-06-20", DatePrecision.Day)]
    [InlineData("6月下旬", "2023-06-30", DatePrecision.MonthEnd)]
    [InlineData("于2023年6月底前", "2023-06-30", DatePrecision.MonthEnd)]
    [InlineData("在6月30日之前", "2023-06-30", DatePrecision.Day)]
    [InlineData("２０２３年６月３０日前", "2023-06-30", DatePrecision.Day)]
    [InlineData(" 2023年 6月\t底前 ", "2023-06-30", DatePrecision.MonthEnd)]
    [InlineData("2023年6月底前。", "2023-06-30", DatePrecision.MonthEnd)]
    [InlineData("十二月底前", "2023-12-31", DatePrecision.MonthEnd)]
    [InlineData("三月份", "2023-03-31", DatePrecision.MonthEnd)]
    [InlineData("九月二十日前", "2023-09-20", DatePrecision.Day)]
    [InlineData("2023年6月30日前完成", "2023-06-30", DatePrecision.Day)]
    [InlineData("12月底前，全面完成", "2023-12-31", DatePrecision.MonthEnd)]
    public void Absolute_dates_parse_with_their_precision(string text, string date, DatePrecision precision)
    {
        var deadline = Assert.IsType<FixedDeadline>(Parsed(text));
        Assert.Equal(DeadlineKind.Fixed, deadline.Kind);
        Assert.Equal(DateOnly.Parse(date), deadline.Date);
        Assert.Equal(DateOnly.Parse(date), deadline.DueDate);
        Assert.Equal(precision, deadline.Precision);
    }

    [Fact]
    public void Month_end_without_a_year_takes_the_plan_year()
    {
        var result = DeadlineParser.Parse("6月底前", new DeadlineContext(2031, new DateOnly(2031, 1, 5)));
        Assert.Equal(new DateOnly(2031, 6, 30), Assert.IsType<FixedDeadline>(result.Deadline).Date);
    }

    [Theory]
    [InlineData("会后7日内", RelativeAnchor.Meeting, 7, DurationUnit.CalendarDays)]
    [InlineData("会议结束后7天内", RelativeAnchor.Meeting, 7, DurationUnit.CalendarDays)]
    [InlineData("收到交办事项之日起60日内", RelativeAnchor.AssignmentReceipt, 60, DurationUnit.CalendarDays)]
    [InlineData("自收到交办事项之日起十五日内", RelativeAnchor.AssignmentReceipt, 15, DurationUnit.CalendarDays)]
    [InlineData("30个工作日内", RelativeAnchor.Unspecified, 30, DurationUnit.WorkingDays)]
    [InlineData("印发之日起15个工作日内", RelativeAnchor.DocumentIssue, 15, DurationUnit.WorkingDays)]
    [InlineData("本方案印发后3个月内", RelativeAnchor.DocumentIssue, 3, DurationUnit.Months)]
    [InlineData("3个月内", RelativeAnchor.Unspecified, 3, DurationUnit.Months)]
    [InlineData("1周内", RelativeAnchor.Unspecified, 1, DurationUnit.Weeks)]
    [InlineData("两周以内", RelativeAnchor.Unspecified, 2, DurationUnit.Weeks)]
    [InlineData("会后7日内报送落实情况", RelativeAnchor.Meeting, 7, DurationUnit.CalendarDays)]
    public void Relative_periods_keep_their_anchor_and_unit(string text, RelativeAnchor anchor, int count, DurationUnit unit)
    {
        var deadline = Assert.IsType<RelativeDeadline>(Parsed(text));
        Assert.Equal(DeadlineKind.Relative, deadline.Kind);
        Assert.Null(deadline.DueDate);
        Assert.Equal((anchor, count, unit), (deadline.Anchor, deadline.Count, deadline.Unit));
    }

    [Theory]
    [InlineData("会后7日内", "2023-06-05", "2023-06-12")]
    [InlineData("1周内", "2023-06-05", "2023-06-12")]
    [InlineData("3个月内", "2023-03-31", "2023-06-30")]     // no 31 June: the month's last day (a Friday)
    [InlineData("3个月内", "2023-01-31", "2023-05-04")]     // 30 April is a Sunday in the 劳动节 break: the day after it (民法典 art. 203)
    [InlineData("会后7日内", "2023-06-03", "2023-06-12")]   // Saturday 10 June: the next working day
    [InlineData("2周内", "2023-09-15", "2023-10-07")]       // 29 September is 中秋: the break ends 6 October; Saturday 7 October is a make-up working day
    [InlineData("3个月内", "2023-11-30", "2024-02-29")]     // leap year
    [InlineData("30个工作日内", "2023-09-27", "2023-11-14")] // across the 8-day 中秋国庆 break
    [InlineData("印发之日起15个工作日内", "2024-02-01", "2024-02-27")] // across 春节 and both make-up Sundays
    public void Relative_periods_resolve_from_the_day_after_their_anchor(string text, string anchorDate, string due)
    {
        var deadline = Assert.IsType<RelativeDeadline>(Parsed(text));
        Assert.Equal(DateOnly.Parse(due), deadline.Resolve(DateOnly.Parse(anchorDate), CalendarData.ChinaCalendar));
    }

    [Theory]
    [InlineData("每月28日前", "2023-03-28", "2023-04-28", "2023-05-28")]
    [InlineData("每月", "2023-03-31", "2023-04-30", "2023-05-31")]
    [InlineData("每月底前报送进展", "2023-03-31", "2023-04-30", "2023-05-31")]
    [InlineData("每季度第1个月的20日前", "2023-04-20", "2023-07-20", "2023-10-20")]
    [InlineData("每季度末", "2023-03-31", "2023-06-30", "2023-09-30")]
    [InlineData("每季度", "2023-03-31", "2023-06-30", "2023-09-30")]
    [InlineData("每半年", "2023-06-30", "2023-12-31", "2024-06-30")]
    [InlineData("每年", "2023-12-31", "2024-12-31", "2025-12-31")]
    [InlineData("每年12月底前", "2023-12-31", "2024-12-31", "2025-12-31")]
    [InlineData("每年3月10日前", "2024-03-10", "2025-03-10", "2026-03-10")]
    [InlineData("每周五前", "2023-03-17", "2023-03-24", "2023-03-31")]
    [InlineData("每周", "2023-03-17", "2023-03-24", "2023-03-31")]
    [InlineData("每周一", "2023-03-20", "2023-03-27", "2023-04-03")]
    [InlineData("每两周", "2023-03-17", "2023-03-31", "2023-04-14")] // rhythm from the first Friday after issue
    public void Recurring_duties_give_their_next_due_dates(string text, string first, string second, string third)
    {
        var deadline = Assert.IsType<RecurringDeadline>(Parsed(text));
        Assert.Equal(DeadlineKind.Recurring, deadline.Kind);
        Assert.Equal(
            [DateOnly.Parse(first), DateOnly.Parse(second), DateOnly.Parse(third)],
            deadline.NextDueDates(new DateOnly(2023, 3, 15), 3));
    }

    [Theory]
    [InlineData("长期坚持")]
    [InlineData("持续推进")]
    [InlineData("长期")]
    [InlineData("常态化推进")]
    [InlineData("长期坚持，抓好落实")]
    public void Ongoing_work_without_a_written_cadence_has_no_report_duty_and_is_never_overdue(string text)
    {
        var deadline = Assert.IsType<OngoingDeadline>(Parsed(text));
        Assert.Equal(DeadlineKind.Ongoing, deadline.Kind);
        Assert.Null(deadline.ReportingCadence);
        Assert.False(deadline.IsOverdueAt(DateTimeOffset.MaxValue, "Asia/Shanghai"));
    }

    [Theory]
    [InlineData("长期坚持，每季度末报送进展", RecurrenceFrequency.Quarterly)]
    [InlineData("持续推进；每月28日前报送", RecurrenceFrequency.Monthly)]
    [InlineData("长期坚持每半年报送一次总结", RecurrenceFrequency.HalfYearly)]
    public void Ongoing_work_takes_the_reporting_cadence_the_cell_states(string text, RecurrenceFrequency frequency)
    {
        var deadline = Assert.IsType<OngoingDeadline>(Parsed(text));
        Assert.Equal(frequency, deadline.ReportingCadence?.Frequency);
    }

    [Fact]
    public void Several_milestones_end_with_the_final_one_as_the_deadline()
    {
        var deadline = Assert.IsType<MilestoneDeadline>(Parsed("6月底前完成方案，12月底前全面完成"));
        Assert.Equal(DeadlineKind.Milestones, deadline.Kind);
        Assert.Equal(
            [
                new Milestone(new DateOnly(2023, 6, 30), DatePrecision.MonthEnd, "完成方案"),
                new Milestone(new DateOnly(2023, 12, 31), DatePrecision.MonthEnd, "全面完成"),
            ],
            deadline.Milestones);
        Assert.Equal(new DateOnly(2023, 12, 31), deadline.DueDate);
        Assert.Equal("全面完成", deadline.Final.Label);
    }

    [Theory]
    [InlineData("3月底前摸清底数；6月中旬前出台方案；年底前全面完成", 3)]
    [InlineData("一季度启动、上半年试点、2024年底前推广", 3)]
    [InlineData("2023年6月30日前完成方案\n2023年12月31日前完成验收", 2)]
    [InlineData("6月底前完成方案，抓好落实，12月底前全面完成", 2)]
    public void Milestones_are_separated_by_commas_semicolons_and_new_lines(string text, int count)
    {
        var deadline = Assert.IsType<MilestoneDeadline>(Parsed(text));
        Assert.Equal(count, deadline.Milestones.Count);
    }

    [Fact]
    public void Milestone_deadlines_with_the_same_steps_are_equal()
    {
        Assert.Equal(Parsed("6月底前完成方案，12月底前全面完成"), Parsed("6月底前完成方案，12月底前全面完成"));
        Assert.NotEqual(Parsed("6月底前完成方案，12月底前全面完成"), Parsed("6月底前完成方案，11月底前全面完成"));
    }

    [Theory]
    [InlineData("", "为空")]
    [InlineData("  ", "为空")]
    [InlineData("尽快", "“尽快”不是确定的完成时限")]
    [InlineData("近期完成", "“近期”不是确定的完成时限")]
    [InlineData("适时推进", "“适时”不是确定的完成时限")]
    [InlineData("按上级要求", "“按上级要求”不是确定的完成时限")]
    [InlineData("Q2", "“Q2”")]
    [InlineData("2023年2月30日", "2023年2月没有30日")]
    [InlineData("2023年2月29日", "2023年2月没有29日")]
    [InlineData("6月31日前", "2023年6月没有31日")]
    [InlineData("2023.2.30", "2023年2月没有30日")]
    [InlineData("13月底前", "没有13月")]
    [InlineData("2023年13月", "没有13月")]
    [InlineData("十三月", "没有十三月")]
    [InlineData("0000年6月", "年份0")]
    [InlineData("6月底后", "“后”")]
    [InlineData("6月左右", "“左右”")]
    [InlineData("6月内", "“内”")]
    [InlineData("2025年至2023年", "颠倒")]
    [InlineData("项目开工后30日内", "起算点“项目开工后”")]
    [InlineData("0日内", "正整数")]
    [InlineData("每日", "报送周期")]
    [InlineData("每周一次", "“次”")]
    [InlineData("每月32日前", "没有32日")]
    [InlineData("每年2月30日", "没有30日")]
    [InlineData("6月底前完成3个月内的试点", "“完成3个月内的试点”")]
    [InlineData("12月底前完成方案，6月底前全面完成", "先后顺序")]
    [InlineData("6月底前，会后7日内", "“会后7日内”不是")]
    [InlineData("完成方案，6月底前", "“完成方案”")]
    [InlineData("长期坚持，2025年底前完成", "只能再写报送频次")]
    [InlineData("长期坚持，每月报送，每季度末总结", "不止一个")]
    [InlineData("持续到2025年底", "“到2025年底”")]
    public void Anything_not_understood_is_a_problem_that_names_it(string text, string named)
    {
        var result = DeadlineParser.Parse(text, Plan2023);
        Assert.False(result.Success);
        Assert.Null(result.Deadline);
        Assert.Contains(named, result.Problem);
    }

    [Fact]
    public void The_original_wording_is_kept_verbatim()
    {
        const string text = "于２０２３年６月底前完成方案；\n年底前全面完成。";
        Assert.Equal(text, DeadlineParser.Parse(text, Plan2023).Deadline?.OriginalText);
    }
}
