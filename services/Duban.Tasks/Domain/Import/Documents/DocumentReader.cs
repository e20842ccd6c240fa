using System.IO.Compression;
using System.Runtime.InteropServices;

namespace Duban.Tasks.Domain.Import.Documents;

/// <summary>What a document was read as.</summary>
public enum DocumentKind
{
    Csv,
    Tsv,
    /// <summary>Text numbered 一、（一）1.（1）①.</summary>
    Outline,
    Xlsx,
    /// <summary>A .docx whose paragraphs are an outline.</summary>
    Docx,
    /// <summary>A .docx holding a 任务分解表 as a table.</summary>
    DocxTable,
}

/// <summary>A file as an office handed it over; <see cref="FileName"/> is a hint only; <see cref="Sheet"/> picks a sheet of an .xlsx.</summary>
public sealed record ImportDocument(ReadOnlyMemory<byte> Bytes, string FileName, string Sheet = "");

/// <summary>
/// What a document turned out to be and what the parser read from it. <see cref="Format"/> is null when the document is
/// nothing importable (its problem is then on the field "document"); <see cref="Encoding"/> is empty where the file format
/// carries its own. <see cref="SourceText"/> is the text the plan keeps as its source.
/// </summary>
public sealed record DocumentReading(DocumentKind? Format, string Encoding, ImportResult Result, string SourceText)
{
    /// <summary>The field the whole document's problems are reported on.</summary>
    public const string Field = "document";

    public static DocumentReading Refused(DocumentKind? format, string encoding, string message) =>
        new(format, encoding, new ImportResult { Problems = [new ImportProblem(0, Field, message)] }, "");
}

/// <summary>
/// Reads an office's file from its bytes, whatever it is called. A zip (PK\x03\x04) is an Office Open XML package: an .xlsx
/// when it holds xl/workbook.xml, whose first visible sheet (or the one asked for) is a 任务分解表; a .docx when it holds
/// word/document.xml, read as its first table that has a 任务分解表 header, else as an outline of its paragraphs (numbered by
/// hand or by Word's list numbering). Anything else is text,
/// decoded by <see cref="DocumentText"/>: a 任务分解表 when its first rows below any title are a table header, or when it is
/// named .csv or .tsv (the table parser then names the columns it misses); otherwise an outline when it has numbered lines,
/// and refused when it has neither.
/// </summary>
public static class DocumentReader
{
    /// <summary>
    /// The most a package may unpack to, and its most parts. A 100,000-row 任务分解表 unpacks to some 50 MB; a few hundred
    /// kilobytes that would unpack to gigabytes (a "zip bomb") are refused before anything is read. .NET reads no entry past
    /// the size it declares, so the declared sizes bound what reading costs.
    /// </summary>
    public const long MaxUnpackedBytes = 512L * 1024 * 1024;
    public const int MaxParts = 10_000;

    public static DocumentReading Read(ImportDocument document)
    {
        var bytes = document.Bytes.Span;
        if (bytes.IsEmpty)
            return DocumentReading.Refused(null, "", "文件为空");
        if (bytes.StartsWith("PK\x03\x04"u8))
            return ReadPackage(document);
        // The compound file of Office 97–2003 and WPS (.xls, .doc, .et, .wps), which also wraps password-protected .xlsx and .docx.
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]))
            return DocumentReading.Refused(null, "", "这是旧版 Office 或 WPS 文件（.xls、.doc、.et、.wps），或设有打开密码的文件，无法读取："
                + "请去掉密码，另存为 .xlsx 或 .docx 后再导入");
        if (bytes.StartsWith("%PDF"u8))
            return DocumentReading.Refused(null, "", "PDF 文件无法导入：请导入任务分解表（.xlsx、.csv）或方案原文（.docx、.txt）");
        return ReadText(DocumentText.Decode(bytes), Path.GetExtension(document.FileName));
    }

    private static DocumentReading ReadPackage(ImportDocument document)
    {
        string[] parts;
        long unpacked;
        try
        {
            using var zip = new ZipArchive(Streams.Of(document.Bytes), ZipArchiveMode.Read);
            parts = [.. zip.Entries.Select(entry => entry.FullName)];
            unpacked = zip.Entries.Sum(entry => entry.Length);
        }
        catch (InvalidDataException ex)
        {
            return DocumentReading.Refused(null, "", $"文件是 zip 压缩包，但已损坏：{ex.Message}");
        }
        if (parts.Length > MaxParts || unpacked > MaxUnpackedBytes)
            return DocumentReading.Refused(null, "", $"文件解压后有 {unpacked / 1024 / 1024:N0} MB、{parts.Length:N0} 个部件，超过可导入的 "
                + $"{MaxUnpackedBytes / 1024 / 1024:N0} MB、{MaxParts:N0} 个：请拆分后分批导入");
        if (!parts.Contains("[Content_Types].xml"))
            return DocumentReading.Refused(null, "", "文件是 zip 压缩包，不是 .xlsx 或 .docx：请解压后导入其中的文件");
        try
        {
            if (parts.Contains("xl/workbook.xml"))
                return ReadWorkbook(document);
            if (parts.Contains("word/document.xml"))
                return ReadWord(document);
        }
        // The bytes come from outside: the libraries fail on a damaged part in many ways, and each is the file's problem.
        catch (Exception ex) when (ex is not (OperationCanceledException or OutOfMemoryException))
        {
            return DocumentReading.Refused(null, "", $"无法读取文件（{ex.GetType().Name}：{ex.Message}）：请在 Excel 或 WPS 中打开并另存后再导入");
        }
        return DocumentReading.Refused(null, "", "文件是 Office 文件，但既不是 .xlsx 也不是 .docx（如 .pptx）");
    }

    private static DocumentReading ReadWorkbook(ImportDocument document)
    {
        var sheets = SheetRows.Sheets(document.Bytes);
        var sheet = document.Sheet.Length > 0 ? sheets.FirstOrDefault(s => s.Name == document.Sheet).Name
            : sheets.FirstOrDefault(s => s.Visible).Name ?? sheets.FirstOrDefault().Name;
        if (sheet is null)
            return new(DocumentKind.Xlsx, "", new ImportResult { Problems = [new ImportProblem(0, "sheet", document.Sheet.Length > 0
                ? $"没有名为“{document.Sheet}”的工作表（有：{string.Join("、", sheets.Select(s => s.Name))}）"
                : "工作簿中没有工作表")] }, "");
        // A sheet has no text of its own to keep, and writing one out would hold a large sheet twice.
        return new(DocumentKind.Xlsx, "", TaskBreakdownTableParser.Parse(SheetRows.Read(document.Bytes, sheet)), "");
    }

    private static DocumentReading ReadWord(ImportDocument document)
    {
        WordBody body;
        using (var stream = Streams.Of(document.Bytes))
            body = WordBody.Read(stream);
        var source = body.Source.ToString();
        if (body.Tables.FirstOrDefault(TaskBreakdownTableParser.StartsWithHeader) is { } table)
            return new(DocumentKind.DocxTable, "", TitledBy(TaskBreakdownTableParser.Parse(table), body.Lines), source);
        var outline = string.Join('\n', body.Lines);
        if (PlanOutlineParser.HasNumberedLine(outline))
            return new(DocumentKind.Docx, "", PlanOutlineParser.Parse(outline), source);
        return DocumentReading.Refused(null, "", "文件中既没有任务分解表（表头有“重点任务”“牵头单位”“完成时限”等列的表格），"
            + "也没有“一、（一）1.”这样编号的段落");
    }

    /// <summary>A table without a title row of its own takes the document's first paragraph (not an attachment label) as its title.</summary>
    private static ImportResult TitledBy(ImportResult table, IEnumerable<string> paragraphs)
    {
        if (table.Draft is not { Title: null } draft
            || paragraphs.Select(p => p.Trim()).FirstOrDefault(p => p.Length > 0 && !TaskBreakdownTableParser.IsAttachmentLabel(p)) is not { } title)
            return table;
        return new ImportResult { Draft = new PlanDraft { Title = title, Preamble = draft.Preamble, Items = draft.Items }, Problems = table.Problems };
    }

    private static DocumentReading ReadText(DecodedText decoded, string extension)
    {
        if (DocumentText.Problem(decoded) is { } problem)
            return DocumentReading.Refused(null, decoded.Encoding, problem);
        var text = decoded.Text;
        var delimiter = DelimitedTextReader.DetectDelimiter(text);
        var namedTable = extension.Equals(".csv", StringComparison.OrdinalIgnoreCase) || extension.Equals(".tsv", StringComparison.OrdinalIgnoreCase);
        if (namedTable || TaskBreakdownTableParser.StartsWithHeader(DelimitedTextReader.Read(text, delimiter)))
            return new(delimiter == '\t' ? DocumentKind.Tsv : DocumentKind.Csv, decoded.Encoding, TaskBreakdownTableParser.Parse(text), text);
        if (PlanOutlineParser.HasNumberedLine(text))
            return new(DocumentKind.Outline, decoded.Encoding, PlanOutlineParser.Parse(text), text);
        return DocumentReading.Refused(null, decoded.Encoding, $"按 {decoded.Encoding} 读取后既不是任务分解表（没有“序号、重点任务、牵头单位、"
            + "完成时限”这样的表头），也不是提纲（没有“一、（一）1.”这样编号的条目）");
    }
}

/// <summary>Streams over a document's bytes without copying them (they are the request's own buffer).</summary>
internal static class Streams
{
    public static MemoryStream Of(ReadOnlyMemory<byte> bytes) => MemoryMarshal.TryGetArray(bytes, out var segment)
        ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
        : new MemoryStream(bytes.ToArray(), writable: false);
}
