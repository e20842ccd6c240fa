using System.Text;

namespace Duban.Cli.Output;

/// <summary>A plain-text table whose columns line up in a terminal even with Chinese text (two cells per character).</summary>
public sealed class Table(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public Table Add(params object?[] cells)
    {
        _rows.Add(cells.Select(c => c?.ToString() ?? "").ToArray());
        return this;
    }

    public void WriteTo(TextWriter output)
    {
        var widths = headers.Select((h, i) => _rows.Select(r => Width(r[i])).Append(Width(h)).Max()).ToArray();
        output.WriteLine(Line(headers, widths));
        output.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in _rows)
            output.WriteLine(Line(row, widths));
    }

    private static string Line(IReadOnlyList<string> cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var i = 0; i < cells.Count; i++)
        {
            line.Append(cells[i]);
            if (i < cells.Count - 1)
                line.Append(' ', widths[i] - Width(cells[i]) + 2);
        }
        return line.ToString().TrimEnd();
    }

    /// <summary>Terminal cells a text takes: East Asian wide and full-width characters take two.</summary>
    public static int Width(string text)
    {
        var width = 0;
        foreach (var rune in text.EnumerateRunes())
            width += rune.Value < 32 ? 0 : IsWide(rune.Value) ? 2 : 1;
        return width;
    }

    private static bool IsWide(int c) =>
        c is >= 0x1100 and <= 0x115F           // Hangul Jamo
            or >= 0x2E80 and <= 0x303E         // CJK radicals and punctuation
            or >= 0x3041 and <= 0x33FF         // kana, CJK symbols
            or >= 0x3400 and <= 0x4DBF         // CJK extension A
            or >= 0x4E00 and <= 0x9FFF         // CJK unified ideographs
            or >= 0xA000 and <= 0xA4CF
            or >= 0xAC00 and <= 0xD7A3         // Hangul syllables
            or >= 0xF900 and <= 0xFAFF         // CJK compatibility ideographs
            or >= 0xFE30 and <= 0xFE4F         // CJK compatibility forms
            or >= 0xFF00 and <= 0xFF60         // full-width forms
            or >= 0xFFE0 and <= 0xFFE6
            or >= 0x1F300 and <= 0x1F64F       // emoji, such as the lights
            or >= 0x1F7E0 and <= 0x1F7EB
            or >= 0x20000 and <= 0x3FFFD;      // CJK extensions B and later
}
