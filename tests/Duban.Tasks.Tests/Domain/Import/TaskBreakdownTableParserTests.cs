using Duban.Tasks.Domain.Import;
using Xunit;

namespace Duban.Tasks.Tests.Domain.Import;

public class TaskBreakdownTableParserTests
{
    /// <summary>Section 四 of the "Implementation Plan" speech (seed 003) as the park office would tabulate it.</summary>
    private const string ImplementationPlanTable =
        "\uFEFF序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限,备注\r\n" +
        "1,迅速掀起学习贯彻新热潮,\"结合主题教育，集中一个月左右时间开展“学习《实施方案》、全面解放思想，当好高质量发展样板”大讨论活动\",工业园区组人部,\"各部门、各单位\",王某,会后1个月内,\r\n" +
        ",,党工委理论学习中心组带头开展集中学习研讨,工业园区党政办,工业园区组人部/工业园区宣传办,李某,2020年6月底前,\r\n" +
        "2,迅速掀起宣传发动新热潮,\"制定宣传工作方案，开专栏、做专题、推专访\",工业园区宣传办,,赵某,2020年5月底前,\r\n" +
        ",,\"在京津、珠三角、长三角集中开展宣传推介活动\",工业园区宣传办,\"工业园区经发局\r\n工业园区商务局\",赵某,同上,含2场推介会\r\n" +
        "3,迅速掀起推进落实新热潮,\"逐项逐条细化分解，明确时限、倒排工期\",各责任单位,,,长期坚持,\r\n" +
        ",,\"跟踪督导、定期通报各责任单位工作开展情况\",\"工业园区党政办督查室、工业园区纪工委（牵头）\",工业园区监察局,钱某,每月底前,\r\n" +
        "4,迅速掀起对接跑办新热潮,\"梳理支持集装箱运输发展的政策，形成专门请示，抓紧与省财政厅沟通对接\",工业园区财政局,,孙某,2020年6月底前,\r\n" +
        ",,\"拿出绿色化工、生物医药和汽车及零部件制造产业承接方案，到省发改委、省工信厅对接跑办\",工业园区经发局,,周某,同上,\r\n" +
        ",,到省市编办跑办市级审批、管理、行政执法权限和部分省级审批权限,工业园区组人部,,吴某,2020年9月底前,\r\n" +
        ",,\"给区内各银行下达任务指标，引导加大贷款投放力度\",工业园区金融办,区内各银行,郑某,2020年12月底前,\r\n";

    [Fact]
    public void The_implementation_plan_table_becomes_four_key_tasks_with_their_measures()
    {
        var result = TaskBreakdownTableParser.Parse(ImplementationPlanTable);

        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        var keyTasks = result.Draft!.Items;
        Assert.Equal(["1", "2", "3", "4"], keyTasks.Select(task => task.Numbering));
        Assert.All(keyTasks, task => Assert.Equal(DraftItemKind.KeyTask, task.Kind));
        Assert.Equal([2, 2, 2, 4], keyTasks.Select(task => task.Children.Count));
        Assert.Equal([2, 4, 6, 8], keyTasks.Select(task => task.LineOrRow));
        Assert.Null(result.Draft.Title);

        var measures = keyTasks.SelectMany(task => task.Children).ToList();
        Assert.All(measures, measure => Assert.Equal(DraftItemKind.Measure, measure.Kind));
        Assert.Equal(["1.1", "1.2", "2.1", "2.2", "3.1", "3.2", "4.1", "4.2", "4.3", "4.4"], measures.Select(measure => measure.PathLabel));
        Assert.Equal([2, 3, 4, 5, 6, 7, 8, 9, 10, 11], measures.Select(measure => measure.LineOrRow));
    }

    [Fact]
    public void The_implementation_plan_table_keeps_units_owners_deadlines_and_extra_columns()
    {
        var items = TaskBreakdownTableParser.Parse(ImplementationPlanTable).Draft!.Items;
        var study = items[0].Children[0];
        var publicity = items[1].Children[1];
        var supervision = items[2].Children[1];
        var finance = items[3].Children[3];

        Assert.Equal("结合主题教育，集中一个月左右时间开展“学习《实施方案》、全面解放思想，当好高质量发展样板”大讨论活动", study.Text);
        Assert.Equal([new UnitRef("工业园区组人部")], study.LeadUnits);
        Assert.Equal([new UnitRef("各部门"), new UnitRef("各单位")], study.CoUnits);
        Assert.Equal("王某", study.Owner);
        Assert.Equal("会后1个月内", study.DeadlineText);
        Assert.Equal(["工业园区组人部", "工业园区宣传办"], items[0].Children[1].CoUnits.Select(unit => unit.Text));

        Assert.Equal(["工业园区经发局", "工业园区商务局"], publicity.CoUnits.Select(unit => unit.Text));
        Assert.Equal("2020年5月底前", publicity.DeadlineText);
        Assert.Equal("含2场推介会", publicity.Attributes["备注"]);
        Assert.Empty(study.Attributes);

        Assert.Equal([new UnitRef("工业园区纪工委"), new UnitRef("工业园区党政办督查室")], supervision.LeadUnits);
        Assert.Equal([new UnitRef("各责任单位")], items[2].Children[0].LeadUnits);
        Assert.Null(items[2].Children[0].Owner);

        Assert.Equal("2020年6月底前", items[3].Children[1].DeadlineText);
        Assert.Equal([new UnitRef("区内各银行")], finance.CoUnits);
        Assert.Empty(items[0].LeadUnits);
        Assert.Null(items[0].DeadlineText);
    }

    [Fact]
    public void A_tsv_file_reads_like_the_csv()
    {
        var tsv = "序号\t重点任务\t具体措施\t牵头单位\t完成时限\n" +
                  "1\t对接跑办\t\"形成请示\t报省财政厅\"\t工业园区财政局\t2020年6月底前\n";

        var result = TaskBreakdownTableParser.Parse(tsv);

        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        var measure = result.Draft!.Items.Single().Children.Single();
        Assert.Equal("形成请示\t报省财政厅", measure.Text);
        Assert.Equal("工业园区财政局", measure.LeadUnits.Single().Text);
    }

    [Fact]
    public void Missing_required_headers_are_all_named_and_no_draft_is_made()
    {
        var result = TaskBreakdownTableParser.Parse("序号,说明,配合单位\n1,某事,市财政局\n");

        Assert.Null(result.Draft);
        Assert.Equal(["重点任务", "牵头单位", "完成时限"], result.Problems.Select(problem => problem.Field));
        Assert.All(result.Problems, problem => Assert.Equal(1, problem.LineOrRow));
    }

    [Fact]
    public void Header_variants_offices_use_are_understood()
    {
        var csv = "编号,目标任务,工作任务,具体举措,责任单位,协同单位,具体责任人,* 时间节点（年月）\n" +
                  "1,集装箱吞吐量达到100万标箱,港口扩能,建设集装箱码头,市交通局,市发改委,张三,2022年底前\n";

        var result = TaskBreakdownTableParser.Parse(csv);

        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        var goal = result.Draft!.Items.Single();
        Assert.Equal(DraftItemKind.Goal, goal.Kind);
        Assert.Equal("集装箱吞吐量达到100万标箱", goal.Text);
        var keyTask = goal.Children.Single();
        Assert.Equal(DraftItemKind.KeyTask, keyTask.Kind);
        var measure = keyTask.Children.Single();
        Assert.Equal("1.1.1", measure.PathLabel);
        Assert.Equal("市交通局", measure.LeadUnits.Single().Text);
        Assert.Equal("市发改委", measure.CoUnits.Single().Text);
        Assert.Equal("2022年底前", measure.DeadlineText);
        Assert.Equal("具体责任人", Assert.Single(measure.Attributes).Key);
    }

    [Fact]
    public void A_key_task_without_a_measure_is_itself_assignable()
    {
        var csv = "序号,重点任务,具体措施,牵头单位,完成时限\n1,编制国土空间总体规划,,市自然资源局,2020年底前\n2,建设四馆一中心,,市住建局,2022年底前\n";

        var items = TaskBreakdownTableParser.Parse(csv).Draft!.Items;

        Assert.Equal(2, items.Count);
        Assert.Empty(items[0].Children);
        Assert.Equal("市自然资源局", items[0].LeadUnits.Single().Text);
        Assert.Equal("2022年底前", items[1].DeadlineText);
    }

    [Fact]
    public void Measures_continuing_a_key_task_that_states_units_inherit_them()
    {
        var csv = "序号,重点任务,具体措施,牵头单位,完成时限\n" +
                  "1,推进港城融合,,市交通局,2022年底前\n" +
                  ",,建设疏港铁路,,2021年底前\n" +
                  ",,建设海挡工程,市水务局,\n";

        var result = TaskBreakdownTableParser.Parse(csv);

        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        var keyTask = result.Draft!.Items.Single();
        Assert.Equal(("市交通局", "2021年底前"), (keyTask.Children[0].LeadUnits.Single().Text, keyTask.Children[0].DeadlineText));
        Assert.Equal(("市水务局", "2022年底前"), (keyTask.Children[1].LeadUnits.Single().Text, keyTask.Children[1].DeadlineText));
    }

    [Fact]
    public void A_key_task_repeated_beside_each_measure_is_one_key_task()
    {
        var csv = "重点任务,具体措施,牵头单位,完成时限\n对接跑办,形成请示,财政局,6月底前\n对接跑办,拿出承接方案,经发局,6月底前\n";

        var keyTask = TaskBreakdownTableParser.Parse(csv).Draft!.Items.Single();

        Assert.Equal(["1.1", "1.2"], keyTask.Children.Select(measure => measure.PathLabel));
    }

    [Fact]
    public void Dotted_numbers_of_measures_are_their_full_label()
    {
        var csv = "序号,重点任务,具体措施,牵头单位,完成时限\n1,对接跑办,形成请示,财政局,6月底前\n1.2,,拿出承接方案,经发局,6月底前\n";

        var keyTask = TaskBreakdownTableParser.Parse(csv).Draft!.Items.Single();

        Assert.Equal(["1.1", "1.2"], keyTask.Children.Select(measure => measure.PathLabel));
        Assert.Equal("1.2", keyTask.Children[1].Numbering);
    }

    [Fact]
    public void A_value_marked_xiatong_carries_on_until_a_new_value_is_given()
    {
        var csv = "序号,具体措施,牵头单位,责任人,完成时限\n" +
                  "1,措施一,市交通局（下同）,张三,2023年6月底前，下同\n" +
                  "2,措施二,,李四,\n" +
                  "3,措施三,市财政局,同上,\n" +
                  "4,措施四,市商务局,,2023年底前(下同)\n" +
                  "5,措施五,下同,王五,\n" +
                  "6,措施六,,,\n";

        var result = TaskBreakdownTableParser.Parse(csv);

        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        var measures = result.Draft!.Items;
        Assert.Equal(["市交通局", "市交通局", "市财政局", "市商务局", "市商务局", "市商务局"], measures.Select(m => m.LeadUnits.Single().Text));
        Assert.Equal(["张三", "李四", "李四", null, "王五", null], measures.Select(m => m.Owner));
        Assert.Equal(["2023年6月底前", "2023年6月底前", "2023年6月底前", "2023年底前", "2023年底前", "2023年底前"], measures.Select(m => m.DeadlineText));
    }

    [Fact]
    public void A_bare_xiatong_carries_the_value_above_on()
    {
        var csv = "序号,具体措施,牵头单位,完成时限\n1,措施一,市交通局,年底前\n2,措施二,市财政局,下同\n3,措施三,市发改委,\n";

        var measures = TaskBreakdownTableParser.Parse(csv).Draft!.Items;

        Assert.All(measures, measure => Assert.Equal("年底前", measure.DeadlineText));
    }

    [Fact]
    public void Tongshang_copies_the_row_above_once_and_blank_cells_after_it_stay_blank()
    {
        var csv = "序号,具体措施,牵头单位,完成时限\n1,措施一,市交通局,年底前\n2,措施二,同上,同上。\n3,措施三,,6月底前\n";

        var result = TaskBreakdownTableParser.Parse(csv);

        var measures = result.Draft!.Items;
        Assert.Equal("市交通局", measures[1].LeadUnits.Single().Text);
        Assert.Equal("年底前", measures[1].DeadlineText);
        Assert.Empty(measures[2].LeadUnits);
        Assert.Equal(new ImportProblem(4, "牵头单位", "“3”没有牵头单位"), Assert.Single(result.Problems));
    }

    [Fact]
    public void Tongshang_on_the_first_row_is_a_problem()
    {
        var result = TaskBreakdownTableParser.Parse("具体措施,牵头单位,完成时限\n措施一,同上,年底前\n");

        Assert.Contains(new ImportProblem(2, "牵头单位", "“同上”之前没有可沿用的牵头单位"), result.Problems);
    }

    [Fact]
    public void A_unit_marked_lead_comes_first_and_every_name_is_kept_as_written()
    {
        var csv = "具体措施,牵头单位,配合单位,完成时限\n" +
                  "整治违建,\"市城管局、市财政局(牵头)；市发改委\",\"各乡镇（街道、园区） 区直各部门,各有关单位\",年底前\n" +
                  "清理台账,市住建局牵头,各园区,年底前\n";

        var measures = TaskBreakdownTableParser.Parse(csv).Draft!.Items;

        Assert.Equal(
            [new UnitRef("市财政局"), new UnitRef("市城管局"), new UnitRef("市发改委")],
            measures[0].LeadUnits);
        Assert.Equal(
            [new UnitRef("各乡镇（街道、园区）"), new UnitRef("区直各部门"), new UnitRef("各有关单位")],
            measures[0].CoUnits);
        Assert.Equal([new UnitRef("市住建局")], measures[1].LeadUnits);
        Assert.Equal([new UnitRef("各园区")], measures[1].CoUnits);
    }

    [Fact]
    public void A_title_row_above_the_header_becomes_the_plan_title()
    {
        var csv = "XX工业园区贯彻落实《实施方案》任务分解表,,,\n序号,具体措施,牵头单位,完成时限\n1,措施一,市交通局,年底前\n";

        var result = TaskBreakdownTableParser.Parse(csv);

        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        Assert.Equal("XX工业园区贯彻落实《实施方案》任务分解表", result.Draft!.Title);
        Assert.Equal(3, result.Draft.Items.Single().LineOrRow);
    }

    [Fact]
    public void Title_rows_above_the_header_are_passed_over_and_an_attachment_label_is_not_the_title()
    {
        // As a sheet reads with merged title rows: the title repeated across the row.
        var csv = "附件1,,,\n任务分解表,任务分解表,任务分解表,任务分解表\n,,,\n序号,具体措施,牵头单位,完成时限\n1,措施一,市交通局,年底前\n";

        var result = TaskBreakdownTableParser.Parse(csv);

        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        Assert.Equal("任务分解表", result.Draft!.Title);
        Assert.Equal(5, result.Draft.Items.Single().LineOrRow);
    }

    [Fact]
    public void Merged_cells_read_as_their_value_repeated_build_the_same_tree_as_blank_cells_below()
    {
        const string header = "序号,重点任务,具体措施,牵头单位,完成时限\n";
        var blank = header + "1,推动港口转型升级,措施一,交通局,年底前\n,,措施二,交通局,年底前\n,,措施三,经发局,年底前\n2,宣传发动,措施四,宣传办,年底前\n";
        var repeated = header + "1,推动港口转型升级,措施一,交通局,年底前\n1,推动港口转型升级,措施二,交通局,年底前\n"
            + "1,推动港口转型升级,措施三,经发局,年底前\n2,宣传发动,措施四,宣传办,年底前\n";

        static List<(string, string, string)> Tree(string csv) =>
            TaskBreakdownTableParser.Parse(csv).Draft!.AllItems().Select(item => (item.PathLabel, item.Text, string.Join("、", item.LeadUnits.Select(unit => unit.Text)))).ToList();

        Assert.Equal([("1", "推动港口转型升级", ""), ("1.1", "措施一", "交通局"), ("1.2", "措施二", "交通局"), ("1.3", "措施三", "经发局"),
            ("2", "宣传发动", ""), ("2.1", "措施四", "宣传办")], Tree(blank));
        Assert.Equal(Tree(blank), Tree(repeated));
    }

    [Theory]
    [InlineData("序号,重点任务,牵头单位,完成时限\n", true)]
    [InlineData("附件2\nXX任务分解表\n\n具体措施,责任单位\n", true)]
    [InlineData("序号,指标,目标值\n1,集装箱吞吐量,200万标箱\n", false)]
    [InlineData("关于加快发展的实施方案\n一、全面加强党的领导\n", false)]
    [InlineData("", false)]
    public void A_header_is_a_task_column_beside_a_responsibility_column(string text, bool header)
    {
        Assert.Equal(header, TaskBreakdownTableParser.StartsWithHeader(DelimitedTextReader.Read(text, ',')));
    }

    [Fact]
    public void All_problems_are_reported_at_once_with_their_spreadsheet_rows()
    {
        var csv = "序号,重点任务,具体措施,牵头单位,责任单位,完成时限\n" + // row 1: 责任单位 repeats 牵头单位
                  ",,先有措施,市交通局,,年底前\n" +                        // row 2: no key task yet
                  "\n" +                                                   // row 3: blank, still counted
                  "1,对接跑办,\"形成请示，\n报省财政厅\",,,年底前\n" +      // row 4: no lead
                  ",,拿出承接方案,经发局,,\n" +                             // row 5: no deadline
                  ",,,,,,多出来的\n" +                                      // row 6: extra cell, no task
                  "2,对接,措施,\"未闭合,年底前\n";                         // row 7: unterminated quote

        var result = TaskBreakdownTableParser.Parse(csv);

        Assert.NotNull(result.Draft);
        Assert.False(result.Succeeded);
        Assert.Equal(
            [(1, "牵头单位"), (2, "重点任务"), (4, "牵头单位"), (5, "完成时限"), (6, ""), (6, "重点任务"), (7, "")],
            result.Problems.Select(problem => (problem.LineOrRow, problem.Field)));
    }

    [Fact]
    public void A_header_without_rows_is_a_problem()
    {
        var result = TaskBreakdownTableParser.Parse("序号,具体措施,牵头单位,完成时限\r\n\r\n");

        Assert.Null(result.Draft);
        Assert.Equal(new ImportProblem(1, "", "表中没有任务"), Assert.Single(result.Problems));
    }

    [Fact]
    public void An_empty_file_is_a_problem()
    {
        var result = TaskBreakdownTableParser.Parse("");

        Assert.Null(result.Draft);
        Assert.Equal(1, Assert.Single(result.Problems).LineOrRow);
    }
}
