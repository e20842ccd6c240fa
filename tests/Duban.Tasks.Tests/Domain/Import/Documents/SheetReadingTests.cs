using Duban.Tasks.Domain.Import;
using Duban.Tasks.Domain.Import.Documents;
using MiniExcelLibs;

namespace Duban.Tasks.Tests.Domain.Import.Documents;

public class SheetReadingTests
{
    private static DocumentReading Read(byte[] xlsx, string sheet = "") => DocumentReader.Read(new ImportDocument(xlsx, "任务分解表.xlsx", sheet));

    [Fact]
    public void The_sample_laid_out_in_excel_reads_as_the_same_table_as_its_text()
    {
        var sheet = Workbooks.SampleSheet();
        var reading = Read(Workbooks.Write(sheet));

        Assert.Equal((DocumentKind.Xlsx, ""), (reading.Format!.Value, reading.Encoding));
        var expected = TaskBreakdownTableParser.Parse(Workbooks.Csv(sheet));
        Assert.Equal(Samples.Shape(expected), Samples.Shape(reading.Result));
        Assert.Equal("贯彻落实《实施方案》任务分解表", reading.Result.Draft!.Title);
        // Rows as the sheet numbers them: the header is row 4.
        Assert.Equal(expected.Draft!.AllItems().Select(i => i.LineOrRow), reading.Result.Draft.AllItems().Select(i => i.LineOrRow));
        Assert.Equal(5, reading.Result.Draft.Items[0].LineOrRow);
    }

    [Fact]
    public void Merged_cells_read_as_their_value_repeated()
    {
        var items = Read(Workbooks.Write(Workbooks.SampleSheet())).Result.Draft!.Items;

        var port = items[0];
        Assert.Equal(("1", "推动港口转型升级"), (port.Numbering, port.Text));
        Assert.Equal(["1.1", "1.2", "1.3"], port.Children.Select(c => c.PathLabel));
        // D5:D6 merged: the second measure is led by 交通局 too.
        Assert.Equal(["交通局", "交通局", "经发局"], port.Children.Select(c => c.LeadUnits.Single().Text));
    }

    [Fact]
    public void Dates_read_as_the_sheet_shows_them_in_words_the_deadline_parser_reads()
    {
        var deadlines = Read(Workbooks.Write(Workbooks.SampleSheet())).Result.Draft!.AllItems()
            .Select(item => item.DeadlineText).ToHashSet();

        Assert.Contains("2026年12月15日", deadlines); // built-in 31, by number alone
        Assert.Contains("2026年4月", deadlines);       // built-in 57: the month, not its 1st day
        Assert.Contains("4月15日", deadlines);         // built-in 58
        Assert.Contains("2026年5月31日", deadlines);   // a custom yyyy/m/d
        Assert.DoesNotContain(deadlines, d => d is not null && double.TryParse(d, out _));
    }

    [Fact]
    public void Problems_name_the_rows_as_the_sheet_numbers_them()
    {
        var rows = new List<IReadOnlyList<object?>>
        {
            new object?[] { "附件2" },
            new object?[] { "序号", "重点任务", "牵头单位", "完成时限" },
            new object?[] { 1d, "推动港口转型升级", "交通局", new Dated(new DateOnly(2026, 6, 30), Workbooks.ChineseDate) },
            Array.Empty<object?>(),
            new object?[] { 2d, "推动产业转型重塑", null, "2026年12月底前" },
        };
        var reading = Read(Workbooks.Write(new TestSheet("Sheet1", rows, [])));

        Assert.Equal(new ImportProblem(5, "牵头单位", "“2”没有牵头单位"), Assert.Single(reading.Result.Problems));
    }

    [Fact]
    public void The_first_visible_sheet_is_read_unless_another_is_named()
    {
        var note = new TestSheet("填表说明", [new object?[] { "请按表头填写" }], [], Hidden: true);
        var first = new TestSheet("重点任务", [new object?[] { "重点任务", "牵头单位", "完成时限" }, new object?[] { "推动港口转型升级", "交通局", "2026年9月底前" }], []);
        var second = new TestSheet("宣传工作", [new object?[] { "重点任务", "牵头单位", "完成时限" }, new object?[] { "宣传发动", "宣传办", "2026年4月底前" }], []);
        var xlsx = Workbooks.Write(note, first, second);

        Assert.Equal("推动港口转型升级", Read(xlsx).Result.Draft!.Items.Single().Text);
        Assert.Equal("宣传发动", Read(xlsx, "宣传工作").Result.Draft!.Items.Single().Text);

        var missing = Read(xlsx, "汇总表");
        var problem = Assert.Single(missing.Result.Problems);
        Assert.Equal("sheet", problem.Field);
        Assert.Contains("重点任务、宣传工作", problem.Message);
    }

    [Fact]
    public void A_sheet_written_by_miniexcel_with_a_title_above_the_header_and_typed_cells_reads_too()
    {
        var rows = new List<Dictionary<string, object?>>
        {
            Row("XX区任务分解表", null, null, null),
            Row("序号", "重点任务", "牵头单位", "完成时限"),
            Row(1, "推动港口转型升级", "交通局", new DateTime(2026, 6, 30)),
            Row(2, "推动产业转型重塑", "经发局", "2026年12月底前"),
        };
        using var stream = new MemoryStream();
        stream.SaveAs(rows, printHeader: false);

        var draft = Read(stream.ToArray()).Result.Draft!;

        Assert.Equal("XX区任务分解表", draft.Title);
        Assert.Equal([("1", "2026年6月30日"), ("2", "2026年12月底前")], draft.Items.Select(i => (i.Numbering, i.DeadlineText)));

        static Dictionary<string, object?> Row(params object?[] cells) =>
            cells.Select((cell, i) => (Key: Workbooks.Column(i + 1), cell)).ToDictionary(c => c.Key, c => c.cell);
    }

    [Fact]
    public void A_zip_that_is_no_office_file_and_the_old_binary_formats_are_refused_on_the_document()
    {
        using var zip = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(zip, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
            using (var writer = new StreamWriter(archive.CreateEntry("任务分解表.csv").Open()))
                writer.Write(Samples.Text(Samples.TableFile));
        Assert.Contains("请解压", Assert.Single(Read(zip.ToArray()).Result.Problems).Message);

        byte[] xls = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0];
        var old = Assert.Single(Read(xls).Result.Problems);
        Assert.Equal("document", old.Field);
        Assert.Contains(".xls", old.Message);

        var damaged = Workbooks.Write(Workbooks.SampleSheet())[..2000];
        Assert.Equal("document", Assert.Single(Read(damaged).Result.Problems).Field);
    }
}

/// <summary>
/// Live memory is the process's: tests running beside this one would count as the reader's. The collection runs
/// alone, after the others.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurements
{
    public const string Name = "memory measurements";
}

[Collection(MemoryMeasurements.Name)]
public class SheetMemoryTests
{
    [Fact]
    public void A_sheet_of_100000_rows_is_read_row_by_row_in_flat_memory()
    {
        const int Rows = 100_000;
        using var stream = new MemoryStream();
        stream.SaveAs(Enumerable.Range(1, Rows).Select(i => new Dictionary<string, object?>
        {
            ["A"] = i, ["B"] = "推动港口转型升级", ["C"] = "加快集装箱、滚装、原油、液体化工、LNG等15个专业码头前期工作", ["D"] = "交通局",
            ["E"] = "经发局、住建局", ["F"] = "冯军", ["G"] = "2026年9月底前", ["H"] = "实施方案二（一）",
        }), printHeader: false);
        var xlsx = stream.ToArray();

        var before = GC.GetTotalMemory(forceFullCollection: true);
        var live = new List<long>();
        var read = 0;
        foreach (var row in SheetRows.Read(xlsx, "Sheet1"))
        {
            read++;
            Assert.Equal(read.ToString(), row.Fields[0]);
            if (read % 20_000 == 0)
                live.Add(GC.GetTotalMemory(forceFullCollection: true));
        }

        Assert.Equal(Rows, read);
        // Reading the sheet whole (a DataTable, a list of rows) would hold hundreds of bytes a row: tens of megabytes here.
        Assert.True(live.Max() - before < 16 * 1024 * 1024, $"live memory grew from {before:N0} to {live.Max():N0} bytes while reading");
    }
}
