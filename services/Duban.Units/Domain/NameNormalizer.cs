using System.Globalization;
using System.Text;

namespace Duban.Units.Domain;

/// <summary>
/// How names are compared: NFKC (full-width letters and digits become ASCII), no white space or
/// punctuation that offices add freely (、·“”《》()（）), lower case.
/// </summary>
public static class NameNormalizer
{
    public static string Normalize(string text)
    {
        var folded = text.Normalize(NormalizationForm.FormKC);
        var builder = new StringBuilder(folded.Length);
        foreach (var ch in folded)
        {
            var category = char.GetUnicodeCategory(ch);
            if (char.IsWhiteSpace(ch) || category is UnicodeCategory.OtherPunctuation or UnicodeCategory.OpenPunctuation
                    or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
                    or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.DashPunctuation)
                continue;
            builder.Append(char.ToLowerInvariant(ch));
        }
        return builder.ToString();
    }
}
