namespace Duban.Tasks.Domain.Import;

/// <summary>A parenthesised run of text: <see cref="Start"/> is the opening bracket, <see cref="Length"/> includes both brackets.</summary>
internal readonly record struct BracketGroup(int Start, int Length, string Inner);

/// <summary>Text handling that respects full-width and ASCII parentheses, which offices mix freely: "（牵头单位：各乡镇(街道)）".</summary>
internal static class BracketAwareText
{
    public static bool IsOpening(char c) => c is '（' or '(';

    public static bool IsClosing(char c) => c is '）' or ')';

    /// <summary>Trimmed, non-empty pieces of <paramref name="text"/> between separators that stand outside any parentheses.</summary>
    public static List<string> SplitOutsideBrackets(string text, Func<char, bool> isSeparator)
    {
        var pieces = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (IsOpening(c)) depth++;
            else if (IsClosing(c) && depth > 0) depth--;
            else if (depth == 0 && isSeparator(c))
            {
                AddTrimmed(pieces, text[start..i]);
                start = i + 1;
            }
        }
        AddTrimmed(pieces, text[start..]);
        return pieces;
    }

    /// <summary>The outermost balanced parenthesised groups, in order; an unbalanced bracket starts no group.</summary>
    public static List<BracketGroup> OutermostGroups(string text)
    {
        var groups = new List<BracketGroup>();
        var depth = 0;
        var start = -1;
        for (var i = 0; i < text.Length; i++)
        {
            if (IsOpening(text[i]))
            {
                if (depth++ == 0) start = i;
            }
            else if (IsClosing(text[i]) && depth > 0 && --depth == 0)
            {
                groups.Add(new BracketGroup(start, i - start + 1, text[(start + 1)..i]));
            }
        }
        return groups;
    }

    private static void AddTrimmed(List<string> pieces, string piece)
    {
        var trimmed = piece.Trim();
        if (trimmed.Length > 0) pieces.Add(trimmed);
    }
}
