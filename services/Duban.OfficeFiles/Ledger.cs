using System.Data;
using MiniExcelLibs;
using MiniExcelLibs.Attributes;
using MiniExcelLibs.OpenXml;

namespace Duban.OfficeFiles;

/// <summary>A column of a ledger sheet: its header, what its cells hold, and a width in Excel's characters.</summary>
public sealed record LedgerColumn(string Header, LedgerCell Kind = LedgerCell.Text, double? Width = null);

public enum LedgerCell
{
    Text,
    Number,
    /// <summary>A calendar date, written as an Excel date (a serial number with a date format), not as text.</summary>
    Date,
}

/// <summary>One sheet: its columns and its rows, read once, lazily, as the workbook is written.</summary>
public sealed record LedgerSheet(string Name, IReadOnlyList<LedgerColumn> Columns, IEnumerable<object?[]> Rows);

/// <summary>
/// Writes 台账 workbooks (MiniExcel, row by row: a sheet of 100,000 rows is never held whole) the way Chinese Excel
/// opens them right: the header row frozen, columns wide enough for Chinese text (a CJK character takes two of Excel's
/// character widths), dates as dates in yyyy-mm-dd. The workbook is written to a file, since a zip needs to seek back,
/// and sent from there.
/// </summary>
public static class Ledger
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string DateFormat = "yyyy-mm-dd";
    public const double MaxWidth = 60;

    /// <summary>Writes the sheets to <paramref name="output"/> (seekable); a column without a width gets one from its header and its cells.</summary>
    public static void Write(Stream output, IReadOnlyList<LedgerSheet> sheets)
    {
        var widths = new Dictionary<string, double>();
        var dates = new HashSet<string>();
        var content = new Dictionary<string, object>();
        foreach (var sheet in sheets)
        {
            var columns = sheet.Columns;
            foreach (var column in columns)
            {
                widths[column.Header] = Math.Max(widths.GetValueOrDefault(column.Header), column.Width ?? DisplayWidth(column.Header) + 2);
                if (column.Kind == LedgerCell.Date)
                    dates.Add(column.Header);
            }
        }
        // MiniExcel sets the widths before it writes the rows: columns whose width comes from their cells are measured
        // in a pass of their own, so such a sheet's rows must be readable twice (a list), unlike a sheet of fixed widths.
        foreach (var sheet in sheets.Where(s => s.Columns.Any(c => c.Width is null)))
            Measure(sheet, widths);
        foreach (var sheet in sheets)
            content[sheet.Name] = Rows(sheet);
        var configuration = new OpenXmlConfiguration
        {
            FreezeRowCount = 1,
            FreezeColumnCount = 0,
            // Not FastMode: it keeps more of the sheet in memory to write it faster.
            FastMode = false,
            TableStyles = TableStyles.None,
            DynamicColumns = widths.Select(w => new DynamicExcelColumn(w.Key)
            {
                Width = Math.Min(MaxWidth, w.Value),
                Format = dates.Contains(w.Key) ? DateFormat : null,
            }).ToArray(),
        };
        output.SaveAs(content, configuration: configuration);
    }

    private static void Measure(LedgerSheet sheet, Dictionary<string, double> widths)
    {
        foreach (var row in sheet.Rows)
        {
            for (var i = 0; i < sheet.Columns.Count; i++)
            {
                var column = sheet.Columns[i];
                if (column.Width is null && row[i] is string text)
                    widths[column.Header] = Math.Max(widths[column.Header], DisplayWidth(text) + 2);
            }
        }
    }

    /// <summary>
    /// The rows as MiniExcel takes them, enumerated once (they may come straight from a database); an empty sheet as a
    /// table with its header and no rows, since rows of dictionaries carry their header only in their first row.
    /// </summary>
    private static object Rows(LedgerSheet sheet)
    {
        var rows = sheet.Rows.GetEnumerator();
        if (rows.MoveNext())
            return Dictionaries(sheet.Columns, rows);
        rows.Dispose();
        var table = new DataTable(sheet.Name);
        foreach (var column in sheet.Columns)
            table.Columns.Add(column.Header, column.Kind switch { LedgerCell.Date => typeof(DateTime), LedgerCell.Number => typeof(decimal), _ => typeof(string) });
        return table;
    }

    private static IEnumerable<IDictionary<string, object?>> Dictionaries(IReadOnlyList<LedgerColumn> columns, IEnumerator<object?[]> rows)
    {
        using (rows)
        {
            do
            {
                var row = rows.Current;
                var cells = new Dictionary<string, object?>(columns.Count);
                for (var i = 0; i < columns.Count; i++)
                    cells[columns[i].Header] = row[i] is DateOnly date ? date.ToDateTime(TimeOnly.MinValue) : row[i];
                yield return cells;
            }
            while (rows.MoveNext());
        }
    }

    /// <summary>Excel's width of a text: two for each CJK (wide) character, one for the others.</summary>
    public static double DisplayWidth(string text)
    {
        double width = 0;
        foreach (var rune in text.EnumerateRunes())
            width += IsWide(rune.Value) ? 2 : 1;
        return width;
    }

    private static bool IsWide(int c) =>
        c is >= 0x1100 and <= 0x115F or >= 0x2E80 and <= 0xA4CF or >= 0xAC00 and <= 0xD7A3 or >= 0xF900 and <= 0xFAFF
            or >= 0xFE30 and <= 0xFE4F or >= 0xFF00 and <= 0xFF60 or >= 0xFFE0 and <= 0xFFE6 or >= 0x20000 and <= 0x3FFFD;
}
