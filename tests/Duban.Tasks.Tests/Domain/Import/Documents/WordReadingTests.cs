using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Wordprocessing;
using Duban.Tasks.Domain.Import;
using Duban.Tasks.Domain.Import.Documents;

namespace Duban.Tasks.Tests.Domain.Import.Documents;

public class WordReadingTests
{
    private static DocumentReading Read(byte[] docx) => DocumentReader.Read(new ImportDocument(docx, "实施方案.docx"));

    private static List<string> Lines(byte[] docx)
    {
        using var stream = new MemoryStream(docx);
        return WordBody.Read(stream).Lines;
    }

    [Fact]
    public void An_outline_typed_as_plain_paragraphs_reads_as_its_text()
    {
        var text = Samples.Text(Samples.OutlineFile);
        var reading = Read(WordFiles.Write(text.Split('\n').Select(line => WordFiles.Paragraph(line.TrimEnd('\r')))));

        Assert.Equal((DocumentKind.Docx, ""), (reading.Format!.Value, reading.Encoding));
        Assert.Equal(Samples.Shape(PlanOutlineParser.Parse(text)), Samples.Shape(reading.Result));
        Assert.Equal("贯彻落实《加快XX工业园区高质量发展实施方案》工作分工", reading.Result.Draft!.Title);
    }

    [Fact]
    public void An_outline_numbered_by_word_reads_as_the_same_text_with_the_numbers_word_draws()
    {
        var text = Samples.Text(Samples.OutlineFile);
        var docx = WordFiles.Write(WordFiles.NumberedOutline(text), WordFiles.OfficialNumbering());

        Assert.Equal(text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0), Lines(docx).Where(l => l.Length > 0));
        Assert.Equal(Samples.Shape(PlanOutlineParser.Parse(text)), Samples.Shape(Read(docx).Result));
    }

    [Fact]
    public void Numbering_restarts_below_a_higher_level_continues_across_instances_and_starts_again_where_overridden()
    {
        var numbering = WordFiles.OfficialNumbering();
        numbering.Append(new NumberingInstance(new AbstractNumId { Val = 0 }) { NumberID = 2 });
        numbering.Append(new NumberingInstance(new AbstractNumId { Val = 0 },
            new LevelOverride(new StartOverrideNumberingValue { Val = 1 }) { LevelIndex = 0 }) { NumberID = 3 });
        var docx = WordFiles.Write([
            WordFiles.Paragraph("甲", 1, 0), WordFiles.Paragraph("乙", 1, 1), WordFiles.Paragraph("丙", 1, 2), WordFiles.Paragraph("丁", 1, 2),
            WordFiles.Paragraph("戊", 1, 1), WordFiles.Paragraph("己", 1, 2), WordFiles.Paragraph("庚", 2, 0), WordFiles.Paragraph("辛", 3, 0),
            WordFiles.Paragraph(""), WordFiles.Paragraph("", 1, 0), WordFiles.Paragraph("壬", 1, 0),
        ], numbering);

        Assert.Equal(["一、甲", "（一）乙", "1.丙", "2.丁", "（二）戊", "1.己", "二、庚", "一、辛", "", "", "三、壬"], Lines(docx));
    }

    [Fact]
    public void Numbering_given_by_a_paragraph_style_is_drawn_and_a_list_off_switch_is_not()
    {
        var styles = new Styles(
            new Style(new StyleName { Val = "heading 1" },
                new StyleParagraphProperties(new NumberingProperties(new NumberingLevelReference { Val = 0 }, new NumberingId { Val = WordFiles.OfficialList })))
            { Type = StyleValues.Paragraph, StyleId = "Heading1" },
            new Style(new StyleName { Val = "方案一级标题" }, new BasedOn { Val = "Heading1" }) { Type = StyleValues.Paragraph, StyleId = "Custom1" });
        var off = WordFiles.Paragraph("不编号的标题", style: "Heading1");
        off.ParagraphProperties!.Append(new NumberingProperties(new NumberingId { Val = 0 }));
        var docx = WordFiles.Write([WordFiles.Paragraph("加快港产城融合发展", style: "Heading1"), WordFiles.Paragraph("全面加强党的领导", style: "Custom1"), off],
            WordFiles.OfficialNumbering(), styles);

        Assert.Equal(["一、加快港产城融合发展", "二、全面加强党的领导", "不编号的标题"], Lines(docx));
    }

    [Theory]
    [InlineData("chineseCounting", new[] { 1, 9, 10, 11, 20, 21, 99, 101 }, "一 九 十 十一 二十 二十一 九十九 一〇一")]
    [InlineData("chineseCountingThousand", new[] { 1, 10, 15, 20, 100, 101, 110, 1001, 1010 }, "一 十 十五 二十 一百 一百零一 一百一十 一千零一 一千零一十")]
    [InlineData("ideographTraditional", new[] { 1, 4, 10, 11 }, "甲 丁 癸 11")]
    [InlineData("decimalEnclosedCircle", new[] { 1, 10, 20, 21 }, "① ⑩ ⑳ 21")]
    [InlineData("lowerLetter", new[] { 1, 26, 27, 28 }, "a z aa bb")]
    [InlineData("decimal", new[] { 1, 12 }, "1 12")]
    [InlineData("decimalZero", new[] { 1, 12 }, "01 12")]
    [InlineData("upperRoman", new[] { 4, 9, 14 }, "IV IX XIV")]
    public void Numbers_are_written_in_words_formats(string format, int[] values, string expected)
    {
        Assert.Equal(expected, string.Join(' ', values.Select(v => WordNumbering.Formatted(v, format))));
    }

    [Fact]
    public void A_table_with_a_task_table_header_is_the_plan_merged_cells_read_as_their_value_repeated()
    {
        var rows = WordFiles.SampleRows();
        Assert.Equal(("交通局", "交通局"), (rows[1][3], rows[2][3]));
        rows[2][3] = ""; // the first two measures' 牵头单位 merged into one cell
        var docx = WordFiles.Write([
            WordFiles.Paragraph("附件1"),
            WordFiles.Paragraph("贯彻落实《实施方案》任务分解表"),
            WordFiles.Table([["序号", "指标", "目标值"], ["1", "集装箱吞吐量", "200万标箱"]]),
            WordFiles.Table(rows, 0, 1, 3),
            WordFiles.Paragraph("一、本表由督查室负责解释"),
        ]);

        var reading = Read(docx);

        Assert.Equal(DocumentKind.DocxTable, reading.Format);
        Assert.Equal(Samples.Shape(TaskBreakdownTableParser.Parse(WordFiles.FilledDown(rows, 0, 1, 3))), Samples.Shape(reading.Result));
        Assert.Equal(["交通局", "交通局", "经发局"], reading.Result.Draft!.Items[0].Children.Select(c => c.LeadUnits.Single().Text));
        Assert.Equal("贯彻落实《实施方案》任务分解表", reading.Result.Draft!.Title);
        Assert.Contains("加快集装箱、滚装", reading.SourceText);
        Assert.Contains("本表由督查室负责解释", reading.SourceText);
    }

    [Fact]
    public void Cells_merged_across_read_as_their_value_in_each_column_and_rows_are_the_tables_own()
    {
        var title = new TableRow(new TableCell(new TableCellProperties(new GridSpan { Val = 4 }), WordFiles.Paragraph("XX任务分解表")));
        var table = WordFiles.Table([["序号", "重点任务", "牵头单位", "完成时限"], ["1", "推动港口转型升级", "交通局", "2026年9月底前"], ["2", "推动产业转型重塑", "", "2026年12月底前"]]);
        table.InsertAfter(title, table.GetFirstChild<TableGrid>());

        var reading = Read(WordFiles.Write([table]));

        Assert.Equal("XX任务分解表", reading.Result.Draft!.Title);
        Assert.Equal(new ImportProblem(4, "牵头单位", "“2”没有牵头单位"), Assert.Single(reading.Result.Problems));
    }

    [Fact]
    public void Deleted_revisions_field_codes_and_breaks_are_read_as_word_shows_the_text()
    {
        var paragraph = new Paragraph(
            new Run(new Text("1.加快")),
            new DeletedRun(new Run(new DeletedText("删去的"))),
            new Run(new FieldChar { FieldCharType = FieldCharValues.Begin }), new Run(new FieldCode(" PAGE ")),
            new Run(new FieldChar { FieldCharType = FieldCharValues.Separate }), new Run(new Text("港口")),
            new Run(new FieldChar { FieldCharType = FieldCharValues.End }),
            new Run(new TabChar(), new Text("建设"), new Break(), new Text("（牵头单位：交通局）")));

        Assert.Equal(["1.加快港口\t建设\n（牵头单位：交通局）"], Lines(WordFiles.Write([paragraph])));
    }

    [Fact]
    public void A_document_with_neither_a_task_table_nor_numbered_paragraphs_is_refused_on_the_document()
    {
        var reading = Read(WordFiles.Write([WordFiles.Paragraph("会议纪要"), WordFiles.Paragraph("会议议定由交通局牵头落实。")]));

        Assert.Null(reading.Format);
        Assert.Equal("document", Assert.Single(reading.Result.Problems).Field);
    }
}
