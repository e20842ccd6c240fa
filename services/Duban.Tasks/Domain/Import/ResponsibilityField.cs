namespace Duban.Tasks.Domain.Import;

/// <summary>What a document states about who does an item and by when.</summary>
internal enum ResponsibilityField
{
    LeadUnits,
    CoUnits,
    Owner,
    Deadline,
}

/// <summary>The words offices use for each field, as table headers and as keys of inline notes.</summary>
internal static class ResponsibilityFieldNames
{
    private static readonly Dictionary<string, ResponsibilityField> FieldsByName = new()
    {
        ["牵头单位"] = ResponsibilityField.LeadUnits,
        ["责任单位"] = ResponsibilityField.LeadUnits,
        ["牵头部门"] = ResponsibilityField.LeadUnits,
        ["责任部门"] = ResponsibilityField.LeadUnits,
        ["配合单位"] = ResponsibilityField.CoUnits,
        ["配合部门"] = ResponsibilityField.CoUnits,
        ["协同单位"] = ResponsibilityField.CoUnits,
        ["协办单位"] = ResponsibilityField.CoUnits,
        ["责任人"] = ResponsibilityField.Owner,
        ["完成时限"] = ResponsibilityField.Deadline,
        ["时限"] = ResponsibilityField.Deadline,
        ["完成时间"] = ResponsibilityField.Deadline,
        ["时间节点"] = ResponsibilityField.Deadline,
        ["完成期限"] = ResponsibilityField.Deadline,
    };

    public static IReadOnlyList<ResponsibilityField> All { get; } = Enum.GetValues<ResponsibilityField>();

    public static bool TryParse(string name, out ResponsibilityField field) => FieldsByName.TryGetValue(name, out field);

    /// <summary>The name problems are reported under.</summary>
    public static string CanonicalName(ResponsibilityField field) => field switch
    {
        ResponsibilityField.LeadUnits => "牵头单位",
        ResponsibilityField.CoUnits => "配合单位",
        ResponsibilityField.Owner => "责任人",
        ResponsibilityField.Deadline => "完成时限",
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
    };
}
