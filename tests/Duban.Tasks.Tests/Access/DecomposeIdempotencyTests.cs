using Duban.Contracts.Tasks.V1;
using Duban.Testing;
using Grpc.Core;

namespace Duban.Tasks.Tests.Access;

/// <summary>A request id stands for one request: repeated by anyone allowed, at once or later, it gives the first result.</summary>
public class DecomposeIdempotencyTests(TasksServiceFixture service) : IClassFixture<TasksServiceFixture>
{
    private TasksService.TasksServiceClient EconomyLead => service.LeadOf(service.Tree.Economy, service.Tree.EconomyLead.Id);

    private async Task<Assignment> EconomyAssignmentAsync()
    {
        var response = await service.Office.ImportPlanAsync(new ImportPlanRequest
        {
            Title = "幂等", IssuingUnitId = service.Tree.Park.Id, IssueDate = new Google.Type.Date { Year = 2023, Month = 3, Day = 1 },
            TableText = $"序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限\n1,承接产业转移,拿出方案{Guid.NewGuid():N},经发局,,,2023年12月底前\n",
        });
        return (await service.Office.ListAssignmentsAsync(new ListAssignmentsRequest { PlanId = response.Plan.Id })).Assignments.Single();
    }

    private DecomposeRequest Request(Assignment parent, string requestId, string title = "梳理承接清单") => new()
    {
        AssignmentId = parent.Id, ParentVersion = parent.Version, RequestId = requestId,
        Assignments =
        {
            new NewAssignment { Title = title, LeadUnitId = service.Tree.EconomyTeam.Id, DeadlineText = "2023年10月底前" },
            new NewAssignment { Title = title + "（二）", LeadUnitId = service.Tree.EconomyTeam.Id, DeadlineText = "2023年11月底前" },
        },
    };

    private Task<long> StoredAsync(string requestId) => service.CountAsync($"SELECT count(*) FROM assignments WHERE create_request_id = '{requestId}'");

    [Fact]
    public async Task Concurrent_calls_with_one_request_id_all_get_the_first_calls_assignments()
    {
        var parent = await EconomyAssignmentAsync();
        var requestId = Guid.NewGuid().ToString();
        var calls = Enumerable.Range(0, 8).Select(_ => EconomyLead.DecomposeAsync(Request(parent, requestId)).ResponseAsync).ToList();
        var results = await Task.WhenAll(calls);

        var first = results[0].Assignments.Select(a => a.Id).Order().ToList();
        Assert.Equal(2, first.Count);
        Assert.All(results, r => Assert.Equal(first, r.Assignments.Select(a => a.Id).Order()));
        Assert.Equal(2, await StoredAsync(requestId));
        var after = await service.Office.GetAssignmentAsync(new GetAssignmentRequest { Id = parent.Id });
        Assert.Equal(2, after.ChildCount);
        Assert.Single(after.History, h => h.Type == "DECOMPOSED");
    }

    [Fact]
    public async Task A_repeat_after_the_parent_moved_on_still_gets_the_first_result()
    {
        var parent = await EconomyAssignmentAsync();
        var requestId = Guid.NewGuid().ToString();
        var first = await EconomyLead.DecomposeAsync(Request(parent, requestId));
        // The same body, with the version the client read then, as a retry after a lost answer sends it.
        var again = await EconomyLead.DecomposeAsync(Request(parent, requestId));
        Assert.Equal(first.Assignments.Select(a => a.Id).Order(), again.Assignments.Select(a => a.Id).Order());
    }

    [Fact]
    public async Task A_request_id_reused_with_a_different_body_is_refused_and_stores_nothing()
    {
        var parent = await EconomyAssignmentAsync();
        var requestId = Guid.NewGuid().ToString();
        await EconomyLead.DecomposeAsync(Request(parent, requestId));
        var current = await service.Office.GetAssignmentAsync(new GetAssignmentRequest { Id = parent.Id });

        await RpcAssert.ThrowsOnFieldAsync(StatusCode.AlreadyExists, "request_id", async () =>
            await EconomyLead.DecomposeAsync(Request(current, requestId, "另一项工作")));
        Assert.Equal(2, await StoredAsync(requestId));
        Assert.Equal(2, (await service.Office.GetAssignmentAsync(new GetAssignmentRequest { Id = parent.Id })).ChildCount);
    }

    [Fact]
    public async Task Permission_is_checked_before_the_request_id_is_looked_up()
    {
        var parent = await EconomyAssignmentAsync();
        var requestId = Guid.NewGuid().ToString();
        await EconomyLead.DecomposeAsync(Request(parent, requestId));

        // The same request from a unit that may not decompose this assignment learns nothing of the first one.
        var ex = await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
            await service.LeadOf(service.Tree.Finance).DecomposeAsync(Request(parent, requestId)));
        Assert.DoesNotContain(requestId, ex.Status.Detail);
    }
}
