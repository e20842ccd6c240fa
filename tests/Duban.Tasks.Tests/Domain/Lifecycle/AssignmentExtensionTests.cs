using Duban.ServiceDefaults.Errors;
using Duban.Tasks.Domain;
using Duban.Tasks.Domain.Deadlines;
using Xunit;

namespace Duban.Tasks.Tests.Domain.Lifecycle;

public class AssignmentExtensionTests
{
    private static readonly DateTimeOffset Now = new(2023, 6, 20, 1, 30, 0, TimeSpan.Zero);
    private static readonly Actor Lead = new(Guid.NewGuid(), Guid.NewGuid());
    private static readonly Actor Office = new(Guid.NewGuid(), Guid.NewGuid());
    private static readonly DateOnly June30 = new(2023, 6, 30);

    private static Assignment NewAssignment(AssignmentStatus status = AssignmentStatus.InProgress) => new()
    {
        Id = Guid.NewGuid(),
        Title = "完成雨污分流改造",
        DeadlineKind = DeadlineKind.Fixed,
        DeadlineText = "2023年6月底前",
        DueDate = June30,
        DuePrecision = DatePrecision.MonthEnd,
        OriginalDueDate = June30,
        TimeZone = "Asia/Shanghai",
        Status = status,
    };

    [Theory]
    [InlineData(AssignmentStatus.Assigned)]
    [InlineData(AssignmentStatus.Accepted)]
    [InlineData(AssignmentStatus.InProgress)]
    public void Requesting_an_extension_leaves_the_deadline_alone_until_the_office_decides(AssignmentStatus status)
    {
        var assignment = NewAssignment(status);

        var entry = assignment.RequestExtension(Lead, new DateOnly(2023, 9, 30), "汛期无法施工", null, Now);

        Assert.Equal(new PendingExtension(new DateOnly(2023, 9, 30), "汛期无法施工", Lead.PersonId, Now), assignment.PendingExtension);
        Assert.Equal(June30, assignment.DueDate);
        Assert.Equal(1, assignment.DeadlineVersion);
        Assert.Equal(status, assignment.Status);
        Assert.Equal(HistoryTypes.ExtensionRequested, entry.Type);
        Assert.Equal(status, entry.StatusAfter);
        Assert.Equal(new DateOnly(2023, 9, 30), entry.DueDate);
        Assert.Equal("汛期无法施工", entry.Text);
        Assert.Equal(2, entry.Version);
        Assert.Equal(2, assignment.Version);
    }

    [Theory]
    [InlineData(DeadlineKind.Ongoing, "长期坚持")]
    [InlineData(DeadlineKind.Recurring, "每月28日前")]
    public void A_deadline_without_a_date_cannot_be_extended(DeadlineKind kind, string text)
    {
        var assignment = new Assignment { Id = Guid.NewGuid(), Title = "常态化巡查", DeadlineKind = kind, DeadlineText = text, TimeZone = "Asia/Shanghai" };

        var error = Assert.Throws<FailedPreconditionException>(() => assignment.RequestExtension(Lead, June30, "", null, Now));

        Assert.Equal("NO_DUE_DATE", error.Type);
        Assert.Contains(kind.ToString(), error.Message);
        Assert.Null(assignment.PendingExtension);
        Assert.Equal(1, assignment.Version);
    }

    [Fact]
    public void A_second_request_waits_for_the_first_to_be_decided()
    {
        var assignment = NewAssignment();
        assignment.RequestExtension(Lead, new DateOnly(2023, 9, 30), "第一次", null, Now);

        var error = Assert.Throws<FailedPreconditionException>(() => assignment.RequestExtension(Lead, new DateOnly(2023, 10, 31), "第二次", null, Now));

        Assert.Equal("EXTENSION_PENDING", error.Type);
        Assert.Equal(new DateOnly(2023, 9, 30), assignment.PendingExtension?.RequestedDueDate);
        Assert.Equal(2, assignment.Version);
    }

    [Theory]
    [InlineData("2023-06-30")]
    [InlineData("2023-06-01")]
    public void The_requested_date_must_come_after_the_current_due_date(string requested)
    {
        var assignment = NewAssignment();

        var error = Assert.Throws<ValidationFailedException>(() => assignment.RequestExtension(Lead, DateOnly.Parse(requested), "", null, Now));

        var violation = Assert.Single(error.Violations);
        Assert.Equal("new_due_date", violation.Field);
        Assert.Contains("2023-06-30", violation.Description);
        Assert.Null(assignment.PendingExtension);
        Assert.Equal(1, assignment.Version);
    }

    [Fact]
    public void The_requested_date_must_not_fall_after_the_parents_due_date()
    {
        var assignment = NewAssignment();

        var error = Assert.Throws<ValidationFailedException>(
            () => assignment.RequestExtension(Lead, new DateOnly(2023, 10, 1), "", new DateOnly(2023, 9, 30), Now));

        var violation = Assert.Single(error.Violations);
        Assert.Equal("new_due_date", violation.Field);
        Assert.Contains("2023-09-30", violation.Description);
        Assert.Null(assignment.PendingExtension);
    }

    [Fact]
    public void The_requested_date_may_be_the_parents_due_date_itself()
    {
        var assignment = NewAssignment();

        assignment.RequestExtension(Lead, new DateOnly(2023, 9, 30), "", new DateOnly(2023, 9, 30), Now);

        Assert.Equal(new DateOnly(2023, 9, 30), assignment.PendingExtension?.RequestedDueDate);
    }

    [Theory]
    [InlineData(AssignmentStatus.CompletionRequested)]
    [InlineData(AssignmentStatus.Completed)]
    [InlineData(AssignmentStatus.Cancelled)]
    public void Work_handed_over_or_closed_cannot_ask_for_an_extension(AssignmentStatus status)
    {
        var assignment = NewAssignment(status);

        var error = Assert.Throws<FailedPreconditionException>(() => assignment.RequestExtension(Lead, new DateOnly(2023, 9, 30), "", null, Now));

        Assert.Equal("STATE", error.Type);
        Assert.Contains(status.ToString(), error.Message);
        Assert.Null(assignment.PendingExtension);
    }

    [Fact]
    public void An_approved_extension_moves_the_due_date_and_keeps_the_original_for_scoring()
    {
        var assignment = NewAssignment();
        assignment.RequestExtension(Lead, new DateOnly(2023, 9, 30), "汛期无法施工", null, Now);

        var entry = assignment.DecideExtension(Office, approve: true, "同意延期", Now.AddDays(2));

        Assert.Equal(new DateOnly(2023, 9, 30), assignment.DueDate);
        Assert.Equal(DatePrecision.Day, assignment.DuePrecision);
        Assert.Equal(DeadlineKind.Fixed, assignment.DeadlineKind);
        Assert.Equal(2, assignment.DeadlineVersion);
        Assert.Equal(June30, assignment.OriginalDueDate);
        Assert.Equal("2023年6月底前", assignment.DeadlineText);
        Assert.Null(assignment.PendingExtension);
        Assert.Equal(new FixedDeadline("2023年6月底前", new DateOnly(2023, 9, 30), DatePrecision.Day), assignment.Deadline);
        Assert.Equal(HistoryTypes.ExtensionApproved, entry.Type);
        Assert.Equal(AssignmentStatus.InProgress, entry.StatusAfter);
        Assert.Equal(new DateOnly(2023, 9, 30), entry.DueDate);
        Assert.Equal("同意延期", entry.Text);
        Assert.Equal(Office.PersonId, entry.PersonId);
        Assert.Equal(3, entry.Version);
    }

    [Fact]
    public void Each_approved_extension_bumps_the_deadline_version_again()
    {
        var assignment = NewAssignment();
        assignment.RequestExtension(Lead, new DateOnly(2023, 9, 30), "", null, Now);
        assignment.DecideExtension(Office, approve: true, "", Now);
        assignment.RequestExtension(Lead, new DateOnly(2023, 12, 31), "", null, Now);
        assignment.DecideExtension(Office, approve: true, "", Now);

        Assert.Equal(3, assignment.DeadlineVersion);
        Assert.Equal(new DateOnly(2023, 12, 31), assignment.DueDate);
        Assert.Equal(June30, assignment.OriginalDueDate);
        Assert.Equal(5, assignment.Version);
    }

    [Fact]
    public void Extending_a_milestone_deadline_makes_it_fixed_keeps_the_earlier_steps_and_replaces_the_final_one()
    {
        var assignment = new Assignment
        {
            Id = Guid.NewGuid(),
            Title = "老旧小区改造",
            DeadlineKind = DeadlineKind.Milestones,
            DeadlineText = "6月底前完成方案，12月底前全面完成",
            DueDate = new DateOnly(2023, 12, 31),
            DuePrecision = DatePrecision.MonthEnd,
            OriginalDueDate = new DateOnly(2023, 12, 31),
            Milestones =
            [
                new MilestoneValue(June30, DatePrecision.MonthEnd, "完成方案"),
                new MilestoneValue(new DateOnly(2023, 12, 31), DatePrecision.MonthEnd, "全面完成"),
            ],
            TimeZone = "Asia/Shanghai",
            Status = AssignmentStatus.InProgress,
        };
        assignment.RequestExtension(Lead, new DateOnly(2024, 3, 31), "", null, Now);

        assignment.DecideExtension(Office, approve: true, "", Now);

        Assert.Equal(DeadlineKind.Fixed, assignment.DeadlineKind);
        Assert.Equal(new DateOnly(2024, 3, 31), assignment.DueDate);
        Assert.Equal([June30], assignment.Milestones.Select(m => m.Date));
        Assert.Equal(new DateOnly(2023, 12, 31), assignment.OriginalDueDate);
    }

    [Fact]
    public void Milestones_on_or_after_the_old_due_date_are_dropped()
    {
        // The old due date here is 2023-06-30 (NewAssignment); steps stored at or after it give way to the new date.
        var assignment = NewAssignment();
        assignment.Milestones =
        [
            new MilestoneValue(new DateOnly(2023, 5, 31), DatePrecision.MonthEnd, "完成摸排"),
            new MilestoneValue(new DateOnly(2023, 9, 30), DatePrecision.MonthEnd, "完成验收"),
            new MilestoneValue(new DateOnly(2023, 10, 31), DatePrecision.MonthEnd, "全面完成"),
        ];
        assignment.RequestExtension(Lead, new DateOnly(2023, 9, 30), "", null, Now);

        assignment.DecideExtension(Office, approve: true, "", Now);

        Assert.Equal(["完成摸排"], assignment.Milestones.Select(m => m.Label));
    }

    [Fact]
    public void A_refused_extension_clears_the_request_and_keeps_the_deadline()
    {
        var assignment = NewAssignment();
        assignment.RequestExtension(Lead, new DateOnly(2023, 9, 30), "", null, Now);

        var entry = assignment.DecideExtension(Office, approve: false, "理由不充分", Now);

        Assert.Null(assignment.PendingExtension);
        Assert.Equal(June30, assignment.DueDate);
        Assert.Equal(DatePrecision.MonthEnd, assignment.DuePrecision);
        Assert.Equal(1, assignment.DeadlineVersion);
        Assert.Equal(HistoryTypes.ExtensionRefused, entry.Type);
        Assert.Equal("理由不充分", entry.Text);
        Assert.Null(entry.DueDate);
        Assert.Equal(3, entry.Version);
    }

    [Fact]
    public void After_a_refusal_the_unit_may_ask_again()
    {
        var assignment = NewAssignment();
        assignment.RequestExtension(Lead, new DateOnly(2023, 9, 30), "", null, Now);
        assignment.DecideExtension(Office, approve: false, "", Now);

        assignment.RequestExtension(Lead, new DateOnly(2023, 7, 31), "缩短延期", null, Now);

        Assert.Equal(new DateOnly(2023, 7, 31), assignment.PendingExtension?.RequestedDueDate);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Deciding_without_a_pending_request_is_refused(bool approve)
    {
        var assignment = NewAssignment();

        var error = Assert.Throws<FailedPreconditionException>(() => assignment.DecideExtension(Office, approve, "", Now));

        Assert.Equal("NO_EXTENSION_PENDING", error.Type);
        Assert.Equal(June30, assignment.DueDate);
        Assert.Equal(1, assignment.Version);
    }

    [Fact]
    public void Confirming_completion_drops_a_pending_extension_and_a_finished_assignment_has_none_to_decide()
    {
        var assignment = NewAssignment();
        assignment.RequestExtension(Lead, new DateOnly(2023, 9, 30), "等待审批", null, Now);
        assignment.ConfirmCompletion(Lead, "已完成", [], Now);
        Assert.Null(assignment.PendingExtension);

        var error = Assert.Throws<FailedPreconditionException>(() => assignment.DecideExtension(Office, approve: true, "", Now));
        Assert.Equal("STATE", error.Type);
        Assert.Equal(June30, assignment.DueDate);
        Assert.Equal(1, assignment.DeadlineVersion);
    }
}
