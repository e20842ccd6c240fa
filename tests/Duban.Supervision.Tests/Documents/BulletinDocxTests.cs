using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Duban.Supervision.Documents;
using Duban.Supervision.Domain.Reviews;
using Duban.Testing;
using static Duban.Supervision.Tests.Domain.ReviewFixtures;

namespace Duban.Supervision.Tests.Documents;

/// <summary>
/// The Word 通报 from the shipped template, opened again with OpenXml: the 公文 layout's parts are where GB/T 9704 puts
/// them, with the styles it asks for, and the body says what the Markdown 通报 of the same review says.
/// </summary>
public class BulletinDocxTests
{
    private static readonly WeeklyReviewCalculator Calculator = new();

    private static WeeklyReviewReport Week47() => Calculator.Calculate(Office, W47, EndOfW47, AllUnits, Week47Assignments());

    public static byte[] Render(WeeklyReviewReport report, string scope, byte[]? template = null, ReviewListSizes? sizes = null)
    {
        var outline = BulletinOutline.Of(report, scope, sizes, revision: 1);
        using var output = new MemoryStream();
        BulletinDocx.Render(template ?? DefaultTemplates.For(DocumentTemplateKind.Bulletin), outline, BulletinDocx.Values(outline, report, scope), output);
        return output.ToArray();
    }

    [Fact]
    public void The_title_block_is_the_red_mark_the_number_the_red_line_the_title_and_the_recipients()
    {
        using var document = WordprocessingDocument.Open(new MemoryStream(Render(Week47(), "市政府督查室")), false);
        var paragraphs = document.MainDocumentPart!.Document!.Body!.Elements<Paragraph>().ToList();
        var texts = paragraphs.Select(DocxTemplate.TextOf).ToList();
        var styles = document.MainDocumentPart.StyleDefinitionsPart!.Styles!;

        var mark = paragraphs.Single(p => StyleOf(p) == "DubanMasthead");
        Assert.Equal("市政府督查室文件", DocxTemplate.TextOf(mark));
        Assert.Equal(DefaultTemplates.Red, Style(styles, "DubanMasthead").StyleRunProperties!.Color!.Val!.Value);
        var number = paragraphs.Single(p => StyleOf(p) == "DubanDocNumber");
        Assert.Equal("督查〔2026〕47号", DocxTemplate.TextOf(number));
        var line = Style(styles, "DubanDocNumber").StyleParagraphProperties!.ParagraphBorders!.BottomBorder!;
        Assert.Equal((DefaultTemplates.Red, BorderValues.Single), (line.Color!.Value, line.Val!.Value));
        Assert.Equal("关于2026年第47周重点任务推进情况的通报", DocxTemplate.TextOf(paragraphs.Single(p => StyleOf(p) == "Title")));
        Assert.Contains("各有关单位：", texts);
        // Mark, number, title, recipients in this order; no placeholder left anywhere.
        Assert.True(texts.IndexOf("市政府督查室文件") < texts.IndexOf("督查〔2026〕47号"));
        Assert.True(texts.IndexOf("督查〔2026〕47号") < texts.IndexOf("关于2026年第47周重点任务推进情况的通报"));
        Assert.True(texts.IndexOf("关于2026年第47周重点任务推进情况的通报") < texts.IndexOf("各有关单位："));
        Assert.DoesNotContain(texts, t => t.Contains("{{", StringComparison.Ordinal));
        // Signed by the organ and dated at the end: the date of the data.
        Assert.Equal(["市政府督查室", "2026年11月22日"], paragraphs.Where(p => StyleOf(p) == "DubanSignature").Select(DocxTemplate.TextOf));
    }

    [Fact]
    public void The_page_is_A4_with_the_margins_of_GB_T_9704_and_page_numbers_at_the_outer_edge()
    {
        using var document = WordprocessingDocument.Open(new MemoryStream(Render(Week47(), "市政府督查室")), false);
        var main = document.MainDocumentPart!;
        var section = main.Document!.Body!.Elements<SectionProperties>().Single();
        var size = section.GetFirstChild<PageSize>()!;
        var margin = section.GetFirstChild<PageMargin>()!;
        Assert.Equal((11906u, 16838u), (size.Width!.Value, size.Height!.Value));
        Assert.Equal((2098, 1984, 1587u, 1474u), (margin.Top!.Value, margin.Bottom!.Value, margin.Left!.Value, margin.Right!.Value));

        Assert.NotNull(main.DocumentSettingsPart!.Settings!.GetFirstChild<EvenAndOddHeaders>());
        var footers = section.Elements<FooterReference>().ToDictionary(f => f.Type!.Value, f => ((FooterPart)main.GetPartById(f.Id!)).Footer!);
        foreach (var (type, side) in new[] { (HeaderFooterValues.Default, JustificationValues.Right), (HeaderFooterValues.Even, JustificationValues.Left) })
        {
            var paragraph = footers[type].Elements<Paragraph>().Single();
            Assert.Equal(side, paragraph.ParagraphProperties!.Justification!.Val!.Value);
            Assert.Contains("PAGE", string.Concat(paragraph.Descendants<FieldCode>().Select(c => c.Text)));
            Assert.StartsWith("— ", DocxTemplate.TextOf(paragraph));
        }
    }

    [Fact]
    public void The_body_is_in_FangSong_size_three_with_headings_in_SimHei_and_KaiTi()
    {
        using var document = WordprocessingDocument.Open(new MemoryStream(Render(Week47(), "市政府督查室")), false);
        var styles = document.MainDocumentPart!.StyleDefinitionsPart!.Styles!;
        var defaults = styles.DocDefaults!.RunPropertiesDefault!.RunPropertiesBaseStyle!;
        Assert.Equal(("FangSong", "32"), (defaults.RunFonts!.EastAsia!.Value, defaults.FontSize!.Val!.Value));
        Assert.Equal("SimHei", Style(styles, "Heading1").StyleRunProperties!.RunFonts!.EastAsia!.Value);
        Assert.Equal("KaiTi", Style(styles, "Heading2").StyleRunProperties!.RunFonts!.EastAsia!.Value);
        Assert.Equal("32", Style(styles, "Heading1").StyleRunProperties!.FontSize!.Val!.Value);

        var body = document.MainDocumentPart.Document!.Body!.Elements<Paragraph>().ToList();
        Assert.Equal(["一、总体情况", "二、各单位推进情况", "三、逾期未完成任务", "四、需作出说明的单位", "五、本周完成任务", "六、下周到期任务"],
            body.Where(p => StyleOf(p) == "Heading1").Select(DocxTemplate.TextOf));
        Assert.Equal(["（一）发改委（逾期2项）", "（二）住建局（逾期1项）"], body.Where(p => StyleOf(p) == "Heading2").Select(DocxTemplate.TextOf));
    }

    [Fact]
    public void The_body_says_what_the_Markdown_bulletin_says_paragraph_for_paragraph()
    {
        var report = Week47();
        using var document = WordprocessingDocument.Open(new MemoryStream(Render(report, "市政府督查室")), false);
        Assert.Equal(MarkdownLines(BulletinRenderer.RenderMarkdown(report, "市政府督查室", revision: 1)), BodyLines(document));
    }

    /// <summary>Every line of a Markdown 通报 but the title and the table, without its Markdown.</summary>
    public static List<string> MarkdownLines(string markdown) => markdown.Split('\n')
        .Where(l => l.Length > 0 && !l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("# ", StringComparison.Ordinal))
        .Select(l => System.Text.RegularExpressions.Regex.Replace(l, @"^(#+ |- )", ""))
        .Select(l => System.Text.RegularExpressions.Regex.Replace(l, @"^(\d+)\. ", "$1."))
        .ToList();

    /// <summary>The body's paragraphs and headings of a Word 通报, without the numbers of its second-level headings.</summary>
    public static List<string> BodyLines(WordprocessingDocument document) => document.MainDocumentPart!.Document!.Body!.Elements<Paragraph>()
        .Where(p => StyleOf(p) is "DubanBody" or "Heading1" or "Heading2").Select(DocxTemplate.TextOf)
        .Select(t => System.Text.RegularExpressions.Regex.Replace(t, @"^（[一二三四五六七八九十]+）", "")).ToList();

    [Fact]
    public void The_units_table_has_the_Markdown_rows_with_lights_as_coloured_cells_and_a_repeating_header()
    {
        var report = Week47();
        using var document = WordprocessingDocument.Open(new MemoryStream(Render(report, "市政府督查室")), false);
        var table = document.MainDocumentPart!.Document!.Body!.Elements<Table>().Single();
        var rows = table.Elements<TableRow>().ToList();
        Assert.NotNull(rows[0].TableRowProperties!.GetFirstChild<TableHeader>());
        var cells = rows.Select(r => r.Elements<TableCell>().Select(c => c.InnerText).ToList()).ToList();
        Assert.Equal(BulletinDocx.Columns.Select(c => c.Header), cells[0]);

        // The Markdown table's rows, cell for cell (its lights carry a symbol, the document's a colour).
        var markdown = BulletinRenderer.RenderMarkdown(report, "市政府督查室").Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal)).Skip(2)
            .Select(l => l.Trim('|', ' ').Split(" | ").Select(c => c.Replace("**", "").Replace("🔴 ", "").Replace("🟡 ", "").Replace("🟢 ", "")).ToList()).ToList();
        Assert.Equal(markdown, cells.Skip(1).ToList());
        Assert.Equal(report.Units.Count + 2, rows.Count);

        var lights = rows.Skip(1).Take(report.Units.Count).Select(r => r.Elements<TableCell>().Last().TableCellProperties!.Shading!.Fill!.Value).ToList();
        Assert.Equal(report.Units.Select(u => BulletinDocx.LightFill[u.Light]), lights);
        var width = table.GetFirstChild<TableGrid>()!.Elements<GridColumn>().Sum(c => int.Parse(c.Width!.Value!));
        Assert.Equal(DefaultTemplates.TextWidth, width);
    }

    [Fact]
    public void An_office_template_keeps_its_own_wording_and_a_placeholder_split_across_runs_is_filled()
    {
        var template = Template(body =>
        {
            body.Append(new Paragraph(new Run(new Text("{{发文")), new Run(new RunProperties(new Bold()), new Text("机关}}督查通报"))));
            body.Append(new Paragraph(new Run(new Text("第{{文号}}期"))));
            body.Append(new Paragraph(new Run(new Text("{{标题}}"))));
            body.Append(new Paragraph(new Run(new Text("区直各部门："))));
            body.Append(new Paragraph(new Run(new Text("{{正文}}"))));
        });
        Assert.Empty(DocxTemplate.Problems(template, DocumentTemplateKind.Bulletin));

        using var document = WordprocessingDocument.Open(new MemoryStream(Render(Week47(), "市政府督查室", template)), false);
        var texts = document.MainDocumentPart!.Document!.Body!.Elements<Paragraph>().Select(DocxTemplate.TextOf).ToList();
        Assert.Equal("市政府督查室督查通报", texts[0]);
        Assert.Equal("第督查〔2026〕47号期", texts[1]);
        Assert.Equal("区直各部门：", texts[3]);
        Assert.Contains("一、总体情况", texts);
        // The template had no styles of its own: the body's come with the document.
        var ids = document.MainDocumentPart.StyleDefinitionsPart!.Styles!.Elements<Style>().Select(s => s.StyleId!.Value).ToList();
        Assert.All(DefaultTemplates.StyleIds, id => Assert.Contains(id, ids));
    }

    [Fact]
    public void A_template_is_refused_naming_the_required_placeholder_it_lacks_and_the_unknown_one_it_has()
    {
        var template = Template(body =>
        {
            body.Append(new Paragraph(new Run(new Text("{{发文机关}}"))));
            body.Append(new Paragraph(new Run(new Text("{{标题}} {{签发人}}"))));
        });
        var problems = DocxTemplate.Problems(template, DocumentTemplateKind.Bulletin);
        Assert.Contains(problems, p => p.Contains("缺少必需的占位符 {{正文}}", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("未知的占位符 {{签发人}}", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Contains("{{标题}}", StringComparison.Ordinal) && p.Contains("缺少", StringComparison.Ordinal));

        var inline = Template(body => body.Append(new Paragraph(new Run(new Text("{{发文机关}}{{标题}}见{{正文}}")))));
        Assert.Contains(DocxTemplate.Problems(inline, DocumentTemplateKind.Bulletin), p => p.Contains("须单独成段", StringComparison.Ordinal));
        Assert.Equal(["不是可读取的 Word 文档（.docx）"], DocxTemplate.Problems("not a zip"u8.ToArray(), DocumentTemplateKind.Bulletin));
        foreach (var kind in Enum.GetValues<DocumentTemplateKind>())
            Assert.Empty(DocxTemplate.Problems(DefaultTemplates.For(kind), kind));
    }

    [Fact]
    public async Task LibreOffice_converts_the_bulletin_to_a_PDF_that_reads_as_the_bulletin()
    {
        var folder = Directory.CreateTempSubdirectory("duban-docx-").FullName;
        try
        {
            var report = Week47();
            var docx = Path.Combine(folder, "通报.docx");
            await File.WriteAllBytesAsync(docx, Render(report, "市政府督查室"));
            var pdf = await LibreOffice.ConvertToPdfAsync(docx, folder);
            Assert.Equal("%PDF"u8.ToArray(), (await File.ReadAllBytesAsync(pdf))[..4]);
            var text = System.Text.RegularExpressions.Regex.Replace(await LibreOffice.PdfTextAsync(pdf), @"\s+", "");
            Assert.Contains("市政府督查室文件", text);
            Assert.Contains("关于2026年第47周重点任务推进情况的通报", text);
            Assert.Contains("本周共调度重点任务14项", text);
            Assert.Contains("—1—", text);
            Assert.True(await LibreOffice.PageCountAsync(pdf) >= 2);
            var png = await LibreOffice.FirstPagePngAsync(pdf, Path.Combine(folder, "page1"));
            Assert.True(new FileInfo(png).Length > 10_000);
            // README's sample image: DUBAN_DOCUMENT_IMAGES=docs/images dotnet test … --filter LibreOffice
            if (Environment.GetEnvironmentVariable("DUBAN_DOCUMENT_IMAGES") is { Length: > 0 } images)
                File.Copy(png, Path.Combine(images, "bulletin.png"), overwrite: true);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string? StyleOf(Paragraph p) => p.ParagraphProperties?.ParagraphStyleId?.Val?.Value;

    private static Style Style(Styles styles, string id) => styles.Elements<Style>().Single(s => s.StyleId?.Value == id);

    public static byte[] Template(Action<Body> fill)
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, DocumentFormat.OpenXml.WordprocessingDocumentType.Document))
        {
            var body = new Body();
            fill(body);
            document.AddMainDocumentPart().Document = new Document(body);
        }
        return stream.ToArray();
    }
}
