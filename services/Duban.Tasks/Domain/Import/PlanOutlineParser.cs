using System.Text;

namespace Duban.Tasks.Domain.Import;

/// <summary>
/// Reads a plan written as an outline:
/// <list type="bullet">
/// <item>Numbering decides nesting, not indentation: 一、 above （一） above 1. above （1） above ①. An item hangs under the nearest
///   item above it with a higher-ranking style, so a document that skips （一） puts its 1. items straight under 一、.
///   <see cref="DraftItemKind"/> follows the depth reached.</item>
/// <item>A numbered line is its item's text (a heading keeps its own words); the lines without numbering below it are the
///   item's description (the body paragraphs under a heading), never merged into its text — except a line that finishes a
///   sentence the text broke off in the middle (ending in ，、：；or an open bracket), which joins the text. Before the first
///   numbered line, the first line is the title and the rest the preamble.</item>
/// <item>Inline notes (see <see cref="InlineNoteReader"/>) give 牵头单位, 配合单位, 责任人 and 完成时限; items that state none
///   take them by 下同/同上 or from their parent (see <see cref="ResponsibilityCarry"/>). Unlike a 任务分解表, an outline may leave
///   items unassigned: they are decomposed later.</item>
/// </list>
/// </summary>
public static class PlanOutlineParser
{
    private sealed class Entry(OutlineNumbering numbering, int line)
    {
        public OutlineNumbering Numbering { get; } = numbering;
        public int Line { get; } = line;
        public StringBuilder Text { get; } = new(numbering.Rest);
        public StringBuilder Body { get; } = new();
    }

    public static ImportResult Parse(string text)
    {
        string? title = null;
        var preamble = new StringBuilder();
        var entries = new List<Entry>();
        var lineNumber = 0;
        foreach (var rawLine in Lines(text))
        {
            lineNumber++;
            var line = rawLine.Trim();
            if (line.Length == 0) continue;
            if (OutlineNumberingStyle.TryRead(line, out var numbering)) entries.Add(new Entry(numbering, lineNumber));
            else if (entries.Count > 0 && entries[^1].Body.Length == 0 && BreaksOffMidSentence(entries[^1].Text)) AppendLine(entries[^1].Text, line);
            else if (entries.Count > 0) AppendParagraph(entries[^1].Body, line);
            else if (title is null) title = line;
            else AppendLine(preamble, line);
        }

        if (entries.Count == 0)
        {
            return new ImportResult { Problems = [new ImportProblem(1, "", "没有找到带编号的条目（一、（一）1.（1）①）")] };
        }

        var problems = new List<ImportProblem>();
        var draft = new PlanDraft
        {
            Title = title,
            Preamble = preamble.Length > 0 ? preamble.ToString() : null,
            Items = BuildTree(entries, problems),
        };
        return new ImportResult { Draft = draft, Problems = [.. problems.OrderBy(problem => problem.LineOrRow)] };
    }

    /// <summary>Whether any line opens with numbering an outline item would have.</summary>
    public static bool HasNumberedLine(string text) => Lines(text).Any(line => OutlineNumberingStyle.TryRead(line.Trim(), out _));

    private static List<DraftItem> BuildTree(List<Entry> entries, List<ImportProblem> problems)
    {
        var roots = new List<DraftItem>();
        var open = new Stack<(int Rank, DraftItem Item)>();
        var carry = new ResponsibilityCarry();
        foreach (var entry in entries)
        {
            while (open.Count > 0 && open.Peek().Rank >= entry.Numbering.Rank) open.Pop();
            var parent = open.Count > 0 ? open.Peek().Item : null;
            var notes = InlineNoteReader.Extract(entry.Text.ToString(), entry.Line, problems);
            // Notes may close the body instead of the heading ("……。（牵头单位：财政局；完成时限：6月底前）"); the heading's own win.
            var bodyNotes = InlineNoteReader.Extract(entry.Body.ToString(), entry.Line + 1, problems);
            foreach (var (field, value) in bodyNotes.Stated)
                notes.Stated.TryAdd(field, value);
            foreach (var (key, value) in bodyNotes.Attributes)
                notes.Attributes.TryAdd(key, value);
            if (notes.Text.Length == 0) problems.Add(new ImportProblem(entry.Line, "事项", $"“{entry.Numbering.Numbering}”没有内容"));

            var item = new DraftItem
            {
                Kind = KindAtDepth(open.Count),
                Numbering = entry.Numbering.Numbering,
                PathLabel = PathLabel.Of(parent, entry.Numbering.Numbering),
                Text = notes.Text,
                Description = bodyNotes.Text.Length > 0 ? bodyNotes.Text : null,
                LineOrRow = entry.Line,
                Attributes = notes.Attributes,
            };
            if (parent is null) roots.Add(item);
            else parent.AddChild(item);
            carry.Apply(item, parent, notes.Stated, problems);
            open.Push((entry.Numbering.Rank, item));
        }
        return roots;
    }

    private static DraftItemKind KindAtDepth(int depth) => depth switch
    {
        0 => DraftItemKind.Area,
        1 => DraftItemKind.KeyTask,
        2 => DraftItemKind.Measure,
        _ => DraftItemKind.SubMeasure,
    };

    private static IEnumerable<string> Lines(string text)
    {
        using var reader = new StringReader(text.TrimStart('\uFEFF'));
        while (reader.ReadLine() is { } line) yield return line;
    }

    /// <summary>Lines wrapped inside a Chinese sentence join without a space; only Latin words or numbers need one.</summary>
    private static void AppendLine(StringBuilder text, string line)
    {
        if (text.Length > 0 && char.IsAsciiLetterOrDigit(text[^1]) && char.IsAsciiLetterOrDigit(line[0])) text.Append(' ');
        text.Append(line);
    }

    /// <summary>Text that stops on a comma, an enumeration comma, a colon or an open bracket goes on in the next line.</summary>
    private static bool BreaksOffMidSentence(StringBuilder text) => text.Length > 0 && text[^1] is '，' or '、' or '：' or '；' or ',' or ':' or ';' or '（' or '(' or '《';

    /// <summary>A description keeps its paragraphs: one per line, as the document breaks them.</summary>
    private static void AppendParagraph(StringBuilder body, string line)
    {
        if (body.Length > 0) body.Append('\n');
        body.Append(line);
    }
}
