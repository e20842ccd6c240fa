using Duban.Tasks.Domain.Deadlines;
using Xunit;

namespace Duban.Tasks.Tests.Domain.Deadlines;

public class RecurrenceTests
{
    private static DateOnly[] Dates(params string[] days) => days.Select(DateOnly.Parse).ToArray();

    [Fact]
    public void Day_31_is_clamped_to_each_month_end_including_a_leap_February()
    {
        Assert.Equal(
            Dates("2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30"),
            Recurrence.Monthly(31).NextDueDates(new DateOnly(2024, 1, 1), 4));
        Assert.Equal(Dates("2023-02-28"), Recurrence.Monthly(30).NextDueDates(new DateOnly(2023, 2, 1), 1));
    }

    [Fact]
    public void Monthly_duties_roll_from_December_into_the_next_year()
    {
        Assert.Equal(
            Dates("2023-12-28", "2024-01-28", "2024-02-28"),
            Recurrence.Monthly(28).NextDueDates(new DateOnly(2023, 11, 28), 3));
    }

    [Fact]
    public void Due_dates_lie_strictly_after_the_given_day()
    {
        Assert.Equal(Dates("2023-04-28"), Recurrence.Monthly(28).NextDueDates(new DateOnly(2023, 3, 28), 1));
        Assert.Equal(Dates("2023-03-24"), Recurrence.Weekly(DayOfWeek.Friday).NextDueDates(new DateOnly(2023, 3, 17), 1));
    }

    [Fact]
    public void Quarterly_duties_from_the_last_quarter_continue_into_the_next_year()
    {
        Assert.Equal(
            Dates("2024-01-20", "2024-04-20"),
            Recurrence.Quarterly(1, 20).NextDueDates(new DateOnly(2023, 10, 20), 2));
        Assert.Equal(
            Dates("2023-12-31", "2024-03-31"),
            Recurrence.Quarterly(null, null).NextDueDates(new DateOnly(2023, 11, 15), 2));
    }

    [Fact]
    public void Yearly_29_February_falls_back_to_28_February_in_common_years()
    {
        Assert.Equal(
            Dates("2023-02-28", "2024-02-29", "2025-02-28"),
            Recurrence.Yearly(2, 29).NextDueDates(new DateOnly(2022, 12, 31), 3));
    }

    [Fact]
    public void Fortnightly_duties_keep_their_rhythm_before_and_after_the_first_due_date()
    {
        var fortnightly = Recurrence.Biweekly(new DateOnly(2023, 3, 17));
        Assert.Equal(Dates("2023-03-03", "2023-03-17"), fortnightly.NextDueDates(new DateOnly(2023, 3, 1), 2));
        Assert.Equal(Dates("2023-03-31"), fortnightly.NextDueDates(new DateOnly(2023, 3, 17), 1));
        Assert.Equal(Dates("2024-01-05"), fortnightly.NextDueDates(new DateOnly(2023, 12, 22), 1));
    }

    [Fact]
    public void Asking_for_no_dates_gives_none_and_a_negative_count_is_refused()
    {
        Assert.Empty(Recurrence.Monthly(1).NextDueDates(new DateOnly(2023, 1, 1), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Recurrence.Monthly(1).NextDueDates(new DateOnly(2023, 1, 1), -1));
    }

    [Fact]
    public void Impossible_recurrences_cannot_be_built()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Recurrence.Monthly(32));
        Assert.Throws<ArgumentOutOfRangeException>(() => Recurrence.Quarterly(4, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Recurrence.Yearly(13, null));
    }
}
