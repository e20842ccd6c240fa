using System.Text.RegularExpressions;

namespace Duban.Tasks.Domain.Import;

/// <summary>The numbering that opens an outline line: <see cref="Rank"/> 0 = 一、, 1 = （一）, 2 = 1., 3 = （1）, 4 = ①.</summary>
internal readonly record struct OutlineNumbering(int Rank, string Numbering, string Rest);

/// <summary>
/// Recognises the numbering styles of official documents (GB/T 9704: 一、（一）1.（1）, then ①), with the variants offices type:
/// "1、", "１．", "(1)" and "(一)" in ASCII parentheses. "1.5亿元" or "2023.6" are not numbering; "一是" is not either.
/// </summary>
internal static partial class OutlineNumberingStyle
{
    private static readonly Regex[] StylesByRank =
    [
        ChineseNumeral(),
        ChineseNumeralInParentheses(),
        Digits(),
        DigitsInParentheses(),
        CircledNumber(),
    ];

    public static bool TryRead(string line, out OutlineNumbering numbering)
    {
        for (var rank = 0; rank < StylesByRank.Length; rank++)
        {
            var match = StylesByRank[rank].Match(line);
            if (!match.Success) continue;
            var written = match.Groups["number"].Value.Replace(" ", "", StringComparison.Ordinal);
            numbering = new OutlineNumbering(rank, written, line[match.Length..].Trim());
            return true;
        }
        numbering = default;
        return false;
    }

    [GeneratedRegex(@"^(?<number>[一二三四五六七八九十百零〇]+)\s*[、．.]\s*")]
    private static partial Regex ChineseNumeral();

    [GeneratedRegex(@"^(?<number>[（(]\s*[一二三四五六七八九十百零〇]+\s*[）)])\s*[、．.]?\s*")]
    private static partial Regex ChineseNumeralInParentheses();

    [GeneratedRegex(@"^(?<number>[0-9０-９]+)\s*(?:、|[.．](?![0-9０-９]))\s*")]
    private static partial Regex Digits();

    [GeneratedRegex(@"^(?<number>[（(]\s*[0-9０-９]+\s*[）)])\s*[、．.]?\s*")]
    private static partial Regex DigitsInParentheses();

    [GeneratedRegex(@"^(?<number>[\u2460-\u2473\u3251-\u325F\u32B1-\u32BF])\s*[、．.]?\s*")]
    private static partial Regex CircledNumber();
}
