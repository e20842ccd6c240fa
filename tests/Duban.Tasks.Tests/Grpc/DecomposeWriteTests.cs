using Duban.Contracts.Tasks.V1;
using Duban.Tasks.Data;
using HistoryEntry = Duban.Tasks.Domain.HistoryEntry;
using HistoryTypes = Duban.Tasks.Domain.HistoryTypes;
using Duban.Tasks.Events;
using Duban.Testing;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using UnitsContract = Duban.Contracts.Units.V1;
using Assignment = Duban.Contracts.Tasks.V1.Assignment;
using AssignmentStatus = Duban.Contracts.Tasks.V1.AssignmentStatus;

namespace Duban.Tasks.Tests.Grpc;

/// <summary>
/// A decomposition is stored in one statement: what it stores must read back as the call answered, the feed's facts
/// must be the stored rows', and the parent's roll-up must follow its children however calls interleave.
/// </summary>
public class DecomposeWriteTests(TasksServiceFixture service) : IClassFixture<TasksServiceFixture>
{
    private TasksService.TasksServiceClient EconomyLead => service.LeadOf(service.Tree.Economy, service.Tree.EconomyLead.Id);
    private TasksService.TasksServiceClient TeamLead => service.LeadOf(service.Tree.EconomyTeam);

    private async Task<Assignment> NewAssignmentAsync()
    {
        var response = await service.Office.ImportPlanAsync(new ImportPlanRequest
        {
            Title = "分解写入", IssuingUnitId = service.Tree.Park.Id, IssueDate = new Google.Type.Date { Year = 2023, Month = 3, Day = 1 },
            TableText = $"序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限\n1,承接产业转移,拿出方案{Guid.NewGuid():N},经发局,,,2023年12月底前\n",
        });
        var assignment = (await service.Office.ListAssignmentsAsync(new ListAssignmentsRequest { PlanId = response.Plan.Id })).Assignments.Single();
        return await EconomyLead.AcceptAssignmentAsync(new AcceptAssignmentRequest { Id = assignment.Id, Version = assignment.Version });
    }

    private Task<Assignment> GetAsync(string id) => service.Office.GetAssignmentAsync(new GetAssignmentRequest { Id = id }).ResponseAsync;

    private static NewAssignment Child(string title, string deadline = "2023年6月底前") =>
        new() { Title = title, LeadUnitId = "", DeadlineText = deadline };

    private NewAssignment TeamChild(string title, string deadline = "2023年6月底前")
    {
        var child = Child(title, deadline);
        child.LeadUnitId = service.Tree.EconomyTeam.Id;
        return child;
    }

    /// <summary>The stored row of an assignment, as the model reads it, in the feed's terms.</summary>
    private async Task<AssignmentFacts> StoredFactsAsync(string id)
    {
        using var scope = service.Tasks.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TasksDb>();
        return EventMapping.ToFacts(await db.Assignments.AsNoTracking().SingleAsync(a => a.Id == Guid.Parse(id)));
    }

    private async Task<List<AssignmentEvent>> EventsOfAsync(string id)
    {
        var events = new List<AssignmentEvent>();
        var cursor = "";
        while (true)
        {
            var page = await service.Office.ListEventsAsync(new ListEventsRequest { AfterCursor = cursor, Limit = 5000 });
            if (page.Events.Count == 0)
                return events;
            events.AddRange(page.Events.Where(e => e.AssignmentId == id));
            cursor = page.NextCursor;
        }
    }

    [Fact]
    public async Task What_a_decomposition_stores_reads_back_as_the_call_answered_and_as_the_feed_tells_it()
    {
        var parent = await NewAssignmentAsync();
        parent = await EconomyLead.ReportProgressAsync(new ReportProgressRequest { Id = parent.Id, Version = parent.Version, Percent = 50, Narrative = "方案起草" });
        var member = await new UnitsContract.UnitsService.UnitsServiceClient(service.Units.Channel(TestTokens.Office()))
            .CreatePersonAsync(new UnitsContract.CreatePersonRequest
            {
                Name = "林晓", Roles = { new UnitsContract.RoleInUnit { UnitId = service.Tree.EconomyTeam.Id, Role = UnitsContract.UnitRole.Staff } },
            });
        var full = TeamChild("分两步落实", "6月底前完成方案，9月底前全面完成");
        full.CoUnitIds.Add(service.Tree.Finance.Id);
        full.OwnerPersonId = member.Id;
        full.Target = new QuantitativeTarget { Metric = "新增企业", Value = 12.5, UnitOfMeasure = "家", ByText = "年底前" };
        full.Source = "专题会议";
        var created = await EconomyLead.DecomposeAsync(new DecomposeRequest
        {
            AssignmentId = parent.Id, ParentVersion = parent.Version, RequestId = Guid.NewGuid().ToString(),
            Assignments = { full, TeamChild("梳理清单") },
        });

        foreach (var child in created.Assignments)
        {
            var stored = await GetAsync(child.Id);
            child.History.Clear();
            stored.History.Clear();
            Assert.Equal(child, stored);
            var events = await EventsOfAsync(child.Id);
            Assert.Equal(AssignmentEventType.Assigned, Assert.Single(events).Type);
            Assert.Equal(await StoredFactsAsync(child.Id), events.Single().Assignment);
        }
        var detailed = created.Assignments[0];
        Assert.Equal([service.Tree.Finance.Id], detailed.CoUnitIds);
        Assert.Equal((member.Id, "林晓", "专题会议"), (detailed.OwnerPersonId, detailed.OwnerName, detailed.Source));
        Assert.Equal((12.5, "家"), (detailed.Target.Value, detailed.Target.UnitOfMeasure));
        Assert.Equal(2, detailed.Deadline.Milestones.Count);

        // The parent had reported 50% itself; from now on its progress is its children's (0%): decomposed, then rolled up.
        var after = await GetAsync(parent.Id);
        Assert.Equal((0, 2, 2, parent.Version + 2), (after.ProgressPercent, after.ChildCount, after.OpenChildCount, after.Version));
        Assert.Equal(["DECOMPOSED", "ROLLED_UP"], after.History.TakeLast(2).Select(h => h.Type));
        var parentEvents = (await EventsOfAsync(parent.Id)).TakeLast(2).ToList();
        Assert.Equal([parent.Version + 1, parent.Version + 2], parentEvents.Select(e => e.Version));
        Assert.Equal((50, 2), (parentEvents[0].Assignment.ProgressPercent, parentEvents[0].Assignment.ChildCount));
        Assert.Equal(await StoredFactsAsync(parent.Id), parentEvents[1].Assignment);
    }

    [Fact]
    public async Task The_office_decomposes_a_plan_item_into_an_assignment_of_its_own_and_an_unknown_item_is_not_found()
    {
        var imported = await NewAssignmentAsync();
        var item = Child("补充措施：建立项目台账", "2023年11月底前");
        item.LeadUnitId = service.Tree.Finance.Id;
        item.CoUnitIds.Add(service.Tree.Economy.Id);
        var created = (await service.Office.DecomposeAsync(new DecomposeRequest { ItemId = imported.ItemId, Assignments = { item } })).Assignments.Single();

        Assert.Equal(("", imported.PlanId, imported.ItemId, service.Tree.Park.Id), (created.ParentAssignmentId, created.PlanId, created.ItemId, created.AssigningUnitId));
        var stored = await GetAsync(created.Id);
        created.History.Clear();
        stored.History.Clear();
        Assert.Equal(created, stored);
        Assert.Equal(await StoredFactsAsync(created.Id), Assert.Single(await EventsOfAsync(created.Id)).Assignment);
        Assert.Equal(imported.Version, (await GetAsync(imported.Id)).Version);

        var before = await RowCountsAsync();
        var missing = await RpcAssert.ThrowsAsync(StatusCode.NotFound, async () =>
            await service.Office.DecomposeAsync(new DecomposeRequest { ItemId = Guid.NewGuid().ToString(), Assignments = { item } }));
        Assert.Contains("plan item", missing.Status.Detail);
        Assert.Equal(before, await RowCountsAsync());
    }

    [Fact]
    public async Task Decomposing_below_a_decomposed_assignment_rolls_the_whole_chain_up()
    {
        var top = await NewAssignmentAsync();
        var middle = (await EconomyLead.DecomposeAsync(new DecomposeRequest
        {
            AssignmentId = top.Id, ParentVersion = top.Version, Assignments = { TeamChild("专班牵头") },
        })).Assignments.Single();
        middle = await TeamLead.ReportProgressAsync(new ReportProgressRequest { Id = middle.Id, Version = middle.Version, Percent = 60, Narrative = "推进中" });
        Assert.Equal(60, (await GetAsync(top.Id)).ProgressPercent);

        // A third level: a group inside the working group.
        var units = new UnitsContract.UnitsService.UnitsServiceClient(service.Units.Channel(TestTokens.Office()));
        await units.CreateLevelAsync(new UnitsContract.CreateLevelRequest { Level = new UnitsContract.Level { Code = "team_group", Name = "小组", Rank = 1000 } });
        var group = await units.CreateUnitAsync(new UnitsContract.CreateUnitRequest
        {
            Code = "econ-team-group", Name = "专班第一小组", LevelCode = "team_group", ParentId = service.Tree.EconomyTeam.Id, Kind = "小组",
        });
        var below = Child("小组落实");
        below.LeadUnitId = group.Id;
        await TeamLead.DecomposeAsync(new DecomposeRequest { AssignmentId = middle.Id, ParentVersion = middle.Version, Assignments = { below } });

        var (middleNow, topNow) = (await GetAsync(middle.Id), await GetAsync(top.Id));
        Assert.Equal((0, 1), (middleNow.ProgressPercent, middleNow.ChildCount));
        Assert.Equal(0, topNow.ProgressPercent);
        Assert.Equal("ROLLED_UP", topNow.History.Last().Type);
        Assert.Equal(await StoredFactsAsync(top.Id), (await EventsOfAsync(top.Id)).Last().Assignment);
    }

    [Fact]
    public async Task A_write_worked_out_before_a_sibling_or_the_parent_changed_stores_nothing()
    {
        var parent = await NewAssignmentAsync();
        var sibling = (await EconomyLead.DecomposeAsync(new DecomposeRequest
        {
            AssignmentId = parent.Id, ParentVersion = parent.Version, Assignments = { TeamChild("先行一项") },
        })).Assignments.Single();

        using var scope = service.Tasks.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TasksDb>();
        var stored = await db.Assignments.AsNoTracking().SingleAsync(a => a.Id == Guid.Parse(parent.Id));
        var asRead = new DecompositionWriter.ParentAsRead(stored.Id, stored.Version, 1, sibling.Version);
        // The sibling is accepted: the parent's row does not change, but a roll-up worked out before it is out of date.
        await TeamLead.AcceptAssignmentAsync(new AcceptAssignmentRequest { Id = sibling.Id, Version = sibling.Version });

        var before = await RowCountsAsync();
        Assert.Equal(DecompositionWriter.Outcome.ChildrenChanged, (await WriteOneChildAsync(stored, asRead)).Outcome);
        Assert.Equal(before, await RowCountsAsync());

        var stale = asRead with { Version = stored.Version - 1 };
        var refused = await WriteOneChildAsync(stored, stale with { ChildVersionSum = sibling.Version + 1 });
        Assert.Equal((DecompositionWriter.Outcome.ParentChanged, stored.Version), (refused.Outcome, refused.ParentVersionNow));
        Assert.Equal(before, await RowCountsAsync());

        Assert.Equal(DecompositionWriter.Outcome.Stored, (await WriteOneChildAsync(stored, asRead with { ChildVersionSum = sibling.Version + 1 })).Outcome);
        Assert.Equal(before + 5, await RowCountsAsync());
        var after = await GetAsync(parent.Id);
        Assert.Equal((2, 2, stored.Version + 1), (after.ChildCount, after.OpenChildCount, after.Version));
    }

    /// <summary>Assignments, history entries and events together.</summary>
    private Task<long> RowCountsAsync() => service.CountAsync(
        "SELECT (SELECT count(*) FROM assignments) + (SELECT count(*) FROM assignment_history) + (SELECT count(*) FROM task_events)");

    /// <summary>One new child of <paramref name="stored"/>, written with the writer as a decomposition that read <paramref name="asRead"/>.</summary>
    private async Task<DecompositionWriter.Result> WriteOneChildAsync(Duban.Tasks.Domain.Assignment stored, DecompositionWriter.ParentAsRead asRead)
    {
        var now = DateTimeOffset.UtcNow;
        var child = new Duban.Tasks.Domain.Assignment
        {
            Id = Guid.CreateVersion7(), PlanId = stored.PlanId, ItemId = stored.ItemId, ParentAssignmentId = stored.Id, AssigningUnitId = stored.LeadUnitId,
            LeadUnitId = Guid.Parse(service.Tree.EconomyTeam.Id), Title = "写入检查", DeadlineText = "2023年6月底前", TimeZone = stored.TimeZone,
            DeadlineContextDate = stored.DeadlineContextDate, CreateTime = now, UpdateTime = now,
        };
        var parent = new Duban.Tasks.Domain.Assignment
        {
            Id = stored.Id, Title = stored.Title, DeadlineText = stored.DeadlineText, TimeZone = stored.TimeZone, Version = stored.Version + 1,
            UpdateTime = now, ChildCount = 2, OpenChildCount = 2, ProgressPercent = 0,
        };
        var entries = new List<HistoryEntry>
        {
            new() { AssignmentId = child.Id, Type = HistoryTypes.Assigned, Time = now, Text = child.Title, Version = 1 },
            new() { AssignmentId = parent.Id, Type = HistoryTypes.Decomposed, Time = now, Text = "分解为 1 项", Version = parent.Version },
        };
        var events = new List<TaskEvent> { EventFeed.NewEvent(child, HistoryTypes.Assigned, now), EventFeed.NewEvent(parent, HistoryTypes.Decomposed, now) };
        await using var connection = new NpgsqlConnection(service.Tasks.ConnectionString);
        await connection.OpenAsync();
        return await DecompositionWriter.WriteAsync(connection, null, asRead, parent, [child], entries, events, null, CancellationToken.None);
    }

    [Fact]
    public async Task Under_concurrent_decompositions_and_reports_the_parent_follows_its_children()
    {
        var parent = await NewAssignmentAsync();
        var first = (await EconomyLead.DecomposeAsync(new DecomposeRequest
        {
            AssignmentId = parent.Id, ParentVersion = parent.Version, Assignments = { TeamChild("甲"), TeamChild("乙") },
        })).Assignments.ToList();

        async Task DecomposeAsync(int n)
        {
            for (var done = 0; done < 4;)
            {
                var current = await GetAsync(parent.Id);
                try
                {
                    await EconomyLead.DecomposeAsync(new DecomposeRequest
                    {
                        AssignmentId = parent.Id, ParentVersion = current.Version, Assignments = { TeamChild($"并发{n}-{done}") },
                    });
                    done++;
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.Aborted) { }
            }
        }
        async Task ReportAsync(string id, int from)
        {
            for (var percent = from; percent < from + 30;)
            {
                var current = await GetAsync(id);
                try
                {
                    await TeamLead.ReportProgressAsync(new ReportProgressRequest { Id = id, Version = current.Version, Percent = percent, Narrative = "推进" });
                    percent += 7;
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.Aborted) { }
            }
        }
        await Task.WhenAll(DecomposeAsync(1), DecomposeAsync(2), DecomposeAsync(3), ReportAsync(first[0].Id, 1), ReportAsync(first[1].Id, 50));

        var children = await service.Office.ListAssignmentsAsync(new ListAssignmentsRequest { PlanId = parent.PlanId, PageSize = 100 });
        var mine = children.Assignments.Where(a => a.ParentAssignmentId == parent.Id).ToList();
        Assert.Equal(14, mine.Count);
        var expected = (int)Math.Round(mine.Average(c => c.ProgressPercent), MidpointRounding.AwayFromZero);
        var after = await GetAsync(parent.Id);
        Assert.Equal((14, 14, expected), (after.ChildCount, after.OpenChildCount, after.ProgressPercent));
        Assert.Equal(await StoredFactsAsync(parent.Id), (await EventsOfAsync(parent.Id)).Last().Assignment);
    }
}
