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
}
