using Duban.Tasks.Domain.Import;
using Xunit;

namespace Duban.Tasks.Tests.Domain.Import;

public class DelimitedTextReaderTests
{
    [Fact]
    public void Quoted_fields_keep_commas_doubled_quotes_and_line_breaks()
    {
        var text = "序号,具体措施,牵头单位\r\n1,\"开专栏、做专题,推专访\",\"工业园区宣传办\r\n工业园区经发局\"\r\n2,\"制定“宣传”方案，称为\"\"方案A\"\"\",宣传办\r\n";

        var records = DelimitedTextReader.Read(text, ',').ToList();

        Assert.Equal(3, records.Count);
        Assert.Equal(["1", "开专栏、做专题,推专访", "工业园区宣传办\n工业园区经发局"], records[1].Fields);
        Assert.Equal("制定“宣传”方案，称为\"方案A\"", records[2].Fields[1]);
        Assert.Equal([1, 2, 3], records.Select(record => record.Row));
    }

    [Fact]
    public void A_byte_order_mark_is_not_part_of_the_first_header()
    {
        var records = DelimitedTextReader.Read("\uFEFF序号,重点任务\n1,任务", ',').ToList();

        Assert.Equal("序号", records[0].Fields[0]);
        Assert.Equal(["1", "任务"], records[1].Fields);
    }

    [Fact]
    public void Blank_lines_count_as_rows_and_lone_carriage_returns_end_records()
    {
        var records = DelimitedTextReader.Read("a,b\n\nc,d\re,f", ',').ToList();

        Assert.Equal([1, 2, 3, 4], records.Select(record => record.Row));
        Assert.True(records[1].IsBlank);
        Assert.Equal(["e", "f"], records[3].Fields);
    }

    [Fact]
    public void Empty_fields_are_kept_in_place()
    {
        var record = DelimitedTextReader.Read(",,x,\"\",", ',').Single();

        Assert.Equal(["", "", "x", "", ""], record.Fields);
        Assert.False(record.IsBlank);
    }

    [Fact]
    public void An_unterminated_quote_is_flagged_on_the_record_where_it_starts()
    {
        var records = DelimitedTextReader.Read("a,b\n1,\"never closed\n2,x\n", ',').ToList();

        Assert.Equal(2, records.Count);
        Assert.True(records[1].HasUnterminatedQuote);
        Assert.Equal(2, records[1].Row);
        Assert.False(records[0].HasUnterminatedQuote);
    }

    [Fact]
    public void A_quote_inside_an_unquoted_field_is_kept_as_written()
    {
        var record = DelimitedTextReader.Read("5\"寸,b", ',').Single();

        Assert.Equal(["5\"寸", "b"], record.Fields);
    }

    [Fact]
    public void Tabs_are_read_as_the_delimiter_of_a_tsv_file()
    {
        var text = "序号\t具体措施\t牵头单位\n1\t\"含\t制表符\"\t财政局";

        Assert.Equal('\t', DelimitedTextReader.DetectDelimiter(text));
        Assert.Equal(["1", "含\t制表符", "财政局"], DelimitedTextReader.Read(text, '\t').Last().Fields);
    }

    [Theory]
    [InlineData("序号,重点任务,牵头单位\n1\t2\t3\t4", ',')]
    [InlineData("\"序号,备注\"\t重点任务\t牵头单位", '\t')]
    [InlineData("\uFEFF序号\t重点任务,说明\t牵头单位", '\t')]
    [InlineData("任务分解表\n序号\t重点任务\t牵头单位", '\t')]
    [InlineData("仅一列", ',')]
    public void The_delimiter_is_detected_from_the_header_line(string text, char expected)
    {
        Assert.Equal(expected, DelimitedTextReader.DetectDelimiter(text));
    }
}
