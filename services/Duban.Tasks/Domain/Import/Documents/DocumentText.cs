using System.Buffers;
using System.Text;

namespace Duban.Tasks.Domain.Import.Documents;

/// <summary>A document's text and the encoding it was read in ("UTF-8", "UTF-16LE", "UTF-16BE", "GB18030").</summary>
public sealed record DecodedText(string Text, string Encoding);

/// <summary>
/// Decodes a text file as offices hand them over. A byte order mark decides (UTF-8, UTF-16 LE or BE, GB18030's own); without
/// one, bytes that are valid UTF-8 are UTF-8, and anything else is GB18030 — the superset of GBK and GB2312 that Excel and WPS
/// write when they save CSV on Chinese Windows. Chinese text in GBK is practically never valid UTF-8, so the order is safe.
/// </summary>
public static class DocumentText
{
    /// <summary>
    /// The replacement character, and the control characters other than line breaks and tabs: what the request validator
    /// refuses in table_text and outline_text (decoders leave no lone surrogates, they replace them).
    /// </summary>
    private static readonly SearchValues<char> Unreadable = SearchValues.Create(
        [.. Enumerable.Range(0, 0xA0).Select(c => (char)c).Where(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')), '\uFFFD']);

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // Code-page encodings replace undecodable bytes with "?" by default, which would pass for text; U+FFFD is caught below.
    private static readonly Lazy<Encoding> Gb18030 = new(() =>
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding("GB18030", EncoderFallback.ExceptionFallback, new DecoderReplacementFallback("\uFFFD"));
    });

    public static DecodedText Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            return new(Encoding.UTF8.GetString(bytes[3..]), "UTF-8");
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
            return new(Encoding.Unicode.GetString(bytes[2..]), "UTF-16LE");
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
            return new(Encoding.BigEndianUnicode.GetString(bytes[2..]), "UTF-16BE");
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x84, 0x31, 0x95, 0x33]))
            return new(Gb18030.Value.GetString(bytes[4..]), "GB18030");
        try
        {
            return new(StrictUtf8.GetString(bytes), "UTF-8");
        }
        catch (DecoderFallbackException)
        {
            return new(Gb18030.Value.GetString(bytes), "GB18030");
        }
    }

    /// <summary>
    /// Why the decoded text is not a document's text, or null: bytes the encoding could not decode (U+FFFD, also when an
    /// earlier conversion already left one in valid UTF-8), or NUL and other control characters, which no table or outline
    /// holds — they mark a binary file, or UTF-16 saved without its byte order mark.
    /// </summary>
    public static string? Problem(DecodedText decoded)
    {
        var text = decoded.Text;
        var index = text.AsSpan().IndexOfAny(Unreadable);
        if (index < 0)
            return null;
        var line = 1 + text.AsSpan(0, index).Count('\n');
        return text[index] == '\uFFFD'
            ? $"按 {decoded.Encoding} 读取时第{line}行有无法识别的字符：文件不是 UTF-8、带 BOM 的 UTF-16 或 GB18030（GBK）文本，"
                + "请另存为“CSV UTF-8”或 .xlsx 后再导入"
            : $"按 {decoded.Encoding} 读取时第{line}行有 NUL 或其他控制字符：这不是文本文件（UTF-16 文本须带 BOM）";
    }
}
