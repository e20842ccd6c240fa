using Duban.ServiceDefaults.Errors;
using Duban.Tasks.Domain;
using Duban.Tasks.Domain.Deadlines;
using Xunit;

namespace Duban.Tasks.Tests.Domain.Lifecycle;

public class AssignmentLifecycleTests
{
    private static readonly DateTimeOffset Now = new(2023, 5, 10, 2, 0, 0, TimeSpan.Zero);
    private static readonly Actor Lead = new(Guid.NewGuid(), Guid.NewGuid());

    private static Assignment NewAssignment(AssignmentStatus status = AssignmentStatus.Assigned, int progress = 0) => new()
    {
        Id = Guid.NewGuid(),
        Title = "制定老旧小区改造实施方案",
        DeadlineKind = DeadlineKind.Fixed,
        DeadlineText = "2023年6月底前",
        DueDate = new DateOnly(2023, 6, 30),
        DuePrecision = DatePrecision.MonthEnd,
        OriginalDueDate = new DateOnly(2023, 6, 30),
        TimeZone = "Asia/Shanghai",
        Status = status,
        ProgressPercent = progress,
    };

    private static void AssertRefusedFrom(Assignment assignment, AssignmentStatus status, Action change)
    {
        var versionBefore = assignment.Version;
        var error = Assert.Throws<FailedPreconditionException>(change);
        Assert.Equal("STATE", error.Type);
        Assert.Equal($"assignments/{assignment.Id}", error.Subject);
        Assert.Contains(status.ToString(), error.Message);
        Assert.Contains(status.Chinese(), error.Message);
        Assert.Equal(status, assignment.Status);
        Assert.Equal(versionBefore, assignment.Version);
    }

    [Fact]
    public void Accepting_an_assigned_assignment_records_who_accepted_it_and_bumps_the_version()
    {
        var assignment = NewAssignment();

        var entry = assignment.Accept(Lead, Now);

        Assert.Equal(AssignmentStatus.Accepted, assignment.Status);
        Assert.Equal(2, assignment.Version);
        Assert.Equal(Now, assignment.UpdateTime);
        Assert.Equal(HistoryTypes.Accepted, entry.Type);
        Assert.Equal(AssignmentStatus.Accepted, entry.StatusAfter);
        Assert.Equal(2, entry.Version);
        Assert.Equal(assignment.Id, entry.AssignmentId);
        Assert.Equal(Now, entry.Time);
        Assert.Equal(Lead.PersonId, entry.PersonId);
        Assert.Equal(Lead.UnitId, entry.UnitId);
    }

    [Theory]
    [InlineData(AssignmentStatus.Accepted)]
    [InlineData(AssignmentStatus.InProgress)]
    [InlineData(AssignmentStatus.CompletionRequested)]
    [InlineData(AssignmentStatus.Completed)]
    [InlineData(AssignmentStatus.Cancelled)]
    public void Only_an_assigned_assignment_can_be_accepted(AssignmentStatus status)
    {
        var assignment = NewAssignment(status);
        AssertRefusedFrom(assignment, status, () => assignment.Accept(Lead, Now));
    }

    [Theory]
    [InlineData(AssignmentStatus.Assigned)]
    [InlineData(AssignmentStatus.Accepted)]
    [InlineData(AssignmentStatus.InProgress)]
    public void Reporting_progress_sets_the_percent_and_moves_the_work_in_progress(AssignmentStatus status)
    {
        var assignment = NewAssignment(status, progress: 10);

        var entry = assignment.ReportProgress(Lead, 45, "已完成现场摸排", Now);

        Assert.Equal(AssignmentStatus.InProgress, assignment.Status);
        Assert.Equal(45, assignment.ProgressPercent);
        Assert.Equal(HistoryTypes.ProgressReported, entry.Type);
        Assert.Equal(AssignmentStatus.InProgress, entry.StatusAfter);
        Assert.Equal(45, entry.ProgressPercent);
        Assert.Equal("已完成现场摸排", entry.Text);
        Assert.Equal(2, entry.Version);
        Assert.Equal(2, assignment.Version);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    public void Progress_at_either_end_of_the_range_is_accepted(int percent)
    {
        var assignment = NewAssignment(AssignmentStatus.InProgress, progress: 50);

        var entry = assignment.ReportProgress(Lead, percent, "", Now);

        Assert.Equal(percent, assignment.ProgressPercent);
        Assert.Equal(percent, entry.ProgressPercent);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(101)]
    public void Progress_outside_0_to_100_is_a_validation_error_that_changes_nothing(int percent)
    {
        var assignment = NewAssignment(AssignmentStatus.Accepted, progress: 30);

        var error = Assert.Throws<ValidationFailedException>(() => assignment.ReportProgress(Lead, percent, "", Now));

        Assert.Equal("percent", Assert.Single(error.Violations).Field);
        Assert.Equal(30, assignment.ProgressPercent);
        Assert.Equal(AssignmentStatus.Accepted, assignment.Status);
        Assert.Equal(1, assignment.Version);
    }

    [Fact]
    public void A_decomposed_assignment_refuses_a_new_percent_because_progress_rolls_up_from_its_children()
    {
        var assignment = NewAssignment(AssignmentStatus.InProgress, progress: 40);
        assignment.ChildCount = 2;
        assignment.OpenChildCount = 2;

        var error = Assert.Throws<FailedPreconditionException>(() => assignment.ReportProgress(Lead, 60, "", Now));

        Assert.Equal("HAS_CHILDREN", error.Type);
        Assert.Equal(40, assignment.ProgressPercent);
        Assert.Equal(1, assignment.Version);
    }

    [Fact]
    public void A_decomposed_assignment_takes_a_narrative_with_its_current_percent()
    {
        var assignment = NewAssignment(AssignmentStatus.InProgress, progress: 40);
        assignment.ChildCount = 2;

        var entry = assignment.ReportProgress(Lead, 40, "两个子项均在推进", Now);

        Assert.Equal(HistoryTypes.ProgressReported, entry.Type);
        Assert.Equal("两个子项均在推进", entry.Text);
        Assert.Equal(40, assignment.ProgressPercent);
        Assert.Equal(2, assignment.Version);
    }

    [Theory]
    [InlineData(AssignmentStatus.CompletionRequested)]
    [InlineData(AssignmentStatus.Completed)]
    [InlineData(AssignmentStatus.Cancelled)]
    public void Progress_cannot_be_reported_once_the_work_is_handed_over_or_closed(AssignmentStatus status)
    {
        var assignment = NewAssignment(status, progress: 90);
        AssertRefusedFrom(assignment, status, () => assignment.ReportProgress(Lead, 95, "", Now));
        Assert.Equal(90, assignment.ProgressPercent);
    }

    [Theory]
    [InlineData(AssignmentStatus.Accepted)]
    [InlineData(AssignmentStatus.InProgress)]
    public void Confirming_completion_hands_the_work_to_the_office_with_its_evidence(AssignmentStatus status)
    {
        var assignment = NewAssignment(status, progress: 100);

        var entry = assignment.ConfirmCompletion(Lead, "方案已印发", ["https://example.org/doc/1", "https://example.org/doc/2"], Now);

        Assert.Equal(AssignmentStatus.CompletionRequested, assignment.Status);
        Assert.Equal(Now, assignment.CompletionRequestedTime);
        Assert.Null(assignment.CompletedTime);
        Assert.Equal(HistoryTypes.CompletionConfirmed, entry.Type);
        Assert.Equal(AssignmentStatus.CompletionRequested, entry.StatusAfter);
        Assert.Equal("方案已印发", entry.Text);
        Assert.Equal(["https://example.org/doc/1", "https://example.org/doc/2"], entry.Links);
        Assert.Equal(2, entry.Version);
    }

    [Fact]
    public void Completion_cannot_be_confirmed_while_decomposed_assignments_are_open()
    {
        var assignment = NewAssignment(AssignmentStatus.InProgress, progress: 70);
        assignment.ChildCount = 3;
        assignment.OpenChildCount = 2;

        var error = Assert.Throws<FailedPreconditionException>(() => assignment.ConfirmCompletion(Lead, "", [], Now));

        Assert.Equal("OPEN_CHILDREN", error.Type);
        Assert.Equal($"assignments/{assignment.Id}", error.Subject);
        Assert.StartsWith("2 decomposed", error.Message);
        Assert.Equal(AssignmentStatus.InProgress, assignment.Status);
        Assert.Null(assignment.CompletionRequestedTime);
        Assert.Equal(1, assignment.Version);
    }

    [Fact]
    public void Completion_can_be_confirmed_once_every_decomposed_assignment_is_closed()
    {
        var assignment = NewAssignment(AssignmentStatus.InProgress, progress: 100);
        assignment.ChildCount = 3;
        assignment.OpenChildCount = 0;

        var entry = assignment.ConfirmCompletion(Lead, "", [], Now);

        Assert.Equal(AssignmentStatus.CompletionRequested, entry.StatusAfter);
        Assert.Empty(entry.Links);
    }

    [Theory]
    [InlineData(AssignmentStatus.Assigned)]
    [InlineData(AssignmentStatus.CompletionRequested)]
    [InlineData(AssignmentStatus.Completed)]
    [InlineData(AssignmentStatus.Cancelled)]
    public void Completion_is_confirmed_only_for_accepted_or_ongoing_work(AssignmentStatus status)
    {
        var assignment = NewAssignment(status);
        AssertRefusedFrom(assignment, status, () => assignment.ConfirmCompletion(Lead, "", [], Now));
    }

    [Fact]
    public void Verifying_completes_the_work_at_full_progress()
    {
        var assignment = NewAssignment(AssignmentStatus.CompletionRequested, progress: 80);
        var office = new Actor(Guid.NewGuid(), Guid.NewGuid());

        var entry = assignment.Verify(office, "核验通过", Now);

        Assert.Equal(AssignmentStatus.Completed, assignment.Status);
        Assert.Equal(100, assignment.ProgressPercent);
        Assert.Equal(Now, assignment.CompletedTime);
        Assert.Equal(HistoryTypes.CompletionVerified, entry.Type);
        Assert.Equal(AssignmentStatus.Completed, entry.StatusAfter);
        Assert.Equal(100, entry.ProgressPercent);
        Assert.Equal("核验通过", entry.Text);
        Assert.Equal(office.PersonId, entry.PersonId);
        Assert.Equal(2, entry.Version);
    }

    [Theory]
    [InlineData(AssignmentStatus.Assigned)]
    [InlineData(AssignmentStatus.Accepted)]
    [InlineData(AssignmentStatus.InProgress)]
    [InlineData(AssignmentStatus.Completed)]
    [InlineData(AssignmentStatus.Cancelled)]
    public void Only_work_whose_completion_was_confirmed_can_be_verified(AssignmentStatus status)
    {
        var assignment = NewAssignment(status, progress: 50);
        AssertRefusedFrom(assignment, status, () => assignment.Verify(Lead, "", Now));
        Assert.Null(assignment.CompletedTime);
        Assert.Equal(50, assignment.ProgressPercent);
    }

    [Fact]
    public void Rejecting_sends_the_work_back_in_progress_with_the_reason()
    {
        var assignment = NewAssignment(AssignmentStatus.InProgress, progress: 100);
        assignment.ConfirmCompletion(Lead, "", [], Now);

        var entry = assignment.Reject(Lead, "佐证材料不全", Now.AddDays(1));

        Assert.Equal(AssignmentStatus.InProgress, assignment.Status);
        Assert.Null(assignment.CompletionRequestedTime);
        Assert.Equal(100, assignment.ProgressPercent);
        Assert.Equal(HistoryTypes.CompletionRejected, entry.Type);
        Assert.Equal(AssignmentStatus.InProgress, entry.StatusAfter);
        Assert.Equal("佐证材料不全", entry.Text);
        Assert.Equal(3, entry.Version);
        Assert.Equal(Now.AddDays(1), assignment.UpdateTime);
    }

    [Theory]
    [InlineData(AssignmentStatus.Assigned)]
    [InlineData(AssignmentStatus.InProgress)]
    [InlineData(AssignmentStatus.Completed)]
    [InlineData(AssignmentStatus.Cancelled)]
    public void Only_work_whose_completion_was_confirmed_can_be_rejected(AssignmentStatus status)
    {
        var assignment = NewAssignment(status);
        AssertRefusedFrom(assignment, status, () => assignment.Reject(Lead, "", Now));
    }

    [Theory]
    [InlineData(AssignmentStatus.Assigned)]
    [InlineData(AssignmentStatus.Accepted)]
    [InlineData(AssignmentStatus.InProgress)]
    [InlineData(AssignmentStatus.CompletionRequested)]
    public void Open_work_can_be_cancelled_and_its_pending_extension_goes_with_it(AssignmentStatus status)
    {
        var assignment = NewAssignment(status);
        assignment.PendingExtension = new PendingExtension(new DateOnly(2023, 9, 30), "汛期", Lead.PersonId, Now);

        var entry = assignment.Cancel(Lead, "任务调整", Now);

        Assert.Equal(AssignmentStatus.Cancelled, assignment.Status);
        Assert.Null(assignment.PendingExtension);
        Assert.Equal(HistoryTypes.Cancelled, entry.Type);
        Assert.Equal(AssignmentStatus.Cancelled, entry.StatusAfter);
        Assert.Equal("任务调整", entry.Text);
        Assert.Equal(2, entry.Version);
    }

    [Theory]
    [InlineData(AssignmentStatus.Completed)]
    [InlineData(AssignmentStatus.Cancelled)]
    public void Closed_work_cannot_be_cancelled(AssignmentStatus status)
    {
        var assignment = NewAssignment(status);
        AssertRefusedFrom(assignment, status, () => assignment.Cancel(Lead, "", Now));
    }

    [Fact]
    public void Recording_a_decomposition_adds_open_children()
    {
        var assignment = NewAssignment(AssignmentStatus.Accepted);

        var first = assignment.RecordDecomposition(Lead, 3, Now);
        var second = assignment.RecordDecomposition(Lead, 2, Now);

        Assert.Equal(5, assignment.ChildCount);
        Assert.Equal(5, assignment.OpenChildCount);
        Assert.Equal(HistoryTypes.Decomposed, first.Type);
        Assert.Equal("分解为 3 项", first.Text);
        Assert.Equal("分解为 2 项", second.Text);
        Assert.Equal(AssignmentStatus.Accepted, second.StatusAfter);
        Assert.Equal(2, first.Version);
        Assert.Equal(3, second.Version);
    }

    [Theory]
    [InlineData(AssignmentStatus.CompletionRequested)]
    [InlineData(AssignmentStatus.Completed)]
    [InlineData(AssignmentStatus.Cancelled)]
    public void Work_handed_over_or_closed_cannot_be_decomposed(AssignmentStatus status)
    {
        var assignment = NewAssignment(status);
        AssertRefusedFrom(assignment, status, () => assignment.RecordDecomposition(Lead, 1, Now));
        Assert.Equal(0, assignment.ChildCount);
    }

    [Fact]
    public void Rolling_up_unchanged_children_records_nothing()
    {
        var assignment = NewAssignment(AssignmentStatus.InProgress, progress: 40);
        assignment.ChildCount = 2;
        assignment.OpenChildCount = 1;

        var entry = assignment.RollUp(2, 1, 40, Now);

        Assert.Null(entry);
        Assert.Equal(1, assignment.Version);
        Assert.Equal(default, assignment.UpdateTime);
    }

    [Theory]
    [InlineData(3, 1, 40)]
    [InlineData(2, 0, 40)]
    [InlineData(2, 1, 55)]
    public void Rolling_up_changed_children_follows_them_and_records_it_without_an_actor(int childCount, int openChildCount, int progress)
    {
        var assignment = NewAssignment(AssignmentStatus.InProgress, progress: 40);
        assignment.ChildCount = 2;
        assignment.OpenChildCount = 1;

        var entry = assignment.RollUp(childCount, openChildCount, progress, Now);

        Assert.NotNull(entry);
        Assert.Equal((childCount, openChildCount, progress), (assignment.ChildCount, assignment.OpenChildCount, assignment.ProgressPercent));
        Assert.Equal(HistoryTypes.RolledUp, entry.Type);
        Assert.Equal(AssignmentStatus.InProgress, entry.StatusAfter);
        Assert.Equal(progress, entry.ProgressPercent);
        Assert.Null(entry.PersonId);
        Assert.Null(entry.UnitId);
        Assert.Equal(2, entry.Version);
        Assert.Equal(2, assignment.Version);
    }

    [Fact]
    public void The_current_version_passes_the_check()
    {
        var assignment = NewAssignment();
        assignment.Accept(Lead, Now);

        assignment.CheckVersion(2);
    }

    [Fact]
    public void A_version_read_before_the_last_change_is_stale()
    {
        var assignment = NewAssignment();
        assignment.Accept(Lead, Now);

        var error = Assert.Throws<StaleVersionException>(() => assignment.CheckVersion(1));

        Assert.Equal(2, error.CurrentVersion);
        Assert.Contains(assignment.Id.ToString(), error.Message);
        Assert.Contains("version 2", error.Message);
    }

    [Fact]
    public void A_whole_round_trip_bumps_the_version_once_per_change()
    {
        var assignment = NewAssignment();
        var office = new Actor(Guid.NewGuid(), Guid.NewGuid());

        HistoryEntry[] entries =
        [
            assignment.Accept(Lead, Now),
            assignment.ReportProgress(Lead, 60, "", Now),
            assignment.ConfirmCompletion(Lead, "", [], Now),
            assignment.Reject(office, "", Now),
            assignment.ReportProgress(Lead, 100, "", Now),
            assignment.ConfirmCompletion(Lead, "", [], Now),
            assignment.Verify(office, "", Now),
        ];

        Assert.Equal([2L, 3, 4, 5, 6, 7, 8], entries.Select(e => e.Version));
        Assert.Equal(
            [
                AssignmentStatus.Accepted, AssignmentStatus.InProgress, AssignmentStatus.CompletionRequested, AssignmentStatus.InProgress,
                AssignmentStatus.InProgress, AssignmentStatus.CompletionRequested, AssignmentStatus.Completed,
            ],
            entries.Select(e => e.StatusAfter));
        Assert.Equal(8, assignment.Version);
    }
}
