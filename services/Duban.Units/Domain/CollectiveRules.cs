using Duban.ServiceDefaults.Errors;

namespace Duban.Units.Domain;

/// <summary>
/// What a collective's expansion needs, loaded beforehand: the collectives reachable from the ones expanded, the units
/// they list, and the children of every unit a rule names (of any status: the expansion drops archived ones itself).
/// </summary>
public sealed record CollectiveGraph(
    IReadOnlyDictionary<Guid, Collective> Collectives,
    IReadOnlyDictionary<Guid, ResponsibilityUnit> Units,
    ILookup<Guid, ResponsibilityUnit> ChildrenByParent);

/// <summary>The rules of collectives, as plain functions over values already loaded.</summary>
public static class CollectiveRules
{
    public const int MaxMembers = 1000;

    /// <summary>
    /// The active units a collective stands for: its members in the order written, nested collectives expanded in their
    /// place, a rule's children by code; each unit once, where it first appears. Archived units drop out.
    /// </summary>
    public static IReadOnlyList<ResponsibilityUnit> Expand(Guid collectiveId, CollectiveGraph graph)
    {
        var expanded = new List<ResponsibilityUnit>();
        var seen = new HashSet<Guid>();
        var open = new HashSet<Guid>();

        void Add(ResponsibilityUnit unit)
        {
            if (unit.Status == UnitStatus.Active && seen.Add(unit.Id))
                expanded.Add(unit);
        }

        void Visit(Guid id)
        {
            // Writes refuse cycles; should one be stored anyway, it is cut here rather than followed forever.
            if (!open.Add(id) || !graph.Collectives.TryGetValue(id, out var collective))
                return;
            foreach (var member in collective.Members.OrderBy(m => m.Position))
            {
                switch (member.Kind)
                {
                    case CollectiveMemberKind.Unit when graph.Units.TryGetValue(member.UnitId!.Value, out var unit):
                        Add(unit);
                        break;
                    case CollectiveMemberKind.Collective:
                        Visit(member.MemberCollectiveId!.Value);
                        break;
                    case CollectiveMemberKind.Children:
                        foreach (var child in graph.ChildrenByParent[member.UnitId!.Value].Where(c => Matches(member, c)).OrderBy(c => c.Code, StringComparer.Ordinal))
                            Add(child);
                        break;
                }
            }
            open.Remove(id);
        }

        Visit(collectiveId);
        return expanded;
    }

    /// <summary>Whether a child of the rule's unit is at the rule's level and of its kind (an empty one matches any).</summary>
    public static bool Matches(CollectiveMember rule, ResponsibilityUnit child) =>
        (rule.LevelCode.Length == 0 || child.LevelCode == rule.LevelCode) && (rule.UnitKind.Length == 0 || child.Kind == rule.UnitKind);

    /// <summary>
    /// The position of the first of <paramref name="members"/> through which collective <paramref name="self"/> would
    /// contain itself, given the other collectives as stored (<paramref name="others"/>, those reachable from the
    /// members); null when there is no cycle.
    /// </summary>
    public static int? FindCycle(Guid self, IReadOnlyList<CollectiveMember> members, IReadOnlyDictionary<Guid, Collective> others)
    {
        bool Reaches(Guid from, HashSet<Guid> visited)
        {
            if (from == self)
                return true;
            if (!visited.Add(from) || !others.TryGetValue(from, out var collective))
                return false;
            return collective.Members.Where(m => m.Kind == CollectiveMemberKind.Collective).Any(m => Reaches(m.MemberCollectiveId!.Value, visited));
        }

        for (var i = 0; i < members.Count; i++)
            if (members[i].Kind == CollectiveMemberKind.Collective && Reaches(members[i].MemberCollectiveId!.Value, []))
                return i;
        return null;
    }

    /// <summary>A collective's name, checked as a unit's name is and trimmed; it must hold more than punctuation.</summary>
    public static string CleanName(string name, Violations violations, string field)
    {
        violations.RequireText(name, field, UnitRules.MaxNameLength).RequirePrintable(name, field);
        var clean = name.Trim();
        if (clean.Length > 0 && NameNormalizer.Normalize(clean).Length == 0)
            violations.Add(field, "must hold more than punctuation and quotation marks");
        return clean;
    }

    /// <summary>
    /// A collective's aliases, checked as a unit's are; none may be empty once normalised, nor read as the collective's
    /// <paramref name="name"/> (“一市三园” is 一市三园 already: quotation marks never need an alias).
    /// </summary>
    public static IReadOnlyList<string> CleanAliases(IReadOnlyList<string> aliases, string name, Violations violations, string field)
    {
        var cleaned = UnitRules.CleanAliases(aliases, violations, field).ToHashSet();
        var nameKey = NameNormalizer.Normalize(name);
        var kept = new List<string>();
        for (var i = 0; i < aliases.Count; i++)
        {
            var alias = aliases[i].Trim();
            if (!cleaned.Remove(alias))
                continue;
            var key = NameNormalizer.Normalize(alias);
            if (key.Length == 0)
                violations.Add($"{field}[{i}]", "must hold more than punctuation and quotation marks");
            else if (key == nameKey)
                violations.Add($"{field}[{i}]", $"'{alias}' reads as the name itself (quotation marks, spaces and punctuation are ignored when names are compared)");
            else
                kept.Add(alias);
        }
        return kept;
    }

    /// <summary>Names of <paramref name="proposed"/> that another collective of the same scope already holds; null when none.</summary>
    public static (CollectiveName Proposed, CollectiveName Existing)? FindClashInScope(IEnumerable<CollectiveName> proposed,
        IEnumerable<CollectiveName> others)
    {
        var byText = others.ToLookup(n => n.Normalized);
        foreach (var mine in proposed)
            foreach (var theirs in byText[mine.Normalized])
                if (theirs.CollectiveId != mine.CollectiveId && theirs.ScopeUnitId == mine.ScopeUnitId)
                    return (mine, theirs);
        return null;
    }

    public static void CheckVersion(Collective collective, long sentVersion)
    {
        if (collective.Version != sentVersion)
            throw new StaleVersionException("collective", collective.Id.ToString(), sentVersion, collective.Version);
    }
}
