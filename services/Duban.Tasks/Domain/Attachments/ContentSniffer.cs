using System.Text;
using Duban.Tasks.Domain.Import.Documents;

namespace Duban.Tasks.Domain.Attachments;

/// <summary>A kind of file evidence may be, with the name endings it goes by (the first one is added to a name without any).</summary>
public sealed record EvidenceType(string ContentType, string Label, params string[] Extensions);

/// <summary>
/// What a file is, read from its bytes: the first bytes (magic numbers), and for zip packages the names of their parts,
/// read from the central directory at the end of the file. A name proves nothing: an .exe renamed 请示.pdf starts with
/// "MZ" and is refused, whatever it is called.
/// </summary>
public static class ContentSniffer
{
    public static readonly EvidenceType Pdf = new("application/pdf", "PDF", ".pdf");
    public static readonly EvidenceType Docx = new("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word (.docx)", ".docx");
    public static readonly EvidenceType Xlsx = new("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel (.xlsx)", ".xlsx");
    public static readonly EvidenceType Pptx = new("application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint (.pptx)", ".pptx");
    /// <summary>OFD, the national standard for fixed-layout documents (GB/T 33190): a zip holding OFD.xml.</summary>
    public static readonly EvidenceType Ofd = new("application/ofd", "OFD", ".ofd");
    /// <summary>Office 97–2003 and WPS files share one container (OLE2); the name's ending tells a .doc from an .xls.</summary>
    public static readonly EvidenceType Ole = new("application/x-ole-storage", "Office 97–2003 / WPS", ".doc", ".xls", ".ppt", ".wps", ".et");
    public static readonly EvidenceType Jpeg = new("image/jpeg", "JPEG", ".jpg", ".jpeg");
    public static readonly EvidenceType Png = new("image/png", "PNG", ".png");
    public static readonly EvidenceType Gif = new("image/gif", "GIF", ".gif");
    public static readonly EvidenceType Webp = new("image/webp", "WebP", ".webp");
    public static readonly EvidenceType Heic = new("image/heic", "HEIC", ".heic", ".heif");
    public static readonly EvidenceType Text = new("text/plain; charset=utf-8", "text", ".txt", ".csv", ".md");
    public static readonly EvidenceType TextGb18030 = new("text/plain; charset=gb18030", "text (GB18030)", ".txt", ".csv", ".md");

    /// <summary>The bytes needed from the start of a file to tell its kind.</summary>
    public const int HeadBytes = 64 * 1024;

    /// <summary>The bytes kept from the end of a file to read a zip's central directory; a package with a larger one is refused.</summary>
    public const int TailBytes = 1024 * 1024;

    public static readonly IReadOnlyList<string> Accepted =
        ["PDF", "Word/Excel/PowerPoint (.docx .xlsx .pptx; .doc .xls .ppt .wps .et)", "OFD", "JPEG", "PNG", "GIF", "WebP", "HEIC", "text (.txt .csv .md, UTF-8 or GB18030)"];

    /// <summary>
    /// The file's type, or why it is refused. <paramref name="head"/> is its first bytes (up to <see cref="HeadBytes"/>),
    /// <paramref name="tail"/> its last (up to <see cref="TailBytes"/>); <paramref name="hasNul"/> whether any byte was 0.
    /// </summary>
    public static (EvidenceType? Type, string? Problem) Detect(ReadOnlySpan<byte> head, ReadOnlySpan<byte> tail, long size, bool hasNul)
    {
        if (size == 0)
            return (null, "the file is empty");
        if (head.StartsWith("%PDF-"u8))
            return (Pdf, null);
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
            return (Jpeg, null);
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
            return (Png, null);
        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
            return (Gif, null);
        if (head.Length >= 12 && head[..4].SequenceEqual("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
            return (Webp, null);
        if (head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8) && IsHeicBrand(head[8..12]))
            return (Heic, null);
        if (head.StartsWith((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]))
            return (Ole, null);
        if (head.StartsWith("PK\x03\x04"u8))
            return Package(tail);
        if (head.StartsWith("MZ"u8) || head.StartsWith((ReadOnlySpan<byte>)[0x7F, 0x45, 0x4C, 0x46]))
            return (null, "the file is a program (an executable), not a document or a photo");
        if (!hasNul && IsText(head, size <= head.Length) is { } text)
            return (text, null);
        return (null, "the file's bytes are none of the kinds evidence may be: " + string.Join(", ", Accepted));
    }

    /// <summary>Whether the name's ending suits the type; a name without an ending gets the type's first.</summary>
    public static (string Name, string? Problem) MatchName(string name, EvidenceType type)
    {
        var extension = Path.GetExtension(name).ToLowerInvariant();
        if (extension.Length == 0)
            return (name + type.Extensions[0], null);
        if (type.Extensions.Contains(extension))
            return (name, null);
        return (name, $"the file is {type.Label} but is named {extension}: name it {string.Join(" or ", type.Extensions)}");
    }

    private static bool IsHeicBrand(ReadOnlySpan<byte> brand) =>
        brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("mif1"u8) || brand.SequenceEqual("msf1"u8)
        || brand.SequenceEqual("heif"u8) || brand.SequenceEqual("hevc"u8);

    /// <summary>A zip is evidence only as an Office Open XML document or an OFD; its part names come from the central directory.</summary>
    private static (EvidenceType?, string?) Package(ReadOnlySpan<byte> tail)
    {
        var names = ZipDirectory.EntryNames(tail);
        if (names is null)
            return (null, "the file is a zip archive whose directory cannot be read (damaged, or over 1 MB of directory)");
        var set = names.ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (set.Contains("[Content_Types].xml"))
        {
            if (set.Contains("word/document.xml"))
                return (Docx, null);
            if (set.Contains("xl/workbook.xml"))
                return (Xlsx, null);
            if (set.Contains("ppt/presentation.xml"))
                return (Pptx, null);
        }
        if (set.Contains("OFD.xml"))
            return (Ofd, null);
        return (null, "the file is a zip archive, not an Office document or an OFD: archives are not accepted as evidence, send their files one by one");
    }

    /// <summary>
    /// Text as the import reads it (<see cref="DocumentText"/>): UTF-8, else GB18030, with no control characters but line
    /// breaks and tabs, as far as the head goes. UTF-16 is refused: its NUL bytes cannot be told from a binary file's.
    /// </summary>
    private static EvidenceType? IsText(ReadOnlySpan<byte> head, bool whole)
    {
        var sample = head;
        if (!whole)
        {
            // The head may end inside a character: drop the bytes of a sequence cut short (UTF-8: up to 3; GB18030: up to 3).
            var cut = sample.Length;
            while (cut > 0 && sample.Length - cut < 3 && sample[cut - 1] >= 0x80)
                cut--;
            sample = sample[..cut];
        }
        var decoded = DocumentText.Decode(sample);
        if (decoded.Encoding is not ("UTF-8" or "GB18030") || DocumentText.Problem(decoded) is not null)
            return null;
        return decoded.Encoding == "UTF-8" ? Text : TextGb18030;
    }
}

/// <summary>The names of a zip's entries, from its central directory found through the end-of-central-directory record.</summary>
internal static class ZipDirectory
{
    public static List<string>? EntryNames(ReadOnlySpan<byte> tail)
    {
        // The end record is 22 bytes plus a comment of up to 65,535 bytes.
        var end = -1;
        for (var i = tail.Length - 22; i >= 0 && i >= tail.Length - 22 - 65535; i--)
            if (tail[i] == 0x50 && tail[i + 1] == 0x4B && tail[i + 2] == 0x05 && tail[i + 3] == 0x06)
            {
                end = i;
                break;
            }
        if (end < 0)
            return null;
        var entries = BitConverter.ToUInt16(tail[(end + 10)..(end + 12)]);
        var directorySize = BitConverter.ToUInt32(tail[(end + 12)..(end + 16)]);
        // The directory sits just before the end record (zip64 packages, which Office files never need, are refused).
        var start = end - (long)directorySize;
        if (start < 0)
            return null;
        var names = new List<string>(entries);
        var at = (int)start;
        for (var n = 0; n < entries; n++)
        {
            if (at + 46 > end || !tail[at..(at + 4)].SequenceEqual((ReadOnlySpan<byte>)[0x50, 0x4B, 0x01, 0x02]))
                return null;
            var nameLength = BitConverter.ToUInt16(tail[(at + 28)..(at + 30)]);
            var extraLength = BitConverter.ToUInt16(tail[(at + 30)..(at + 32)]);
            var commentLength = BitConverter.ToUInt16(tail[(at + 32)..(at + 34)]);
            if (at + 46 + nameLength > end)
                return null;
            names.Add(Encoding.UTF8.GetString(tail[(at + 46)..(at + 46 + nameLength)]));
            at += 46 + nameLength + extraLength + commentLength;
        }
        return names;
    }
}
