namespace Duban.Tasks.Domain.Import;

/// <summary>A unit of the issuer's subtree, as much as expanding a collective name needs to know.</summary>
public sealed record SubtreeUnit(Guid Id, string Name, string ShortName, string Kind, string LevelCode, Guid? ParentId);

/// <summary>
/// Expands collective names ("各街道", "区直各部门", "各乡镇（街道）", "各园区") into the units of the issuer's
/// subtree they stand for: units whose kind or name ends with the named kind ("街道"), and for "部门" the
/// department-level units directly under the issuer that are not streets or towns. Names that name no kind ("各有关单位") cannot be expanded
/// and must be listed; the caller reports them.
/// </summary>
public static class CollectiveNames
{
    private static readonly string[] Vague = ["有关单位", "相关单位", "有关部门", "相关部门", "成员单位", "全体", "所有"];

    public static IReadOnlyList<SubtreeUnit> Expand(string collective, Guid issuerId, IReadOnlyList<SubtreeUnit> subtree)
    {
        var text = collective.Trim();
        if (Vague.Any(text.Contains))
            return [];
        var stems = Stems(text);
        if (stems.Count == 0)
            return [];
        return subtree.Where(unit => stems.Any(stem => Matches(unit, stem, issuerId))).OrderBy(u => u.Name, StringComparer.Ordinal).ToList();
    }

    private static readonly string[] NotDepartments = ["街道", "乡镇", "镇", "乡", "片区"];

    private static bool Matches(SubtreeUnit unit, string stem, Guid issuerId) => stem == "部门"
        // 区直部门: the issuer's own departments, not the streets and towns that sit at the same level.
        ? unit.LevelCode == "department" && unit.ParentId == issuerId && !NotDepartments.Any(k => unit.Kind.EndsWith(k, StringComparison.Ordinal))
        : unit.Kind.EndsWith(stem, StringComparison.Ordinal) || unit.Name.EndsWith(stem, StringComparison.Ordinal)
          || unit.ShortName.EndsWith(stem, StringComparison.Ordinal);

    /// <summary>"各乡镇（街道）" → 乡镇, 街道; "区直各部门" → 部门; "各园区" → 园区.</summary>
    private static List<string> Stems(string text)
    {
        var after = text[(text.LastIndexOf('各') + 1)..];
        return after.Split(['（', '）', '(', ')', '、', '和', '及'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => s.EndsWith("部门", StringComparison.Ordinal) ? "部门" : s)
            .Where(s => s.Length > 0)
            .ToList();
    }
}
