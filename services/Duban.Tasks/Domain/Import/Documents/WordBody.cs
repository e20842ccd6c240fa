using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Duban.Tasks.Domain.Import.Documents;

/// <summary>
/// The body of a .docx as the office reads it on screen: every paragraph outside tables as a line (its runs' text joined, the
/// number Word draws for a list paragraph in front, see <see cref="WordNumbering"/>), and every table as rows of cell texts,
/// a merged cell (gridSpan across, vMerge down) read as its value repeated. Deleted revisions, field codes and the text of
/// drawings and text boxes are not part of the text.
/// </summary>
internal sealed class WordBody
{
    public List<string> Lines { get; } = [];

    public List<List<DelimitedRecord>> Tables { get; } = [];

    /// <summary>Paragraphs and table rows (cells joined by tabs) in document order: the text the plan keeps as its source.</summary>
    public StringBuilder Source { get; } = new();

    public static WordBody Read(Stream docx)
    {
        using var document = WordprocessingDocument.Open(docx, isEditable: false);
        var main = document.MainDocumentPart;
        var body = new WordBody();
        if (main?.Document?.Body is { } content)
            body.ReadBlocks(content, new WordNumbering(main));
        return body;
    }

    private void ReadBlocks(OpenXmlElement container, WordNumbering numbering)
    {
        foreach (var block in Blocks(container))
        {
            if (block is Paragraph paragraph)
            {
                var line = Line(paragraph, numbering);
                Lines.Add(line);
                Source.Append(line).Append('\n');
            }
            else if (block is Table table)
            {
                var rows = Rows(table, numbering);
                Tables.Add(rows);
                foreach (var row in rows)
                    Source.AppendJoin('\t', row.Fields.Select(field => field.ReplaceLineEndings(" "))).Append('\n');
            }
        }
    }

    /// <summary>Paragraphs and tables of a body or cell in order, through content controls and custom XML around them.</summary>
    private static IEnumerable<OpenXmlElement> Blocks(OpenXmlElement container)
    {
        foreach (var child in container.ChildElements)
        {
            if (child is Paragraph or Table)
                yield return child;
            else if (child is SdtBlock or SdtContentBlock or CustomXmlBlock)
                foreach (var inner in Blocks(child))
                    yield return inner;
        }
    }

    private static string Line(Paragraph paragraph, WordNumbering numbering)
    {
        var label = numbering.Label(paragraph);
        var text = new StringBuilder();
        AppendText(paragraph, text);
        // A list paragraph left empty still takes its number, as in Word, but is no item.
        return text.ToString().Trim().Length == 0 ? "" : label + text;
    }

    private static void AppendText(OpenXmlElement element, StringBuilder text)
    {
        foreach (var child in element.ChildElements)
        {
            switch (child)
            {
                case Text run:
                    text.Append(run.Text);
                    break;
                case TabChar or PositionalTab:
                    text.Append('\t');
                    break;
                case Break or CarriageReturn:
                    text.Append('\n');
                    break;
                case NoBreakHyphen:
                    text.Append('-');
                    break;
                // Not the text as read: what was deleted or moved away, properties, and drawings and text boxes floating beside it.
                case DeletedRun or MoveFromRun or ParagraphProperties or RunProperties or Drawing or Picture or EmbeddedObject
                    or AlternateContent:
                    break;
                default:
                    AppendText(child, text);
                    break;
            }
        }
    }

    private static List<DelimitedRecord> Rows(Table table, WordNumbering numbering)
    {
        var rows = new List<DelimitedRecord>();
        var mergedDown = new Dictionary<int, string>();
        foreach (var row in table.Elements<TableRow>())
        {
            var cells = new List<string>();
            for (var skipped = row.TableRowProperties?.GetFirstChild<GridBefore>()?.Val?.Value ?? 0; skipped > 0; skipped--)
                cells.Add("");
            foreach (var cell in row.Elements<TableCell>())
            {
                var column = cells.Count;
                var properties = cell.TableCellProperties;
                var text = CellText(cell, numbering);
                var merge = properties?.VerticalMerge;
                if (merge is not null && (merge.Val is null || merge.Val.Value == MergedCellValues.Continue))
                    text = mergedDown.GetValueOrDefault(column, "");
                else if (merge is not null)
                    mergedDown[column] = text;
                else
                    mergedDown.Remove(column);
                for (var span = Math.Max(1, properties?.GridSpan?.Val?.Value ?? 1); span > 0; span--)
                    cells.Add(text);
            }
            rows.Add(new DelimitedRecord(rows.Count + 1, cells, HasUnterminatedQuote: false));
        }
        return rows;
    }

    /// <summary>A cell's paragraphs as lines; a table inside it, row by row with its cells joined by tabs.</summary>
    private static string CellText(TableCell cell, WordNumbering numbering)
    {
        var lines = new List<string>();
        foreach (var block in Blocks(cell))
        {
            if (block is Paragraph paragraph)
                lines.Add(Line(paragraph, numbering));
            else
                lines.AddRange(Rows((Table)block, numbering).Select(row => string.Join('\t', row.Fields)));
        }
        return string.Join('\n', lines).Trim();
    }
}
