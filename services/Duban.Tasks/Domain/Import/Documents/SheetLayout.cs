using System.Text.RegularExpressions;
using System.Xml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Duban.Tasks.Domain.Import.Documents;

/// <summary>How a sheet shows a date. An office that types "2026年6月" gets a date cell for 1 June shown as 2026年6月, and means June.</summary>
internal enum DateShown { Date, YearMonth, MonthDay, Year, DateAndTime, Time }

/// <summary>
/// What a sheet's cells hold beyond their values, read in one streaming pass with OpenXml's reader before the rows are read:
/// which cells hold dates and how each is shown, and which cells a merged cell covers. MiniExcel turns a number into a date
/// only for the built-in formats of an English Excel and for custom format codes, and does not say how it was shown; a
/// Chinese Excel writes its own built-in formats (27–36, 50–58: 2026年6月, 6月30日, 2026年6月30日 …) by number alone, with
/// no format code in the file, and those come back as bare serial numbers. The merged ranges come last in a sheet's XML, so
/// this pass is also where they are learnt (MiniExcel would otherwise read the whole sheet once more to find them).
/// </summary>
internal sealed partial class SheetLayout
{
    /// <summary>A merged range larger than this is not a task table's cell: it is looked up by range, not cell by cell.</summary>
    private const int MaxMergedCells = 10_000;

    private readonly Dictionary<(int Row, int Column), DateShown> _dates;
    private readonly Dictionary<(int Row, int Column), (int Row, int Column)> _coveredBy;
    private readonly List<(int Row, int Column, int LastRow, int LastColumn)> _largeMerges;

    private SheetLayout(Dictionary<(int Row, int Column), DateShown> dates, Dictionary<(int Row, int Column), (int Row, int Column)> coveredBy,
        List<(int Row, int Column, int LastRow, int LastColumn)> largeMerges)
    {
        _dates = dates;
        _coveredBy = coveredBy;
        _largeMerges = largeMerges;
        _anchors = [.. coveredBy.Values, .. largeMerges.Select(m => (m.Row, m.Column))];
    }

    private readonly HashSet<(int Row, int Column)> _anchors;

    public static SheetLayout Read(Stream xlsx, string sheetName)
    {
        using var document = SpreadsheetDocument.Open(xlsx, isEditable: false);
        var workbook = document.WorkbookPart;
        var styles = DateStyles(workbook?.WorkbookStylesPart?.Stylesheet);
        var dates = new Dictionary<(int Row, int Column), DateShown>();
        var coveredBy = new Dictionary<(int Row, int Column), (int Row, int Column)>();
        var largeMerges = new List<(int Row, int Column, int LastRow, int LastColumn)>();
        var sheet = workbook?.Workbook.Sheets?.Elements<Sheet>().FirstOrDefault(s => s.Name?.Value == sheetName);
        if (sheet?.Id?.Value is not { } id || workbook!.GetPartById(id) is not WorksheetPart part)
            return new SheetLayout(dates, coveredBy, largeMerges);

        var merges = new List<(int Row, int Column, int LastRow, int LastColumn)>();
        using var stream = part.GetStream(FileMode.Open, FileAccess.Read);
        using var reader = XmlReader.Create(stream, new XmlReaderSettings { IgnoreWhitespace = true, IgnoreComments = true, DtdProcessing = DtdProcessing.Prohibit });
        int row = 0, column = 0;
        while (reader.Read())
        {
            if (reader.NodeType != XmlNodeType.Element)
                continue;
            switch (reader.LocalName)
            {
                case "row":
                    row = int.TryParse(reader.GetAttribute("r"), out var number) ? number : row + 1;
                    column = 0;
                    break;
                case "c":
                    (row, column) = Reference(reader.GetAttribute("r")) ?? (row, column + 1);
                    if (styles.Count > 0 && int.TryParse(reader.GetAttribute("s"), out var style) && styles.TryGetValue(style, out var shown)
                        && reader.GetAttribute("t") is null or "n")
                        dates[(row, column)] = shown;
                    break;
                case "mergeCell" when reader.GetAttribute("ref")?.Split(':') is [var from, var to]
                    && Reference(from) is { } first && Reference(to) is { } last && (last.Row, last.Column) != (first.Row, first.Column):
                    merges.Add((first.Row, first.Column, last.Row, last.Column));
                    break;
            }
        }
        foreach (var merge in merges)
        {
            if ((long)(merge.LastRow - merge.Row + 1) * (merge.LastColumn - merge.Column + 1) > MaxMergedCells)
            {
                largeMerges.Add(merge);
                continue;
            }
            // A cell merged over by a date cell shows that date as its first cell does.
            var anchorDate = dates.TryGetValue((merge.Row, merge.Column), out var anchorShown) ? anchorShown : (DateShown?)null;
            for (var r = merge.Row; r <= merge.LastRow; r++)
                for (var c = merge.Column; c <= merge.LastColumn; c++)
                {
                    if ((r, c) == (merge.Row, merge.Column))
                        continue;
                    coveredBy[(r, c)] = (merge.Row, merge.Column);
                    if (anchorDate is { } d)
                        dates[(r, c)] = d;
                }
        }
        return new SheetLayout(dates, coveredBy, largeMerges);
    }

    /// <summary>The first cell of the merged range that covers this one (not the first cell itself); null when none does.</summary>
    public (int Row, int Column)? MergedFrom(int row, int column)
    {
        if (_coveredBy.TryGetValue((row, column), out var anchor))
            return anchor;
        foreach (var m in _largeMerges)
            if (row >= m.Row && row <= m.LastRow && column >= m.Column && column <= m.LastColumn && (row, column) != (m.Row, m.Column))
                return (m.Row, m.Column);
        return null;
    }

    /// <summary>Whether a merged range starts at this cell, so that its value is wanted further on.</summary>
    public bool StartsMerge(int row, int column) => _anchors.Contains((row, column));

    /// <summary>The cell's date as the sheet shows it, in words the deadline parser reads; null when the cell holds no date.</summary>
    public string? DateText(int row, int column, object? value)
    {
        if (!_dates.TryGetValue((row, column), out var shown))
            return null;
        DateTime date;
        if (value is DateTime converted)
            date = converted;
        else if (value is double serial && serial is > -657435.0 and < 2958466.0)
            date = DateTime.FromOADate(serial);
        else
            return null;
        return shown switch
        {
            DateShown.YearMonth => $"{date.Year}年{date.Month}月",
            DateShown.MonthDay => $"{date.Month}月{date.Day}日",
            DateShown.Year => $"{date.Year}年",
            DateShown.DateAndTime => $"{date.Year}年{date.Month}月{date.Day}日 {date:H:mm}",
            DateShown.Time => $"{date:H:mm}",
            _ => $"{date.Year}年{date.Month}月{date.Day}日",
        };
    }

    /// <summary>Cell style (its index in cellXfs) → how it shows a date, for the styles that show one.</summary>
    private static Dictionary<int, DateShown> DateStyles(Stylesheet? stylesheet)
    {
        var codes = stylesheet?.NumberingFormats?.Elements<NumberingFormat>()
            .Where(format => format.NumberFormatId?.Value is not null)
            .GroupBy(format => format.NumberFormatId!.Value)
            .ToDictionary(group => group.Key, group => group.First().FormatCode?.Value ?? "") ?? [];
        var styles = new Dictionary<int, DateShown>();
        var index = 0;
        foreach (var format in stylesheet?.CellFormats?.Elements<CellFormat>() ?? [])
        {
            var id = format.NumberFormatId?.Value ?? 0;
            if ((codes.TryGetValue(id, out var code) ? FromCode(code) : BuiltIn(id)) is { } shown)
                styles[index] = shown;
            index++;
        }
        return styles;
    }

    /// <summary>The built-in formats (ECMA-376 18.8.30) and those a Chinese Excel adds (27–36, 50–58), which the file names by number only.</summary>
    private static DateShown? BuiltIn(uint id) => id switch
    {
        14 or 15 or 30 or 31 => DateShown.Date,
        16 or 28 or 29 or 51 or 53 or 54 or 58 => DateShown.MonthDay,
        17 or 27 or 36 or 50 or 52 or 57 => DateShown.YearMonth,
        22 => DateShown.DateAndTime,
        >= 18 and <= 21 or >= 32 and <= 35 or >= 45 and <= 47 or 55 or 56 => DateShown.Time,
        _ => null,
    };

    /// <summary>A format code's date parts, its literal text left out: y, m and d make a date; h and s a time (m beside them is minutes).</summary>
    private static DateShown? FromCode(string code)
    {
        var parts = Literals().Replace(code.Split(';')[0], "").ToLowerInvariant();
        if (parts.Contains("general", StringComparison.Ordinal))
            return null;
        bool year = parts.Contains('y') || parts.Contains('e') && (parts.Contains('m') || parts.Contains('d'));
        bool day = parts.Contains('d'), time = parts.Contains('h') || parts.Contains('s');
        bool month = parts.Contains('m') && (year || day || !time);
        return (year || month || day, time) switch
        {
            (true, true) => DateShown.DateAndTime,
            (false, true) => DateShown.Time,
            (true, false) when day && !month && !year => DateShown.Date,
            (true, false) when !day => month ? DateShown.YearMonth : DateShown.Year,
            (true, false) when !year => DateShown.MonthDay,
            (true, false) => DateShown.Date,
            _ => null,
        };
    }

    /// <summary>"B12" → (12, 2).</summary>
    private static (int Row, int Column)? Reference(string? reference)
    {
        if (reference is null)
            return null;
        var column = 0;
        var i = 0;
        for (; i < reference.Length && char.IsAsciiLetter(reference[i]); i++)
            column = column * 26 + char.ToUpperInvariant(reference[i]) - 'A' + 1;
        return column > 0 && int.TryParse(reference.AsSpan(i), out var row) ? (row, column) : null;
    }

    /// <summary>Quoted text, escaped characters, padding (_x) and fill (*x), and bracketed colours and locales — not elapsed [h] [mm] [ss].</summary>
    [GeneratedRegex(@"""[^""]*""|\\.|\[(?![hms]+\])[^\]]*\]|_.|\*.")]
    private static partial Regex Literals();
}
