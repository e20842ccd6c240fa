using Duban.Tasks.Domain.Import;
using Xunit;

namespace Duban.Tasks.Tests.Domain.Import;

public class PlanOutlineParserTests
{
    private const string ImplementationPlanOutline = """
        XX工业园区贯彻落实《实施方案》任务分解方案
        为确保《实施方案》落地落实，结合园区实际，
        制定本方案。
        一、加快港产城融合发展（牵头单位：工业园区经发局；完成时限：2022年底前）
        （一）做大做强临港产业
        1．推进绿色化工产业转移（配合单位：工业园区财政局、工业园区商务局；责任人：张三）
        （1）拿出具体承接方案
        ① 梳理承接项目清单（完成时限：2020年6月底前）
        ② 到省发改委、省工信厅对接跑办
        （2）力争2022年集装箱吞吐量达到100万标箱(牵头单位:工业园区港航局;时限:2022年12月31日)
        2、培育生物医药产业（工业园区经发局牵头，工业园区卫健局配合）
        （二）提升港口功能
        二、全面加强党的领导
        （一）迅速掀起学习贯彻新热潮
        （二）迅速掀起宣传发动新热潮（牵头单位：工业园区宣传办（下同）；完成时限：2020年5月底前）
        （三）迅速掀起推进落实新热潮
            1. 细化分解任务，明确时限、倒排工期，
            全力推进（责任单位：各责任单位；完成时限：长期坚持）
            2. 跟踪督导、定期通报（牵头单位：工业园区党政办督查室；配合单位：工业园区纪工委、工业园区监察局）
        （四）迅速掀起对接跑办新热潮（牵头单位：同上）
        """;

    [Fact]
    public void Every_numbering_level_nests_under_the_one_above()
    {
        var result = PlanOutlineParser.Parse(ImplementationPlanOutline);

        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        var draft = result.Draft!;
        Assert.Equal("XX工业园区贯彻落实《实施方案》任务分解方案", draft.Title);
        Assert.Equal("为确保《实施方案》落地落实，结合园区实际，制定本方案。", draft.Preamble);
        Assert.Equal(
            ["一", "一（一）", "一（一）1", "一（一）1（1）", "一（一）1（1）①", "一（一）1（1）②", "一（一）1（2）", "一（一）2", "一（二）",
             "二", "二（一）", "二（二）", "二（三）", "二（三）1", "二（三）2", "二（四）"],
            draft.AllItems().Select(item => item.PathLabel));
        Assert.Equal([4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 19, 20], draft.AllItems().Select(item => item.LineOrRow));

        var transfer = draft.Items[0].Children[0].Children[0];
        Assert.Equal(
            [DraftItemKind.Area, DraftItemKind.KeyTask, DraftItemKind.Measure, DraftItemKind.SubMeasure, DraftItemKind.SubMeasure],
            [draft.Items[0].Kind, draft.Items[0].Children[0].Kind, transfer.Kind, transfer.Children[0].Kind, transfer.Children[0].Children[0].Kind]);
        Assert.Equal(["（1）", "（2）"], transfer.Children.Select(item => item.Numbering));
        Assert.Equal("①", transfer.Children[0].Children[0].Numbering);
    }

    [Fact]
    public void Notes_leave_the_text_and_apply_to_children_that_state_nothing()
    {
        var items = PlanOutlineParser.Parse(ImplementationPlanOutline).Draft!.AllItems().ToDictionary(item => item.PathLabel);

        Assert.Equal("加快港产城融合发展", items["一"].Text);
        Assert.Equal("推进绿色化工产业转移", items["一（一）1"].Text);
        Assert.Equal("梳理承接项目清单", items["一（一）1（1）①"].Text);
        Assert.Equal("力争2022年集装箱吞吐量达到100万标箱", items["一（一）1（2）"].Text);

        var listing = items["一（一）1（1）①"];
        Assert.Equal([new UnitRef("工业园区经发局")], listing.LeadUnits);
        Assert.Equal(["工业园区财政局", "工业园区商务局"], listing.CoUnits.Select(unit => unit.Text));
        Assert.Equal("张三", listing.Owner);
        Assert.Equal("2020年6月底前", listing.DeadlineText);
        Assert.Equal("2022年底前", items["一（一）1（1）②"].DeadlineText);
        Assert.Equal("2022年底前", items["一（二）"].DeadlineText);
        Assert.Null(items["一（二）"].Owner);

        var port = items["一（一）1（2）"];
        Assert.Equal("工业园区港航局", port.LeadUnits.Single().Text);
        Assert.Equal("2022年12月31日", port.DeadlineText);
        Assert.Equal("张三", port.Owner);
    }

    [Fact]
    public void A_note_naming_who_leads_and_who_helps_needs_no_keys()
    {
        var items = PlanOutlineParser.Parse(ImplementationPlanOutline).Draft!.AllItems().ToDictionary(item => item.PathLabel);

        var biomedicine = items["一（一）2"];
        Assert.Equal("培育生物医药产业", biomedicine.Text);
        Assert.Equal("工业园区经发局", biomedicine.LeadUnits.Single().Text);
        Assert.Equal("工业园区卫健局", biomedicine.CoUnits.Single().Text);
    }

    [Fact]
    public void Continuation_lines_join_the_item_above_with_their_notes()
    {
        var items = PlanOutlineParser.Parse(ImplementationPlanOutline).Draft!.AllItems().ToDictionary(item => item.PathLabel);

        var breakdown = items["二（三）1"];
        Assert.Equal("细化分解任务，明确时限、倒排工期，全力推进", breakdown.Text);
        Assert.Equal([new UnitRef("各责任单位")], breakdown.LeadUnits);
        Assert.Equal("长期坚持", breakdown.DeadlineText);
    }

    [Fact]
    public void Xiatong_carries_a_unit_on_in_document_order_and_tongshang_copies_the_item_above()
    {
        var items = PlanOutlineParser.Parse(ImplementationPlanOutline).Draft!.AllItems().ToDictionary(item => item.PathLabel);

        Assert.Equal("工业园区宣传办", items["二（二）"].LeadUnits.Single().Text);
        Assert.Equal("工业园区宣传办", items["二（三）"].LeadUnits.Single().Text);
        Assert.Equal("2020年5月底前", items["二（二）"].DeadlineText);
        Assert.Null(items["二（三）"].DeadlineText);
        Assert.Empty(items["二（一）"].LeadUnits);
        Assert.Equal("工业园区党政办督查室", items["二（三）2"].LeadUnits.Single().Text);
        Assert.Equal("工业园区党政办督查室", items["二（四）"].LeadUnits.Single().Text);
        Assert.Empty(items["二（四）"].CoUnits);
    }

    [Fact]
    public void Nesting_follows_numbering_style_not_indentation_and_skipped_levels()
    {
        var outline = """
            一、总体要求
                    １．全面对标
            (1)对标雄安
              二、重点任务
            1、港口建设
            (一)码头扩能
            ③ 专用铁路
            """;

        var items = PlanOutlineParser.Parse(outline).Draft!.Items;

        Assert.Equal(["一", "二"], items.Select(item => item.Numbering));
        Assert.Equal("一１(1)", items[0].Children.Single().Children.Single().PathLabel);
        Assert.Equal(DraftItemKind.KeyTask, items[0].Children.Single().Kind);
        Assert.Equal(["二1", "二(一)"], items[1].Children.Select(item => item.PathLabel));
        Assert.Equal("二(一)③", items[1].Children[1].Children.Single().PathLabel);
    }

    [Fact]
    public void Lines_that_only_look_numbered_are_the_body_under_the_heading_above()
    {
        var outline = """
            一、扩大投资
            一是抓项目。
            1.5亿元用于港区专用铁路；
            2023.6前完成海挡工程。
            """;

        var item = PlanOutlineParser.Parse(outline).Draft!.Items.Single();

        Assert.Equal("扩大投资", item.Text);
        Assert.Equal("一是抓项目。\n1.5亿元用于港区专用铁路；\n2023.6前完成海挡工程。", item.Description);
    }

    [Fact]
    public void A_heading_keeps_its_own_words_and_the_body_below_it_is_its_description_with_the_notes_it_closes_with()
    {
        var outline = """
            一、全面加强党的领导
            坚持党对一切工作的领导，把党的领导贯穿园区发展全过程。
            （一）迅速掀起宣传发动新热潮
            各街道、各部门要迅速组织学习，做到家喻户晓。（牵头单位：工业园区宣传办；完成时限：2020年5月底前）
            （二）迅速掀起对接跑办新热潮（牵头单位：工业园区经发局）
            """;

        var items = PlanOutlineParser.Parse(outline).Draft!.AllItems().ToDictionary(item => item.PathLabel);

        Assert.Equal("全面加强党的领导", items["一"].Text);
        Assert.Equal("坚持党对一切工作的领导，把党的领导贯穿园区发展全过程。", items["一"].Description);
        Assert.Equal("迅速掀起宣传发动新热潮", items["一（一）"].Text);
        Assert.Equal("各街道、各部门要迅速组织学习，做到家喻户晓。", items["一（一）"].Description);
        Assert.Equal("工业园区宣传办", items["一（一）"].LeadUnits.Single().Text);
        Assert.Equal("2020年5月底前", items["一（一）"].DeadlineText);
        Assert.Null(items["一（二）"].Description);
    }

    [Fact]
    public void Parentheses_that_are_not_notes_stay_in_the_text()
    {
        var outline = "一、制定《实施方案（试行）》（2023—2025年）（备注：按季度报送）";

        var item = PlanOutlineParser.Parse(outline).Draft!.Items.Single();

        Assert.Equal("制定《实施方案（试行）》（2023—2025年）（备注：按季度报送）", item.Text);
        Assert.Empty(item.Attributes);
    }

    [Fact]
    public void Unknown_keys_in_a_note_become_attributes_and_units_keep_their_marks()
    {
        var outline = "（一）整治违建（牵头单位：市城管局、市财政局（牵头）、各街道；牵头领导：李副市长；完成时限：2023年底前）";

        var item = PlanOutlineParser.Parse(outline).Draft!.Items.Single();

        Assert.Equal("整治违建", item.Text);
        Assert.Equal(DraftItemKind.Area, item.Kind);
        Assert.Equal(
            [new UnitRef("市财政局"), new UnitRef("市城管局"), new UnitRef("各街道")],
            item.LeadUnits);
        Assert.Equal("李副市长", item.Attributes["牵头领导"]);
        Assert.Equal("2023年底前", item.DeadlineText);
    }

    [Fact]
    public void All_problems_are_reported_with_their_lines()
    {
        var outline = """
            实施方案
            一、总体要求（牵头单位：同上）
            （一）（牵头单位：市交通局）
            （二）码头扩能（牵头单位：市交通局；责任单位：市财政局）
            """;

        var result = PlanOutlineParser.Parse(outline);

        Assert.NotNull(result.Draft);
        Assert.Equal(
            [
                new ImportProblem(2, "牵头单位", "“同上”之前没有可沿用的牵头单位"),
                new ImportProblem(3, "事项", "“（一）”没有内容"),
                new ImportProblem(4, "牵头单位", "牵头单位写了不止一次，只读取“市交通局”"),
            ],
            result.Problems);
    }

    [Fact]
    public void Text_without_numbered_lines_is_a_problem()
    {
        var result = PlanOutlineParser.Parse("同志们：\n今天我们召开大会。\n");

        Assert.Null(result.Draft);
        Assert.Equal(1, Assert.Single(result.Problems).LineOrRow);
    }

    [Fact]
    public void Carriage_returns_and_a_byte_order_mark_are_read()
    {
        var result = PlanOutlineParser.Parse("\uFEFF方案\r\n一、任务甲\r\n二、任务乙\r\n");

        Assert.Equal("方案", result.Draft!.Title);
        Assert.Equal([2, 3], result.Draft.Items.Select(item => item.LineOrRow));
    }
}
