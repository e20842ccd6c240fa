using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Duban.OfficeFiles;
using Duban.Supervision.Documents;
using Duban.Supervision.Domain.Reviews;
using MiniExcelLibs;
using static Duban.Supervision.Tests.Domain.ReviewFixtures;

namespace Duban.Supervision.Tests.Documents;

/// <summary>
/// The review's 台账 workbook, read back with MiniExcel (what is in the cells) and OpenXml (how Excel shows them):
/// the CSV's numbers, every item, a frozen header, widths that fit the Chinese text, dates as dates.
/// </summary>
public class ReviewWorkbookTests
{
    private static readonly WeeklyReviewCalculator Calculator = new();

    public static byte[] Write(WeeklyReviewReport report)
    {
        using var output = new MemoryStream();
        Ledger.Write(output, ReviewWorkbook.Sheets(report, null));
        return output.ToArray();
    }

    [Fact]
    public void The_units_sheet_holds_the_CSV_numbers_and_each_list_is_a_sheet_of_every_item()
    {
        var report = Calculator.Calculate(Office, W47, EndOfW47, AllUnits, Week47Assignments());
        using var stream = new MemoryStream(Write(report));
        Assert.Equal(["各单位", "本周新增逾期", "持续逾期", "本周完成", "下周到期", "需作出说明的单位"], MiniExcel.GetSheetNames(stream));

        // The units sheet is the CSV of the units, cell for cell.
        var units = stream.Query(useHeaderRow: false, sheetName: "各单位").Cast<IDictionary<string, object?>>()
            .Select(r => r.Values.Select(Shown).ToList()).ToList();
        var csv = BulletinRenderer.RenderUnitsCsv(report).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(',').ToList()).ToList();
        Assert.Equal(csv.Select(r => r.Select(c => c == "" ? "—" : c.Replace(".0", ""))), units.Select(r => r.Select(c => c.Replace(".0", ""))));

        var overdue = stream.Query(useHeaderRow: true, sheetName: "本周新增逾期").Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(report.NewlyOverdue.Count, overdue.Count);
        Assert.Equal(report.NewlyOverdue.Select(i => i.Title), overdue.Select(r => (string)r["任务"]!));
        Assert.Equal(report.NewlyOverdue.Select(i => i.DueDate!.Value.ToDateTime(TimeOnly.MinValue)), overdue.Select(r => (DateTime)r["完成时限"]!));
        Assert.Equal(report.DueNextWeek.Count, stream.Query(useHeaderRow: true, sheetName: "下周到期").Count());
    }

    [Fact]
    public void Every_sheet_freezes_its_header_fits_its_Chinese_text_and_shows_dates_as_dates()
    {
        var report = Calculator.Calculate(Office, W47, EndOfW47, AllUnits, Week47Assignments());
        using var document = SpreadsheetDocument.Open(new MemoryStream(Write(report)), false);
        var book = document.WorkbookPart!;
        var formats = book.WorkbookStylesPart!.Stylesheet!;
        foreach (var sheet in book.Workbook!.Sheets!.Elements<Sheet>())
        {
            var worksheet = ((WorksheetPart)book.GetPartById(sheet.Id!)).Worksheet!;
            var pane = worksheet.Descendants<Pane>().Single();
            Assert.Equal((1d, PaneStateValues.Frozen), (pane.VerticalSplit!.Value, pane.State!.Value));

            var rows = worksheet.Descendants<Row>().ToList();
            var strings = book.SharedStringTablePart?.SharedStringTable;
            string Text(Cell c) => c.DataType?.Value == CellValues.SharedString ? strings!.ElementAt(int.Parse(c.CellValue!.Text)).InnerText
                : c.InlineString?.InnerText ?? c.CellValue?.Text ?? "";
            var widths = worksheet.Descendants<Column>().ToDictionary(c => (int)c.Min!.Value, c => c.Width!.Value);
            foreach (var row in rows)
            {
                foreach (var (cell, index) in row.Elements<Cell>().Select((c, i) => (c, i + 1)))
                {
                    if (cell.DataType?.Value is { } type && (type == CellValues.SharedString || type == CellValues.InlineString || type == CellValues.String))
                        Assert.True(widths[index] >= Ledger.DisplayWidth(Text(cell)), $"{sheet.Name} column {index} ({widths[index]}) is narrower than “{Text(cell)}”");
                }
            }
            var header = rows[0].Elements<Cell>().Select(Text).ToList();
            var date = header.IndexOf("完成时限");
            foreach (var row in rows.Skip(1).Where(_ => date >= 0))
            {
                var cell = row.Elements<Cell>().ElementAt(date);
                if (cell.CellValue is null || cell.CellValue.Text.Length == 0)
                    continue;
                // A number (Excel's date serial) with a date format, not the text of a date.
                Assert.True(double.TryParse(cell.CellValue.Text, System.Globalization.CultureInfo.InvariantCulture, out _), cell.CellValue.Text);
                var style = formats.CellFormats!.Elements<CellFormat>().ElementAt((int)cell.StyleIndex!.Value);
                var id = style.NumberFormatId!.Value;
                var code = formats.NumberingFormats?.Elements<NumberingFormat>().FirstOrDefault(f => f.NumberFormatId!.Value == id)?.FormatCode?.Value;
                Assert.True(id is >= 14 and <= 22 || code is not null && code.Contains("yy", StringComparison.OrdinalIgnoreCase), $"format {id} {code}");
            }
        }
    }

    [Fact]
    public void An_empty_list_is_a_sheet_with_its_header()
    {
        var report = Calculator.Calculate(Office, W47, EndOfW47, AllUnits, []);
        using var stream = new MemoryStream(Write(report));
        var rows = stream.Query(useHeaderRow: false, sheetName: "本周完成").Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(ReviewWorkbook.ItemColumns.Select(c => c.Header), rows.Single().Values.Select(Shown));
    }

    private static string Shown(object? value) => value switch
    {
        null => "",
        double d => d.ToString(System.Globalization.CultureInfo.InvariantCulture),
        decimal d => d.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
