using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Duban.Contracts.Tasks.V1;
using Duban.Testing;
using Grpc.Core;

namespace Duban.Tasks.Tests.Grpc;

/// <summary>The tasks service with the units service on real ports: traces across both, and the units service stopping.</summary>
public class DependencyTests(StoppableUnitsFixture service) : IClassFixture<StoppableUnitsFixture>
{
    private const string Table = """
        序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限
        1,对接跑办,到省发改委对接,经发局,财政局,陈志刚,2023年6月底前
        """;

    private ImportPlanRequest Request() => new()
    {
        Title = "依赖", IssuingUnitId = service.Tree.Park.Id, IssueDate = new Google.Type.Date { Year = 2023, Month = 3, Day = 1 }, TableText = Table,
    };

    [Fact]
    public async Task An_import_and_the_unit_lookups_it_makes_share_one_trace()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);

        await service.Office.ImportPlanAsync(Request());

        // The listener hears every host in the process; an import's trace must hold the units calls it made.
        var server = spans.Where(a => a.Kind == ActivityKind.Server).ToList();
        var imports = server.Where(a => a.DisplayName.Contains("TasksService/ImportPlan")).Select(a => a.TraceId).ToHashSet();
        var lookups = server.Where(a => imports.Contains(a.TraceId) && a.DisplayName.Contains("duban.units.v1.UnitsService")).Select(a => a.DisplayName).ToList();
        Assert.Contains(lookups, name => name.EndsWith("/GetUnit"));
        Assert.Contains(lookups, name => name.EndsWith("/ResolveUnitNames"));
    }

    [Fact]
    public async Task When_the_units_service_stops_imports_fail_unavailable_and_reads_keep_working()
    {
        var plan = await service.Office.ImportPlanAsync(Request());
        var assignment = (await service.Office.ListAssignmentsAsync(new ListAssignmentsRequest { PlanId = plan.Plan.Id })).Assignments.Single();
        var decomposition = new DecomposeRequest
        {
            AssignmentId = assignment.Id, ParentVersion = assignment.Version, RequestId = Guid.NewGuid().ToString(),
            Assignments = { new NewAssignment { Title = "先行子项", LeadUnitId = service.Tree.EconomyTeam.Id, DeadlineText = "2023年4月底前" } },
        };
        var first = await service.LeadOf(service.Tree.Economy).DecomposeAsync(decomposition);
        assignment = await service.Office.GetAssignmentAsync(new GetAssignmentRequest { Id = assignment.Id });
        var plans = await service.CountAsync("SELECT count(*) FROM plans");
        var events = await service.CountAsync("SELECT count(*) FROM task_events");

        await service.Units.DisposeAsync();

        // A repeat of a stored decomposition (a retry after a lost answer) needs no unit looked up: it gets the first result.
        var again = await service.LeadOf(service.Tree.Economy).DecomposeAsync(decomposition);
        Assert.Equal(first.Assignments.Single().Id, again.Assignments.Single().Id);

        await RpcAssert.ThrowsAsync(StatusCode.Unavailable, async () => await service.Office.ImportPlanAsync(Request()));
        await RpcAssert.ThrowsAsync(StatusCode.Unavailable, async () => await service.LeadOf(service.Tree.Economy).DecomposeAsync(new DecomposeRequest
        {
            AssignmentId = assignment.Id, ParentVersion = assignment.Version,
            Assignments = { new NewAssignment { Title = "子项", LeadUnitId = service.Tree.EconomyTeam.Id, DeadlineText = "2023年5月底前" } },
        }));
        Assert.Equal((plans, events), (await service.CountAsync("SELECT count(*) FROM plans"), await service.CountAsync("SELECT count(*) FROM task_events")));

        // What does not need the units service keeps working.
        Assert.Equal(assignment.Id, (await service.Office.GetAssignmentAsync(new GetAssignmentRequest { Id = assignment.Id })).Id);
        var accepted = await service.LeadOf(service.Tree.Economy).AcceptAssignmentAsync(new AcceptAssignmentRequest { Id = assignment.Id, Version = assignment.Version });
        Assert.Equal(AssignmentStatus.Accepted, accepted.Status);
    }
}

/// <summary>The calls a lead and the office make, as JSON over HTTP.</summary>
public class TasksJsonTests(TasksServiceFixture service) : IClassFixture<TasksServiceFixture>
{
    [Fact]
    public async Task A_lead_confirms_completion_and_the_office_verifies_it_over_json()
    {
        var plan = await service.Office.ImportPlanAsync(new ImportPlanRequest
        {
            Title = "JSON", IssuingUnitId = service.Tree.Park.Id, IssueDate = new Google.Type.Date { Year = 2023, Month = 3, Day = 1 },
            TableText = "序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限\n1,任务,措施,财政局,,,2023年6月底前",
        });
        var assignment = (await service.Office.ListAssignmentsAsync(new ListAssignmentsRequest { PlanId = plan.Plan.Id })).Assignments.Single();
        var lead = service.Tasks.Http(TestTokens.For(service.Tree.FinanceLead.Id, service.Tree.Finance.Id, "lead"));

        var accepted = await lead.PostAsJsonAsync($"/v1/assignments/{assignment.Id}:accept", new { version = assignment.Version });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var version = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64();

        var confirmed = await lead.PostAsJsonAsync($"/v1/assignments/{assignment.Id}:confirmCompletion",
            new { version, evidence = "请示已报省财政厅", links = new[] { "https://park.example.cn/files/42" } });
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        var body = await confirmed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ASSIGNMENT_STATUS_COMPLETION_REQUESTED", body.GetProperty("status").GetString());

        var stale = await lead.PostAsJsonAsync($"/v1/assignments/{assignment.Id}:confirmCompletion", new { version, evidence = "again" });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);

        var office = service.Tasks.Http(TestTokens.For(service.Tree.OfficePersonId, service.Tree.Park.Id, "office"));
        var verified = await office.PostAsJsonAsync($"/v1/assignments/{assignment.Id}:verify",
            new { version = body.GetProperty("version").GetInt64(), remark = "核验属实" });
        Assert.Equal("ASSIGNMENT_STATUS_COMPLETED", (await verified.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }
}
