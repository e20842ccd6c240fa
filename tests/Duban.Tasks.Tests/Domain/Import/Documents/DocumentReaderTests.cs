using System.Text;
using Duban.Tasks.Domain.Import;
using Duban.Tasks.Domain.Import.Documents;

namespace Duban.Tasks.Tests.Domain.Import.Documents;

public class DocumentReaderTests
{
    private static DocumentReading Read(byte[] bytes, string fileName = "") => DocumentReader.Read(new ImportDocument(bytes, fileName));

    [Fact]
    public void The_sample_table_saved_as_gbk_reads_as_the_same_table_as_its_utf8_text()
    {
        var text = Samples.Text(Samples.TableFile);
        // Named or not: the header decides.
        foreach (var name in new[] { "任务分解表.csv", "", "任务分解表.txt" })
        {
            var reading = Read(Samples.Gbk(text), name);
            Assert.Equal(DocumentKind.Csv, reading.Format);
            Assert.Equal("GB18030", reading.Encoding);
            Assert.Equal(Samples.Shape(TaskBreakdownTableParser.Parse(text)), Samples.Shape(reading.Result));
            Assert.Equal(text, reading.SourceText);
        }
    }

    [Fact]
    public void The_sample_outline_saved_as_gbk_reads_as_the_same_outline_as_its_utf8_text()
    {
        var text = Samples.Text(Samples.OutlineFile);
        var reading = Read(Samples.Gbk(text), "实施方案.txt");
        Assert.Equal(DocumentKind.Outline, reading.Format);
        Assert.Equal("GB18030", reading.Encoding);
        Assert.Equal(Samples.Shape(PlanOutlineParser.Parse(text)), Samples.Shape(reading.Result));
        Assert.Equal(PlanOutlineParser.Parse(text).Draft!.Title, reading.Result.Draft!.Title);
    }

    [Fact]
    public void Unicode_text_as_wps_saves_it_is_a_tab_separated_table()
    {
        var text = Samples.Text(Samples.TableFile);
        var tsv = string.Join("\n", DelimitedTextReader.Read(text, ',').Select(record => string.Join('\t', record.Fields)));
        var reading = Read([.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(tsv)], "任务分解表.txt");
        Assert.Equal(DocumentKind.Tsv, reading.Format);
        Assert.Equal("UTF-16LE", reading.Encoding);
        Assert.Equal(Samples.Shape(TaskBreakdownTableParser.Parse(text)), Samples.Shape(reading.Result));
    }

    [Fact]
    public void A_header_below_an_attachment_label_and_a_title_is_still_a_table_with_that_title()
    {
        var text = "附件1\n\nXX区贯彻落实《实施方案》任务分解表\n" + Samples.Text(Samples.TableFile);
        var reading = Read(Encoding.UTF8.GetBytes(text));
        Assert.Equal(DocumentKind.Csv, reading.Format);
        Assert.Equal("XX区贯彻落实《实施方案》任务分解表", reading.Result.Draft!.Title);
        Assert.Equal(5, reading.Result.Draft.Items[0].LineOrRow); // rows as the file numbers them: the header is row 4
    }

    [Fact]
    public void Text_that_is_neither_a_table_nor_an_outline_is_refused_on_the_document()
    {
        var reading = Read(Encoding.UTF8.GetBytes("会议纪要\n与会同志就港口建设进行了讨论，\n会议议定由交通局牵头落实。\n"), "纪要.txt");
        Assert.Null(reading.Format);
        var problem = Assert.Single(reading.Result.Problems);
        Assert.Equal(new ImportProblem(0, "document", problem.Message), problem);
        Assert.Contains("既不是任务分解表", problem.Message);
        Assert.Null(reading.Result.Draft);
    }

    [Fact]
    public void A_file_named_csv_without_a_header_reads_as_a_table_whose_missing_columns_are_named()
    {
        var reading = Read(Encoding.UTF8.GetBytes("任务,单位,时间\n推动港口转型升级,交通局,2026年9月底前\n"), "任务.csv");
        Assert.Equal(DocumentKind.Csv, reading.Format);
        Assert.Contains(reading.Result.Problems, p => p.Field == "牵头单位" && p.Message.Contains("缺少"));
    }

    [Fact]
    public void A_package_that_would_unpack_past_the_limit_is_refused_before_it_is_read()
    {
        // Half a gigabyte of zeros packs into about half a megabyte: a "zip bomb" dressed as a workbook.
        using var packed = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(packed, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var part in new[] { "[Content_Types].xml", "xl/workbook.xml" })
                using (var writer = new StreamWriter(zip.CreateEntry(part).Open()))
                    writer.Write("<x/>");
            using var sheet = zip.CreateEntry("xl/worksheets/sheet1.xml", System.IO.Compression.CompressionLevel.Fastest).Open();
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i <= DocumentReader.MaxUnpackedBytes / zeros.Length; i++)
                sheet.Write(zeros);
        }
        Assert.True(packed.Length < 5 * 1024 * 1024);
        var problem = Assert.Single(Read(packed.ToArray(), "任务分解表.xlsx").Result.Problems);
        Assert.Equal("document", problem.Field);
        Assert.Contains("超过可导入的 512 MB", problem.Message);
    }

    [Fact]
    public void A_package_of_more_parts_than_the_limit_is_refused()
    {
        using var packed = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(packed, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
            for (var i = 0; i <= DocumentReader.MaxParts; i++)
                zip.CreateEntry($"xl/part{i}.xml");
        var problem = Assert.Single(Read(packed.ToArray(), "任务分解表.xlsx").Result.Problems);
        Assert.Contains("10,001 个部件", problem.Message);
    }

    [Fact]
    public void Garbage_bytes_are_refused_on_the_document_and_empty_files_too()
    {
        var garbage = new byte[4096];
        new Random(20260301).NextBytes(garbage);
        var reading = Read(garbage, "任务分解表.csv");
        Assert.Null(reading.Format);
        Assert.Equal("document", Assert.Single(reading.Result.Problems).Field);
        Assert.Null(reading.Result.Draft);

        Assert.Equal("document", Assert.Single(Read([]).Result.Problems).Field);
    }
}
