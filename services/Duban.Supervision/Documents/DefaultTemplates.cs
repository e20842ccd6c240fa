using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Duban.Supervision.Documents;

/// <summary>
/// The templates shipped with the service, in the 公文 layout of GB/T 9704-2012, built here rather than kept as binary
/// files so that every measure is readable: A4 with margins of 37 mm (top), 35 mm (bottom), 28 mm (left) and 26 mm
/// (right); the issuing organ's mark (红头) in red 小标宋, the 文号 under it and a red line the width of the text;
/// the title in 小标宋 二号; the body in 仿宋 三号 at a fixed 28 pt line; first-level headings in 黑体, second-level in
/// 楷体; page numbers as "— 1 —" in 宋体 四号, odd pages at the right, even pages at the left; the issuing organ and the
/// date at the end. Fonts are named as offices have them (FangSong, SimHei, KaiTi, 方正小标宋简体); a machine without
/// them substitutes its own CJK fonts. An office downloads one (<c>GetDocumentTemplate</c>), changes it in Word and
/// uploads it for its scope.
/// </summary>
public static class DefaultTemplates
{
    public const string Red = "FF0000";
    public const string BodyFont = "FangSong";
    public const string HeadingFont = "SimHei";
    public const string SubheadingFont = "KaiTi";
    public const string TitleFont = "方正小标宋简体";
    public const string LatinFont = "Times New Roman";

    /// <summary>Style ids the generated content uses; a template without one gets it from here.</summary>
    public static readonly string[] StyleIds = ["DubanBody", "Heading1", "Heading2", "DubanTableText", "DubanTableHead"];

    /// <summary>Text width in twips: A4 (11906) less 28 mm and 26 mm.</summary>
    public const int TextWidth = 11906 - 1587 - 1474;

    private static readonly Lazy<byte[]> BulletinBytes = new(() => Build(BulletinBody));
    private static readonly Lazy<byte[]> SupervisionNoteBytes = new(() => Build(body => NoteBody(body, "督办单")));
    private static readonly Lazy<byte[]> UrgingNoteBytes = new(() => Build(body => NoteBody(body, "催办单")));

    public static byte[] For(DocumentTemplateKind kind) => kind switch
    {
        DocumentTemplateKind.Bulletin => BulletinBytes.Value,
        DocumentTemplateKind.SupervisionNote => SupervisionNoteBytes.Value,
        _ => UrgingNoteBytes.Value,
    };

    public static Styles Styles()
    {
        var styles = new Styles(
            new DocDefaults(
                new RunPropertiesDefault(new RunPropertiesBaseStyle(Fonts(BodyFont), new FontSize { Val = "32" }, new FontSizeComplexScript { Val = "32" },
                    new Languages { Val = "en-US", EastAsia = "zh-CN" })),
                new ParagraphPropertiesDefault(new ParagraphPropertiesBaseStyle(new SpacingBetweenLines { After = "0", Line = "560", LineRule = LineSpacingRuleValues.Exact }))),
            ParagraphStyle("Normal", "Normal", null),
            ParagraphStyle("DubanBody", "公文正文", new ParagraphProperties(new Indentation { FirstLineChars = 200, FirstLine = "640" }, new Justification { Val = JustificationValues.Both })),
            ParagraphStyle("Heading1", "heading 1", new ParagraphProperties(new KeepNext(), new Indentation { FirstLineChars = 200, FirstLine = "640" }, new OutlineLevel { Val = 0 }),
                new StyleRunProperties(Fonts(HeadingFont), new FontSize { Val = "32" })),
            ParagraphStyle("Heading2", "heading 2", new ParagraphProperties(new KeepNext(), new Indentation { FirstLineChars = 200, FirstLine = "640" }, new OutlineLevel { Val = 1 }),
                new StyleRunProperties(Fonts(SubheadingFont), new FontSize { Val = "32" })),
            ParagraphStyle("DubanTableText", "公文表格", new ParagraphProperties(new SpacingBetweenLines { Line = "280", LineRule = LineSpacingRuleValues.Exact }, new Justification { Val = JustificationValues.Center }),
                new StyleRunProperties(new FontSize { Val = "18" }, new FontSizeComplexScript { Val = "18" })),
            ParagraphStyle("DubanTableHead", "公文表头", new ParagraphProperties(new SpacingBetweenLines { Line = "280", LineRule = LineSpacingRuleValues.Exact }, new Justification { Val = JustificationValues.Center }),
                new StyleRunProperties(Fonts(HeadingFont), new FontSize { Val = "18" }, new FontSizeComplexScript { Val = "18" })),
            ParagraphStyle("DubanNoteLabel", "单据栏目", new ParagraphProperties(new Justification { Val = JustificationValues.Center }),
                new StyleRunProperties(Fonts(HeadingFont))),
            ParagraphStyle("DubanMasthead", "发文机关标志", new ParagraphProperties(new Justification { Val = JustificationValues.Center }, new SpacingBetweenLines { Line = "1000", LineRule = LineSpacingRuleValues.Exact }),
                new StyleRunProperties(Fonts(TitleFont), new Color { Val = Red }, new FontSize { Val = "60" }, new Spacing { Val = 20 })),
            ParagraphStyle("DubanDocNumber", "发文字号", new ParagraphProperties(
                    new ParagraphBorders(new BottomBorder { Val = BorderValues.Single, Color = Red, Size = 18, Space = 11 }),
                    new Justification { Val = JustificationValues.Center })),
            ParagraphStyle("Title", "Title", new ParagraphProperties(new Justification { Val = JustificationValues.Center }, new SpacingBetweenLines { Line = "700", LineRule = LineSpacingRuleValues.Exact }),
                new StyleRunProperties(Fonts(TitleFont), new FontSize { Val = "44" })),
            ParagraphStyle("DubanSignature", "发文机关署名", new ParagraphProperties(new Justification { Val = JustificationValues.Right }, new Indentation { Right = "1280" })),
            ParagraphStyle("DubanFooter", "页码", new ParagraphProperties(new SpacingBetweenLines { Line = "240", LineRule = LineSpacingRuleValues.Auto }),
                new StyleRunProperties(Fonts("SimSun"), new FontSize { Val = "28" })));
        return styles;
    }

    private static RunFonts Fonts(string eastAsia) => new() { Ascii = LatinFont, HighAnsi = LatinFont, ComplexScript = LatinFont, EastAsia = eastAsia };

    private static Style ParagraphStyle(string id, string name, ParagraphProperties? paragraph, StyleRunProperties? run = null)
    {
        var style = new Style(new StyleName { Val = name }) { Type = StyleValues.Paragraph, StyleId = id, Default = id == "Normal" ? true : null };
        if (id != "Normal")
            style.Append(new BasedOn { Val = "Normal" });
        if (paragraph is not null)
            style.Append(new StyleParagraphProperties(paragraph.Elements().Select(e => e.CloneNode(true))));
        if (run is not null)
            style.Append(run);
        return style;
    }

    public static Paragraph Styled(string styleId, string text, JustificationValues? justification = null)
    {
        var properties = new ParagraphProperties(new ParagraphStyleId { Val = styleId });
        if (justification is { } j)
            properties.Append(new Justification { Val = j });
        return new Paragraph(properties, new Run(new Text(text) { Space = SpaceProcessingModeValues.Preserve }));
    }

    private static Paragraph Empty(string styleId = "Normal") => new(new ParagraphProperties(new ParagraphStyleId { Val = styleId }));

    private static void BulletinBody(Body body)
    {
        body.Append(
            Styled("DubanMasthead", "{{发文机关}}文件"),
            Empty(), Empty(),
            Styled("DubanDocNumber", "{{文号}}"),
            Empty(),
            Styled("Title", "{{标题}}"),
            Empty(),
            Styled("Normal", "各有关单位："),
            Styled("DubanBody", "{{正文}}"),
            Empty(), Empty(),
            Styled("DubanSignature", "{{发文机关}}"),
            Styled("DubanSignature", "{{成文日期}}"));
    }

    /// <summary>督办单 / 催办单: a red mark, the note's name, its number, then a two-column table of what it asks.</summary>
    private static void NoteBody(Body body, string name)
    {
        body.Append(
            Styled("DubanMasthead", "{{发文机关}}"),
            Styled("DubanDocNumber", "编号：{{编号}}", JustificationValues.Right),
            Empty(),
            Styled("Title", name),
            Empty());
        var table = new Table(
            new TableProperties(
                new TableWidth { Width = TextWidth.ToString(), Type = TableWidthUnitValues.Dxa },
                new TableLayout { Type = TableLayoutValues.Fixed },
                new TableBorders(
                    new TopBorder { Val = BorderValues.Single, Size = 8 }, new BottomBorder { Val = BorderValues.Single, Size = 8 },
                    new LeftBorder { Val = BorderValues.Single, Size = 8 }, new RightBorder { Val = BorderValues.Single, Size = 8 },
                    new InsideHorizontalBorder { Val = BorderValues.Single, Size = 4 }, new InsideVerticalBorder { Val = BorderValues.Single, Size = 4 })),
            new TableGrid(new GridColumn { Width = "2000" }, new GridColumn { Width = (TextWidth - 2000).ToString() }));
        foreach (var (label, value) in new[]
                 {
                     ("承办单位", "{{承办单位}}"), ("事　　项", "{{事项}}"), ("来　　源", "{{来源}}"), ("完成时限", "{{完成时限}}"),
                     ("已逾期天数", "{{已逾期天数}}"), ("督办等级", "{{督办等级}}"), ("办理要求", "{{办理要求}}"), ("反馈时限", "{{反馈时限}}"),
                     ("联 系 人", "{{联系人}}"), ("联系电话", "{{电话}}"),
                 })
        {
            table.Append(new TableRow(
                new TableRowProperties(new TableRowHeight { Val = 680, HeightType = HeightRuleValues.AtLeast }),
                Cell(2000, Styled("DubanNoteLabel", label), center: true),
                Cell(TextWidth - 2000, Styled("Normal", value), center: true)));
        }
        body.Append(table, Empty(), Styled("DubanSignature", "{{发文机关}}"), Styled("DubanSignature", "{{成文日期}}"));
    }

    public static TableCell Cell(int width, Paragraph content, bool center = false, string? fill = null)
    {
        var properties = new TableCellProperties(new TableCellWidth { Width = width.ToString(), Type = TableWidthUnitValues.Dxa });
        if (fill is not null)
            properties.Append(new Shading { Val = ShadingPatternValues.Clear, Color = "auto", Fill = fill });
        if (center)
            properties.Append(new TableCellVerticalAlignment { Val = TableVerticalAlignmentValues.Center });
        return new TableCell(properties, content);
    }

    private static byte[] Build(Action<Body> fill)
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            main.AddNewPart<StyleDefinitionsPart>().Styles = Styles();
            main.AddNewPart<DocumentSettingsPart>().Settings = new Settings(new EvenAndOddHeaders(), new DisplayBackgroundShape());
            var odd = main.AddNewPart<FooterPart>();
            odd.Footer = PageNumberFooter(JustificationValues.Right);
            var even = main.AddNewPart<FooterPart>();
            even.Footer = PageNumberFooter(JustificationValues.Left);
            var body = new Body();
            fill(body);
            body.Append(new SectionProperties(
                new FooterReference { Type = HeaderFooterValues.Default, Id = main.GetIdOfPart(odd) },
                new FooterReference { Type = HeaderFooterValues.Even, Id = main.GetIdOfPart(even) },
                new PageSize { Width = 11906, Height = 16838 },
                new PageMargin { Top = 2098, Bottom = 1984, Left = 1587, Right = 1474, Header = 851, Footer = 1247, Gutter = 0 }));
            main.Document = new Document(body);
        }
        return stream.ToArray();
    }

    /// <summary>"— 1 —": the PAGE field between dashes, one character in from the outer edge.</summary>
    private static Footer PageNumberFooter(JustificationValues side)
    {
        var indent = side == JustificationValues.Right ? new Indentation { Right = "280" } : new Indentation { Left = "280" };
        return new Footer(new Paragraph(
            new ParagraphProperties(new ParagraphStyleId { Val = "DubanFooter" }, indent, new Justification { Val = side }),
            new Run(new Text("— ") { Space = SpaceProcessingModeValues.Preserve }),
            new Run(new FieldChar { FieldCharType = FieldCharValues.Begin }),
            new Run(new FieldCode(" PAGE ") { Space = SpaceProcessingModeValues.Preserve }),
            new Run(new FieldChar { FieldCharType = FieldCharValues.Separate }),
            new Run(new Text("1")),
            new Run(new FieldChar { FieldCharType = FieldCharValues.End }),
            new Run(new Text(" —") { Space = SpaceProcessingModeValues.Preserve })));
    }
}
