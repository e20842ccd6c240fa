using System.Globalization;
using MiniExcelLibs;
using MiniExcelLibs.OpenXml;

namespace Duban.Tasks.Domain.Import.Documents;

/// <summary>
/// The rows of one sheet of an .xlsx, streamed one at a time with MiniExcel (a 100,000-row sheet is never held whole), as the
/// office sees them: numbered as the sheet numbers them, a merged cell read as its value repeated over the rows and columns it
/// covers, numbers as Excel shows them in General format, and dates as they are shown (see <see cref="SheetLayout"/>).
/// </summary>
internal static class SheetRows
{
    // Shared strings stay in memory rather than in temporary files: the plan's items hold that text anyway. Merged cells are
    // filled here from the layout pass, which has read the merged ranges already; MiniExcel would read the sheet again for them.
    private static readonly OpenXmlConfiguration Reading = new() { FillMergedCells = false, EnableSharedStringCache = false };

    /// <summary>The workbook's sheets in their order, and whether each is visible.</summary>
    public static IReadOnlyList<(string Name, bool Visible)> Sheets(ReadOnlyMemory<byte> xlsx)
    {
        using var stream = Streams.Of(xlsx);
        return stream.GetSheetInformations().Select(sheet => (sheet.Name, sheet.State == SheetState.Visible)).ToList();
    }

    public static IEnumerable<DelimitedRecord> Read(ReadOnlyMemory<byte> xlsx, string sheet)
    {
        SheetLayout layout;
        using (var stream = Streams.Of(xlsx))
            layout = SheetLayout.Read(stream, sheet);
        using var rows = Streams.Of(xlsx);
        var row = 0;
        // The text of each merged range's first cell, for the cells it covers further on.
        var merged = new Dictionary<(int Row, int Column), string>();
        // Rows left out of the file come back empty, so the count is the sheet's row number.
        foreach (var cells in rows.Query(sheetName: sheet, excelType: ExcelType.XLSX, configuration: Reading).Cast<IDictionary<string, object?>>())
        {
            row++;
            var fields = new List<string>(cells.Count);
            foreach (var value in cells.Values)
            {
                var column = fields.Count + 1;
                string text;
                if (layout.MergedFrom(row, column) is { } first)
                    text = merged.GetValueOrDefault(first, "");
                else
                {
                    text = layout.DateText(row, column, value) ?? Text(value);
                    if (layout.StartsMerge(row, column))
                        merged[(row, column)] = text;
                }
                fields.Add(text);
            }
            yield return new DelimitedRecord(row, fields, HasUnterminatedQuote: false);
        }
    }

    private static string Text(object? value) => value switch
    {
        null => "",
        string text => text.ReplaceLineEndings("\n"),
        // General format shows up to 15 significant digits: 0.1 + 0.2 stored as 0.30000000000000004 is shown 0.3.
        double number => number.ToString("G15", CultureInfo.InvariantCulture),
        DateTime date => $"{date.Year}年{date.Month}月{date.Day}日",
        bool flag => flag ? "TRUE" : "FALSE",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
