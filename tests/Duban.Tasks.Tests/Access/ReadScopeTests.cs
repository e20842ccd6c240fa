using System.Runtime.CompilerServices;
using Duban.Contracts.Tasks.V1;
using Duban.ServiceDefaults.Auth;
using Duban.Testing;
using Grpc.Core;

namespace Duban.Tasks.Tests.Access;

/// <summary>
/// Every read RPC of the tasks service, for every kind of caller, over the wire: what each one sees and
/// what it is refused. The expected sets are written out by hand from the unit tree, not computed.
/// </summary>
public class ReadScopeTests(TasksServiceFixture service) : IClassFixture<TasksServiceFixture>
{
    /// <summary>
    /// Two plans. The park's: 经发局 leads A (财政局 helps), 东城街道 leads B, and 经发局 decomposed A into
    /// C for its working group. The other park's: its finance bureau leads D.
    /// </summary>
    private sealed record World(Plan Park, Plan Other, Assignment A, Assignment B, Assignment C, Assignment D)
    {
        public IReadOnlyDictionary<string, string> Names => new Dictionary<string, string>
            { [A.Id] = "A", [B.Id] = "B", [C.Id] = "C", [D.Id] = "D" };
    }

    private static readonly ConditionalWeakTable<TasksServiceFixture, Task<World>> Worlds = new();

    private Task<World> WorldAsync() => Worlds.GetValue(service, CreateWorldAsync);

    private static async Task<World> CreateWorldAsync(TasksServiceFixture service)
    {
        var tree = service.Tree;
        async Task<(Plan, List<Assignment>)> ImportAsync(string issuer, string rows)
        {
            var response = await service.Office.ImportPlanAsync(new ImportPlanRequest
            {
                Title = "读取范围", IssuingUnitId = issuer, IssueDate = new Google.Type.Date { Year = 2023, Month = 3, Day = 1 },
                TableText = "序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限\n" + rows,
            });
            var list = await service.Office.ListAssignmentsAsync(new ListAssignmentsRequest { PlanId = response.Plan.Id });
            return (response.Plan, list.Assignments.ToList());
        }
        var (park, parkAssignments) = await ImportAsync(tree.Park.Id, """
            1,承接产业转移,甲 拿出承接方案,经发局,财政局,,2023年12月底前
            2,优化营商环境,乙 清理涉企收费,东城街道,,,2023年12月底前
            """);
        var (other, otherAssignments) = await ImportAsync(tree.OtherPark.Id, "1,外区事项,丁 编制预算,外区财政局,,,2023年12月底前\n");
        var a = parkAssignments.Single(x => x.Title.Contains('甲'));
        var b = parkAssignments.Single(x => x.Title.Contains('乙'));
        var economyLead = service.LeadOf(tree.Economy, tree.EconomyLead.Id);
        var c = (await economyLead.DecomposeAsync(new DecomposeRequest
        {
            AssignmentId = a.Id, ParentVersion = a.Version,
            Assignments = { new NewAssignment { Title = "丙 梳理承接清单", LeadUnitId = tree.EconomyTeam.Id, DeadlineText = "2023年10月底前" } },
        })).Assignments.Single();
        return new World(park, other, a, b, c, otherAssignments.Single());
    }

    public static TheoryData<string> Readers => new()
    {
        "office", "service", "park lead", "economy lead", "finance staff", "team staff", "east lead", "other finance lead",
    };

    public static TheoryData<string> NonReaders => new() { "scheduler", "no role", "lead without a unit" };

    private TasksService.TasksServiceClient Caller(string who) => who switch
    {
        "office" => service.Office,
        "service" => service.Client(TestTokens.For(Guid.NewGuid().ToString(), "", DubanRoles.Service)),
        "park lead" => service.LeadOf(service.Tree.Park),
        "economy lead" => service.LeadOf(service.Tree.Economy, service.Tree.EconomyLead.Id),
        "finance staff" => service.StaffOf(service.Tree.Finance),
        "team staff" => service.StaffOf(service.Tree.EconomyTeam),
        "east lead" => service.LeadOf(service.Tree.EastStreet),
        "other finance lead" => service.LeadOf(service.Tree.OtherFinance),
        "scheduler" => service.Client(TestTokens.For(Guid.NewGuid().ToString(), "", DubanRoles.Scheduler)),
        "no role" => service.Client(TestTokens.For(Guid.NewGuid().ToString(), service.Tree.Economy.Id)),
        "lead without a unit" => service.Client(TestTokens.For(Guid.NewGuid().ToString(), "", DubanRoles.Lead)),
        _ => throw new ArgumentOutOfRangeException(nameof(who)),
    };

    /// <summary>What each reader sees, by the letters of <see cref="World"/>.</summary>
    private static string[] Visible(string who) => who switch
    {
        "office" or "service" => ["A", "B", "C", "D"],
        // The park issued the plan and everything led in the park lies below it.
        "park lead" => ["A", "B", "C"],
        // Its own assignment and what it decomposed for its working group.
        "economy lead" => ["A", "C"],
        // A co-unit of A only.
        "finance staff" => ["A"],
        // What it leads; not the parent assignment it came from.
        "team staff" => ["C"],
        "east lead" => ["B"],
        "other finance lead" => ["D"],
        _ => throw new ArgumentOutOfRangeException(nameof(who)),
    };

    [Theory, MemberData(nameof(Readers))]
    public async Task GetAssignment_answers_in_scope_and_refuses_the_rest(string who)
    {
        var world = await WorldAsync();
        var client = Caller(who);
        foreach (var assignment in new[] { world.A, world.B, world.C, world.D })
        {
            var name = world.Names[assignment.Id];
            if (Visible(who).Contains(name))
            {
                var read = await client.GetAssignmentAsync(new GetAssignmentRequest { Id = assignment.Id });
                Assert.Equal(assignment.Id, read.Id);
                Assert.NotEmpty(read.History);
            }
            else
            {
                await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
                    await client.GetAssignmentAsync(new GetAssignmentRequest { Id = assignment.Id }));
            }
        }
    }

    [Theory, MemberData(nameof(Readers))]
    public async Task ListAssignments_lists_only_what_is_in_scope(string who)
    {
        var world = await WorldAsync();
        var client = Caller(who);
        var seen = new List<string>();
        foreach (var plan in new[] { world.Park, world.Other })
            seen.AddRange((await client.ListAssignmentsAsync(new ListAssignmentsRequest { PlanId = plan.Id })).Assignments.Select(a => world.Names[a.Id]));
        Assert.Equal(Visible(who), seen.Order());

        // With no filter at all, the same: this fixture holds only the world's assignments.
        var all = await client.ListAssignmentsAsync(new ListAssignmentsRequest());
        Assert.Equal(Visible(who), all.Assignments.Select(a => world.Names[a.Id]).Order());

        // Asked for by id (a page another service chose), every id is still read as the reader may read it.
        var named = await client.ListAssignmentsAsync(new ListAssignmentsRequest { AssignmentIds = { world.A.Id, world.D.Id, Guid.NewGuid().ToString() } });
        Assert.Equal(Visible(who).Intersect(["A", "D"]).Order(), named.Assignments.Select(a => world.Names[a.Id]).Order());
        var narrowed = await client.ListAssignmentsAsync(new ListAssignmentsRequest { AssignmentIds = { world.A.Id, world.D.Id }, PlanId = world.Other.Id });
        Assert.Equal(Visible(who).Intersect(["D"]), narrowed.Assignments.Select(a => world.Names[a.Id]));
    }

    [Fact]
    public async Task Assignment_ids_are_refused_when_malformed_or_too_many()
    {
        var refused = await RpcAssert.ThrowsAsync(StatusCode.InvalidArgument, async () => await service.Office.ListAssignmentsAsync(
            new ListAssignmentsRequest { AssignmentIds = { Guid.NewGuid().ToString(), "x", "y" } }));
        Assert.Equal(["assignment_ids[1]", "assignment_ids[2]"], RpcAssert.FieldsOf(refused));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "assignment_ids", async () => await service.Office.ListAssignmentsAsync(
            new ListAssignmentsRequest { AssignmentIds = { Enumerable.Range(0, 101).Select(_ => Guid.NewGuid().ToString()) } }));
    }

    [Theory, MemberData(nameof(Readers))]
    public async Task Plans_and_plan_trees_show_the_plans_and_assignments_in_scope(string who)
    {
        var world = await WorldAsync();
        var client = Caller(who);
        var visible = Visible(who);
        var listed = (await client.ListPlansAsync(new ListPlansRequest())).Plans.ToDictionary(p => p.Id);
        // Named without counts, the same plans are seen and the same refused.
        var named = (await client.ListPlansAsync(new ListPlansRequest { OmitCounts = true })).Plans;
        Assert.Equal(listed.Keys.Order(), named.Select(p => p.Id).Order());
        Assert.All(named, p => Assert.Equal((0, 0, listed[p.Id].Title), (p.AssignmentCount, p.ItemCount, p.Title)));
        foreach (var (plan, letters) in new[] { (world.Park, new[] { "A", "B", "C" }), (world.Other, new[] { "D" }) })
        {
            var mine = letters.Intersect(visible).Order().ToArray();
            if (mine.Length == 0)
            {
                Assert.DoesNotContain(plan.Id, listed.Keys);
                await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () => await client.GetPlanAsync(new GetPlanRequest { Id = plan.Id }));
                await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied,
                    async () => await client.GetPlanAsync(new GetPlanRequest { Id = plan.Id, OmitCounts = true, OmitSourceText = true }));
                await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () => await client.GetPlanTreeAsync(new GetPlanTreeRequest { PlanId = plan.Id }));
                continue;
            }
            Assert.Equal(mine.Length, listed[plan.Id].AssignmentCount);
            Assert.Equal(mine.Length, (await client.GetPlanAsync(new GetPlanRequest { Id = plan.Id })).AssignmentCount);
            var titled = await client.GetPlanAsync(new GetPlanRequest { Id = plan.Id, OmitCounts = true });
            Assert.Equal((plan.Title, 0, 0), (titled.Title, titled.AssignmentCount, titled.ItemCount));
            var tree = await client.GetPlanTreeAsync(new GetPlanTreeRequest { PlanId = plan.Id });
            Assert.Equal(mine, tree.Nodes.SelectMany(n => n.Assignments).Select(a => world.Names[a.Id]).Order());
            Assert.Equal(mine.Length, tree.Counts.Total);
            // Every item of the plan is shown, whoever reads it.
            Assert.Equal(plan.ItemCount, tree.Nodes.Count);
        }
    }

    [Theory, MemberData(nameof(Readers))]
    public async Task The_feed_is_for_services_and_the_office(string who)
    {
        await WorldAsync();
        var client = Caller(who);
        if (who is "office" or "service")
        {
            Assert.NotEmpty((await client.ListEventsAsync(new ListEventsRequest())).Events);
            using var watch = client.WatchEvents(new WatchEventsRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
            Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None));
            return;
        }
        await AssertFeedRefusedAsync(client);
    }

    [Theory, MemberData(nameof(NonReaders))]
    public async Task Schedulers_and_tokens_without_a_unit_role_read_nothing(string who)
    {
        var world = await WorldAsync();
        var client = Caller(who);
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () => await client.GetAssignmentAsync(new GetAssignmentRequest { Id = world.A.Id }));
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () => await client.ListAssignmentsAsync(new ListAssignmentsRequest()));
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () => await client.GetPlanAsync(new GetPlanRequest { Id = world.Park.Id }));
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () => await client.ListPlansAsync(new ListPlansRequest()));
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () => await client.GetPlanTreeAsync(new GetPlanTreeRequest { PlanId = world.Park.Id }));
        await AssertFeedRefusedAsync(client);
    }

    private static async Task AssertFeedRefusedAsync(TasksService.TasksServiceClient client)
    {
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () => await client.ListEventsAsync(new ListEventsRequest()));
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
        {
            using var watch = client.WatchEvents(new WatchEventsRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
            await watch.ResponseStream.MoveNext(CancellationToken.None);
        });
    }
}
