namespace Duban.Units.Domain;

/// <summary>
/// 集体名称: a group of units a document names at once ("一市三园", "各街道", "区直各部门"), owned by the scope unit whose
/// documents use the name. It resolves like a unit name for the scope unit and every unit below it.
/// </summary>
public sealed class Collective
{
    public Guid Id { get; init; }
    public required string Name { get; set; }
    /// <summary>The unit whose documents use the name (the park's 党工委/管委会).</summary>
    public Guid ScopeUnitId { get; init; }
    public long Version { get; set; } = 1;
    public string? CreateRequestId { get; init; }
    public DateTimeOffset CreateTime { get; init; }
    public DateTimeOffset UpdateTime { get; set; }

    /// <summary>The name and the aliases, normalised for resolution.</summary>
    public List<CollectiveName> Names { get; set; } = [];

    /// <summary>In the order written, which the expansion keeps.</summary>
    public List<CollectiveMember> Members { get; set; } = [];

    public IEnumerable<string> Aliases => Names.Where(n => n.Kind == UnitNameKind.Alias).Select(n => n.Text);

    public void Touch(DateTimeOffset now)
    {
        Version++;
        UpdateTime = now;
    }
}

/// <summary>The name or an alias of a collective; unique among the collectives of one scope.</summary>
public sealed class CollectiveName
{
    public Guid CollectiveId { get; init; }
    /// <summary>The collective's scope, kept here for the index that keeps names unique per scope.</summary>
    public Guid ScopeUnitId { get; init; }
    /// <summary><see cref="UnitNameKind.Name"/> or <see cref="UnitNameKind.Alias"/>.</summary>
    public UnitNameKind Kind { get; init; }
    public required string Text { get; init; }
    public required string Normalized { get; init; }

    public static CollectiveName Of(Collective collective, UnitNameKind kind, string text) => new()
    {
        CollectiveId = collective.Id, ScopeUnitId = collective.ScopeUnitId, Kind = kind, Text = text.Trim(), Normalized = NameNormalizer.Normalize(text),
    };
}

public enum CollectiveMemberKind
{
    /// <summary>One unit.</summary>
    Unit = 1,
    /// <summary>Another collective, expanded in its place.</summary>
    Collective = 2,
    /// <summary>The active children of a unit, at a level and/or of a kind.</summary>
    Children = 3,
}

/// <summary>One member of a collective, as the office wrote it.</summary>
public sealed class CollectiveMember
{
    public Guid CollectiveId { get; init; }
    public int Position { get; init; }
    public CollectiveMemberKind Kind { get; init; }
    /// <summary>The unit (<see cref="CollectiveMemberKind.Unit"/>) or the parent whose children count (<see cref="CollectiveMemberKind.Children"/>).</summary>
    public Guid? UnitId { get; init; }
    public Guid? MemberCollectiveId { get; init; }
    /// <summary>Children at this level only; empty for any level.</summary>
    public string LevelCode { get; init; } = "";
    /// <summary>Children of this kind only (as written on the unit); empty for any kind.</summary>
    public string UnitKind { get; init; } = "";

    public static CollectiveMember OfUnit(Guid unitId) => new() { Kind = CollectiveMemberKind.Unit, UnitId = unitId };

    public static CollectiveMember OfCollective(Guid collectiveId) => new() { Kind = CollectiveMemberKind.Collective, MemberCollectiveId = collectiveId };

    public static CollectiveMember ChildrenOf(Guid parentId, string levelCode = "", string unitKind = "") =>
        new() { Kind = CollectiveMemberKind.Children, UnitId = parentId, LevelCode = levelCode, UnitKind = unitKind };

    /// <summary>The same member in <paramref name="collectiveId"/> at <paramref name="position"/>.</summary>
    public CollectiveMember At(Guid collectiveId, int position) => new()
    {
        CollectiveId = collectiveId, Position = position, Kind = Kind, UnitId = UnitId, MemberCollectiveId = MemberCollectiveId,
        LevelCode = LevelCode, UnitKind = UnitKind,
    };

    /// <summary>Two members that say the same thing.</summary>
    public bool SameAs(CollectiveMember other) => Kind == other.Kind && UnitId == other.UnitId && MemberCollectiveId == other.MemberCollectiveId
        && LevelCode == other.LevelCode && UnitKind == other.UnitKind;
}
