namespace Duban.Tasks.Domain.Import.Documents;

/// <summary>What a document was read as.</summary>
public enum DocumentFormat
{
    Csv,
    Tsv,
    /// <summary>Text numbered 一、（一）1.（1）①.</summary>
    Outline,
}

/// <summary>A file as an office handed it over; <see cref="FileName"/> is a hint only.</summary>
public sealed record ImportDocument(ReadOnlyMemory<byte> Bytes, string FileName);

/// <summary>
/// What a document turned out to be and what the parser read from it. <see cref="Format"/> is null when the document is
/// nothing importable (its problem is then on the field "document"); <see cref="Encoding"/> is empty where the file format
/// carries its own. <see cref="SourceText"/> is the text the plan keeps as its source.
/// </summary>
public sealed record DocumentReading(DocumentFormat? Format, string Encoding, ImportResult Result, string SourceText)
{
    /// <summary>The field the whole document's problems are reported on.</summary>
    public const string Field = "document";

    public static DocumentReading Refused(DocumentFormat? format, string encoding, string message) =>
        new(format, encoding, new ImportResult { Problems = [new ImportProblem(0, Field, message)] }, "");
}

/// <summary>
/// Reads an office's file from its bytes, whatever it is called: text is decoded (see <see cref="DocumentText"/>) and is a
/// 任务分解表 when its first rows below any title are a table header, or when it is named .csv or .tsv (the table parser
/// then names the columns it misses); otherwise an outline when it has numbered lines, and refused when it has neither.
/// </summary>
public static class DocumentReader
{
    public static DocumentReading Read(ImportDocument document)
    {
        var bytes = document.Bytes.Span;
        if (bytes.IsEmpty)
            return DocumentReading.Refused(null, "", "文件为空");
        return ReadText(DocumentText.Decode(bytes), Path.GetExtension(document.FileName));
    }

    private static DocumentReading ReadText(DecodedText decoded, string extension)
    {
        if (DocumentText.Problem(decoded) is { } problem)
            return DocumentReading.Refused(null, decoded.Encoding, problem);
        var text = decoded.Text;
        var delimiter = DelimitedTextReader.DetectDelimiter(text);
        var namedTable = extension.Equals(".csv", StringComparison.OrdinalIgnoreCase) || extension.Equals(".tsv", StringComparison.OrdinalIgnoreCase);
        if (namedTable || TaskBreakdownTableParser.StartsWithHeader(DelimitedTextReader.Read(text, delimiter)))
            return new(delimiter == '\t' ? DocumentFormat.Tsv : DocumentFormat.Csv, decoded.Encoding, TaskBreakdownTableParser.Parse(text), text);
        if (PlanOutlineParser.HasNumberedLine(text))
            return new(DocumentFormat.Outline, decoded.Encoding, PlanOutlineParser.Parse(text), text);
        return DocumentReading.Refused(null, decoded.Encoding, $"按 {decoded.Encoding} 读取后既不是任务分解表（没有“序号、重点任务、牵头单位、"
            + "完成时限”这样的表头），也不是提纲（没有“一、（一）1.”这样编号的条目）");
    }
}
