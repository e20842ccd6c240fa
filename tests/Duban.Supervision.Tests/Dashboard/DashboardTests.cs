using Duban.Contracts.Supervision.V1;
using Duban.ServiceDefaults.Auth;
using Duban.Supervision.Data;
using Duban.Supervision.Documents;
using UrgingLevel = Duban.Supervision.Documents.UrgingLevel;
using Duban.Supervision.Domain.Notices;
using Duban.Supervision.Domain.Reviews;
using Duban.Testing;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Duban.Supervision.Tests.Dashboard;

/// <summary>
/// 驾驶舱 over a projection written directly (no feed): the counts in SQL against the 督办单's own level rule and the scan's
/// day count, over a few hundred assignments of every state, deadline and progress.
/// </summary>
public class DashboardTests(SupervisionFixture service) : IClassFixture<SupervisionFixture>
{
    private static readonly NoticeRules Rules = new();

    private async Task<(GrpcServiceFactory<SupervisionDb> Instance, List<ProjectedAssignment> Rows)> SeededAsync(int refreshSeconds = 0)
    {
        var instance = service.NewSupervision(database: null, followFeed: false).With("Dashboard:RefreshSeconds", $"{refreshSeconds}")
            .With("Dashboard:MaxStaleSeconds", $"{Math.Max(refreshSeconds, 120)}");
        await instance.StartAsync();
        var random = new Random(20261202);
        var now = DateTimeOffset.UtcNow;
        Guid[] units = [Guid.Parse(service.Economy.Id), Guid.Parse(service.Finance.Id), Guid.Parse(service.Park.Id)];
        var rows = Enumerable.Range(0, 400).Select(i =>
        {
            var assignedAt = now.AddHours(-random.Next(1, 24 * 120));
            // Every tenth well ahead of its schedule and due within three days: blue unless overdue.
            DateTimeOffset? dueAt = i % 10 == 0 ? now.AddHours(random.Next(1, 70)) : random.Next(8) == 0 ? null : now.AddHours(random.Next(-24 * 40, 24 * 40));
            return new ProjectedAssignment
            {
                Id = Guid.NewGuid(), PlanId = Guid.NewGuid(), LeadUnitId = units[i % units.Length], AssigningUnitId = units[2],
                Title = $"事项{i}", Status = (AssignmentState)random.Next(1, 7), DueAt = dueAt,
                DueDate = dueAt is { } d ? DateOnly.FromDateTime(d.UtcDateTime) : null, ProgressPercent = i % 10 == 0 ? 95 : random.Next(0, 101),
                AssignedAt = assignedAt, UpdatedAt = now, Version = 1,
            };
        }).ToList();
        await using var scope = instance.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SupervisionDb>();
        db.Assignments.AddRange(rows);
        await db.SaveChangesAsync();
        return (instance, rows);
    }

    [Fact]
    public async Task Counts_by_status_and_level_agree_with_the_urging_notes_rule_and_rank_units_by_overdue()
    {
        var (instance, rows) = await SeededAsync();
        try
        {
            var before = DateTimeOffset.UtcNow;
            var dashboard = await service.SupervisionAs(DubanRoles.Office, instance: instance).GetDashboardAsync(
                new GetDashboardRequest { ScopeUnitId = service.Park.Id });
            var asOf = dashboard.AsOf.ToDateTimeOffset();
            Assert.InRange(asOf, before.AddSeconds(-1), DateTimeOffset.UtcNow);

            bool Overdue(ProjectedAssignment a) => a.DueAt is { } due && asOf > due && NoticeScanRules.IsOpen(a.Status);
            var levels = rows.Where(a => NoticeScanRules.IsOpen(a.Status)).GroupBy(a => UrgingNotes.Level(a, asOf, Overdue(a), Rules))
                .ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(levels.GetValueOrDefault(UrgingLevel.Red), dashboard.Red);
            Assert.Equal(levels.GetValueOrDefault(UrgingLevel.Yellow), dashboard.Yellow);
            Assert.Equal(levels.GetValueOrDefault(UrgingLevel.Blue), dashboard.Blue);
            Assert.Equal(levels.GetValueOrDefault(UrgingLevel.None), dashboard.Green);
            Assert.True(dashboard.Red > 0 && dashboard.Yellow > 0 && dashboard.Blue > 0 && dashboard.Green > 0, dashboard.ToString());

            int Count(AssignmentState s) => rows.Count(a => a.Status == s);
            Assert.Equal((Count(AssignmentState.Assigned), Count(AssignmentState.Accepted), Count(AssignmentState.InProgress),
                    Count(AssignmentState.CompletionRequested), Count(AssignmentState.Completed), Count(AssignmentState.Cancelled)),
                (dashboard.Assigned, dashboard.Accepted, dashboard.InProgress, dashboard.CompletionRequested, dashboard.Completed, dashboard.Cancelled));
            Assert.Equal(rows.Count - Count(AssignmentState.Cancelled), dashboard.Total);
            Assert.Equal(rows.Count(a => NoticeScanRules.IsOpen(a.Status) && a.DueAt is { } due && due >= asOf && due <= asOf.AddDays(7)),
                dashboard.DueWithin7Days);

            var expected = rows.Where(Overdue).GroupBy(a => a.LeadUnitId)
                .Select(g => (Unit: g.Key.ToString(), Overdue: g.Count(), MaxDays: g.Max(a => NoticeScanRules.DaysOverdue(a.DueAt!.Value, asOf))))
                .OrderByDescending(u => u.Overdue).ThenByDescending(u => u.MaxDays).ToList();
            Assert.Equal(expected, dashboard.OverdueRanking.Select(u => (u.UnitId, u.Overdue, u.MaxDaysOverdue)).ToList());
            Assert.Contains(dashboard.OverdueRanking, u => u.UnitName == "工业园区经济发展局");
            Assert.Equal("试点工业园区管委会", dashboard.ScopeName);
        }
        finally
        {
            await instance.DisposeAsync();
        }
    }

    [Fact]
    public async Task Each_level_lists_page_by_page_what_the_dashboard_counts_and_a_lead_only_its_own()
    {
        var (instance, rows) = await SeededAsync();
        try
        {
            async Task<(List<string> Ids, DateTimeOffset AsOf)> ListAll(SupervisionService.SupervisionServiceClient client, Duban.Contracts.Supervision.V1.UrgingLevel level,
                string scope = "")
            {
                var ids = new List<string>();
                var token = "";
                DateTimeOffset asOf;
                do
                {
                    var page = await client.ListAssignmentsByLevelAsync(new ListAssignmentsByLevelRequest { Level = level, ScopeUnitId = scope, PageSize = 7, PageToken = token });
                    Assert.True(page.AssignmentIds.Count <= 7);
                    ids.AddRange(page.AssignmentIds);
                    token = page.NextPageToken;
                    asOf = page.AsOf.ToDateTimeOffset();
                } while (token.Length > 0);
                return (ids, asOf);
            }
            // The same rule as the 督办单's, soonest due first (ties by id, as the database orders ids).
            List<string> Expected(IEnumerable<ProjectedAssignment> of, UrgingLevel level, DateTimeOffset asOf) => of
                .Where(a => NoticeScanRules.IsOpen(a.Status)
                    && UrgingNotes.Level(a, asOf, a.DueAt is { } due && asOf > due, Rules) == level)
                .OrderBy(a => a.DueAt).ThenBy(a => a.Id.ToString(), StringComparer.Ordinal).Select(a => a.Id.ToString()).ToList();

            var office = service.SupervisionAs(DubanRoles.Office, instance: instance);
            var dashboard = await office.GetDashboardAsync(new GetDashboardRequest { ScopeUnitId = service.Park.Id });
            foreach (var (level, contract, counted) in new[]
                     {
                         (UrgingLevel.Red, Duban.Contracts.Supervision.V1.UrgingLevel.Red, dashboard.Red),
                         (UrgingLevel.Yellow, Duban.Contracts.Supervision.V1.UrgingLevel.Yellow, dashboard.Yellow),
                         (UrgingLevel.Blue, Duban.Contracts.Supervision.V1.UrgingLevel.Blue, dashboard.Blue),
                     })
            {
                var (ids, asOf) = await ListAll(office, contract, service.Park.Id);
                Assert.Equal(Expected(rows, level, asOf), ids);
                Assert.Equal(counted, ids.Count);
            }

            var lead = service.SupervisionAs(DubanRoles.Lead, service.Economy, instance);
            var (own, ownAsOf) = await ListAll(lead, Duban.Contracts.Supervision.V1.UrgingLevel.Red);
            Assert.NotEmpty(own);
            Assert.Equal(Expected(rows.Where(a => a.LeadUnitId.ToString() == service.Economy.Id), UrgingLevel.Red, ownAsOf), own);
            await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () => await lead.ListAssignmentsByLevelAsync(
                new ListAssignmentsByLevelRequest { Level = Duban.Contracts.Supervision.V1.UrgingLevel.Red, ScopeUnitId = service.Park.Id }));

            var refused = await RpcAssert.ThrowsAsync(StatusCode.InvalidArgument, async () => await office.ListAssignmentsByLevelAsync(
                new ListAssignmentsByLevelRequest { Level = Duban.Contracts.Supervision.V1.UrgingLevel.Green, PageSize = 101 }));
            Assert.Equal(["level", "page_size"], RpcAssert.FieldsOf(refused));
            await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "scope_unit_id", async () => await office.ListAssignmentsByLevelAsync(
                new ListAssignmentsByLevelRequest { Level = Duban.Contracts.Supervision.V1.UrgingLevel.Red, ScopeUnitId = "x" }));
            await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "page_token", async () => await office.ListAssignmentsByLevelAsync(
                new ListAssignmentsByLevelRequest { Level = Duban.Contracts.Supervision.V1.UrgingLevel.Red, PageToken = "garbage" }));
            // A token belongs to its level and scope.
            var first = await office.ListAssignmentsByLevelAsync(new ListAssignmentsByLevelRequest
            {
                Level = Duban.Contracts.Supervision.V1.UrgingLevel.Red, ScopeUnitId = service.Park.Id, PageSize = 1,
            });
            await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "page_token", async () => await office.ListAssignmentsByLevelAsync(
                new ListAssignmentsByLevelRequest { Level = Duban.Contracts.Supervision.V1.UrgingLevel.Yellow, ScopeUnitId = service.Park.Id, PageToken = first.NextPageToken }));
        }
        finally
        {
            await instance.DisposeAsync();
        }
    }

    [Fact]
    public async Task Counts_and_unit_trees_are_shared_between_requests_for_the_refresh_interval()
    {
        var (instance, rows) = await SeededAsync(refreshSeconds: 3600);
        try
        {
            var office = service.SupervisionAs(DubanRoles.Office, instance: instance);
            var first = await office.GetDashboardAsync(new GetDashboardRequest { ScopeUnitId = service.Park.Id });
            var board = await office.GetUnitBoardAsync(new GetUnitBoardRequest { ScopeUnitId = service.Park.Id });
            await using (var scope = instance.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<SupervisionDb>();
                db.Assignments.Add(new ProjectedAssignment
                {
                    Id = Guid.NewGuid(), PlanId = Guid.NewGuid(), LeadUnitId = Guid.Parse(service.Economy.Id), AssigningUnitId = Guid.Parse(service.Park.Id),
                    Title = "后来的事项", Status = AssignmentState.Assigned, AssignedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow, Version = 1,
                });
                await db.SaveChangesAsync();
            }

            // Within the interval: the same counts as of the same instant, on both screens.
            var again = await office.GetDashboardAsync(new GetDashboardRequest { ScopeUnitId = service.Park.Id });
            Assert.Equal((first.AsOf, first.Total), (again.AsOf, again.Total));
            var boardAgain = await office.GetUnitBoardAsync(new GetUnitBoardRequest { ScopeUnitId = service.Park.Id });
            Assert.Equal((board.AsOf, board.Units[0].Subtree.Total), (boardAgain.AsOf, boardAgain.Units[0].Subtree.Total));

            // An instance over the same database that counts for every request sees the new matter.
            var fresh = service.NewSupervision(instance.ConnectionString, followFeed: false);
            await fresh.StartAsync();
            try
            {
                var now = await service.SupervisionAs(DubanRoles.Office, instance: fresh).GetDashboardAsync(new GetDashboardRequest { ScopeUnitId = service.Park.Id });
                Assert.Equal(first.Total + 1, now.Total);
                Assert.True(now.AsOf.ToDateTimeOffset() > first.AsOf.ToDateTimeOffset());
            }
            finally
            {
                await fresh.DisposeAsync();
            }
        }
        finally
        {
            await instance.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_lead_sees_their_own_subtree_and_the_trend_follows_the_weekly_reviews()
    {
        var (instance, rows) = await SeededAsync();
        try
        {
            var lead = service.SupervisionAs(DubanRoles.Lead, service.Economy, instance);
            var own = await lead.GetDashboardAsync(new GetDashboardRequest());
            Assert.Equal(service.Economy.Id, own.ScopeUnitId);
            Assert.Equal(rows.Count(a => a.LeadUnitId.ToString() == service.Economy.Id && a.Status != AssignmentState.Cancelled), own.Total);
            Assert.Empty(own.Trend);

            await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () => await lead.GetDashboardAsync(new GetDashboardRequest { ScopeUnitId = service.Park.Id }));
            var office = service.SupervisionAs(DubanRoles.Office, instance: instance);
            await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "ranking_size", async () => await office.GetDashboardAsync(new GetDashboardRequest { RankingSize = 51 }));
            await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "scope_unit_id", async () => await office.GetDashboardAsync(new GetDashboardRequest { ScopeUnitId = "x" }));
            await RpcAssert.ThrowsAsync(StatusCode.NotFound, async () => await office.GetDashboardAsync(new GetDashboardRequest { ScopeUnitId = Guid.NewGuid().ToString() }));

            var everything = await office.GetDashboardAsync(new GetDashboardRequest { RankingSize = 1 });
            Assert.Equal("", everything.ScopeUnitId);
            Assert.Equal(rows.Count(a => a.Status != AssignmentState.Cancelled), everything.Total);
            Assert.Single(everything.OverdueRanking);

            var review = await office.RunWeeklyReviewAsync(new RunWeeklyReviewRequest { ScopeUnitId = service.Park.Id, Week = "current" });
            var withTrend = await office.GetDashboardAsync(new GetDashboardRequest { ScopeUnitId = service.Park.Id });
            var week = Assert.Single(withTrend.Trend);
            Assert.Equal((review.Week, review.Id, review.Assigned, review.Overdue), (week.Week, week.ReviewId, week.Assigned, week.Overdue));
        }
        finally
        {
            await instance.DisposeAsync();
        }
    }

    [Fact]
    public async Task Levels_of_a_page_follow_the_same_rule_and_a_lead_learns_nothing_of_other_units()
    {
        var (instance, rows) = await SeededAsync();
        try
        {
            var page = rows.Take(100).ToList();
            var before = DateTimeOffset.UtcNow;
            var reply = await service.SupervisionAs(DubanRoles.Office, instance: instance).BatchGetUrgingLevelsAsync(
                new BatchGetUrgingLevelsRequest { AssignmentIds = { page.Select(a => a.Id.ToString()) } });
            Assert.Empty(reply.UnknownIds);
            var now = DateTimeOffset.UtcNow;
            foreach (var level in reply.Levels)
            {
                var a = page.Single(r => r.Id.ToString() == level.AssignmentId);
                if (!NoticeScanRules.IsOpen(a.Status))
                {
                    Assert.Equal(Contracts.Supervision.V1.UrgingLevel.None, level.Level);
                    continue;
                }
                // Judged between the two instants; the seeded deadlines are whole hours away, so both agree.
                var overdue = a.DueAt is { } due && now > due;
                var expected = UrgingNotes.Level(a, before, overdue, Rules) switch
                {
                    UrgingLevel.Red => Contracts.Supervision.V1.UrgingLevel.Red,
                    UrgingLevel.Yellow => Contracts.Supervision.V1.UrgingLevel.Yellow,
                    UrgingLevel.Blue => Contracts.Supervision.V1.UrgingLevel.Blue,
                    _ => Contracts.Supervision.V1.UrgingLevel.Green,
                };
                Assert.Equal(expected, level.Level);
                Assert.Equal(overdue ? NoticeScanRules.DaysOverdue(a.DueAt!.Value, now) : 0, level.DaysOverdue);
                if (!overdue && a.DueDate is { } date)
                    Assert.Equal(date.DayNumber - ReviewClock.LocalDate(now, a.TimeZone).DayNumber, level.DaysLeft);
            }
            Assert.Equal(100, reply.Levels.Count);

            var lead = await service.SupervisionAs(DubanRoles.Lead, service.Economy, instance).BatchGetUrgingLevelsAsync(
                new BatchGetUrgingLevelsRequest { AssignmentIds = { page.Select(a => a.Id.ToString()) } });
            Assert.All(lead.Levels, l => Assert.Equal(service.Economy.Id, page.Single(r => r.Id.ToString() == l.AssignmentId).LeadUnitId.ToString()));
            Assert.Equal(page.Count(a => a.LeadUnitId.ToString() != service.Economy.Id), lead.UnknownIds.Count);

            await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "assignment_ids", async () =>
                await service.Office.BatchGetUrgingLevelsAsync(new BatchGetUrgingLevelsRequest { AssignmentIds = { rows.Take(101).Select(a => a.Id.ToString()) } }));
            await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "assignment_ids[0]", async () =>
                await service.Office.BatchGetUrgingLevelsAsync(new BatchGetUrgingLevelsRequest { AssignmentIds = { "nope" } }));
        }
        finally
        {
            await instance.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_unit_board_counts_each_units_own_work_and_its_subtrees_in_tree_order()
    {
        var (instance, rows) = await SeededAsync();
        try
        {
            var office = service.SupervisionAs(DubanRoles.Office, instance: instance);
            var board = await office.GetUnitBoardAsync(new GetUnitBoardRequest { ScopeUnitId = service.Park.Id });
            var asOf = board.AsOf.ToDateTimeOffset();
            Assert.Equal(service.Park.Id, board.Units[0].UnitId);
            Assert.Equal(("", 0), (board.Units[0].ParentId, board.Units[0].Depth));
            Assert.All(board.Units.Skip(1), u => Assert.True(u.Depth > 0 && board.Units.TakeWhile(p => p != u).Any(p => p.UnitId == u.ParentId),
                $"{u.Name} comes after its parent"));

            UnitTally Expected(IEnumerable<ProjectedAssignment> of)
            {
                var list = of.Where(a => a.Status != AssignmentState.Cancelled).ToList();
                var overdue = list.Where(a => NoticeScanRules.IsOpen(a.Status) && a.DueAt is { } due && asOf > due).ToList();
                return new UnitTally
                {
                    Total = list.Count, Open = list.Count(a => NoticeScanRules.IsOpen(a.Status)),
                    CompletionRequested = list.Count(a => a.Status == AssignmentState.CompletionRequested),
                    Completed = list.Count(a => a.Status == AssignmentState.Completed), Overdue = overdue.Count,
                    Behind = list.Count(a => NoticeScanRules.IsOpen(a.Status) && UrgingNotes.Level(a, asOf, false, Rules) == UrgingLevel.Yellow
                        && !overdue.Contains(a)),
                    DueWithin7Days = list.Count(a => NoticeScanRules.IsOpen(a.Status) && a.DueAt is { } due && due >= asOf && due <= asOf.AddDays(7)),
                    MaxDaysOverdue = overdue.Count == 0 ? 0 : overdue.Max(a => NoticeScanRules.DaysOverdue(a.DueAt!.Value, asOf)),
                };
            }
            var park = board.Units[0];
            Assert.Equal(Expected(rows.Where(a => a.LeadUnitId.ToString() == service.Park.Id)), park.Own);
            Assert.Equal(Expected(rows), park.Subtree);
            var economy = board.Units.Single(u => u.UnitId == service.Economy.Id);
            Assert.Equal(Expected(rows.Where(a => a.LeadUnitId.ToString() == service.Economy.Id)), economy.Own);
            Assert.True(economy.Own.Total > 0 && economy.Own.Overdue > 0, economy.ToString());

            // A lead: their own unit's tree by default, not the park's; the office must name a scope.
            var lead = service.SupervisionAs(DubanRoles.Lead, service.Finance, instance);
            var own = await lead.GetUnitBoardAsync(new GetUnitBoardRequest());
            Assert.Equal(service.Finance.Id, own.Units[0].UnitId);
            Assert.Equal(Expected(rows.Where(a => a.LeadUnitId.ToString() == service.Finance.Id)), own.Units[0].Subtree);
            await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () => await lead.GetUnitBoardAsync(new GetUnitBoardRequest { ScopeUnitId = service.Park.Id }));
            await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "scope_unit_id", async () => await office.GetUnitBoardAsync(new GetUnitBoardRequest()));
            await RpcAssert.ThrowsAsync(StatusCode.NotFound, async () => await office.GetUnitBoardAsync(new GetUnitBoardRequest { ScopeUnitId = Guid.NewGuid().ToString() }));
        }
        finally
        {
            await instance.DisposeAsync();
        }
    }
}
