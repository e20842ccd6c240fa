using System.Text.RegularExpressions;

namespace Duban.Tasks.Domain.Import;

/// <summary>
/// Reads the units named in one cell or note value, e.g. "市财政局（牵头）、市发改委、各街道".
/// Names are separated by 、，,；;/ or spaces outside parentheses, so "各乡镇（街道、园区）" stays one name.
/// The first name is the lead unless others are marked 牵头 ("（牵头）", "(牵头)", or a trailing "牵头"): marked names move to
/// the front in their written order and lose the marker.
/// </summary>
internal static partial class UnitNameList
{
    public static IReadOnlyList<UnitRef> Parse(string text)
    {
        var marked = new List<UnitRef>();
        var unmarked = new List<UnitRef>();
        foreach (var written in BracketAwareText.SplitOutsideBrackets(text, IsNameSeparator))
        {
            var match = LeadMarker().Match(written);
            var name = match.Success ? match.Groups["name"].Value.Trim() : written;
            if (name.Length == 0) continue;
            (match.Success ? marked : unmarked).Add(new UnitRef(name));
        }
        return [.. marked, .. unmarked];
    }

    private static bool IsNameSeparator(char c) => c is '、' or '，' or ',' or '；' or ';' or '/' || char.IsWhiteSpace(c);

    [GeneratedRegex(@"^(?<name>.+?)\s*(?:[（(]\s*牵头(?:单位)?\s*[）)]|牵头)$")]
    private static partial Regex LeadMarker();
}
