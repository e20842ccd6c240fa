namespace Duban.Units.Domain;

public enum UnitStatus
{
    Active = 1,
    Archived = 2,
}

/// <summary>责任单位: a unit in the administrative tree that can be assigned work.</summary>
public sealed class ResponsibilityUnit
{
    public Guid Id { get; init; }
    public required string Code { get; init; }
    public required string Name { get; set; }
    public string ShortName { get; set; } = "";
    public required string LevelCode { get; set; }
    public Guid? ParentId { get; set; }
    public string Kind { get; set; } = "";
    public UnitStatus Status { get; set; } = UnitStatus.Active;
    public long Version { get; set; } = 1;
    /// <summary>Materialised path of ids from the root down to this unit, see <see cref="UnitPath"/>.</summary>
    public required string Path { get; set; }
    public int Depth { get; set; }
    public string TimeZone { get; set; } = UnitRules.DefaultTimeZone;
    public string? CreateRequestId { get; init; }
    public DateTimeOffset CreateTime { get; init; }
    public DateTimeOffset UpdateTime { get; set; }
    /// <summary>钉钉 custom robot of the unit's group, with its access token; "" when none.</summary>
    public string DingTalkWebhookUrl { get; set; } = "";
    /// <summary>The robot's 加签 secret; never returned by reads.</summary>
    public string DingTalkSecret { get; set; } = "";
    /// <summary>企业微信 group robot, with its key; "" when none.</summary>
    public string WeComWebhookUrl { get; set; } = "";

    /// <summary>Every name the unit is known by (name, short name, aliases, code), for resolution.</summary>
    public List<UnitName> Names { get; set; } = [];

    public IEnumerable<string> Aliases => Names.Where(n => n.Kind == UnitNameKind.Alias).Select(n => n.Text);

    public void Touch(DateTimeOffset now)
    {
        Version++;
        UpdateTime = now;
    }
}

public enum UnitNameKind
{
    Name = 1,
    ShortName = 2,
    Alias = 3,
    Code = 4,
}

/// <summary>One way of writing a unit's name, kept normalised for exact and fuzzy lookup.</summary>
public sealed class UnitName
{
    public Guid UnitId { get; init; }
    public UnitNameKind Kind { get; init; }
    public required string Text { get; init; }
    public required string Normalized { get; init; }

    public static UnitName Of(Guid unitId, UnitNameKind kind, string text) =>
        new() { UnitId = unitId, Kind = kind, Text = text.Trim(), Normalized = NameNormalizer.Normalize(text) };
}
