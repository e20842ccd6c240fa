using Duban.Deadlines;
using Duban.Supervision.Domain.Reports;

namespace Duban.Supervision.Tests.Domain;

public class ReportDutyTests
{
    private static DateOnly D(string date) => DateOnly.Parse(date);

    [Theory]
    [InlineData("2026-03-01", "2026-03-28")]
    [InlineData("2026-03-28", "2026-03-28")] // due that very day
    [InlineData("2026-03-29", "2026-04-28")]
    [InlineData("2026-12-31", "2027-01-28")]
    public void A_new_monthly_duty_owes_the_first_report_due_from_the_day_it_is_assigned(string assigned, string due) =>
        Assert.Equal(D(due), ReportDuty.FirstDue(Recurrence.Monthly(28), D(assigned)));

    [Theory]
    [InlineData("2026-03-27", "2026-04-28")] // satisfies March's
    [InlineData("2026-03-28", "2026-04-28")] // filed on the due date: still March's
    [InlineData("2026-03-29", "2026-05-28")] // after March's date: counts for April's
    public void A_report_satisfies_the_one_due_on_or_after_its_day_and_the_next_is_then_due(string filed, string due) =>
        Assert.Equal(D(due), ReportDuty.DueAfterReportOn(Recurrence.Monthly(28), D(filed)));

    [Fact]
    public void Quarter_ends_and_weekdays_follow_the_shared_rule()
    {
        Assert.Equal(D("2026-06-30"), ReportDuty.FirstDue(Recurrence.Quarterly(null, null), D("2026-04-01")));
        Assert.Equal(D("2026-09-30"), ReportDuty.DueAfterReportOn(Recurrence.Quarterly(null, null), D("2026-06-30")));
        // 2026-03-06 is a Friday.
        Assert.Equal(D("2026-03-06"), ReportDuty.FirstDue(Recurrence.Weekly(DayOfWeek.Friday), D("2026-03-06")));
        Assert.Equal(D("2026-03-13"), ReportDuty.DueAfterReportOn(Recurrence.Weekly(DayOfWeek.Friday), D("2026-03-04")));
    }
}
