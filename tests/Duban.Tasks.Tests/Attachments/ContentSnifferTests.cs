using System.IO.Compression;
using System.Text;
using Duban.Tasks.Domain.Attachments;

namespace Duban.Tasks.Tests.Attachments;

public class ContentSnifferTests
{
    private static (EvidenceType? Type, string? Problem) Detect(byte[] bytes) =>
        ContentSniffer.Detect(bytes.AsSpan(0, Math.Min(bytes.Length, ContentSniffer.HeadBytes)),
            bytes.AsSpan(Math.Max(0, bytes.Length - ContentSniffer.TailBytes)), bytes.Length, bytes.Contains((byte)0));

    private static byte[] Zip(params string[] entries)
    {
        var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var entry in entries)
                using (var writer = new StreamWriter(zip.CreateEntry(entry).Open()))
                    writer.Write("<x/>");
        return memory.ToArray();
    }

    [Fact]
    public void Office_packages_and_ofd_are_told_by_their_parts_and_other_zips_are_refused()
    {
        Assert.Same(ContentSniffer.Docx, Detect(Zip("[Content_Types].xml", "_rels/.rels", "word/document.xml")).Type);
        Assert.Same(ContentSniffer.Xlsx, Detect(Zip("[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml")).Type);
        Assert.Same(ContentSniffer.Ofd, Detect(Zip("OFD.xml", "Doc_0/Document.xml")).Type);
        var (type, problem) = Detect(Zip("setup.exe", "readme.txt"));
        Assert.Null(type);
        Assert.Contains("zip archive", problem);
    }

    [Fact]
    public void Images_pdf_and_old_office_files_are_told_by_their_magic_numbers()
    {
        Assert.Same(ContentSniffer.Pdf, Detect("%PDF-1.7\n"u8.ToArray()).Type);
        Assert.Same(ContentSniffer.Jpeg, Detect([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F']).Type);
        Assert.Same(ContentSniffer.Png, Detect(EvidenceUpload.Png).Type);
        Assert.Same(ContentSniffer.Gif, Detect("GIF89a\x01\0\x01\0"u8.ToArray()).Type);
        Assert.Same(ContentSniffer.Webp, Detect("RIFF\x24\0\0\0WEBPVP8 "u8.ToArray()).Type);
        Assert.Same(ContentSniffer.Heic, Detect([0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'h', (byte)'e', (byte)'i', (byte)'c']).Type);
        Assert.Same(ContentSniffer.Ole, Detect([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0]).Type);
    }

    [Fact]
    public void Programs_binary_data_and_empty_files_are_refused_and_text_is_read_as_utf8_or_gb18030()
    {
        Assert.Contains("program", Detect([(byte)'M', (byte)'Z', 0x90, 0]).Problem);
        Assert.Contains("program", Detect([0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1]).Problem);
        Assert.Null(Detect([1, 2, 3, 0, 5, 6]).Type);
        Assert.Equal("the file is empty", Detect([]).Problem);
        Assert.Same(ContentSniffer.Text, Detect(Encoding.UTF8.GetBytes("序号,事项\n1,承接清单\n")).Type);
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        Assert.Same(ContentSniffer.TextGb18030, Detect(Encoding.GetEncoding("GB18030").GetBytes("序号,事项\n1,承接清单\n")).Type);
    }

    [Theory]
    [InlineData("请示.PDF", "请示.PDF", null)]
    [InlineData("请示", "请示.pdf", null)]
    [InlineData("现场.jpg", "现场.jpg", "named .jpg")]
    public void The_name_must_end_as_the_bytes_are(string name, string kept, string? problem)
    {
        var (result, refused) = ContentSniffer.MatchName(name, ContentSniffer.Pdf);
        Assert.Equal(kept, result);
        if (problem is null)
            Assert.Null(refused);
        else
            Assert.Contains(problem, refused);
    }
}

public class EvidenceFileNameTests
{
    [Theory]
    [InlineData("C:\\Users\\办公室\\请示（2026）12号.pdf", "请示（2026）12号.pdf")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("现场\u202Egpj.exe", "现场gpj.exe")]
    [InlineData("  会议\t纪要?.docx. ", "会议纪要.docx")]
    [InlineData("a\u0000b\u001b[31m.txt", "ab[31m.txt")]
    public void Path_parts_controls_direction_overrides_and_reserved_characters_go_and_chinese_stays(string sent, string kept) =>
        Assert.Equal(kept, EvidenceFileName.Clean(sent));

    [Theory]
    [InlineData("..")]
    [InlineData("dir/")]
    [InlineData("\u202E")]
    public void A_name_of_nothing_is_no_name(string sent) => Assert.Null(EvidenceFileName.Clean(sent));

    [Fact]
    public void A_long_name_is_cut_before_its_ending()
    {
        var cleaned = EvidenceFileName.Clean(new string('证', 300) + ".pdf")!;
        Assert.Equal(EvidenceFileName.MaxLength, cleaned.Length);
        Assert.EndsWith("证.pdf", cleaned);
    }
}
