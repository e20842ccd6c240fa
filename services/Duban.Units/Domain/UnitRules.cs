using Duban.ServiceDefaults.Errors;

namespace Duban.Units.Domain;

/// <summary>The rules of the unit tree, as plain checks over values already loaded.</summary>
public static class UnitRules
{
    public const string DefaultTimeZone = "Asia/Shanghai";
    public const int MaxNameLength = 100;
    public const int MaxShortNameLength = 50;
    public const int MaxKindLength = 50;
    public const int MaxAliases = 20;

    /// <summary>Codes are stable identifiers people type: letters, digits, '.', '_' and '-'.</summary>
    public static bool IsValidCode(string code) =>
        code.Length is > 0 and <= 64 && char.IsAsciiLetterOrDigit(code[0])
        && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    public static bool IsValidTimeZone(string zone) => TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _);

    /// <summary>A unit's level must rank strictly below its parent's (a larger rank number).</summary>
    public static void CheckLevelBelowParent(Level level, Level? parentLevel, string field)
    {
        if (parentLevel is not null && level.Rank <= parentLevel.Rank)
            throw new ValidationFailedException(field,
                $"level {level.Name}({level.Code}) must rank below the parent's level {parentLevel.Name}({parentLevel.Code})");
    }

    /// <summary>A unit's level must rank strictly above each of its children's.</summary>
    public static void CheckLevelAboveChildren(Level level, IEnumerable<Level> childLevels, string field)
    {
        var clash = childLevels.FirstOrDefault(child => child.Rank <= level.Rank);
        if (clash is not null)
            throw new ValidationFailedException(field,
                $"level {level.Name}({level.Code}) must rank above its children's level {clash.Name}({clash.Code})");
    }

    /// <summary>Moving a unit under itself or under one of its descendants would make a cycle.</summary>
    public static void CheckNoCycle(ResponsibilityUnit unit, ResponsibilityUnit newParent, string field)
    {
        if (UnitPath.IsWithin(newParent.Path, unit.Path))
            throw new ValidationFailedException(field,
                newParent.Id == unit.Id ? "a unit cannot be its own parent" : "the new parent lies inside the unit's own subtree (a cycle)");
    }

    public static void CheckVersion(ResponsibilityUnit unit, long sentVersion)
    {
        if (unit.Version != sentVersion)
            throw new StaleVersionException("unit", unit.Id.ToString(), sentVersion, unit.Version);
    }

    /// <summary>Validates and cleans the aliases of a unit: trimmed, non-empty, short, no repeats.</summary>
    public static IReadOnlyList<string> CleanAliases(IEnumerable<string> aliases, Violations violations, string field = "aliases")
    {
        var cleaned = new List<string>();
        var seen = new HashSet<string>();
        var index = 0;
        foreach (var raw in aliases)
        {
            var alias = raw.Trim();
            if (alias.Length == 0)
                violations.Add($"{field}[{index}]", "must not be empty");
            else if (!IsPrintable(alias))
                violations.Add($"{field}[{index}]", NotPrintable);
            else if (alias.Length > MaxNameLength)
                violations.Add($"{field}[{index}]", $"must be at most {MaxNameLength} characters");
            else if (!seen.Add(NameNormalizer.Normalize(alias)))
                violations.Add($"{field}[{index}]", $"'{alias}' is listed twice");
            else
                cleaned.Add(alias);
            index++;
        }
        if (index > MaxAliases)
            violations.Add(field, $"at most {MaxAliases} aliases");
        return cleaned;
    }

    public const string NotPrintable = "must not contain control characters (line breaks, tabs, NUL, ANSI escapes) or direction overrides";

    /// <summary>
    /// Names are shown in lists, bulletins, documents and terminals: no control characters (an ANSI escape starts with
    /// ESC, one) and no bidirectional overrides or isolates, which make a name display as something it is not.
    /// </summary>
    public static bool IsPrintable(string text) =>
        !text.Any(c => char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069');

    /// <summary>Adds a violation on <paramref name="field"/> when <paramref name="text"/> is set and not printable.</summary>
    public static Violations RequirePrintable(this Violations violations, string? text, string field)
    {
        if (text is not null && !IsPrintable(text))
            violations.Add(field, NotPrintable);
        return violations;
    }

    /// <summary>
    /// An alias names one unit only: no two units may share a normalised text where either side is an alias — the alias
    /// of one and the name, short name, code or alias of another. Normalised as resolution compares, so two spellings that
    /// resolve alike collide. Names and short names may repeat between units (a 财政局 in each park): a scope tells them
    /// apart, but nothing tells apart an alias that another unit is called by. Null when <paramref name="proposed"/> is
    /// free of clashes with <paramref name="others"/>.
    /// </summary>
    public static NameClash? FindNameClash(IEnumerable<UnitName> proposed, IEnumerable<UnitName> others)
    {
        var byText = others.ToLookup(n => n.Normalized);
        foreach (var mine in proposed)
            foreach (var theirs in byText[mine.Normalized])
                if (theirs.UnitId != mine.UnitId && (mine.Kind == UnitNameKind.Alias || theirs.Kind == UnitNameKind.Alias))
                    return new NameClash(mine, theirs);
        return null;
    }

    public static string Describe(UnitNameKind kind) => kind switch
    {
        UnitNameKind.Name => "the name",
        UnitNameKind.ShortName => "the short name",
        UnitNameKind.Alias => "an alias",
        _ => "the code",
    };
}

/// <summary>One of a unit's names (<see cref="Proposed"/>) that another unit already holds (<see cref="Existing"/>).</summary>
public sealed record NameClash(UnitName Proposed, UnitName Existing);
