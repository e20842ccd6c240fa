using Duban.Contracts.Tasks.V1;
using Duban.Testing;
using Grpc.Core;

namespace Duban.Tasks.Tests.Access;

public class EvidenceWireTests(TasksServiceFixture service) : IClassFixture<TasksServiceFixture>
{
    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("data:text/html,<script>alert(1)</script>")]
    [InlineData("https://park.example.cn/" + "x")]
    public async Task A_completion_with_a_bad_link_or_overlong_evidence_is_refused_on_the_field_and_stores_nothing(string link)
    {
        var overlong = link.StartsWith("https:");
        if (overlong)
            link += new string('x', 2000);
        var response = await service.Office.ImportPlanAsync(new ImportPlanRequest
        {
            Title = "佐证", IssuingUnitId = service.Tree.Park.Id, IssueDate = new Google.Type.Date { Year = 2023, Month = 3, Day = 1 },
            TableText = $"序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限\n1,承接产业转移,拿出方案{Guid.NewGuid():N},经发局,,,2023年12月底前\n",
        });
        var a = (await service.Office.ListAssignmentsAsync(new ListAssignmentsRequest { PlanId = response.Plan.Id })).Assignments.Single();
        var lead = service.LeadOf(service.Tree.Economy, service.Tree.EconomyLead.Id);
        a = await lead.AcceptAssignmentAsync(new AcceptAssignmentRequest { Id = a.Id, Version = a.Version });

        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "links[1]", async () =>
            await lead.ConfirmCompletionAsync(new ConfirmCompletionRequest
            {
                Id = a.Id, Version = a.Version, Evidence = "方案已印发", Links = { "https://park.example.cn/docs/1", link },
            }));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "evidence", async () =>
            await lead.ConfirmCompletionAsync(new ConfirmCompletionRequest { Id = a.Id, Version = a.Version, Evidence = new string('证', 4001) }));
        Assert.Equal(a.Version, (await service.Office.GetAssignmentAsync(new GetAssignmentRequest { Id = a.Id })).Version);
    }
}
