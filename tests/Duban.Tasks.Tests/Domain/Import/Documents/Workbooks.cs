using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Duban.Tasks.Domain.Import;

namespace Duban.Tasks.Tests.Domain.Import.Documents;

/// <summary>A date cell and the number format it is shown with.</summary>
internal sealed record Dated(DateOnly Date, uint Style);

/// <summary>
/// A sheet as an office keeps it: rows of cells (text, numbers, <see cref="Dated"/>), merged ranges ("B5:B7"), maybe hidden.
/// Row i of <see cref="Rows"/> is sheet row i + 1; a null cell is left out of the file.
/// </summary>
internal sealed record TestSheet(string Name, IReadOnlyList<IReadOnlyList<object?>> Rows, IReadOnlyList<string> Merges, bool Hidden = false);

/// <summary>
/// Writes .xlsx files the way Excel does with the OpenXml SDK: text in the shared string table, dates as serial numbers with a
/// number format (Chinese Excel's built-in 31 and 57 by number alone, with no format code in the file), every cell of a merged
/// range written with the first cell's style. MiniExcel cannot write merged cells, hence this writer.
/// </summary>
internal static class Workbooks
{
    /// <summary>Built-in 31, as a Chinese Excel formats "2026年6月30日" typed into a cell.</summary>
    public const uint ChineseDate = 1;
    /// <summary>Built-in 57, as a Chinese Excel formats "2026年6月": a date on the 1st, shown as the month.</summary>
    public const uint ChineseYearMonth = 2;
    /// <summary>Built-in 58: "6月30日".</summary>
    public const uint ChineseMonthDay = 3;
    /// <summary>A custom format code, yyyy/m/d.</summary>
    public const uint SlashDate = 4;

    /// <summary>How the office sees a cell, and so what it would type into a CSV.</summary>
    public static string Shown(object? cell) => cell switch
    {
        null => "",
        Dated { Style: ChineseYearMonth } d => $"{d.Date.Year}年{d.Date.Month}月",
        Dated { Style: ChineseMonthDay } d => $"{d.Date.Month}月{d.Date.Day}日",
        Dated d => $"{d.Date.Year}年{d.Date.Month}月{d.Date.Day}日",
        double number => number.ToString(CultureInfo.InvariantCulture),
        int number => number.ToString(CultureInfo.InvariantCulture),
        _ => cell.ToString()!,
    };

    /// <summary>The sheet as CSV, merged ranges read as their value repeated: what the same table says as text.</summary>
    public static string Csv(TestSheet sheet)
    {
        var rows = sheet.Rows.Select(row => row.Select(Shown).ToArray()).ToArray();
        foreach (var (first, last) in sheet.Merges.Select(Range))
            for (var r = first.Row; r <= last.Row; r++)
                for (var c = first.Column; c <= last.Column; c++)
                    if (r - 1 < rows.Length && c - 1 < rows[r - 1].Length)
                        rows[r - 1][c - 1] = rows[first.Row - 1][first.Column - 1];
        return string.Concat(rows.Select(row => string.Join(',', row.Select(Quoted)) + "\n"));
    }

    public static byte[] Write(params TestSheet[] sheets)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook(new Sheets());
            workbook.AddNewPart<WorkbookStylesPart>().Stylesheet = Styles();
            var strings = new List<string>();
            uint id = 1;
            foreach (var sheet in sheets)
            {
                var part = workbook.AddNewPart<WorksheetPart>();
                part.Worksheet = Worksheet(sheet, strings);
                workbook.Workbook.Sheets!.Append(new Sheet
                {
                    Id = workbook.GetIdOfPart(part), SheetId = id++, Name = sheet.Name,
                    State = sheet.Hidden ? SheetStateValues.Hidden : null,
                });
            }
            workbook.AddNewPart<SharedStringTablePart>().SharedStringTable =
                new SharedStringTable(strings.Select(text => new SharedStringItem(new Text(text) { Space = SpaceProcessingModeValues.Preserve })));
        }
        return stream.ToArray();
    }

    /// <summary>The sample 任务分解表 as an office lays it out in Excel: an attachment label and a merged title above the header,
    /// 序号 and 重点任务 merged down over their measures, a 牵头单位 merged over two rows, 序号 as numbers and some 完成时限 as dates.</summary>
    public static TestSheet SampleSheet()
    {
        var records = DelimitedTextReader.Read(Samples.Text(Samples.TableFile), ',').Select(r => r.Fields.ToArray()).ToList();
        var width = records[0].Length;
        var rows = new List<IReadOnlyList<object?>>
        {
            new object?[] { "附件1" },
            new object?[] { "贯彻落实《实施方案》任务分解表" },
            Array.Empty<object?>(),
            records[0],
        };
        var merges = new List<string> { $"A2:{Column(width)}2" };
        var dated = new Dictionary<string, Dated>
        {
            ["2026年12月15日前"] = new(new DateOnly(2026, 12, 15), ChineseDate),
            ["2026年4月底前"] = new(new DateOnly(2026, 4, 1), ChineseYearMonth),
            ["2026年4月15日前"] = new(new DateOnly(2026, 4, 15), ChineseMonthDay),
            ["2026年5月底前"] = new(new DateOnly(2026, 5, 31), SlashDate),
        };
        int? groupStart = null;
        for (var i = 1; i < records.Count; i++)
        {
            var cells = records[i].Select(object? (field) => field.Length == 0 ? null : field).ToArray();
            var sheetRow = rows.Count + 1;
            if (cells[0] is string number)
            {
                CloseGroup();
                groupStart = sheetRow;
                cells[0] = double.Parse(number, CultureInfo.InvariantCulture);
            }
            if (cells[6] is string deadline && dated.Remove(deadline, out var date))
                cells[6] = date;
            rows.Add(cells);
        }
        CloseGroup();
        Assert.Empty(dated); // every date replaced a deadline of the sample

        // 交通局 leads the first two measures (sheet rows 5 and 6): one merged cell.
        Assert.Equal(("交通局", "交通局"), (rows[4][3], rows[5][3]));
        rows[5] = rows[5].Select((cell, c) => c == 3 ? null : cell).ToArray();
        merges.Add("D5:D6");
        return new TestSheet("任务分解表", rows, merges);

        void CloseGroup()
        {
            if (groupStart is not { } start || rows.Count <= start)
                return;
            merges.Add($"A{start}:A{rows.Count}");
            merges.Add($"B{start}:B{rows.Count}");
        }
    }

    public static string Column(int number)
    {
        var name = "";
        for (; number > 0; number = (number - 1) / 26)
            name = (char)('A' + (number - 1) % 26) + name;
        return name;
    }

    private static ((int Row, int Column) First, (int Row, int Column) Last) Range(string range)
    {
        var ends = range.Split(':').Select(Reference).ToArray();
        return (ends[0], ends[^1]);
    }

    private static (int Row, int Column) Reference(string cell)
    {
        var letters = new string(cell.TakeWhile(char.IsAsciiLetter).ToArray());
        var column = letters.Aggregate(0, (sum, letter) => sum * 26 + letter - 'A' + 1);
        return (int.Parse(cell[letters.Length..], CultureInfo.InvariantCulture), column);
    }

    private static string Quoted(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{field.Replace("\"", "\"\"")}\"" : field;

    private static Stylesheet Styles() => new(
        new NumberingFormats(new NumberingFormat { NumberFormatId = 176, FormatCode = "yyyy/m/d" }) { Count = 1 },
        new Fonts(new Font()) { Count = 1 },
        new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
        new Borders(new Border()) { Count = 1 },
        new CellStyleFormats(new CellFormat()) { Count = 1 },
        new CellFormats(
            new CellFormat(),
            new CellFormat { NumberFormatId = 31, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 57, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 58, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 176, ApplyNumberFormat = true }) { Count = 5 });

    private static Worksheet Worksheet(TestSheet sheet, List<string> strings)
    {
        var covered = new Dictionary<(int Row, int Column), uint>();
        foreach (var (first, last) in sheet.Merges.Select(Range))
        {
            var style = sheet.Rows[first.Row - 1].ElementAtOrDefault(first.Column - 1) is Dated d ? d.Style : 0;
            for (var r = first.Row; r <= last.Row; r++)
                for (var c = first.Column; c <= last.Column; c++)
                    covered[(r, c)] = style;
        }
        var data = new SheetData();
        var width = Math.Max(sheet.Rows.Max(row => row.Count), covered.Keys.Select(k => k.Column).DefaultIfEmpty(0).Max());
        for (var r = 1; r <= sheet.Rows.Count; r++)
        {
            var row = new Row { RowIndex = (uint)r };
            for (var c = 1; c <= width; c++)
            {
                var value = sheet.Rows[r - 1].ElementAtOrDefault(c - 1);
                var reference = $"{Column(c)}{r}";
                Cell? cell = value switch
                {
                    string text => new Cell { CellReference = reference, DataType = CellValues.SharedString, CellValue = new CellValue(Shared(strings, text)) },
                    double number => new Cell { CellReference = reference, CellValue = new CellValue(number) },
                    Dated date => new Cell
                    {
                        CellReference = reference, StyleIndex = date.Style,
                        CellValue = new CellValue(date.Date.ToDateTime(TimeOnly.MinValue).ToOADate()),
                    },
                    _ => covered.TryGetValue((r, c), out var style) ? new Cell { CellReference = reference, StyleIndex = style == 0 ? null : style } : null,
                };
                if (cell is not null)
                    row.Append(cell);
            }
            data.Append(row);
        }
        var worksheet = new Worksheet(data);
        if (sheet.Merges.Count > 0)
            worksheet.Append(new MergeCells(sheet.Merges.Select(range => new MergeCell { Reference = range })) { Count = (uint)sheet.Merges.Count });
        return worksheet;
    }

    private static int Shared(List<string> strings, string text)
    {
        var index = strings.IndexOf(text);
        if (index >= 0)
            return index;
        strings.Add(text);
        return strings.Count - 1;
    }
}
