using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Duban.Tasks.Domain.Import.Documents;

/// <summary>
/// The numbers Word draws in front of list paragraphs (w:numPr, directly or through the paragraph's style), computed from the
/// numbering definitions as Word counts them, paragraph by paragraph in document order: each abstract list keeps a counter
/// per level, a level starts at its start value, and a deeper level starts again after a shallower one is used (unless
/// w:lvlRestart says otherwise); a list instance with w:startOverride starts its levels again. The label is the level's
/// w:lvlText with %1…%9 replaced by the levels' numbers in their formats: "%1、" → 一、, "（%1）" → （一）, "%3." → 1.
/// </summary>
internal sealed class WordNumbering
{
    private const int Levels = 9;

    private readonly Dictionary<int, NumberingInstance> _instances;
    private readonly Dictionary<int, AbstractNum> _abstracts;
    private readonly Dictionary<string, Style> _styles;
    private readonly string? _defaultStyle;
    private readonly Dictionary<int, int?[]> _counters = [];
    private readonly HashSet<int> _instancesSeen = [];

    public WordNumbering(MainDocumentPart document)
    {
        var numbering = document.NumberingDefinitionsPart?.Numbering;
        _instances = numbering?.Elements<NumberingInstance>().Where(n => n.NumberID?.Value is not null)
            .GroupBy(n => n.NumberID!.Value).ToDictionary(g => g.Key, g => g.Last()) ?? [];
        _abstracts = numbering?.Elements<AbstractNum>().Where(a => a.AbstractNumberId?.Value is not null)
            .GroupBy(a => a.AbstractNumberId!.Value).ToDictionary(g => g.Key, g => g.Last()) ?? [];
        var styles = document.StyleDefinitionsPart?.Styles?.Elements<Style>().Where(s => s.StyleId?.Value is not null).ToList() ?? [];
        _styles = styles.GroupBy(s => s.StyleId!.Value!).ToDictionary(g => g.Key, g => g.First());
        _defaultStyle = styles.FirstOrDefault(s => s.Type?.Value == StyleValues.Paragraph && s.Default?.Value == true)?.StyleId?.Value;
    }

    /// <summary>The label Word shows before the paragraph, with the space or tab after it, or "" when it shows none.</summary>
    public string Label(Paragraph paragraph)
    {
        var styleId = paragraph.ParagraphProperties?.ParagraphStyleId?.Val?.Value ?? _defaultStyle;
        var direct = paragraph.ParagraphProperties?.NumberingProperties;
        var (numId, level) = (direct?.NumberingId?.Val?.Value, direct?.NumberingLevelReference?.Val?.Value);
        if (numId is null && StyleNumbering(styleId) is { } fromStyle)
            (numId, level) = (fromStyle.NumId, level ?? fromStyle.Level);
        if (numId is not { } id || id == 0 || !_instances.TryGetValue(id, out var instance) || Abstract(instance) is not { } abstractNum)
            return "";
        var abstractId = abstractNum.AbstractNumberId!.Value;
        var ilvl = Math.Clamp(level ?? LevelOfStyle(abstractNum, styleId) ?? 0, 0, Levels - 1);

        var counters = _counters.TryGetValue(abstractId, out var kept) ? kept : _counters[abstractId] = new int?[Levels];
        if (_instancesSeen.Add(id))
            foreach (var over in instance.Elements<LevelOverride>())
                if (over.StartOverrideNumberingValue?.Val?.Value is { } start && over.LevelIndex?.Value is { } overridden and >= 0 and < Levels)
                    counters[overridden] = start - 1;
        var definition = LevelOf(abstractNum, instance, ilvl);
        counters[ilvl] = counters[ilvl] is { } current ? current + 1 : Start(definition);
        for (var deeper = ilvl + 1; deeper < Levels; deeper++)
        {
            var restartAfter = LevelOf(abstractNum, instance, deeper)?.LevelRestart?.Val?.Value ?? deeper;
            if (restartAfter != 0 && ilvl < restartAfter)
                counters[deeper] = null;
        }

        var format = Format(definition);
        if (format == "bullet")
            return "";
        // w:isLgl: every number of the label in decimal, whatever the levels' own formats.
        var legal = definition?.IsLegalNumberingStyle is { } isLegal && (isLegal.Val?.Value ?? true);
        var text = definition?.LevelText?.Val?.Value ?? "";
        var label = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%' && i + 1 < text.Length && text[i + 1] is >= '1' and <= '9')
            {
                var referenced = text[++i] - '1';
                var levelDefinition = LevelOf(abstractNum, instance, referenced);
                var value = counters[referenced] ?? Start(levelDefinition);
                label.Append(Formatted(value, legal ? "decimal" : Format(levelDefinition)));
            }
            else
                label.Append(text[i]);
        }
        if (label.Length > 0 && definition?.LevelSuffix?.Val?.InnerText != "nothing")
            label.Append(' ');
        return label.ToString();
    }

    /// <summary>A number in one of Word's formats; formats not listed are written as decimal numbers.</summary>
    public static string Formatted(int value, string format) => format switch
    {
        "none" => "",
        "decimalZero" => value.ToString("00", CultureInfo.InvariantCulture),
        "decimalFullWidth" or "decimalFullWidth2" => string.Concat(value.ToString(CultureInfo.InvariantCulture).Select(d => (char)(d - '0' + '０'))),
        "chineseCounting" => ChineseCounting(value),
        "chineseCountingThousand" => ChineseCountingThousand(value),
        "ideographTraditional" when value is >= 1 and <= 10 => "甲乙丙丁戊己庚辛壬癸"[value - 1].ToString(),
        "ideographZodiac" when value is >= 1 and <= 12 => "子丑寅卯辰巳午未申酉戌亥"[value - 1].ToString(),
        "decimalEnclosedCircle" or "decimalEnclosedCircleChinese" when value is >= 1 and <= 20 => ((char)('①' + value - 1)).ToString(),
        "lowerLetter" when value >= 1 => new string((char)('a' + (value - 1) % 26), (value - 1) / 26 + 1),
        "upperLetter" when value >= 1 => new string((char)('A' + (value - 1) % 26), (value - 1) / 26 + 1),
        "lowerRoman" when value is >= 1 and < 4000 => Roman(value).ToLowerInvariant(),
        "upperRoman" when value is >= 1 and < 4000 => Roman(value),
        _ => value.ToString(CultureInfo.InvariantCulture),
    };

    private const string Digits = "〇一二三四五六七八九";

    /// <summary>一 … 十, 十一, 二十一; from 100 digit by digit (一〇一), as Word writes chineseCounting.</summary>
    private static string ChineseCounting(int value) => value switch
    {
        < 1 => value.ToString(CultureInfo.InvariantCulture),
        < 10 => Digits[value].ToString(),
        < 100 => (value / 10 == 1 ? "" : Digits[value / 10].ToString()) + "十" + (value % 10 == 0 ? "" : Digits[value % 10].ToString()),
        < 10000 => string.Concat(value.ToString(CultureInfo.InvariantCulture).Select(d => Digits[d - '0'])),
        _ => value.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>一 … 十, 十一, 一百零一, 一千零一十: counted in 十, 百 and 千, as Word writes chineseCountingThousand.</summary>
    private static string ChineseCountingThousand(int value)
    {
        if (value is < 1 or >= 10000)
            return value.ToString(CultureInfo.InvariantCulture);
        if (value < 20)
            return value < 10 ? Digits[value].ToString() : "十" + (value == 10 ? "" : Digits[value - 10].ToString());
        var text = new StringBuilder();
        var zero = false;
        foreach (var (unit, name) in new[] { (1000, "千"), (100, "百"), (10, "十"), (1, "") })
        {
            var digit = value / unit % 10;
            if (digit == 0)
            {
                zero = text.Length > 0;
                continue;
            }
            if (zero)
                text.Append('零');
            zero = false;
            text.Append(Digits[digit]).Append(name);
        }
        return text.ToString();
    }

    private static string Roman(int value)
    {
        var text = new StringBuilder();
        foreach (var (number, numeral) in new[] { (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
                     (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I") })
            for (; value >= number; value -= number)
                text.Append(numeral);
        return text.ToString();
    }

    private static string Format(Level? level) => level?.NumberingFormat?.Val?.InnerText ?? "decimal";

    // The spec's default start is 0; Word writes w:start on every level it makes.
    private static int Start(Level? level) => level?.StartNumberingValue?.Val?.Value ?? 0;

    /// <summary>The level's definition: the instance's override when it redefines the level, else the abstract list's.</summary>
    private static Level? LevelOf(AbstractNum abstractNum, NumberingInstance instance, int ilvl) =>
        instance.Elements<LevelOverride>().FirstOrDefault(o => o.LevelIndex?.Value == ilvl)?.GetFirstChild<Level>()
        ?? abstractNum.Elements<Level>().FirstOrDefault(l => l.LevelIndex?.Value == ilvl);

    /// <summary>The abstract list an instance uses, through a numbering style's link when the list is defined by a style.</summary>
    private AbstractNum? Abstract(NumberingInstance instance, int depth = 0)
    {
        if (instance.AbstractNumId?.Val?.Value is not { } abstractId || !_abstracts.TryGetValue(abstractId, out var abstractNum))
            return null;
        if (depth < 3 && abstractNum.GetFirstChild<NumberingStyleLink>()?.Val?.Value is { } link
            && StyleNumbering(link) is { NumId: var linked } && _instances.TryGetValue(linked, out var linkedInstance))
            return Abstract(linkedInstance, depth + 1) ?? abstractNum;
        return abstractNum;
    }

    /// <summary>The numbering a paragraph style gives, following the styles it is based on.</summary>
    private (int NumId, int? Level)? StyleNumbering(string? styleId)
    {
        for (var depth = 0; styleId is not null && depth < 20 && _styles.TryGetValue(styleId, out var style); depth++)
        {
            if (style.StyleParagraphProperties?.NumberingProperties is { NumberingId.Val.Value: var numId } numPr)
                return (numId, numPr.NumberingLevelReference?.Val?.Value);
            styleId = style.BasedOn?.Val?.Value;
        }
        return null;
    }

    /// <summary>The level a style is tied to in the list (w:lvl/w:pStyle), for style numbering that names no level.</summary>
    private static int? LevelOfStyle(AbstractNum abstractNum, string? styleId) => styleId is null ? null
        : abstractNum.Elements<Level>().FirstOrDefault(l => l.ParagraphStyleIdInLevel?.Val?.Value == styleId)?.LevelIndex?.Value;
}
