using System.Text;

namespace Duban.Tasks.Domain.Import;

/// <summary>
/// One record of a CSV or TSV file, or one row of a sheet or a Word table. <see cref="Row"/> is 1-based and counts records,
/// as a spreadsheet numbers its rows.
/// </summary>
public sealed record DelimitedRecord(int Row, IReadOnlyList<string> Fields, bool HasUnterminatedQuote)
{
    public bool IsBlank => Fields.All(string.IsNullOrWhiteSpace);
}

/// <summary>
/// Reads RFC 4180 text: fields in double quotes may hold delimiters, line breaks and doubled quotes ("");
/// records end at CRLF, LF or CR. TSV as exported by spreadsheets follows the same quoting with a tab delimiter.
/// Lenient where spreadsheets are sloppy: a quote inside an unquoted field, or text after a closing quote, is kept as written.
/// </summary>
public static class DelimitedTextReader
{
    private const char Quote = '"';
    private const char ByteOrderMark = '\uFEFF';

    /// <summary>
    /// Tab when the header line has at least as many tabs as commas (outside quotes), otherwise comma.
    /// The header line is the first line with either; a title line above the header has none.
    /// </summary>
    public static char DetectDelimiter(string text)
    {
        int commas = 0, tabs = 0;
        var inQuotes = false;
        foreach (var c in text.AsSpan(StartOfContent(text)))
        {
            if (c == Quote) inQuotes = !inQuotes;
            else if (inQuotes) continue;
            else if (c == ',') commas++;
            else if (c == '\t') tabs++;
            else if (c is '\r' or '\n' && commas + tabs > 0) break;
        }
        return tabs > 0 && tabs >= commas ? '\t' : ',';
    }

    public static IEnumerable<DelimitedRecord> Read(string text, char delimiter)
    {
        var position = StartOfContent(text);
        var row = 0;
        while (position < text.Length)
        {
            row++;
            yield return ReadRecord(text, delimiter, ref position, row);
        }
    }

    private static int StartOfContent(string text) => text.Length > 0 && text[0] == ByteOrderMark ? 1 : 0;

    private static DelimitedRecord ReadRecord(string text, char delimiter, ref int position, int row)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var inQuotes = false;
        var fieldStarted = false;
        while (position < text.Length)
        {
            var c = text[position++];
            if (inQuotes)
            {
                if (c != Quote) AppendNormalisingLineBreak(field, c, text, ref position);
                else if (position < text.Length && text[position] == Quote) { field.Append(Quote); position++; }
                else inQuotes = false;
            }
            else if (c == Quote && !fieldStarted) { inQuotes = true; fieldStarted = true; }
            else if (c == delimiter) { fields.Add(field.ToString()); field.Clear(); fieldStarted = false; }
            else if (c is '\r' or '\n')
            {
                if (c == '\r' && position < text.Length && text[position] == '\n') position++;
                fields.Add(field.ToString());
                return new DelimitedRecord(row, fields, HasUnterminatedQuote: false);
            }
            else { field.Append(c); fieldStarted = true; }
        }
        fields.Add(field.ToString());
        return new DelimitedRecord(row, fields, HasUnterminatedQuote: inQuotes);
    }

    /// <summary>Line breaks inside a quoted field become "\n" whatever the file used.</summary>
    private static void AppendNormalisingLineBreak(StringBuilder field, char c, string text, ref int position)
    {
        if (c != '\r') { field.Append(c); return; }
        if (position < text.Length && text[position] == '\n') position++;
        field.Append('\n');
    }
}
