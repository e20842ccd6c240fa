using Duban.Tasks.Domain;
using Xunit;
using static Duban.Tasks.Domain.ProgressRollup;

namespace Duban.Tasks.Tests.Domain.Lifecycle;

public class ProgressRollupTests
{
    private static ChildState Working(int percent) => new(AssignmentStatus.InProgress, percent);

    [Fact]
    public void The_parent_takes_the_average_of_its_children()
    {
        Assert.Equal(40, Average([Working(20), Working(40), Working(60)]));
    }

    [Fact]
    public void A_completed_child_counts_as_full_progress_whatever_it_last_reported()
    {
        Assert.Equal(75, Average([new ChildState(AssignmentStatus.Completed, 30), Working(50)]));
    }

    [Fact]
    public void Completion_awaiting_verification_counts_its_reported_progress_only()
    {
        Assert.Equal(40, Average([new ChildState(AssignmentStatus.CompletionRequested, 80), new ChildState(AssignmentStatus.Assigned, 0)]));
    }

    [Fact]
    public void A_cancelled_child_no_longer_weighs_on_the_parent()
    {
        Assert.Equal(60, Average([new ChildState(AssignmentStatus.Cancelled, 0), Working(50), Working(70)]));
    }

    [Theory]
    [InlineData(new[] { 10, 15 }, 13)]        // 12.5: half away from zero
    [InlineData(new[] { 50, 51 }, 51)]        // 50.5
    [InlineData(new[] { 33, 33, 34 }, 33)]    // 33.33
    [InlineData(new[] { 100, 100, 0 }, 67)]   // 66.67
    [InlineData(new[] { 0, 1, 1 }, 1)]        // 0.67
    public void The_average_is_rounded_to_a_whole_percent(int[] percents, int expected)
    {
        Assert.Equal(expected, Average(percents.Select(Working)));
    }

    [Fact]
    public void No_children_give_no_progress()
    {
        Assert.Null(Average([]));
    }

    [Fact]
    public void Only_cancelled_children_give_no_progress()
    {
        Assert.Null(Average([new ChildState(AssignmentStatus.Cancelled, 40), new ChildState(AssignmentStatus.Cancelled, 100)]));
    }
}
