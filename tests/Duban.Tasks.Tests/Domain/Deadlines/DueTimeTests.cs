using Duban.Tasks.Domain.Deadlines;
using Xunit;

namespace Duban.Tasks.Tests.Domain.Deadlines;

public class DueTimeTests
{
    private static readonly FixedDeadline EndOfJune = new("2023年6月30日", new DateOnly(2023, 6, 30), DatePrecision.Day);

    [Fact]
    public void A_date_in_Asia_Shanghai_is_due_at_the_next_local_midnight()
    {
        Assert.Equal(DateTimeOffset.Parse("2023-06-30T16:00:00Z"), EndOfJune.DueUtc("Asia/Shanghai"));
        Assert.Equal(TimeSpan.Zero, EndOfJune.DueUtc("Asia/Shanghai").Offset);
    }

    [Fact]
    public void The_same_date_in_UTC_is_due_eight_hours_later()
    {
        Assert.Equal(DateTimeOffset.Parse("2023-07-01T00:00:00Z"), EndOfJune.DueUtc("UTC"));
    }

    [Fact]
    public void A_deadline_is_overdue_only_once_its_whole_day_has_passed()
    {
        var dueUtc = DateTimeOffset.Parse("2023-06-30T16:00:00Z");
        Assert.False(EndOfJune.IsOverdueAt(DateTimeOffset.Parse("2023-06-30T00:00:00Z"), "Asia/Shanghai")); // UTC midnight: 08:00 local
        Assert.False(EndOfJune.IsOverdueAt(dueUtc.AddTicks(-1), "Asia/Shanghai"));
        Assert.True(EndOfJune.IsOverdueAt(dueUtc, "Asia/Shanghai"));
        Assert.True(EndOfJune.IsOverdueAt(DateTimeOffset.Parse("2023-07-01T00:30:00+08:00"), "Asia/Shanghai"));
    }

    [Fact]
    public void A_day_whose_midnight_is_skipped_by_daylight_saving_ends_at_the_jump()
    {
        // São Paulo moved its clocks from 00:00 to 01:00 on 4 November 2018.
        Assert.Equal(
            DateTimeOffset.Parse("2018-11-04T03:00:00Z"),
            DueTime.EndOfDayUtc(new DateOnly(2018, 11, 3), "America/Sao_Paulo"));
    }

    [Fact]
    public void Milestones_are_due_when_their_final_step_is()
    {
        var deadline = Assert.IsType<MilestoneDeadline>(
            DeadlineParser.Parse("6月底前完成方案，12月底前全面完成", new DeadlineContext(2023, new DateOnly(2023, 3, 1))).Deadline);
        Assert.Equal(DateTimeOffset.Parse("2023-12-31T16:00:00Z"), deadline.DueUtc("Asia/Shanghai"));
        Assert.Equal(DateTimeOffset.Parse("2023-06-30T16:00:00Z"), deadline.Milestones[0].DueUtc("Asia/Shanghai"));
        Assert.False(deadline.IsOverdueAt(DateTimeOffset.Parse("2023-08-01T00:00:00Z"), "Asia/Shanghai"));
        Assert.True(deadline.IsOverdueAt(DateTimeOffset.Parse("2024-01-01T00:00:00+08:00"), "Asia/Shanghai"));
    }

    [Fact]
    public void An_unknown_time_zone_is_an_error_not_a_default()
    {
        Assert.Throws<TimeZoneNotFoundException>(() => EndOfJune.DueUtc("Mars/Olympus_Mons"));
    }
}
