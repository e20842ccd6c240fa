using System.Globalization;
using System.Text;

namespace Duban.Tasks.Domain.Attachments;

/// <summary>
/// A file's name as it is kept and offered for download: the last part of a path (a browser may send C:\…\请示.pdf),
/// without control characters, direction overrides (which make "exe.pdf" read backwards) or the characters no file
/// system takes, trimmed of spaces and dots, NFC, at most <see cref="MaxLength"/> characters with its ending kept.
/// Chinese and every other script are kept as they are.
/// </summary>
public static class EvidenceFileName
{
    public const int MaxLength = 200;

    /// <summary>The cleaned name, or null when nothing of a name is left.</summary>
    public static string? Clean(string sent)
    {
        var name = sent;
        var slash = name.LastIndexOfAny(['/', '\\']);
        if (slash >= 0)
            name = name[(slash + 1)..];
        var kept = new StringBuilder(name.Length);
        foreach (var rune in name.Normalize(NormalizationForm.FormC).EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
                continue;
            if (rune.Value is '<' or '>' or ':' or '"' or '|' or '?' or '*')
                continue;
            kept.Append(Rune.IsWhiteSpace(rune) ? " " : rune.ToString());
        }
        var cleaned = kept.ToString().Trim(' ', '.');
        if (cleaned.Length == 0)
            return null;
        if (cleaned.Length > MaxLength)
        {
            var extension = Path.GetExtension(cleaned);
            if (extension.Length > 20)
                extension = "";
            var stem = cleaned[..^extension.Length];
            var cut = MaxLength - extension.Length;
            // Never split a surrogate pair.
            if (char.IsHighSurrogate(stem[cut - 1]))
                cut--;
            cleaned = stem[..cut].TrimEnd(' ', '.') + extension;
        }
        return cleaned;
    }
}
