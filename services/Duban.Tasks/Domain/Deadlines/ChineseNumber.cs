namespace Duban.Tasks.Domain.Deadlines;

/// <summary>Reads the small numbers found in deadlines: 6, 十二, 二十八, 两, 一百二十.</summary>
internal static class ChineseNumber
{
    public static bool TryParse(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        if (text.IsEmpty)
            return false;
        if (char.IsAsciiDigit(text[0]))
            return int.TryParse(text, out value);

        var total = 0;
        int? digit = null;
        foreach (var c in text)
        {
            if (c is '零' or '〇' && total > 0 && digit is null)
                continue; // a place-holder zero, as in 一百零五
            var d = c switch
            {
                '〇' => 0,
                '两' => 2,
                _ => "零一二三四五六七八九".IndexOf(c),
            };
            if (d >= 0)
            {
                if (digit is not null)
                    return false;
                digit = d;
            }
            else if (c is '十' or '百')
            {
                total += (digit ?? 1) * (c == '十' ? 10 : 100);
                digit = null;
            }
            else
            {
                return false;
            }
        }
        value = total + (digit ?? 0);
        return true;
    }
}
