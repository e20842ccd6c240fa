using System.IO.Compression;
using System.Text.RegularExpressions;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Duban.Supervision.Documents;

/// <summary>What a template is for: the 通报, the 督办单 or the 催办单.</summary>
public enum DocumentTemplateKind
{
    Bulletin = 1,
    SupervisionNote = 2,
    UrgingNote = 3,
}

/// <summary>
/// A Word template with placeholders written as <c>{{名称}}</c> anywhere in its text: the body, headers and footers.
/// Word splits text into runs as it pleases (a spell check, a change of font in the middle of a word), so a
/// placeholder is found in the text of a whole paragraph and replaced across the runs it spans, keeping the first
/// run's formatting. A block placeholder (<c>{{正文}}</c>, <c>{{督办事项}}</c>) stands alone in its paragraph, which the
/// generated content replaces.
/// </summary>
public static partial class DocxTemplate
{
    [GeneratedRegex(@"\{\{([^{}\r\n]{1,30})\}\}")]
    public static partial Regex Placeholder();

    /// <summary>The placeholders each kind knows, the required ones first; the block placeholder is the body's.</summary>
    public static TemplatePlaceholders PlaceholdersOf(DocumentTemplateKind kind) => kind switch
    {
        DocumentTemplateKind.Bulletin => BulletinPlaceholders,
        _ => NotePlaceholders,
    };

    private static readonly TemplatePlaceholders BulletinPlaceholders = new(
        Block: "正文",
        Required: ["发文机关", "标题", "正文"],
        Optional: ["文号", "主送", "成文日期", "统计范围", "统计周期", "数据截至"]);

    /// <summary>督办单 and 催办单: the whole note (<c>{{督办事项}}</c> marks nothing: the note's fields are placeholders of their own).</summary>
    private static readonly TemplatePlaceholders NotePlaceholders = new(
        Block: null,
        Required: ["编号", "承办单位", "事项", "完成时限", "办理要求"],
        Optional: ["发文机关", "单据名称", "来源", "已逾期天数", "督办等级", "反馈时限", "联系人", "电话", "成文日期"]);

    /// <summary>
    /// The problems of an uploaded template, each naming what is wrong: not a Word document, a required placeholder
    /// missing, a placeholder the kind does not know (a typo would otherwise print as it stands), a block placeholder
    /// sharing its paragraph. Empty when the template can be used.
    /// </summary>
    public static IReadOnlyList<string> Problems(byte[] content, DocumentTemplateKind kind)
    {
        var known = PlaceholdersOf(kind);
        var found = new List<(string Name, string Paragraph)>();
        try
        {
            using var stream = new MemoryStream(content, writable: false);
            using var document = WordprocessingDocument.Open(stream, false);
            if (document.MainDocumentPart?.Document?.Body is not { } body)
                return ["不是 Word 文档（.docx）：缺少正文部分"];
            IEnumerable<OpenXmlElement> roots = [body, .. document.MainDocumentPart.HeaderParts.Select(h => h.Header!), .. document.MainDocumentPart.FooterParts.Select(f => f.Footer!)];
            foreach (var paragraph in roots.Where(r => r is not null).SelectMany(r => r.Descendants<Paragraph>()))
            {
                var text = TextOf(paragraph);
                foreach (Match match in Placeholder().Matches(text))
                    found.Add((match.Groups[1].Value, text));
            }
        }
        catch (Exception ex) when (ex is OpenXmlPackageException or InvalidDataException or FileFormatException or IOException or System.Xml.XmlException or InvalidOperationException)
        {
            return ["不是可读取的 Word 文档（.docx）"];
        }

        var problems = new List<string>();
        foreach (var name in known.Required.Where(r => found.All(f => f.Name != r)))
            problems.Add($"缺少必需的占位符 {{{{{name}}}}}");
        foreach (var name in found.Select(f => f.Name).Distinct().Where(n => !known.Required.Contains(n) && !known.Optional.Contains(n)))
            problems.Add($"未知的占位符 {{{{{name}}}}}；可用：{string.Join("、", known.Required.Concat(known.Optional).Select(n => $"{{{{{n}}}}}"))}");
        if (known.Block is { } block && found.Any(f => f.Name == block && f.Paragraph.Trim() != $"{{{{{block}}}}}"))
            problems.Add($"占位符 {{{{{block}}}}} 须单独成段");
        return problems;
    }

    /// <summary>The text of a paragraph as its runs show it (tabs and breaks left out).</summary>
    public static string TextOf(Paragraph paragraph) => string.Concat(paragraph.Descendants<Text>().Select(t => t.Text));

    /// <summary>Whether the paragraph is the block placeholder alone.</summary>
    public static bool IsBlock(OpenXmlElement element, string block) =>
        element is Paragraph p && TextOf(p).Trim() == $"{{{{{block}}}}}";

    /// <summary>
    /// Replaces every known placeholder in the paragraphs under <paramref name="root"/>. A placeholder spanning runs is
    /// written into the run where it begins; the rest of it is taken out of the runs that follow. Unknown names stay
    /// (upload refuses them, so only the shipped templates could hold one).
    /// </summary>
    public static void Fill(OpenXmlElement root, IReadOnlyDictionary<string, string> values, Action<Run, string>? styleRun = null)
    {
        IEnumerable<Paragraph> paragraphs = root is Paragraph self ? [self] : root.Descendants<Paragraph>().ToList();
        foreach (var paragraph in paragraphs)
        {
            var texts = paragraph.Descendants<Text>().ToList();
            if (texts.Count == 0)
                continue;
            var whole = string.Concat(texts.Select(t => t.Text));
            var matches = Placeholder().Matches(whole).Where(m => values.ContainsKey(m.Groups[1].Value)).ToList();
            // From the last match back, so earlier offsets stay valid.
            for (var m = matches.Count - 1; m >= 0; m--)
            {
                var match = matches[m];
                var (first, firstOffset) = Locate(texts, match.Index);
                var (last, lastOffset) = Locate(texts, match.Index + match.Length - 1);
                var value = values[match.Groups[1].Value];
                if (first == last)
                    texts[first].Text = texts[first].Text[..firstOffset] + value + texts[first].Text[(lastOffset + 1)..];
                else
                {
                    texts[first].Text = texts[first].Text[..firstOffset] + value;
                    for (var i = first + 1; i < last; i++)
                        texts[i].Text = "";
                    texts[last].Text = texts[last].Text[(lastOffset + 1)..];
                }
                texts[first].Space = SpaceProcessingModeValues.Preserve;
                if (styleRun is not null && texts[first].Parent is Run run)
                    styleRun(run, match.Groups[1].Value);
            }
        }
    }

    private static (int Index, int Offset) Locate(List<Text> texts, int position)
    {
        for (var i = 0; i < texts.Count; i++)
        {
            if (position < texts[i].Text.Length)
                return (i, position);
            position -= texts[i].Text.Length;
        }
        throw new ArgumentOutOfRangeException(nameof(position));
    }

    /// <summary>
    /// Adds to the document the styles it lacks of those the generated content uses, taken from the shipped template:
    /// an office's template only needs to style what it wants to look different.
    /// </summary>
    public static void EnsureStyles(MainDocumentPart main, IEnumerable<string> styleIds)
    {
        var part = main.StyleDefinitionsPart ?? main.AddNewPart<StyleDefinitionsPart>();
        part.Styles ??= new Styles();
        var have = part.Styles.Elements<Style>().Select(s => s.StyleId?.Value).ToHashSet();
        var defaults = DefaultTemplates.Styles();
        foreach (var id in styleIds.Where(id => !have.Contains(id)))
        {
            if (defaults.Elements<Style>().FirstOrDefault(s => s.StyleId?.Value == id) is { } style)
                part.Styles.Append(style.CloneNode(true));
        }
        part.Styles.Save();
    }
}

public sealed record TemplatePlaceholders(string? Block, IReadOnlyList<string> Required, IReadOnlyList<string> Optional);
