using System.Text;
using Duban.Tasks.Domain.Import.Documents;

namespace Duban.Tasks.Tests.Domain.Import.Documents;

public class DocumentTextTests
{
    private const string Table = "序号,重点任务,牵头单位,完成时限\n1,推动港口转型升级,交通局,2026年9月底前\n";

    [Fact]
    public void Valid_utf8_without_a_byte_order_mark_is_utf8()
    {
        var decoded = DocumentText.Decode(Encoding.UTF8.GetBytes(Table));
        Assert.Equal(new DecodedText(Table, "UTF-8"), decoded);
        Assert.Null(DocumentText.Problem(decoded));
    }

    [Fact]
    public void A_byte_order_mark_decides_and_is_not_part_of_the_text()
    {
        Assert.Equal(new DecodedText(Table, "UTF-8"), DocumentText.Decode([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Table)]));
        Assert.Equal(new DecodedText(Table, "UTF-16LE"), DocumentText.Decode(Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(Table)).ToArray()));
        Assert.Equal(new DecodedText(Table, "UTF-16BE"),
            DocumentText.Decode(Encoding.BigEndianUnicode.GetPreamble().Concat(Encoding.BigEndianUnicode.GetBytes(Table)).ToArray()));
        Assert.Equal(new DecodedText(Table, "GB18030"), DocumentText.Decode([0x84, 0x31, 0x95, 0x33, .. Samples.Gbk(Table)]));
    }

    [Fact]
    public void Gbk_as_excel_saves_csv_on_chinese_windows_is_read_as_gb18030()
    {
        var text = Samples.Text(Samples.TableFile);
        var bytes = Samples.Gbk(text);
        Assert.NotEqual(Encoding.UTF8.GetBytes(text), bytes); // the sample is Chinese: its GBK bytes are not its UTF-8 bytes

        var decoded = DocumentText.Decode(bytes);
        Assert.Equal("GB18030", decoded.Encoding);
        Assert.Equal(text, decoded.Text);
        Assert.Null(DocumentText.Problem(decoded));
    }

    [Fact]
    public void Bytes_that_no_encoding_reads_are_a_problem_naming_the_line()
    {
        // GBK text, then 0x80 and 0xFF, which GB18030 has no character for.
        var decoded = DocumentText.Decode([.. Samples.Gbk("序号,重点任务\n第二行"), 0x80, 0xFF, (byte)'\n']);
        Assert.Equal("GB18030", decoded.Encoding);
        var problem = DocumentText.Problem(decoded);
        Assert.NotNull(problem);
        Assert.Contains("第2行", problem);
        Assert.Contains("无法识别", problem);
    }

    [Fact]
    public void Utf16_without_its_byte_order_mark_and_binary_files_are_not_text()
    {
        var decoded = DocumentText.Decode(Encoding.Unicode.GetBytes("序号,重点任务"));
        var problem = DocumentText.Problem(decoded);
        Assert.NotNull(problem);
        Assert.Contains("控制字符", problem);

        Assert.NotNull(DocumentText.Problem(DocumentText.Decode([0x00, 0x01, 0x02, 0x03, (byte)'a'])));
    }

    [Fact]
    public void A_replacement_character_left_by_an_earlier_conversion_is_a_problem_too()
    {
        var decoded = DocumentText.Decode(Encoding.UTF8.GetBytes("序号,重点任务\n1,推动\uFFFD\uFFFD转型\n"));
        Assert.Equal("UTF-8", decoded.Encoding);
        Assert.Contains("第2行", DocumentText.Problem(decoded));
    }

    [Fact]
    public void Tabs_line_breaks_and_characters_beyond_the_basic_plane_are_text()
    {
        var text = "序号\t重点任务\r\n1\t𠀀推动（\u3000）\n";
        Assert.Null(DocumentText.Problem(DocumentText.Decode(Encoding.UTF8.GetBytes(text))));
        Assert.Null(DocumentText.Problem(DocumentText.Decode(Samples.Gbk(text))));
    }
}
