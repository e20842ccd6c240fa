using Duban.Contracts.Tasks.V1;
using Duban.ServiceDefaults.Auth;
using Duban.Testing;
using Grpc.Core;

namespace Duban.Tasks.Tests.Access;

/// <summary>A person who is both the office and a unit's lead still cannot check their own claims.</summary>
public class SeparationOfDutiesWireTests(TasksServiceFixture service) : IClassFixture<TasksServiceFixture>
{
    private async Task<Assignment> AcceptedAssignmentAsync()
    {
        var response = await service.Office.ImportPlanAsync(new ImportPlanRequest
        {
            Title = "职责分离", IssuingUnitId = service.Tree.Park.Id, IssueDate = new Google.Type.Date { Year = 2023, Month = 3, Day = 1 },
            TableText = $"序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限\n1,承接产业转移,拿出方案{Guid.NewGuid():N},经发局,,,2023年12月底前\n",
        });
        var a = (await service.Office.ListAssignmentsAsync(new ListAssignmentsRequest { PlanId = response.Plan.Id })).Assignments.Single();
        return await service.Office.AcceptAssignmentAsync(new AcceptAssignmentRequest { Id = a.Id, Version = a.Version });
    }

    [Fact]
    public async Task The_person_who_confirmed_a_completion_cannot_verify_it_even_as_the_office()
    {
        var person = service.Tree.EconomyLead.Id;
        var both = service.Client(TestTokens.For(person, service.Tree.Economy.Id, DubanRoles.Lead, DubanRoles.Office));
        var a = await AcceptedAssignmentAsync();
        a = await both.ConfirmCompletionAsync(new ConfirmCompletionRequest { Id = a.Id, Version = a.Version, Evidence = "已完成" });

        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
            await both.VerifyCompletionAsync(new VerifyCompletionRequest { Id = a.Id, Version = a.Version }));
        // Another token of the same person, with the office role only, is the same person.
        var officeOnly = service.Client(TestTokens.For(person, "", DubanRoles.Office));
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
            await officeOnly.VerifyCompletionAsync(new VerifyCompletionRequest { Id = a.Id, Version = a.Version }));
        Assert.Equal(AssignmentStatus.CompletionRequested, (await service.Office.GetAssignmentAsync(new GetAssignmentRequest { Id = a.Id })).Status);

        a = await service.Office.VerifyCompletionAsync(new VerifyCompletionRequest { Id = a.Id, Version = a.Version, Remark = "核验属实" });
        Assert.Equal(AssignmentStatus.Completed, a.Status);
    }

    [Fact]
    public async Task The_person_who_requested_an_extension_cannot_decide_it_even_as_the_office()
    {
        var person = service.Tree.EconomyLead.Id;
        var both = service.Client(TestTokens.For(person, service.Tree.Economy.Id, DubanRoles.Lead, DubanRoles.Office));
        var a = await AcceptedAssignmentAsync();
        a = await both.RequestExtensionAsync(new RequestExtensionRequest
        {
            Id = a.Id, Version = a.Version, Reason = "资金未到位", NewDueDate = new Google.Type.Date { Year = 2024, Month = 3, Day = 31 },
        });
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
            await both.DecideExtensionAsync(new DecideExtensionRequest { Id = a.Id, Version = a.Version, Approve = true }));
        Assert.NotNull((await service.Office.GetAssignmentAsync(new GetAssignmentRequest { Id = a.Id })).PendingExtension);

        a = await service.Office.DecideExtensionAsync(new DecideExtensionRequest { Id = a.Id, Version = a.Version, Approve = true });
        Assert.Equal(new Google.Type.Date { Year = 2024, Month = 3, Day = 31 }, a.Deadline.DueDate);
    }
}
