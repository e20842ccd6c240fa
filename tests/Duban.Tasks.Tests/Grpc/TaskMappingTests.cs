using Duban.Tasks.Domain;
using Duban.Tasks.Domain.Deadlines;
using Duban.Tasks.Grpc;

namespace Duban.Tasks.Tests.Grpc;

public class TaskMappingTests
{
    private static Assignment Duty(string text) => new()
    {
        Id = Guid.NewGuid(), PlanId = Guid.NewGuid(), ItemId = Guid.NewGuid(), AssigningUnitId = Guid.NewGuid(), LeadUnitId = Guid.NewGuid(),
        Title = "报送进展", DeadlineKind = DeadlineKind.Recurring, DeadlineText = text, DeadlineContextDate = new DateOnly(2026, 3, 1),
        TimeZone = "Asia/Shanghai", Status = AssignmentStatus.InProgress,
    };

    [Fact]
    public void Report_dates_are_listed_from_the_day_it_is_in_the_plans_zone_not_in_utc()
    {
        // 20:00 UTC on 28 November is 04:00 on 29 November in Shanghai: the 28th's report is already past there.
        var contract = Duty("每月28日前").ToContract(new DateTimeOffset(2026, 11, 28, 20, 0, 0, TimeSpan.Zero));

        Assert.Equal(new Google.Type.Date { Year = 2026, Month = 12, Day = 28 }, contract.Deadline.NextReportDates[0]);

        // Earlier the same UTC day it is still the 28th in Shanghai, and that day's report is the next.
        var before = Duty("每月28日前").ToContract(new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero));
        Assert.Equal(new Google.Type.Date { Year = 2026, Month = 11, Day = 28 }, before.Deadline.NextReportDates[0]);
    }
}
