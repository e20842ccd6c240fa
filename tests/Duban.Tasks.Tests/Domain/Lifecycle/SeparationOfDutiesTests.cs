using Duban.ServiceDefaults.Errors;
using Duban.Tasks.Domain;
using Duban.Tasks.Domain.Deadlines;
using Xunit;

namespace Duban.Tasks.Tests.Domain.Lifecycle;

/// <summary>A claim or a request is decided by someone other than the person who made it.</summary>
public class SeparationOfDutiesTests
{
    private static readonly DateTimeOffset Now = new(2023, 5, 10, 2, 0, 0, TimeSpan.Zero);
    private static readonly Guid Unit = Guid.NewGuid();

    private static Assignment InProgress() => new()
    {
        Id = Guid.NewGuid(), Title = "制定实施方案", DeadlineKind = DeadlineKind.Fixed, DeadlineText = "2023年6月底前",
        DueDate = new DateOnly(2023, 6, 30), DuePrecision = DatePrecision.MonthEnd, TimeZone = "Asia/Shanghai",
        Status = AssignmentStatus.InProgress,
    };

    [Fact]
    public void Whoever_confirmed_a_completion_cannot_verify_it()
    {
        var claimant = new Actor(Guid.NewGuid(), Unit);
        var assignment = InProgress();
        assignment.ConfirmCompletion(claimant, "已完成", [], Now);
        Assert.Equal(claimant.PersonId, assignment.CompletionRequestedBy);
        var version = assignment.Version;

        // The same person acting for the office (another unit, other roles) is still the claimant.
        Assert.Throws<PermissionDeniedException>(() => assignment.Verify(claimant with { UnitId = Guid.NewGuid() }, "", Now));
        Assert.Equal((AssignmentStatus.CompletionRequested, version), (assignment.Status, assignment.Version));

        assignment.Verify(new Actor(Guid.NewGuid(), Guid.NewGuid()), "核验属实", Now);
        Assert.Equal(AssignmentStatus.Completed, assignment.Status);
    }

    [Fact]
    public void A_returned_claim_forgets_its_claimant_and_the_next_claim_names_its_own()
    {
        var first = new Actor(Guid.NewGuid(), Unit);
        var second = new Actor(Guid.NewGuid(), Unit);
        var office = new Actor(Guid.NewGuid(), Guid.NewGuid());
        var assignment = InProgress();
        assignment.ConfirmCompletion(first, "已完成", [], Now);
        assignment.Reject(office, "缺少佐证", Now);
        Assert.Null(assignment.CompletionRequestedBy);
        assignment.ConfirmCompletion(second, "已补充", [], Now);
        Assert.Throws<PermissionDeniedException>(() => assignment.Verify(second, "", Now));
        assignment.Verify(first, "核验属实", Now);
        Assert.Equal(AssignmentStatus.Completed, assignment.Status);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Whoever_requested_an_extension_cannot_decide_it(bool approve)
    {
        var requester = new Actor(Guid.NewGuid(), Unit);
        var assignment = InProgress();
        assignment.RequestExtension(requester, new DateOnly(2023, 9, 30), "资金未到位", null, Now);
        var version = assignment.Version;
        Assert.Throws<PermissionDeniedException>(() => assignment.DecideExtension(requester with { UnitId = null }, approve, "", Now));
        Assert.NotNull(assignment.PendingExtension);
        Assert.Equal(version, assignment.Version);

        assignment.DecideExtension(new Actor(Guid.NewGuid(), Guid.NewGuid()), approve, "", Now);
        Assert.Null(assignment.PendingExtension);
    }
}
