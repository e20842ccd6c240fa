using Duban.Contracts.Tasks.V1;
using Duban.Testing;
using Grpc.Core;

namespace Duban.Tasks.Tests.Grpc;

/// <summary>撤回: a plan imported by mistake is withdrawn in one call, its open assignments cancelled with the reason.</summary>
public class WithdrawPlanTests(TasksServiceFixture service) : IClassFixture<TasksServiceFixture>
{
    private TasksService.TasksServiceClient EconomyLead => service.LeadOf(service.Tree.Economy, service.Tree.EconomyLead.Id);

    /// <summary>A plan of three assignments: two for the economy bureau, one for finance.</summary>
    private async Task<(Plan Plan, List<Assignment> Assignments)> NewPlanAsync()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        var response = await service.Office.ImportPlanAsync(new ImportPlanRequest
        {
            Title = "重复导入的方案" + marker, IssuingUnitId = service.Tree.Park.Id, IssueDate = new Google.Type.Date { Year = 2023, Month = 3, Day = 1 },
            TableText = $"""
                序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限
                1,承接产业转移,拿出承接方案{marker},经发局,,,2023年12月底前
                2,承接产业转移,梳理承接清单{marker},经发局,,,2023年10月底前
                3,保障资金,落实配套资金{marker},财政局,,,2023年9月底前
                """,
        });
        var assignments = (await service.Office.ListAssignmentsAsync(new ListAssignmentsRequest { PlanId = response.Plan.Id })).Assignments.ToList();
        return (response.Plan, assignments);
    }

    private async Task<Assignment> AwaitingVerificationAsync(Assignment a)
    {
        a = await EconomyLead.AcceptAssignmentAsync(new AcceptAssignmentRequest { Id = a.Id, Version = a.Version });
        return await EconomyLead.ConfirmCompletionAsync(new ConfirmCompletionRequest { Id = a.Id, Version = a.Version, Evidence = "已完成" });
    }

    [Fact]
    public async Task Withdrawing_cancels_every_open_assignment_with_the_reason_and_hides_the_plan_from_the_default_list()
    {
        var (plan, assignments) = await NewPlanAsync();
        // One already done stays done.
        var done = await AwaitingVerificationAsync(assignments.First(a => a.LeadUnitId == service.Tree.Economy.Id));
        await service.Office.VerifyCompletionAsync(new VerifyCompletionRequest { Id = done.Id, Version = done.Version });

        var response = await service.Office.WithdrawPlanAsync(new WithdrawPlanRequest { Id = plan.Id, Reason = "重复导入" });
        Assert.Equal(2, response.CancelledCount);
        Assert.Equal(PlanStatus.Withdrawn, response.Plan.Status);
        Assert.Equal("重复导入", response.Plan.WithdrawReason);
        Assert.NotNull(response.Plan.WithdrawTime);

        var after = (await service.Office.ListAssignmentsAsync(new ListAssignmentsRequest { PlanId = plan.Id })).Assignments.ToDictionary(a => a.Id);
        Assert.Equal(AssignmentStatus.Completed, after[done.Id].Status);
        foreach (var cancelled in assignments.Where(a => a.Id != done.Id))
        {
            Assert.Equal(AssignmentStatus.Cancelled, after[cancelled.Id].Status);
            var history = (await service.Office.GetAssignmentAsync(new GetAssignmentRequest { Id = cancelled.Id })).History;
            Assert.Equal("CANCELLED", history[^1].Type);
            Assert.Equal("计划撤回：重复导入", history[^1].Text);
        }
        // Supervision hears of each cancellation through the feed.
        Assert.Equal(2, await service.CountAsync(
            $"SELECT count(*) FROM task_events e JOIN assignments a ON a.id = e.assignment_id WHERE a.plan_id = '{plan.Id}' AND e.type = 'CANCELLED'"));

        var listed = (await service.Office.ListPlansAsync(new ListPlansRequest { PageSize = 1000 })).Plans.Select(p => p.Id);
        Assert.DoesNotContain(plan.Id, listed);
        var all = (await service.Office.ListPlansAsync(new ListPlansRequest { PageSize = 1000, IncludeWithdrawn = true })).Plans.Select(p => p.Id);
        Assert.Contains(plan.Id, all);
    }

    [Fact]
    public async Task An_assignment_awaiting_verification_stops_the_withdrawal_unless_forced()
    {
        var (plan, assignments) = await NewPlanAsync();
        var awaiting = await AwaitingVerificationAsync(assignments.First(a => a.LeadUnitId == service.Tree.Economy.Id));

        var ex = await RpcAssert.ThrowsAsync(StatusCode.FailedPrecondition, async () =>
            await service.Office.WithdrawPlanAsync(new WithdrawPlanRequest { Id = plan.Id, Reason = "重复导入" }));
        Assert.Equal("AWAITING_VERIFICATION", ex.GetRpcStatus()?.GetDetail<Google.Rpc.PreconditionFailure>()?.Violations.Single().Type);
        // Nothing changed.
        Assert.Equal(0, await service.CountAsync($"SELECT count(*) FROM assignments WHERE plan_id = '{plan.Id}' AND status = 6"));
        Assert.Equal(PlanStatus.Published, (await service.Office.GetPlanAsync(new GetPlanRequest { Id = plan.Id })).Status);

        var forced = await service.Office.WithdrawPlanAsync(new WithdrawPlanRequest { Id = plan.Id, Reason = "方案作废", Force = true });
        Assert.Equal(3, forced.CancelledCount);
        Assert.Equal(AssignmentStatus.Cancelled, (await service.Office.GetAssignmentAsync(new GetAssignmentRequest { Id = awaiting.Id })).Status);
    }

    [Fact]
    public async Task Only_the_office_withdraws_a_reason_is_required_and_a_plan_is_withdrawn_once()
    {
        var (plan, _) = await NewPlanAsync();
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
            await EconomyLead.WithdrawPlanAsync(new WithdrawPlanRequest { Id = plan.Id, Reason = "重复导入" }));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "reason", async () =>
            await service.Office.WithdrawPlanAsync(new WithdrawPlanRequest { Id = plan.Id, Reason = " " }));
        await RpcAssert.ThrowsAsync(StatusCode.NotFound, async () =>
            await service.Office.WithdrawPlanAsync(new WithdrawPlanRequest { Id = Guid.NewGuid().ToString(), Reason = "重复导入" }));

        await service.Office.WithdrawPlanAsync(new WithdrawPlanRequest { Id = plan.Id, Reason = "重复导入" });
        await RpcAssert.ThrowsAsync(StatusCode.FailedPrecondition, async () =>
            await service.Office.WithdrawPlanAsync(new WithdrawPlanRequest { Id = plan.Id, Reason = "重复导入" }));
    }

    [Fact]
    public async Task Nothing_more_is_decomposed_under_a_withdrawn_plan()
    {
        var (plan, assignments) = await NewPlanAsync();
        await service.Office.WithdrawPlanAsync(new WithdrawPlanRequest { Id = plan.Id, Reason = "重复导入" });

        var ex = await RpcAssert.ThrowsAsync(StatusCode.FailedPrecondition, async () =>
            await service.Office.DecomposeAsync(new DecomposeRequest
            {
                ItemId = assignments[0].ItemId,
                Assignments = { new NewAssignment { Title = "补充措施", LeadUnitId = service.Tree.Economy.Id, DeadlineText = "2023年12月底前" } },
            }));
        Assert.Contains("withdrawn", ex.Status.Detail);
        Assert.Equal(3, await service.CountAsync($"SELECT count(*) FROM assignments WHERE plan_id = '{plan.Id}'"));
    }
}
