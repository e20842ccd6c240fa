using Duban.Tasks.Domain;
using Duban.Tasks.Domain.Deadlines;
using Xunit;

namespace Duban.Tasks.Tests.Domain.Lifecycle;

public class AssignmentOverdueTests
{
    private static Assignment DueJune30(AssignmentStatus status, string timeZone = "Asia/Shanghai") => new()
    {
        Id = Guid.NewGuid(),
        Title = "完成方案编制",
        DeadlineKind = DeadlineKind.Fixed,
        DeadlineText = "2023年6月30日前",
        DueDate = new DateOnly(2023, 6, 30),
        DuePrecision = DatePrecision.Day,
        TimeZone = timeZone,
        Status = status,
    };

    [Theory]
    [InlineData(AssignmentStatus.Assigned)]
    [InlineData(AssignmentStatus.Accepted)]
    [InlineData(AssignmentStatus.InProgress)]
    public void Work_is_due_at_the_end_of_its_day_in_its_own_time_zone(AssignmentStatus status)
    {
        var assignment = DueJune30(status);

        Assert.False(assignment.IsOverdueAt(DateTimeOffset.Parse("2023-06-30T15:59:59Z")));
        Assert.True(assignment.IsOverdueAt(DateTimeOffset.Parse("2023-06-30T16:00:00Z")));
    }

    [Fact]
    public void The_same_date_ends_later_in_a_time_zone_further_west()
    {
        var assignment = DueJune30(AssignmentStatus.InProgress, "UTC");

        Assert.False(assignment.IsOverdueAt(DateTimeOffset.Parse("2023-06-30T23:59:59Z")));
        Assert.True(assignment.IsOverdueAt(DateTimeOffset.Parse("2023-07-01T00:00:00Z")));
    }

    [Theory]
    [InlineData(AssignmentStatus.CompletionRequested)]
    [InlineData(AssignmentStatus.Completed)]
    [InlineData(AssignmentStatus.Cancelled)]
    public void Work_handed_over_or_closed_is_never_overdue(AssignmentStatus status)
    {
        var assignment = DueJune30(status);

        Assert.False(assignment.IsOverdueAt(DateTimeOffset.Parse("2024-01-01T00:00:00Z")));
    }

    [Fact]
    public void Work_without_a_due_date_is_never_overdue()
    {
        var assignment = new Assignment
        {
            Id = Guid.NewGuid(), Title = "常态化巡查", DeadlineKind = DeadlineKind.Ongoing, DeadlineText = "长期坚持",
            TimeZone = "Asia/Shanghai", Status = AssignmentStatus.InProgress,
        };

        Assert.False(assignment.IsOverdueAt(DateTimeOffset.Parse("2030-01-01T00:00:00Z")));
    }
}
