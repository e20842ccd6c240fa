using Duban.Tasks.Domain.Deadlines;
using Xunit;

namespace Duban.Tasks.Tests.Domain.Deadlines;

public class WorkingCalendarTests
{
    private static readonly WorkingCalendar Calendar = CalendarData.ChinaCalendar;

    [Theory]
    [InlineData("2023-05-06", true)]  // Saturday, 劳动节调休
    [InlineData("2023-05-01", false)] // Monday, 劳动节
    [InlineData("2023-05-07", false)] // plain Sunday
    [InlineData("2023-05-08", true)]  // plain Monday
    [InlineData("2022-12-31", false)] // 2023's 元旦 break starts in the previous year
    [InlineData("2023-01-02", false)]
    [InlineData("2023-10-07", true)]  // Saturday after the 8-day 中秋国庆 break
    [InlineData("2024-02-04", true)]  // Sunday, 春节调休
    [InlineData("2024-02-09", true)]  // 除夕 was a working day in 2024
    [InlineData("2024-02-16", false)]
    [InlineData("2024-02-18", true)]
    [InlineData("2025-01-28", false)] // 除夕 became a holiday from 2025
    [InlineData("2025-02-08", true)]
    [InlineData("2025-10-08", false)]
    [InlineData("2026-01-04", true)]  // Sunday, 元旦调休
    [InlineData("2026-02-14", true)]
    [InlineData("2026-02-23", false)] // last day of the 9-day 春节 break
    [InlineData("2026-02-28", true)]
    [InlineData("2026-09-20", true)]
    [InlineData("2026-10-07", false)]
    public void Holidays_and_make_up_days_follow_the_State_Council_notices(string day, bool working)
    {
        Assert.Equal(working, Calendar.IsWorkingDay(DateOnly.Parse(day)));
    }

    [Theory]
    [InlineData(2023, 249)] // weekdays 260 less 11 statutory holidays
    [InlineData(2024, 251)] // weekdays 262 less 11
    [InlineData(2025, 248)] // weekdays 261 less 13 (两天 added from 2025)
    [InlineData(2026, 248)] // weekdays 261 less 13
    public void Each_year_has_as_many_working_days_as_the_statutory_holidays_leave(int year, int workingDays)
    {
        Assert.Equal(workingDays, Calendar.WorkingDaysBetween(new DateOnly(year - 1, 12, 31), new DateOnly(year, 12, 31)));
    }

    [Fact]
    public void The_shipped_calendar_covers_2023_to_2026_and_admits_what_it_lacks()
    {
        Assert.Equal([2023, 2024, 2025, 2026], Calendar.YearsWithData.Order());
        Assert.False(Calendar.HasDataFor(2027));
        Assert.True(Calendar.IsWorkingDay(new DateOnly(2027, 10, 1))); // a Friday; only weekends are known for 2027
        Assert.False(Calendar.IsWorkingDay(new DateOnly(2027, 10, 2)));
    }

    [Theory]
    [InlineData("2023-09-27", 1, "2023-09-28")]
    [InlineData("2023-09-27", 2, "2023-10-07")]  // the 调休 Saturday counts
    [InlineData("2023-09-27", 30, "2023-11-14")]
    [InlineData("2023-10-01", 1, "2023-10-07")]  // starting on a holiday: still the day after onwards
    [InlineData("2024-02-08", 1, "2024-02-09")]
    [InlineData("2024-02-08", 2, "2024-02-18")]  // across the whole 春节 break to its make-up Sunday
    [InlineData("2026-02-13", 1, "2026-02-14")]
    [InlineData("2026-02-14", 1, "2026-02-24")]
    [InlineData("2023-12-29", 1, "2024-01-02")]  // across the year boundary and 元旦
    [InlineData("2023-06-05", 0, "2023-06-05")]
    public void Adding_working_days_skips_days_off_and_never_counts_the_start(string start, int days, string expected)
    {
        Assert.Equal(DateOnly.Parse(expected), Calendar.AddWorkingDays(DateOnly.Parse(start), days));
    }

    [Fact]
    public void Working_days_between_excludes_the_start_includes_the_end_and_is_signed()
    {
        var start = new DateOnly(2023, 9, 27);
        var end = new DateOnly(2023, 11, 14);
        Assert.Equal(30, Calendar.WorkingDaysBetween(start, end));
        Assert.Equal(-30, Calendar.WorkingDaysBetween(end, start));
        Assert.Equal(0, Calendar.WorkingDaysBetween(start, start));
        Assert.Equal(0, Calendar.WorkingDaysBetween(new DateOnly(2023, 9, 28), new DateOnly(2023, 10, 6)));
    }

    [Fact]
    public void A_negative_count_of_working_days_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Calendar.AddWorkingDays(new DateOnly(2023, 6, 1), -1));
    }

    [Fact]
    public void A_calendar_without_data_counts_weekends_only()
    {
        var calendar = WorkingCalendar.WeekendsOnly;
        Assert.False(calendar.HasDataFor(2023));
        Assert.True(calendar.IsWorkingDay(new DateOnly(2023, 10, 2))); // 国庆 is unknown to it
        Assert.Equal(new DateOnly(2023, 10, 9), calendar.AddWorkingDays(new DateOnly(2023, 10, 6), 1));
    }

    [Fact]
    public void A_calendar_is_built_from_json_text()
    {
        var calendar = WorkingCalendar.FromJson(["""
            { "year": 2030,
              "holidays": [ { "name": "国庆节", "days": ["2030-10-01", "2030-10-02"] } ],
              "workdays": [ { "name": "国庆节调休", "days": ["2030-09-29"] } ] }
            """]);
        Assert.True(calendar.HasDataFor(2030));
        Assert.False(calendar.IsWorkingDay(new DateOnly(2030, 10, 1)));
        Assert.True(calendar.IsWorkingDay(new DateOnly(2030, 9, 29)));
    }

    [Theory]
    [InlineData("""{ "year": 2030, "workdays": [ { "name": "x", "days": ["2030-10-01"] } ] }""", "not a weekend day")]
    [InlineData("""{ "year": 2030, "holidays": [ { "name": "x", "days": ["2031-01-01"] } ] }""", "does not belong to the year 2030")]
    [InlineData("""{ "year": 2030, "holidays": [ { "name": "x", "days": ["2030-09-29"] } ], "workdays": [ { "name": "y", "days": ["2030-09-29"] } ] }""", "both as holiday and as working day")]
    [InlineData("""{ "holidays": [] }""", "needs a \"year\"")]
    [InlineData("""{ "year": 2030, "holidays": [ { "name": "x", "days": ["2030-02-30"] } ] }""", "calendar document 1")]
    public void Bad_calendar_data_fails_loudly(string json, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => WorkingCalendar.FromJson([json]));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void The_same_year_twice_is_refused()
    {
        const string year = """{ "year": 2030 }""";
        var error = Assert.Throws<InvalidDataException>(() => WorkingCalendar.FromJson([year, year]));
        Assert.Contains("more than once", error.Message);
    }
}
