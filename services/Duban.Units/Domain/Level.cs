namespace Duban.Units.Domain;

/// <summary>A level of administration (省, 市, 区/园区, 部门, 专班 …). Data, not an enum; a smaller rank is higher.</summary>
public sealed class Level
{
    public required string Code { get; init; }
    public required string Name { get; set; }
    public int Rank { get; set; }
}
