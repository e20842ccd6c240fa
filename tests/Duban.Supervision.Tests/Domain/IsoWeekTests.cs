using System.Globalization;
using Duban.Supervision.Domain.Reviews;
using Xunit;

namespace Duban.Supervision.Tests.Domain;

public class IsoWeekTests
{
    [Fact]
    public void Week_47_of_2026_runs_from_Monday_16_to_Sunday_22_November()
    {
        var week = IsoWeek.Parse("2026-W47");

        Assert.Equal(2026, week.Year);
        Assert.Equal(47, week.Week);
        Assert.Equal(new DateOnly(2026, 11, 16), week.Monday);
        Assert.Equal(new DateOnly(2026, 11, 22), week.Sunday);
        Assert.Equal("2026-W47", week.ToString());
    }

    [Fact]
    public void Short_and_lower_case_week_numbers_parse_and_print_padded()
    {
        Assert.Equal("2026-W07", IsoWeek.Parse("2026-w7").ToString());
    }

    [Fact]
    public void Week_53_exists_only_in_long_ISO_years()
    {
        Assert.Equal(52, ISOWeek.GetWeeksInYear(2025));
        Assert.Equal(53, ISOWeek.GetWeeksInYear(2020));
        // 2026 starts on a Thursday, so it is a long year too.
        Assert.Equal(53, ISOWeek.GetWeeksInYear(2026));

        Assert.False(IsoWeek.TryParse("2025-W53", out _));
        Assert.Throws<FormatException>(() => IsoWeek.Parse("2025-W53"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new IsoWeek(2027, 53));

        var w53 = IsoWeek.Parse("2020-W53");
        Assert.Equal(new DateOnly(2020, 12, 28), w53.Monday);
        Assert.Equal(new DateOnly(2021, 1, 3), w53.Sunday);
        Assert.Equal(new DateOnly(2026, 12, 28), IsoWeek.Parse("2026-W53").Monday);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2026W47")]
    [InlineData("2026-47")]
    [InlineData("26-W47")]
    [InlineData("2026-W00")]
    [InlineData("2026-W")]
    [InlineData("2026-W470")]
    [InlineData("2026-W+7")]
    [InlineData("2026-W47-1")]
    [InlineData(null)]
    public void Malformed_weeks_are_refused(string? text)
    {
        Assert.False(IsoWeek.TryParse(text, out _));
    }

    [Fact]
    public void Previous_and_next_cross_ISO_year_boundaries()
    {
        Assert.Equal(IsoWeek.Parse("2021-W01"), IsoWeek.Parse("2020-W53").Next());
        Assert.Equal(IsoWeek.Parse("2020-W53"), IsoWeek.Parse("2021-W01").Previous());
        Assert.Equal(IsoWeek.Parse("2026-W01"), IsoWeek.Parse("2025-W52").Next());
        Assert.Equal(IsoWeek.Parse("2026-W46"), IsoWeek.Parse("2026-W47").Previous());
        Assert.Equal(IsoWeek.Parse("2026-W48"), IsoWeek.Parse("2026-W47").Next());
    }

    [Fact]
    public void The_week_containing_a_date_uses_the_ISO_year()
    {
        Assert.Equal(IsoWeek.Parse("2026-W01"), IsoWeek.Containing(new DateOnly(2025, 12, 29)));
        Assert.Equal(IsoWeek.Parse("2026-W53"), IsoWeek.Containing(new DateOnly(2027, 1, 3)));
        Assert.Equal(IsoWeek.Parse("2026-W47"), IsoWeek.Containing(new DateOnly(2026, 11, 22)));
    }

    [Fact]
    public void Weeks_order_by_year_then_number()
    {
        Assert.True(IsoWeek.Parse("2025-W52").CompareTo(IsoWeek.Parse("2026-W01")) < 0);
        Assert.True(IsoWeek.Parse("2026-W10").CompareTo(IsoWeek.Parse("2026-W09")) > 0);
    }
}
