using Duban.Contracts.Tasks.V1;
using Duban.Testing;
using Grpc.Core;
using UnitsContract = Duban.Contracts.Units.V1;

namespace Duban.Tasks.Tests.Grpc;

public class LifecycleTests(TasksServiceFixture service) : IClassFixture<TasksServiceFixture>
{
    /// <summary>A fresh plan with one assignment for the economy bureau, due 2023-12-31.</summary>
    private async Task<Assignment> NewAssignmentAsync(string deadline = "2023年12月底前")
    {
        var table = $"""
            序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限
            1,承接产业转移,拿出承接方案{Guid.NewGuid():N},经发局,财政局,陈志刚,{deadline}
            """;
        var response = await service.Office.ImportPlanAsync(new ImportPlanRequest
        {
            Title = "生命周期", IssuingUnitId = service.Tree.Park.Id, IssueDate = new Google.Type.Date { Year = 2023, Month = 3, Day = 1 }, TableText = table,
        });
        var list = await service.Office.ListAssignmentsAsync(new ListAssignmentsRequest { PlanId = response.Plan.Id });
        return list.Assignments.Single();
    }

    private TasksService.TasksServiceClient EconomyLead => service.LeadOf(service.Tree.Economy, service.Tree.EconomyLead.Id);

    [Fact]
    public async Task An_assignment_runs_from_assigned_to_verified_completion_with_its_record()
    {
        var a = await NewAssignmentAsync();
        a = await service.StaffOf(service.Tree.Economy).AcceptAssignmentAsync(new AcceptAssignmentRequest { Id = a.Id, Version = a.Version });
        Assert.Equal(AssignmentStatus.Accepted, a.Status);
        a = await service.StaffOf(service.Tree.Economy).ReportProgressAsync(new ReportProgressRequest { Id = a.Id, Version = a.Version, Percent = 60, Narrative = "方案初稿已形成" });
        Assert.Equal((AssignmentStatus.InProgress, 60), (a.Status, a.ProgressPercent));
        a = await EconomyLead.ConfirmCompletionAsync(new ConfirmCompletionRequest { Id = a.Id, Version = a.Version, Evidence = "方案已印发", Links = { "https://park.example.cn/docs/1" } });
        Assert.Equal(AssignmentStatus.CompletionRequested, a.Status);
        a = await service.Office.VerifyCompletionAsync(new VerifyCompletionRequest { Id = a.Id, Version = a.Version, Remark = "核验属实" });
        Assert.Equal((AssignmentStatus.Completed, 100), (a.Status, a.ProgressPercent));
        Assert.NotNull(a.CompletedTime);

        var full = await service.Office.GetAssignmentAsync(new GetAssignmentRequest { Id = a.Id });
        Assert.Equal(["ASSIGNED", "ACCEPTED", "PROGRESS_REPORTED", "COMPLETION_CONFIRMED", "COMPLETION_VERIFIED"], full.History.Select(h => h.Type));
        Assert.Equal(["https://park.example.cn/docs/1"], full.History[3].Links);
        Assert.Equal(service.Tree.EconomyLead.Id, full.History[3].PersonId);
        Assert.Equal(5, await service.CountAsync($"SELECT count(*) FROM task_events WHERE assignment_id = '{a.Id}'"));
    }

    [Fact]
    public async Task A_rejected_completion_goes_back_to_the_unit_with_the_reason()
    {
        var a = await NewAssignmentAsync();
        a = await EconomyLead.AcceptAssignmentAsync(new AcceptAssignmentRequest { Id = a.Id, Version = a.Version });
        a = await EconomyLead.ConfirmCompletionAsync(new ConfirmCompletionRequest { Id = a.Id, Version = a.Version, Evidence = "已完成" });
        a = await service.Office.RejectCompletionAsync(new RejectCompletionRequest { Id = a.Id, Version = a.Version, Reason = "缺少印发文件" });
        Assert.Equal(AssignmentStatus.InProgress, a.Status);
        var full = await service.Office.GetAssignmentAsync(new GetAssignmentRequest { Id = a.Id });
        Assert.Equal("缺少印发文件", full.History.Last().Text);
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "reason", async () =>
            await service.Office.RejectCompletionAsync(new RejectCompletionRequest { Id = a.Id, Version = a.Version }));
    }

    [Fact]
    public async Task Illegal_transitions_name_the_current_state_and_change_nothing()
    {
        var a = await NewAssignmentAsync();
        var ex = await RpcAssert.ThrowsAsync(StatusCode.FailedPrecondition, async () =>
            await service.Office.VerifyCompletionAsync(new VerifyCompletionRequest { Id = a.Id, Version = a.Version }));
        Assert.Contains("Assigned", ex.Status.Detail);
        await RpcAssert.ThrowsAsync(StatusCode.FailedPrecondition, async () =>
            await EconomyLead.ConfirmCompletionAsync(new ConfirmCompletionRequest { Id = a.Id, Version = a.Version, Evidence = "x" }));
        var after = await service.Office.GetAssignmentAsync(new GetAssignmentRequest { Id = a.Id });
        Assert.Equal((a.Version, AssignmentStatus.Assigned, 1), (after.Version, after.Status, after.History.Count));
    }

    [Fact]
    public async Task A_stale_version_is_refused_with_aborted_and_changes_nothing()
    {
        var a = await NewAssignmentAsync();
        var accepted = await EconomyLead.AcceptAssignmentAsync(new AcceptAssignmentRequest { Id = a.Id, Version = a.Version });
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.Aborted, "version", async () =>
            await EconomyLead.ReportProgressAsync(new ReportProgressRequest { Id = a.Id, Version = a.Version, Percent = 10 }));
        var after = await service.Office.GetAssignmentAsync(new GetAssignmentRequest { Id = a.Id });
        Assert.Equal((accepted.Version, 0), (after.Version, after.ProgressPercent));
    }

    [Fact]
    public async Task Only_the_lead_units_lead_confirms_completion()
    {
        var a = await NewAssignmentAsync();
        a = await EconomyLead.AcceptAssignmentAsync(new AcceptAssignmentRequest { Id = a.Id, Version = a.Version });
        var confirm = new ConfirmCompletionRequest { Id = a.Id, Version = a.Version, Evidence = "已完成" };
        // A lead of another unit, with a perfectly valid token.
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () => await service.LeadOf(service.Tree.Finance).ConfirmCompletionAsync(confirm));
        // Staff of the right unit, and the office, may not confirm for the lead either.
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () => await service.StaffOf(service.Tree.Economy).ConfirmCompletionAsync(confirm));
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () => await service.Office.ConfirmCompletionAsync(confirm));
        Assert.Equal(AssignmentStatus.Accepted, (await service.Office.GetAssignmentAsync(new GetAssignmentRequest { Id = a.Id })).Status);
    }

    [Fact]
    public async Task Refusals_follow_the_roles()
    {
        var a = await NewAssignmentAsync();
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
            await service.StaffOf(service.Tree.Finance).ReportProgressAsync(new ReportProgressRequest { Id = a.Id, Version = a.Version, Percent = 5 }));
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
            await EconomyLead.VerifyCompletionAsync(new VerifyCompletionRequest { Id = a.Id, Version = a.Version }));
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
            await EconomyLead.DecideExtensionAsync(new DecideExtensionRequest { Id = a.Id, Version = a.Version, Approve = true }));
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
            await EconomyLead.CancelAssignmentAsync(new CancelAssignmentRequest { Id = a.Id, Version = a.Version, Reason = "不想做" }));
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
            await service.LeadOf(service.Tree.Finance).RequestExtensionAsync(new RequestExtensionRequest
            {
                Id = a.Id, Version = a.Version, Reason = "x", NewDueDate = new Google.Type.Date { Year = 2024, Month = 3, Day = 31 },
            }));
    }

    [Fact]
    public async Task An_approved_extension_moves_the_deadline_and_keeps_the_original()
    {
        var a = await NewAssignmentAsync();
        a = await EconomyLead.RequestExtensionAsync(new RequestExtensionRequest
        {
            Id = a.Id, Version = a.Version, Reason = "省级审批未下达", NewDueDate = new Google.Type.Date { Year = 2024, Month = 3, Day = 31 },
        });
        Assert.Equal(2024, a.PendingExtension.RequestedDueDate.Year);
        a = await service.Office.DecideExtensionAsync(new DecideExtensionRequest { Id = a.Id, Version = a.Version, Approve = true, Remark = "同意" });
        Assert.Equal(new Google.Type.Date { Year = 2024, Month = 3, Day = 31 }, a.Deadline.DueDate);
        Assert.Equal(new Google.Type.Date { Year = 2023, Month = 12, Day = 31 }, a.OriginalDueDate);
        Assert.Equal(2, a.DeadlineVersion);
        Assert.Null(a.PendingExtension);

        var refused = await NewAssignmentAsync();
        refused = await EconomyLead.RequestExtensionAsync(new RequestExtensionRequest
        {
            Id = refused.Id, Version = refused.Version, Reason = "x", NewDueDate = new Google.Type.Date { Year = 2024, Month = 1, Day = 31 },
        });
        refused = await service.Office.DecideExtensionAsync(new DecideExtensionRequest { Id = refused.Id, Version = refused.Version, Approve = false });
        Assert.Equal((1, 2023), (refused.DeadlineVersion, refused.Deadline.DueDate.Year));

        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "new_due_date", async () =>
            await EconomyLead.RequestExtensionAsync(new RequestExtensionRequest
            {
                Id = refused.Id, Version = refused.Version, Reason = "x", NewDueDate = new Google.Type.Date { Year = 2023, Month = 1, Day = 1 },
            }));
    }

    [Fact]
    public async Task Decomposition_stays_inside_the_units_subtree_and_before_the_parents_deadline()
    {
        var parent = await NewAssignmentAsync("2023年9月底前");
        NewAssignment Child(string unitId, string deadline) => new() { Title = "专班落实", LeadUnitId = unitId, DeadlineText = deadline };

        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "assignments[0].lead_unit_id", async () =>
            await EconomyLead.DecomposeAsync(new DecomposeRequest { AssignmentId = parent.Id, ParentVersion = parent.Version, Assignments = { Child(service.Tree.Finance.Id, "2023年6月底前") } }));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "assignments[0].deadline_text", async () =>
            await EconomyLead.DecomposeAsync(new DecomposeRequest { AssignmentId = parent.Id, ParentVersion = parent.Version, Assignments = { Child(service.Tree.EconomyTeam.Id, "2023年10月底前") } }));
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
            await service.LeadOf(service.Tree.Finance).DecomposeAsync(new DecomposeRequest { AssignmentId = parent.Id, ParentVersion = parent.Version, Assignments = { Child(service.Tree.EconomyTeam.Id, "2023年6月底前") } }));
        Assert.Equal(0, await service.CountAsync($"SELECT count(*) FROM assignments WHERE parent_assignment_id = '{parent.Id}'"));

        var request = new DecomposeRequest
        {
            AssignmentId = parent.Id, ParentVersion = parent.Version, RequestId = Guid.NewGuid().ToString(),
            Assignments = { Child(service.Tree.EconomyTeam.Id, "2023年6月底前") },
        };
        var created = await EconomyLead.DecomposeAsync(request);
        var again = await EconomyLead.DecomposeAsync(request);
        var child = created.Assignments.Single();
        Assert.Equal(child.Id, again.Assignments.Single().Id);
        Assert.Equal(parent.Id, child.ParentAssignmentId);
        Assert.Equal(service.Tree.Economy.Id, child.AssigningUnitId);
    }

    [Fact]
    public async Task Decomposition_names_each_owner_who_holds_a_role_in_the_lead_unit_and_refuses_the_rest()
    {
        var parent = await NewAssignmentAsync("2023年9月底前");
        NewAssignment Child(string title, string ownerId) =>
            new() { Title = title, LeadUnitId = service.Tree.EconomyTeam.Id, DeadlineText = "2023年6月底前", OwnerPersonId = ownerId };
        var teamMember = await new UnitsContract.UnitsService.UnitsServiceClient(service.Units.Channel(TestTokens.Office()))
            .CreatePersonAsync(new UnitsContract.CreatePersonRequest
            {
                Name = "韩雪", Roles = { new UnitsContract.RoleInUnit { UnitId = service.Tree.EconomyTeam.Id, Role = UnitsContract.UnitRole.Staff } },
            });

        var ex = await RpcAssert.ThrowsAsync(StatusCode.InvalidArgument, async () =>
            await EconomyLead.DecomposeAsync(new DecomposeRequest
            {
                AssignmentId = parent.Id, ParentVersion = parent.Version,
                Assignments = { Child("甲", teamMember.Id), Child("乙", service.Tree.FinanceLead.Id), Child("丙", Guid.NewGuid().ToString()) },
            }));
        Assert.Equal(["assignments[1].owner_person_id", "assignments[2].owner_person_id"], RpcAssert.FieldsOf(ex));
        Assert.Equal(0, await service.CountAsync($"SELECT count(*) FROM assignments WHERE parent_assignment_id = '{parent.Id}'"));

        var created = await EconomyLead.DecomposeAsync(new DecomposeRequest
        {
            AssignmentId = parent.Id, ParentVersion = parent.Version, Assignments = { Child("甲", teamMember.Id), Child("乙", teamMember.Id), Child("丙", "") },
        });
        Assert.Equal([(teamMember.Id, "韩雪"), (teamMember.Id, "韩雪"), ("", "")],
            created.Assignments.Select(a => (a.OwnerPersonId, a.OwnerName)));
    }

    [Fact]
    public async Task A_parent_completes_only_after_its_children_and_progress_rolls_up()
    {
        var parent = await NewAssignmentAsync();
        parent = await EconomyLead.AcceptAssignmentAsync(new AcceptAssignmentRequest { Id = parent.Id, Version = parent.Version });
        var children = await EconomyLead.DecomposeAsync(new DecomposeRequest
        {
            AssignmentId = parent.Id, ParentVersion = parent.Version,
            Assignments =
            {
                new NewAssignment { Title = "甲", LeadUnitId = service.Tree.EconomyTeam.Id, DeadlineText = "2023年6月底前" },
                new NewAssignment { Title = "乙", LeadUnitId = service.Tree.EconomyTeam.Id, DeadlineText = "2023年9月底前" },
            },
        });
        var team = service.LeadOf(service.Tree.EconomyTeam);
        var first = children.Assignments[0];
        first = await team.ReportProgressAsync(new ReportProgressRequest { Id = first.Id, Version = first.Version, Percent = 80 });

        parent = await service.Office.GetAssignmentAsync(new GetAssignmentRequest { Id = parent.Id });
        Assert.Equal((40, 2, 2), (parent.ProgressPercent, parent.ChildCount, parent.OpenChildCount));
        var ex = await RpcAssert.ThrowsAsync(StatusCode.FailedPrecondition, async () =>
            await EconomyLead.ConfirmCompletionAsync(new ConfirmCompletionRequest { Id = parent.Id, Version = parent.Version, Evidence = "x" }));
        Assert.Contains("still open", ex.Status.Detail);

        foreach (var child in new[] { first, children.Assignments[1] })
        {
            var c = await service.Office.GetAssignmentAsync(new GetAssignmentRequest { Id = child.Id });
            if (c.Status == AssignmentStatus.Assigned)
                c = await team.AcceptAssignmentAsync(new AcceptAssignmentRequest { Id = c.Id, Version = c.Version });
            c = await team.ConfirmCompletionAsync(new ConfirmCompletionRequest { Id = c.Id, Version = c.Version, Evidence = "完成" });
            await service.Office.VerifyCompletionAsync(new VerifyCompletionRequest { Id = c.Id, Version = c.Version });
        }
        parent = await service.Office.GetAssignmentAsync(new GetAssignmentRequest { Id = parent.Id });
        Assert.Equal((100, 0), (parent.ProgressPercent, parent.OpenChildCount));
        parent = await EconomyLead.ConfirmCompletionAsync(new ConfirmCompletionRequest { Id = parent.Id, Version = parent.Version, Evidence = "全部完成" });
        Assert.Equal(AssignmentStatus.CompletionRequested, parent.Status);
    }

    [Fact]
    public async Task Cancelling_by_the_issuer_cancels_what_was_decomposed_below()
    {
        var parent = await NewAssignmentAsync();
        var child = (await EconomyLead.DecomposeAsync(new DecomposeRequest
        {
            AssignmentId = parent.Id, ParentVersion = parent.Version,
            Assignments = { new NewAssignment { Title = "子项", LeadUnitId = service.Tree.EconomyTeam.Id, DeadlineText = "2023年6月底前" } },
        })).Assignments.Single();
        parent = await service.Office.GetAssignmentAsync(new GetAssignmentRequest { Id = parent.Id });
        var cancelled = await service.Office.CancelAssignmentAsync(new CancelAssignmentRequest { Id = parent.Id, Version = parent.Version, Reason = "任务调整" });
        Assert.Equal(AssignmentStatus.Cancelled, cancelled.Status);
        Assert.Equal(AssignmentStatus.Cancelled, (await service.Office.GetAssignmentAsync(new GetAssignmentRequest { Id = child.Id })).Status);
    }

    [Fact]
    public async Task Assignments_are_found_by_text_in_their_title_or_owner_with_wildcards_taken_literally()
    {
        var a = await NewAssignmentAsync();
        var word = a.Title[^8..];
        var byTitle = await service.Office.ListAssignmentsAsync(new ListAssignmentsRequest { Text = word.ToUpperInvariant() });
        Assert.Equal(a.Id, Assert.Single(byTitle.Assignments).Id);
        var byOwner = await service.Office.ListAssignmentsAsync(new ListAssignmentsRequest { PlanId = a.PlanId, Text = "志刚" });
        Assert.Equal(a.Id, Assert.Single(byOwner.Assignments).Id);
        Assert.Empty((await service.Office.ListAssignmentsAsync(new ListAssignmentsRequest { PlanId = a.PlanId, Text = "承接%方案" })).Assignments);
        Assert.Empty((await service.Office.ListAssignmentsAsync(new ListAssignmentsRequest { PlanId = a.PlanId, Text = "_" })).Assignments);
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "text", async () =>
            await service.Office.ListAssignmentsAsync(new ListAssignmentsRequest { Text = new string('字', 201) }));
    }

    [Fact]
    public async Task Each_order_pages_through_every_assignment_once_and_a_page_carries_each_ones_latest_progress()
    {
        var table = "序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限\n" + string.Join("\n", Enumerable.Range(1, 7).Select(i =>
            $"{i},排序,{(char)('庚' - i)}项|{i},经发局,,陈志刚,{(i == 4 ? "长期坚持" : $"2023年{i + 3}月底前")}"));
        var plan = await service.Office.ImportPlanAsync(new ImportPlanRequest
        {
            Title = "排序", IssuingUnitId = service.Tree.Park.Id, IssueDate = new Google.Type.Date { Year = 2023, Month = 3, Day = 1 }, TableText = table,
        });
        var all = (await service.Office.ListAssignmentsAsync(new ListAssignmentsRequest { PlanId = plan.Plan.Id })).Assignments.ToList();
        Assert.Equal(7, all.Count);
        var reported = all[2];
        reported = await EconomyLead.ReportProgressAsync(new ReportProgressRequest { Id = reported.Id, Version = reported.Version, Percent = 30, Narrative = "已摸排" });
        await EconomyLead.ReportProgressAsync(new ReportProgressRequest { Id = reported.Id, Version = reported.Version, Percent = 50, Narrative = "已对接三家" });

        async Task<List<Assignment>> Pages(AssignmentOrder order)
        {
            var seen = new List<Assignment>();
            var token = "";
            do
            {
                var page = await service.Office.ListAssignmentsAsync(new ListAssignmentsRequest { PlanId = plan.Plan.Id, OrderBy = order, PageSize = 2, PageToken = token });
                seen.AddRange(page.Assignments);
                token = page.NextPageToken;
            } while (token.Length > 0);
            return seen;
        }
        DateOnly Due(Assignment a) => a.Deadline.DueDate is { Year: > 0 } d ? new DateOnly(d.Year, d.Month, d.Day) : DateOnly.MaxValue;

        var byDue = await Pages(AssignmentOrder.Unspecified);
        Assert.Equal(all.OrderBy(Due).ThenBy(a => a.Id, StringComparer.Ordinal).Select(a => a.Id), byDue.Select(a => a.Id));
        Assert.Equal("长期坚持", byDue[^1].Deadline.OriginalText);
        var byDueDesc = await Pages(AssignmentOrder.DueDateDesc);
        Assert.Equal(byDue.Select(a => a.Id).Reverse(), byDueDesc.Select(a => a.Id));
        var byTitle = await Pages(AssignmentOrder.Title);
        Assert.Equal(7, byTitle.Select(a => a.Id).Distinct().Count());
        Assert.Equal(byTitle.Select(a => a.Title).Order(StringComparer.Ordinal), byTitle.Select(a => a.Title));
        var recent = await Pages(AssignmentOrder.RecentlyUpdated);
        Assert.Equal(reported.Id, recent[0].Id);
        Assert.Equal(7, recent.Select(a => a.Id).Distinct().Count());

        var latest = byDue.Single(a => a.Id == reported.Id).LatestProgress;
        Assert.Equal(("已对接三家", 50), (latest.Narrative, latest.Percent));
        Assert.All(byDue.Where(a => a.Id != reported.Id), a => Assert.Null(a.LatestProgress));

        // A token belongs to its order: another order's is refused.
        var first = await service.Office.ListAssignmentsAsync(new ListAssignmentsRequest { PlanId = plan.Plan.Id, OrderBy = AssignmentOrder.Title, PageSize = 2 });
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "page_token", async () => await service.Office.ListAssignmentsAsync(
            new ListAssignmentsRequest { PlanId = plan.Plan.Id, OrderBy = AssignmentOrder.RecentlyUpdated, PageSize = 2, PageToken = first.NextPageToken }));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "order_by", async () => await service.Office.ListAssignmentsAsync(
            new ListAssignmentsRequest { PlanId = plan.Plan.Id, OrderBy = (AssignmentOrder)42 }));
    }

    [Fact]
    public async Task The_extension_queue_lists_exactly_the_requests_awaiting_a_decision()
    {
        var waiting = await NewAssignmentAsync("2023年10月底前");
        var decided = await NewAssignmentAsync("2023年10月底前");
        var untouched = await NewAssignmentAsync("2023年10月底前");
        waiting = await EconomyLead.RequestExtensionAsync(new RequestExtensionRequest
        {
            Id = waiting.Id, Version = waiting.Version, NewDueDate = new Google.Type.Date { Year = 2023, Month = 11, Day = 30 }, Reason = "待省级批复",
        });
        decided = await EconomyLead.RequestExtensionAsync(new RequestExtensionRequest
        {
            Id = decided.Id, Version = decided.Version, NewDueDate = new Google.Type.Date { Year = 2023, Month = 11, Day = 30 }, Reason = "待省级批复",
        });
        await service.Office.DecideExtensionAsync(new DecideExtensionRequest { Id = decided.Id, Version = decided.Version, Approve = false, Remark = "不同意" });

        var plans = new[] { waiting.PlanId, decided.PlanId, untouched.PlanId };
        var queue = new List<Assignment>();
        foreach (var plan in plans)
            queue.AddRange((await service.Office.ListAssignmentsAsync(new ListAssignmentsRequest { PlanId = plan, PendingExtension = true })).Assignments);
        Assert.Equal([waiting.Id], queue.Select(a => a.Id));
        Assert.Equal("待省级批复", queue[0].PendingExtension.Reason);
    }

    [Fact]
    public async Task Assignments_are_listed_by_unit_subtree_status_and_overdue_date_sorted_by_due_date()
    {
        var late = await NewAssignmentAsync("2023年4月底前");
        var later = await NewAssignmentAsync("2023年5月底前");
        await EconomyLead.DecomposeAsync(new DecomposeRequest
        {
            AssignmentId = later.Id, ParentVersion = later.Version,
            Assignments = { new NewAssignment { Title = "子项", LeadUnitId = service.Tree.EconomyTeam.Id, DeadlineText = "2023年5月15日前" } },
        });

        var overdue = await service.Office.ListAssignmentsAsync(new ListAssignmentsRequest
        {
            LeadUnitId = service.Tree.Economy.Id, IncludeSubtree = true, OverdueAsOf = new Google.Type.Date { Year = 2023, Month = 5, Day = 20 },
        });
        Assert.Contains(overdue.Assignments, a => a.Id == late.Id);
        Assert.Contains(overdue.Assignments, a => a.LeadUnitId == service.Tree.EconomyTeam.Id);
        Assert.DoesNotContain(overdue.Assignments, a => a.Id == later.Id);
        var dates = overdue.Assignments.Select(a => a.Deadline.DueDate.ToDateTime()).ToList();
        Assert.Equal(dates.Order(), dates);

        var page1 = await service.Office.ListAssignmentsAsync(new ListAssignmentsRequest { LeadUnitId = service.Tree.Economy.Id, PageSize = 1 });
        var page2 = await service.Office.ListAssignmentsAsync(new ListAssignmentsRequest { LeadUnitId = service.Tree.Economy.Id, PageSize = 1, PageToken = page1.NextPageToken });
        Assert.NotEqual(page1.Assignments.Single().Id, page2.Assignments.Single().Id);
        Assert.True(page1.Assignments[0].Deadline.DueDate.ToDateTime() <= page2.Assignments[0].Deadline.DueDate.ToDateTime());
    }
}
