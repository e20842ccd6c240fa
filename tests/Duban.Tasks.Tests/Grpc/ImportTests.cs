using Duban.Contracts.Tasks.V1;
using Duban.Testing;
using Grpc.Core;

namespace Duban.Tasks.Tests.Grpc;

public class ImportTests(TasksServiceFixture service) : IClassFixture<TasksServiceFixture>
{
    /// <summary>A 任务分解表 in the shape offices write for the "Implementation Plan".</summary>
    public const string Table = """
        序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限
        1,支持集装箱运输发展,梳理集装箱运输支持政策，形成专门请示报省财政厅,财政局,经发局,杨帆,2023年6月底前
        2,承接产业转移,拿出绿色化工、生物医药和汽车及零部件产业承接方案,经发局,"财政局、组人部",局长陈志刚,"6月底前完成方案，12月底前全面完成"
        ,,到省发改委、省工信厅对接跑办,经发局,,陈志刚,每月28日前
        3,落实审批权限,到省市编办跑办市级审批、执法权限,组人部,,,会后30个工作日内
        4,宣传发动,各街道组织学习《实施方案》,各街道,,,长期坚持
        """;

    private ImportPlanRequest Request(string table, bool dryRun = false) => new()
    {
        Title = "贯彻落实《实施方案》任务分解",
        IssuingUnitId = service.Tree.Park.Id,
        IssueDate = new Google.Type.Date { Year = 2023, Month = 3, Day = 1 },
        TableText = table,
        DryRun = dryRun,
        Source = "年度重点工作",
    };

    [Fact]
    public async Task A_task_breakdown_table_becomes_a_plan_with_typed_deadlines_owners_and_expanded_streets()
    {
        var response = await service.Office.ImportPlanAsync(Request(Table));
        Assert.Empty(response.Problems);
        Assert.Equal(6, response.Plan.AssignmentCount); // 4 rows + 各街道 → two streets
        var tree = await service.Office.GetPlanTreeAsync(new GetPlanTreeRequest { PlanId = response.Plan.Id });
        var assignments = tree.Nodes.SelectMany(n => n.Assignments).ToList();

        var container = assignments.Single(a => a.LeadUnitId == service.Tree.Finance.Id);
        Assert.Equal(DeadlineKind.Fixed, container.Deadline.Kind);
        Assert.Equal(new Google.Type.Date { Year = 2023, Month = 6, Day = 30 }, container.Deadline.DueDate);
        Assert.Equal(DatePrecision.MonthEnd, container.Deadline.Precision);
        Assert.Equal("2023年6月底前", container.Deadline.OriginalText);
        Assert.Equal(service.Tree.FinanceLead.Id, container.OwnerPersonId);
        Assert.Equal([service.Tree.Economy.Id], container.CoUnitIds);
        Assert.Equal("年度重点工作", container.Source);

        var plan = assignments.Single(a => a.Deadline.Kind == DeadlineKind.Milestones);
        Assert.Equal(2, plan.Deadline.Milestones.Count);
        Assert.Equal(new Google.Type.Date { Year = 2023, Month = 12, Day = 31 }, plan.Deadline.DueDate);
        Assert.Equal(service.Tree.EconomyLead.Id, plan.OwnerPersonId);
        Assert.Equal(new[] { service.Tree.Finance.Id, service.Tree.Organisation.Id }.Order(), plan.CoUnitIds.Order());

        var report = assignments.Single(a => a.Deadline.Kind == DeadlineKind.Recurring);
        Assert.Equal(3, report.Deadline.NextReportDates.Count);
        Assert.All(report.Deadline.NextReportDates, d => Assert.Equal(28, d.Day));

        // 会后30个工作日内 from 2023-03-01 on the China calendar, 清明 (2023-04-05) not counted: 2023-04-13.
        var relative = assignments.Single(a => a.Deadline.Kind == DeadlineKind.Relative);
        Assert.Equal(new Google.Type.Date { Year = 2023, Month = 4, Day = 13 }, relative.Deadline.DueDate);

        var streets = assignments.Where(a => a.Deadline.Kind == DeadlineKind.Ongoing).Select(a => a.LeadUnitId).Order().ToList();
        Assert.Equal(new[] { service.Tree.EastStreet.Id, service.Tree.WestStreet.Id }.Order(), streets);

        Assert.Equal(6, tree.Counts.Assigned);
        Assert.Equal(6, await service.CountAsync($"SELECT count(*) FROM task_events e JOIN assignments a ON a.id = e.assignment_id WHERE a.plan_id = '{response.Plan.Id}'"));
    }

    [Fact]
    public async Task An_outline_with_inline_notes_imports_the_same_way()
    {
        const string outline = """
            关于加快高质量发展的实施方案
            一、全面加强党的领导
            （一）迅速掀起宣传发动新热潮（牵头单位：宣传办不在此园区时由组人部负责；完成时限：年内）
            （二）迅速掀起对接跑办新热潮
            1.梳理集装箱运输支持政策（牵头单位：财政局；配合单位：经发局；责任人：杨帆；完成时限：2023年6月底前）
            2.拿出产业承接方案（牵头单位：经发局；完成时限：2023年9月底前）
            """;
        var request = new ImportPlanRequest
        {
            IssuingUnitId = service.Tree.Park.Id,
            IssueDate = new Google.Type.Date { Year = 2023, Month = 3, Day = 1 },
            OutlineText = outline.Replace("（牵头单位：宣传办不在此园区时由组人部负责；完成时限：年内）", "（牵头单位：组人部；完成时限：年内）"),
        };
        var response = await service.Office.ImportPlanAsync(request);
        Assert.Equal("关于加快高质量发展的实施方案", response.Plan.Title);
        Assert.Equal(3, response.Plan.AssignmentCount);
        var tree = await service.Office.GetPlanTreeAsync(new GetPlanTreeRequest { PlanId = response.Plan.Id });
        var measure = tree.Nodes.Single(n => n.Item.Text.StartsWith("梳理集装箱"));
        Assert.Equal("一（二）1", measure.Item.PathLabel);
        Assert.Equal(service.Tree.Finance.Id, measure.Assignments.Single().LeadUnitId);
        Assert.Equal(3, tree.Nodes.First().Counts.Total); // the area's branch covers every assignment
    }

    [Fact]
    public async Task A_dry_run_shows_the_tree_and_stores_nothing()
    {
        var plans = await service.CountAsync("SELECT count(*) FROM plans");
        var response = await service.Office.ImportPlanAsync(Request(Table, dryRun: true));
        Assert.Null(response.Plan);
        Assert.Equal(6, response.Assignments.Count);
        Assert.Equal(4, response.Items.Count(i => i.Kind == ItemKind.KeyTask));
        Assert.Equal(5, response.Items.Count(i => i.Kind == ItemKind.Measure));
        Assert.Contains(response.ResolvedUnits, r => r.Name == "经发局" && r.UnitId == service.Tree.Economy.Id);
        Assert.Equal(plans, await service.CountAsync("SELECT count(*) FROM plans"));
    }

    [Fact]
    public async Task Unknown_units_and_bad_deadlines_are_reported_together_with_suggestions_and_nothing_is_stored()
    {
        const string table = """
            序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限
            1,任务一,措施一,市财政局,,,2023年6月底前
            2,任务二,措施二,经发局,不存在的办公室,,下个月看情况
            3,任务三,措施三,外区财政局,,,2023年13月底前
            4,任务四,措施四,各有关单位,,,2023年12月底前
            """;
        var counts = (await service.CountAsync("SELECT count(*) FROM plans"), await service.CountAsync("SELECT count(*) FROM task_events"));

        var dry = await service.Office.ImportPlanAsync(Request(table, dryRun: true));
        Assert.Contains(dry.Problems, p => p.Line == 2 && p.Field == "牵头单位" && p.Suggestions.Any(s => s.UnitId == service.Tree.Finance.Id));
        Assert.Contains(dry.Problems, p => p.Line == 3 && p.Field == "配合单位");
        Assert.Contains(dry.Problems, p => p.Line == 3 && p.Field == "完成时限");
        Assert.Contains(dry.Problems, p => p.Line == 4 && p.Field == "牵头单位" && p.Message.Contains("下级单位"));
        Assert.Contains(dry.Problems, p => p.Line == 4 && p.Field == "完成时限");
        // Nothing is guessed from the wording: a group the office has not recorded as a collective is an unknown unit.
        Assert.Contains(dry.Problems, p => p.Line == 5 && p.Field == "牵头单位" && p.Message == "未知单位“各有关单位”");

        var ex = await RpcAssert.ThrowsAsync(StatusCode.InvalidArgument, async () => await service.Office.ImportPlanAsync(Request(table)));
        var fields = RpcAssert.FieldsOf(ex);
        Assert.Contains("table_text.rows[2].牵头单位", fields);
        Assert.Contains("table_text.rows[3].完成时限", fields);
        Assert.Equal(dry.Problems.Count, fields.Count);
        Assert.Equal(counts, (await service.CountAsync("SELECT count(*) FROM plans"), await service.CountAsync("SELECT count(*) FROM task_events")));
    }

    [Fact]
    public async Task Only_the_office_imports_and_the_issuer_must_exist()
    {
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
            await service.LeadOf(service.Tree.Economy).ImportPlanAsync(Request(Table)));
        var request = Request(Table);
        request.IssuingUnitId = Guid.NewGuid().ToString();
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "issuing_unit_id", async () => await service.Office.ImportPlanAsync(request));
    }

    [Fact]
    public async Task Repeating_an_import_with_the_same_request_id_returns_the_first_plan()
    {
        var request = Request(Table);
        request.RequestId = Guid.NewGuid().ToString();
        var first = await service.Office.ImportPlanAsync(request);
        var second = await service.Office.ImportPlanAsync(request);
        Assert.Equal(first.Plan.Id, second.Plan.Id);
        Assert.Equal(first.Plan.AssignmentCount, second.Plan.AssignmentCount);
        Assert.Equal(1, await service.CountAsync($"SELECT count(*) FROM plans WHERE create_request_id = '{request.RequestId}'"));
    }

    [Fact]
    public async Task An_outline_item_of_nothing_but_its_notes_is_a_problem_of_its_line()
    {
        var request = new ImportPlanRequest
        {
            IssuingUnitId = service.Tree.Park.Id,
            IssueDate = new Google.Type.Date { Year = 2023, Month = 3, Day = 1 },
            OutlineText = """
                关于加快高质量发展的实施方案
                一、全面加强党的领导
                1.拿出产业承接方案（牵头单位：经发局；完成时限：2023年9月底前）
                2.（牵头单位：财政局；完成时限：2023年6月底前）
                """,
            DryRun = true,
        };
        var response = await service.Office.ImportPlanAsync(request);
        var problem = Assert.Single(response.Problems);
        Assert.Equal(4, problem.Line);
        Assert.Equal("事项", problem.Field);
        Assert.Contains("没有内容", problem.Message);
    }

    [Fact]
    public async Task An_owner_who_is_no_person_of_the_lead_unit_is_a_problem_at_each_row_naming_the_unit_they_belong_to()
    {
        var response = await service.Office.ImportPlanAsync(Request($"""
            序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限
            1,承接产业转移,拿出承接方案,经发局,,杨帆,2023年12月底前
            2,承接产业转移,梳理承接清单,经发局,,杨帆,2023年10月底前
            3,保障资金,落实配套资金,财政局,,无此人{Guid.NewGuid():N},2023年9月底前
            4,保障资金,拨付首批资金,财政局,,杨帆,2023年9月底前
            """, dryRun: true));

        var owners = response.Problems.Where(p => p.Field == "责任人").OrderBy(p => p.Line).ToList();
        Assert.Equal([2, 3, 4], owners.Select(p => p.Line));
        Assert.Equal("“杨帆”是工业园区财政局的人员，不是牵头单位工业园区经济发展局的人员", owners[0].Message);
        Assert.Contains("不是牵头单位工业园区财政局登记的人员", owners[2].Message);
        // The finance bureau's own lead is its owner, and no problem.
        Assert.DoesNotContain(response.Problems, p => p.Line == 5);
    }

    [Fact]
    public async Task A_collective_leading_gives_one_assignment_per_member_and_among_co_units_adds_every_member_once()
    {
        var response = await service.Office.ImportPlanAsync(Request("""
            序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限
            1,承接产业转移,拿出承接方案,“一市两局”,组人部,,2023年12月底前
            2,承接产业转移,梳理承接清单,经发局,"「一市两局」、各街道",,2023年10月底前
            3,宣传发动,组织学习,各街道,一市两局,,2023年9月底前
            """));
        Assert.Empty(response.Problems);
        Assert.Equal(2 + 1 + 2, response.Plan.AssignmentCount);
        var tree = await service.Office.GetPlanTreeAsync(new GetPlanTreeRequest { PlanId = response.Plan.Id });
        var t = service.Tree;
        List<Assignment> Row(string text) => tree.Nodes.Single(n => n.Item.Text == text).Assignments.ToList();

        var plan = Row("拿出承接方案");
        Assert.Equal(new[] { t.Economy.Id, t.Finance.Id }.Order(), plan.Select(a => a.LeadUnitId).Order());
        Assert.All(plan, a => Assert.Equal([t.Organisation.Id], a.CoUnitIds));
        // Each member's share names the collective, as the collective calls itself (without the quotation marks written).
        Assert.All(plan, a => Assert.Equal("一市两局", a.LeadCollective));

        // The lead named with a collective among the co-units is not its own co-unit, and no unit is listed twice.
        var listing = Assert.Single(Row("梳理承接清单"));
        Assert.Equal(t.Economy.Id, listing.LeadUnitId);
        Assert.Equal("", listing.LeadCollective);
        Assert.Equal(new[] { t.Finance.Id, t.EastStreet.Id, t.WestStreet.Id }.Order(), listing.CoUnitIds.Order());

        var study = Row("组织学习");
        Assert.Equal(new[] { t.EastStreet.Id, t.WestStreet.Id }.Order(), study.Select(a => a.LeadUnitId).Order());
        Assert.All(study, a => Assert.Equal(new[] { t.Economy.Id, t.Finance.Id }.Order(), a.CoUnitIds.Order()));
        Assert.All(study, a => Assert.Equal("各街道", a.LeadCollective));
        var stored = await service.Office.GetAssignmentAsync(new GetAssignmentRequest { Id = study[0].Id });
        Assert.Equal("各街道", stored.LeadCollective);
    }

    [Fact]
    public async Task A_slip_in_a_collectives_name_is_a_problem_suggesting_the_collective()
    {
        var response = await service.Office.ImportPlanAsync(Request("""
            序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限
            1,宣传发动,组织学习,各街到,,,2023年9月底前
            """, dryRun: true));
        var problem = Assert.Single(response.Problems);
        Assert.Equal(("牵头单位", 2), (problem.Field, problem.Line));
        var suggestion = Assert.Single(problem.Suggestions, s => s.CollectiveId.Length > 0);
        Assert.Equal(("各街道", ""), (suggestion.Name, suggestion.UnitId));
    }

    [Fact]
    public async Task A_dry_run_lists_a_collective_with_each_member_it_stands_for()
    {
        var response = await service.Office.ImportPlanAsync(Request("""
            序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限
            1,宣传发动,组织学习,“各街道”,,,2023年9月底前
            """, dryRun: true));
        Assert.Empty(response.Problems);
        Assert.Equal(2, response.Assignments.Count);
        Assert.All(response.Assignments, a => Assert.Equal("各街道", a.LeadCollective));
        Assert.Equal(new[] { service.Tree.EastStreet.Id, service.Tree.WestStreet.Id }.Order(),
            response.ResolvedUnits.Where(r => r.Name == "“各街道”").Select(r => r.UnitId).Order());
    }

    [Fact]
    public async Task A_collective_with_a_member_outside_the_issuer_is_a_problem_naming_that_member_at_each_row()
    {
        var table = """
            序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限
            1,保障资金,落实配套资金,跨区单位,,,2023年9月底前
            2,保障资金,拨付首批资金,组人部,跨区单位,,2023年9月底前
            """;
        var dry = await service.Office.ImportPlanAsync(Request(table, dryRun: true));
        var problems = dry.Problems.Where(p => p.Message.Contains("外区财政局")).Select(p => (p.Line, p.Field)).Order().ToList();
        Assert.Equal([(2, "牵头单位"), (3, "配合单位")], problems);
        Assert.All(dry.Problems, p => Assert.Equal("“跨区单位”（集体名称“跨区单位”）中的外区财政局不是试点工业园区管委会的下级单位", p.Message));

        var plans = await service.CountAsync("SELECT count(*) FROM plans");
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "table_text.rows[2].牵头单位", async () => await service.Office.ImportPlanAsync(Request(table)));
        Assert.Equal(plans, await service.CountAsync("SELECT count(*) FROM plans"));
    }

    [Fact]
    public async Task An_unknown_unit_is_a_problem_at_every_row_that_names_it()
    {
        var response = await service.Office.ImportPlanAsync(Request("""
            序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限
            1,承接产业转移,拿出承接方案,市场局,,,2023年12月底前
            2,承接产业转移,梳理承接清单,经发局,市场局,,2023年10月底前
            3,保障资金,落实配套资金,市场局,,,2023年9月底前
            """, dryRun: true));

        var unknown = response.Problems.Where(p => p.Message.Contains("未知单位“市场局”")).Select(p => (p.Line, p.Field)).Order().ToList();
        Assert.Equal([(2, "牵头单位"), (3, "配合单位"), (4, "牵头单位")], unknown);
    }

    [Fact]
    public async Task Ongoing_work_reports_only_on_a_written_cadence_and_a_vague_deadline_is_shown_as_no_deadline()
    {
        var response = await service.Office.ImportPlanAsync(Request("""
            序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限
            1,宣传发动,组织学习《实施方案》,经发局,,,长期坚持
            2,宣传发动,报送学习情况,经发局,,,长期坚持，每季度末报送进展
            3,承接产业转移,尽快拿出方案,经发局,,,尽快
            """, dryRun: true));

        var byTitle = response.Assignments.ToDictionary(a => a.Title);
        var unstated = byTitle["组织学习《实施方案》"].Deadline;
        Assert.Equal((DeadlineKind.Ongoing, 0), (unstated.Kind, unstated.NextReportDates.Count));
        var stated = byTitle["报送学习情况"].Deadline;
        Assert.Equal(DeadlineKind.Ongoing, stated.Kind);
        Assert.NotEmpty(stated.NextReportDates);
        Assert.All(stated.NextReportDates, d => Assert.Contains(d.Month, new[] { 3, 6, 9, 12 }));

        var vague = byTitle["尽快拿出方案"].Deadline;
        Assert.Equal((DeadlineKind.Invalid, "尽快", 0), (vague.Kind, vague.OriginalText, vague.NextReportDates.Count));
        Assert.Null(vague.DueDate);
        Assert.Contains(response.Problems, p => p.Line == 4 && p.Field == "完成时限" && p.Message.Contains("不是确定的完成时限"));
    }

    [Fact]
    public async Task A_relative_deadline_shows_its_count_unit_anchor_and_the_day_counted_from_and_a_duty_its_rule()
    {
        var response = await service.Office.ImportPlanAsync(Request(Table, dryRun: true));
        var relative = response.Assignments.Single(a => a.Deadline.OriginalText == "会后30个工作日内").Deadline;
        Assert.Equal(DeadlineKind.Relative, relative.Kind);
        Assert.Equal((30, PeriodUnit.WorkingDays, PeriodAnchor.Meeting), (relative.Relative.Count, relative.Relative.Unit, relative.Relative.Anchor));
        Assert.Equal(new Google.Type.Date { Year = 2023, Month = 3, Day = 1 }, relative.Relative.AnchorDate);
        // 30 working days after Wednesday 1 March 2023, counted on the working calendar.
        Assert.Equal(new Google.Type.Date { Year = 2023, Month = 4, Day = 13 }, relative.DueDate);

        var duty = response.Assignments.Single(a => a.Deadline.OriginalText == "每月28日前").Deadline;
        Assert.Equal((Duban.Contracts.Tasks.V1.RecurrenceFrequency.Monthly, 28), (duty.ReportRule.Frequency, duty.ReportRule.DayOfMonth));
        Assert.All(response.Assignments.Where(a => a.Deadline.OriginalText == "长期坚持"), a => Assert.Null(a.Deadline.ReportRule));
    }

    [Fact]
    public async Task A_dry_run_shows_every_items_responsibility_and_where_each_inherited_value_came_from()
    {
        var response = await service.Office.ImportPlanAsync(new ImportPlanRequest
        {
            IssuingUnitId = service.Tree.Park.Id, IssueDate = new Google.Type.Date { Year = 2023, Month = 3, Day = 1 }, DryRun = true,
            OutlineText = """
                关于加快高质量发展的实施方案
                一、全面加强党的领导（牵头单位：组人部；完成时限：2023年12月底前）
                （一）迅速掀起宣传发动新热潮
                （二）迅速掀起对接跑办新热潮（牵头单位：经发局（下同）；完成时限：2023年6月底前）
                （三）拿出承接方案
                （四）落实配套资金（牵头单位：同上；完成时限：2023年9月底前）
                """,
        });
        var items = response.Items.ToDictionary(i => i.PathLabel, i => i.Responsibility);

        // The area is no leaf, and still shows what it states.
        Assert.Equal(["组人部"], items["一"].LeadUnits);
        Assert.Equal(("2023年12月底前", 0), (items["一"].DeadlineText, items["一"].InheritedFrom.Count));
        Assert.Equal("组人部", items["一（一）"].LeadUnits.Single());
        Assert.Equal("上级“一”", items["一（一）"].InheritedFrom["牵头单位"]);
        Assert.Equal("上级“一”", items["一（一）"].InheritedFrom["完成时限"]);
        Assert.Empty(items["一（二）"].InheritedFrom);
        Assert.Equal(("经发局", "下同：沿用“一（二）”"), (items["一（三）"].LeadUnits.Single(), items["一（三）"].InheritedFrom["牵头单位"]));
        Assert.Equal(("2023年12月底前", "上级“一”"), (items["一（三）"].DeadlineText, items["一（三）"].InheritedFrom["完成时限"]));
        Assert.Equal(("经发局", "同上：沿用“一（二）”"), (items["一（四）"].LeadUnits.Single(), items["一（四）"].InheritedFrom["牵头单位"]));
        Assert.False(items["一（四）"].InheritedFrom.ContainsKey("完成时限"));
    }

    [Fact]
    public async Task An_import_without_a_request_id_warns_that_sending_it_again_imports_another_plan()
    {
        var without = await service.Office.ImportPlanAsync(Request(Table));
        Assert.Contains(without.Warnings, w => w.Field == "request_id" && w.Message.Contains("再导入一份"));

        var with = Request(Table);
        with.RequestId = Guid.NewGuid().ToString();
        Assert.DoesNotContain((await service.Office.ImportPlanAsync(with)).Warnings, w => w.Field == "request_id");
        var dryRun = await service.Office.ImportPlanAsync(Request(Table, dryRun: true));
        Assert.DoesNotContain(dryRun.Warnings, w => w.Field == "request_id");
    }

    [Fact]
    public async Task A_request_id_reused_for_a_different_plan_is_refused_and_stores_nothing()
    {
        var request = Request(Table);
        request.RequestId = Guid.NewGuid().ToString();
        await service.Office.ImportPlanAsync(request);
        var other = request.Clone();
        other.Title = "另一份方案";

        await RpcAssert.ThrowsOnFieldAsync(StatusCode.AlreadyExists, "request_id", async () => await service.Office.ImportPlanAsync(other));
        Assert.Equal(1, await service.CountAsync($"SELECT count(*) FROM plans WHERE create_request_id = '{request.RequestId}'"));
        // A dry run first and then the same import is one request, not two.
        var dry = Request(Table);
        dry.RequestId = Guid.NewGuid().ToString();
        dry.DryRun = true;
        await service.Office.ImportPlanAsync(dry);
        dry.DryRun = false;
        Assert.NotEmpty((await service.Office.ImportPlanAsync(dry)).Plan.Id);
    }

    [Fact]
    public async Task Concurrent_imports_with_one_request_id_store_one_plan_and_all_get_it()
    {
        var request = Request(Table);
        request.RequestId = Guid.NewGuid().ToString();
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => service.Office.ImportPlanAsync(request).ResponseAsync));

        Assert.Single(results.Select(r => r.Plan.Id).Distinct());
        Assert.All(results, r => Assert.Equal(results[0].Plan.AssignmentCount, r.Plan.AssignmentCount));
        Assert.Equal(1, await service.CountAsync($"SELECT count(*) FROM plans WHERE create_request_id = '{request.RequestId}'"));
        Assert.Equal(results[0].Plan.AssignmentCount,
            await service.CountAsync($"SELECT count(*) FROM assignments WHERE plan_id = '{results[0].Plan.Id}'"));
    }

    [Fact]
    public async Task The_structured_form_imports_without_a_document()
    {
        var request = new ImportPlanRequest
        {
            Title = "结构化导入",
            IssuingUnitId = service.Tree.Park.Id,
            IssueDate = new Google.Type.Date { Year = 2023, Month = 3, Day = 1 },
            Structure = new PlanStructure
            {
                Items =
                {
                    new StructuredItem
                    {
                        Kind = ItemKind.KeyTask, Numbering = "一", Text = "对接跑办", LeadUnits = { "经发局" }, Deadline = "2023年12月底前",
                        Children =
                        {
                            new StructuredItem { Kind = ItemKind.Measure, Text = "对接省发改委", Deadline = "2023年6月底前" },
                            new StructuredItem { Kind = ItemKind.Measure, Text = "对接省工信厅", LeadUnits = { "财政局" } },
                        },
                    },
                },
            },
        };
        var response = await service.Office.ImportPlanAsync(request);
        Assert.Equal(2, response.Plan.AssignmentCount);
        var tree = await service.Office.GetPlanTreeAsync(new GetPlanTreeRequest { PlanId = response.Plan.Id });
        var second = tree.Nodes.Single(n => n.Item.Text == "对接省工信厅").Assignments.Single();
        Assert.Equal(service.Tree.Finance.Id, second.LeadUnitId);
        Assert.Equal(12, second.Deadline.DueDate.Month);
    }
}
