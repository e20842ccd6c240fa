using System.Text.RegularExpressions;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Duban.Tasks.Domain.Import;

namespace Duban.Tasks.Tests.Domain.Import.Documents;

/// <summary>Writes .docx files with the OpenXml SDK as Word lays them out: runs in paragraphs, list numbering, tables with merged cells.</summary>
internal static partial class WordFiles
{
    /// <summary>The list of official documents (GB/T 9704) as an office sets it up in Word: 一、 （一） 1. （1） ①.</summary>
    public const int OfficialList = 1;

    public static byte[] Write(IEnumerable<OpenXmlElement> body, Numbering? numbering = null, Styles? styles = null)
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            main.Document = new Document(new Body(body));
            if (numbering is not null)
                main.AddNewPart<NumberingDefinitionsPart>().Numbering = numbering;
            if (styles is not null)
                main.AddNewPart<StyleDefinitionsPart>().Styles = styles;
        }
        return stream.ToArray();
    }

    /// <summary>A paragraph of two runs (Word splits text into runs wherever formatting or editing changed), numbered when a list is given.</summary>
    public static Paragraph Paragraph(string text, int? numId = null, int level = 0, string? style = null)
    {
        var properties = new ParagraphProperties();
        if (style is not null)
            properties.Append(new ParagraphStyleId { Val = style });
        if (numId is { } id)
            properties.Append(new NumberingProperties(new NumberingLevelReference { Val = level }, new NumberingId { Val = id }));
        var half = text.Length / 2;
        return new Paragraph(properties,
            new Run(new Text(text[..half]) { Space = SpaceProcessingModeValues.Preserve }),
            new Run(new RunProperties(new Bold()), new Text(text[half..]) { Space = SpaceProcessingModeValues.Preserve }));
    }

    /// <summary>The official list: chineseCounting "%1、", "（%2）", decimal "%3.", "（%4）", decimalEnclosedCircle "%5".</summary>
    public static Numbering OfficialNumbering() => new(
        new AbstractNum(
            Level(0, NumberFormatValues.ChineseCounting, "%1、"),
            Level(1, NumberFormatValues.ChineseCounting, "（%2）"),
            Level(2, NumberFormatValues.Decimal, "%3."),
            Level(3, NumberFormatValues.Decimal, "（%4）"),
            Level(4, NumberFormatValues.DecimalEnclosedCircle, "%5")) { AbstractNumberId = 0 },
        new NumberingInstance(new AbstractNumId { Val = 0 }) { NumberID = OfficialList });

    public static Level Level(int index, NumberFormatValues format, string text, int start = 1) => new(
        new StartNumberingValue { Val = start },
        new NumberingFormat { Val = format },
        new LevelText { Val = text },
        new LevelSuffix { Val = LevelSuffixValues.Nothing }) { LevelIndex = index };

    /// <summary>
    /// The sample outline as an office types it in Word with the official list: each numbered line's number left to the list
    /// (its level by the style of number it had), the other lines as plain paragraphs.
    /// </summary>
    public static IEnumerable<OpenXmlElement> NumberedOutline(string outline)
    {
        foreach (var line in outline.Split('\n').Select(l => l.TrimEnd('\r')))
        {
            var match = OfficialNumber().Match(line);
            var level = Enumerable.Range(1, 5).FirstOrDefault(g => match.Groups[g].Success) - 1;
            yield return match.Success ? Paragraph(line[match.Length..], OfficialList, level) : Paragraph(line);
        }
    }

    /// <summary>Rows as a Word table: a cell merged down (vMerge) where the row below leaves the column blank in <paramref name="mergedDown"/>.</summary>
    public static Table Table(IReadOnlyList<string[]> rows, params int[] mergedDown)
    {
        var table = new Table(new TableProperties(new TableWidth { Type = TableWidthUnitValues.Auto }),
            new TableGrid(rows[0].Select(_ => new GridColumn())));
        for (var r = 0; r < rows.Count; r++)
        {
            var row = new TableRow();
            for (var c = 0; c < rows[r].Length; c++)
            {
                var properties = new TableCellProperties();
                var continues = r > 1 && mergedDown.Contains(c) && rows[r][c].Length == 0;
                var starts = r > 0 && mergedDown.Contains(c) && rows[r][c].Length > 0 && r + 1 < rows.Count && rows[r + 1][c].Length == 0;
                if (continues)
                    properties.Append(new VerticalMerge());
                else if (starts)
                    properties.Append(new VerticalMerge { Val = MergedCellValues.Restart });
                row.Append(new TableCell(properties, Paragraph(rows[r][c])));
            }
            table.Append(row);
        }
        return table;
    }

    /// <summary>The sample table's rows, a blank 序号 or 重点任务 read as the one above: what a table with those cells merged down says.</summary>
    public static IReadOnlyList<string[]> SampleRows() =>
        DelimitedTextReader.Read(Samples.Text(Samples.TableFile), ',').Select(record => record.Fields.ToArray()).ToList();

    public static string FilledDown(IReadOnlyList<string[]> rows, params int[] columns)
    {
        var filled = rows.Select(row => row.ToArray()).ToArray();
        for (var r = 2; r < filled.Length; r++)
            foreach (var c in columns)
                if (filled[r][c].Length == 0)
                    filled[r][c] = filled[r - 1][c];
        return string.Concat(filled.Select(row => string.Join(',', row.Select(f => f.Contains(',') ? $"\"{f}\"" : f)) + "\n"));
    }

    [GeneratedRegex(@"^(?:([一二三四五六七八九十]+)、|（([一二三四五六七八九十]+)）|([0-9]+)\.|（([0-9]+)）|([①-⑳]))")]
    private static partial Regex OfficialNumber();
}
