using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Duban.Supervision.Domain.Reviews;

namespace Duban.Supervision.Documents;

/// <summary>
/// The 通报 as a Word document: a template (<see cref="DocumentTemplateKind.Bulletin"/>) whose placeholders are filled
/// and whose <c>{{正文}}</c> paragraph becomes the body of the same <see cref="BulletinOutline"/> the Markdown prints —
/// the same text, numbers and limits. The body is written element by element (<see cref="OpenXmlWriter"/>): the table
/// of a scope with thousands of units is never held as one tree.
/// </summary>
public static class BulletinDocx
{
    /// <summary>The placeholders' values: the issuing organ is the scope's unit, the 文号 the week's number.</summary>
    public static Dictionary<string, string> Values(BulletinOutline outline, WeeklyReviewReport report, string scopeUnitName) => new()
    {
        ["发文机关"] = scopeUnitName,
        ["文号"] = $"督查〔{report.Week.Year}〕{report.Week.Week}号",
        ["标题"] = outline.Title,
        ["主送"] = "各有关单位",
        ["成文日期"] = IssueDate(report),
        ["统计范围"] = scopeUnitName + "及所属单位",
        ["统计周期"] = BulletinRenderer.Period(report.WeekStart, report.WeekEnd),
        ["数据截至"] = BulletinOutline.AsOfText(report.AsOf, report.TimeZone),
    };

    /// <summary>The date of the data (an as-of instant of 24:00 is that day's), so one review always prints one date.</summary>
    public static string IssueDate(WeeklyReviewReport report)
    {
        var local = TimeZoneInfo.ConvertTime(report.AsOf, ReviewClock.Zone(report.TimeZone)).DateTime;
        var day = DateOnly.FromDateTime(local.TimeOfDay == TimeSpan.Zero ? local.AddDays(-1) : local);
        return $"{day.Year}年{day.Month}月{day.Day}日";
    }

    public static void Render(byte[] template, BulletinOutline outline, IReadOnlyDictionary<string, string> values, Stream output)
    {
        using var buffer = new MemoryStream();
        buffer.Write(template);
        buffer.Position = 0;
        // AutoSave off: the main part is written by the writer below, and the tree read from the template must not
        // be saved over it when the document closes.
        using (var document = WordprocessingDocument.Open(buffer, true, new OpenSettings { AutoSave = false }))
        {
            var main = document.MainDocumentPart ?? throw new InvalidDataException("the template has no main document part");
            DocxTemplate.EnsureStyles(main, DefaultTemplates.StyleIds);
            foreach (var header in main.HeaderParts)
            {
                DocxTemplate.Fill(header.Header!, values);
                header.Header!.Save();
            }
            foreach (var footer in main.FooterParts)
            {
                DocxTemplate.Fill(footer.Footer!, values);
                footer.Footer!.Save();
            }
            var root = main.Document!;
            var body = root.Body!;
            var children = body.ChildElements.ToList();
            using var writer = OpenXmlWriter.Create(main);
            writer.WriteStartDocument();
            writer.WriteStartElement(new Document(), root.GetAttributes(), root.NamespaceDeclarations);
            writer.WriteStartElement(new Body());
            foreach (var child in children)
            {
                if (DocxTemplate.IsBlock(child, "正文"))
                {
                    WriteBody(writer, outline);
                    continue;
                }
                var copy = child.CloneNode(true);
                DocxTemplate.Fill(copy, values);
                writer.WriteElement(copy);
            }
            writer.WriteEndElement();
            writer.WriteEndElement();
            writer.Close();
        }
        buffer.Position = 0;
        buffer.CopyTo(output);
    }

    private static void WriteBody(OpenXmlWriter writer, BulletinOutline outline)
    {
        writer.WriteElement(DefaultTemplates.Styled("DubanBody", outline.Header));
        var subheading = 0;
        foreach (var block in outline.Body)
        {
            switch (block)
            {
                case BulletinHeading { Level: 1 } heading:
                    writer.WriteElement(DefaultTemplates.Styled("Heading1", heading.Text));
                    subheading = 0;
                    break;
                case BulletinHeading heading:
                    writer.WriteElement(DefaultTemplates.Styled("Heading2", $"（{ChineseNumber(++subheading)}）{heading.Text}"));
                    break;
                case BulletinParagraph paragraph:
                    writer.WriteElement(DefaultTemplates.Styled("DubanBody", paragraph.Text));
                    break;
                case BulletinNumberedList list:
                    for (var i = 0; i < list.Items.Count; i++)
                        writer.WriteElement(DefaultTemplates.Styled("DubanBody", $"{i + 1}.{list.Items[i]}"));
                    if (list.More is { } more)
                        writer.WriteElement(DefaultTemplates.Styled("DubanBody", more));
                    break;
                case BulletinBulletList list:
                    foreach (var item in list.Items)
                        writer.WriteElement(DefaultTemplates.Styled("DubanBody", item));
                    break;
                case BulletinUnitsTable table:
                    WriteTable(writer, table);
                    break;
            }
        }
    }

    /// <summary>The columns of the units table and their widths in twips, together the text's width.</summary>
    public static readonly (string Header, int Width)[] Columns =
    [
        ("单位", 2285), ("交办", 560), ("按时完成", 560), ("逾期完成", 560), ("待核验", 560), ("未完成", 560), ("下周到期", 560),
        ("逾期", 560), ("未说明逾期", 660), ("应完成", 560), ("按时完成率", 860), ("亮灯", 560),
    ];

    public static readonly IReadOnlyDictionary<Light, string> LightFill = new Dictionary<Light, string>
    {
        [Light.Red] = "FF0000", [Light.Yellow] = "FFC000", [Light.Green] = "00B050",
    };

    private static void WriteTable(OpenXmlWriter writer, BulletinUnitsTable table)
    {
        writer.WriteStartElement(new Table());
        writer.WriteElement(new TableProperties(
            new TableWidth { Width = DefaultTemplates.TextWidth.ToString(), Type = TableWidthUnitValues.Dxa },
            new TableJustification { Val = TableRowAlignmentValues.Center },
            new TableLayout { Type = TableLayoutValues.Fixed },
            new TableBorders(
                new TopBorder { Val = BorderValues.Single, Size = 8 }, new BottomBorder { Val = BorderValues.Single, Size = 8 },
                new LeftBorder { Val = BorderValues.Single, Size = 8 }, new RightBorder { Val = BorderValues.Single, Size = 8 },
                new InsideHorizontalBorder { Val = BorderValues.Single, Size = 4 }, new InsideVerticalBorder { Val = BorderValues.Single, Size = 4 }),
            new TableCellMarginDefault(new TopMargin { Width = "20", Type = TableWidthUnitValues.Dxa }, new TableCellLeftMargin { Width = 40, Type = TableWidthValues.Dxa },
                new BottomMargin { Width = "20", Type = TableWidthUnitValues.Dxa }, new TableCellRightMargin { Width = 40, Type = TableWidthValues.Dxa })));
        writer.WriteElement(new TableGrid(Columns.Select(c => new GridColumn { Width = c.Width.ToString() })));
        // The header row repeats on every page the table runs onto.
        var header = new TableRow(new TableRowProperties(new TableHeader(), new CantSplit()));
        header.Append(Columns.Select(c => DefaultTemplates.Cell(c.Width, DefaultTemplates.Styled("DubanTableHead", c.Header), center: true)));
        writer.WriteElement(header);
        foreach (var row in table.Rows)
            writer.WriteElement(Row(row.UnitName, row.Counts, row.Light, bold: false));
        writer.WriteElement(Row("合计", table.Totals, null, bold: true));
        writer.WriteEndElement();
    }

    private static TableRow Row(string name, ReviewCounts c, Light? light, bool bold)
    {
        string[] cells =
        [
            name, N(c.Assigned), N(c.CompletedOnTime), N(c.CompletedLate), N(c.AwaitingVerification), N(c.Open), N(c.DueNextWeek),
            N(c.Overdue), N(c.OverdueWithoutExplanation), N(c.ShouldBeCompleted), BulletinOutline.Rate(c.OnTimeRate),
            light is { } l ? BulletinRenderer.LightName(l) : "—",
        ];
        var row = new TableRow(new TableRowProperties(new CantSplit()));
        for (var i = 0; i < cells.Length; i++)
        {
            var paragraph = DefaultTemplates.Styled(bold ? "DubanTableHead" : "DubanTableText", cells[i], i == 0 ? JustificationValues.Left : null);
            var isLight = i == cells.Length - 1 && light is not null;
            if (isLight && light == Light.Red)
                paragraph.GetFirstChild<Run>()!.PrependChild(new RunProperties(new Color { Val = "FFFFFF" }));
            row.Append(DefaultTemplates.Cell(Columns[i].Width, paragraph, center: true, fill: isLight ? LightFill[light!.Value] : null));
        }
        return row;
    }

    private static string N(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>一, 二 … 九十九: the numbers of second-level headings (（一）).</summary>
    public static string ChineseNumber(int n)
    {
        const string digits = "零一二三四五六七八九";
        if (n < 10)
            return digits[n].ToString();
        if (n < 100)
            return (n / 10 == 1 ? "" : digits[n / 10].ToString()) + "十" + (n % 10 == 0 ? "" : digits[n % 10].ToString());
        return n.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
