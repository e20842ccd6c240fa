using Microsoft.IdentityModel.JsonWebTokens;
using Units = Duban.Contracts.Units.V1;

namespace Duban.Cli;

/// <summary>Turns what people type (a unit's name, short name, alias, code or id) into ids.</summary>
public static class Lookup
{
    public static async Task<string> UnitIdAsync(CliContext context, string nameOrId, CancellationToken ct)
    {
        if (Guid.TryParse(nameOrId, out _))
            return nameOrId;
        var response = await context.Units.ResolveUnitNamesAsync(new Units.ResolveUnitNamesRequest { Names = { nameOrId } }, context.Call(ct));
        var result = response.Results[0];
        return result.Outcome switch
        {
            Units.ResolvedName.Types.Outcome.Matched => result.Unit.Id,
            Units.ResolvedName.Types.Outcome.Ambiguous => throw new CliException(
                $"“{nameOrId}”对应多个单位：{string.Join("、", result.Candidates.Select(c => $"{c.Name}（{c.Code}）"))}；请给出单位代码"),
            Units.ResolvedName.Types.Outcome.Collective => throw new CliException(
                $"“{nameOrId}”是集体名称，包括：{string.Join("、", result.Collective.ExpandedUnits.Select(u => u.Name))}；请写明其中一个单位"),
            _ => throw new CliException($"未知单位“{nameOrId}”"
                + (result.Suggestions.Count > 0 ? $"；是否为：{string.Join("、", result.Suggestions.Select(s => s.Unit?.Name ?? s.Collective.Name))}" : "")),
        };
    }

    /// <summary>Short names of units by id, asked in one batch, for a table's 单位 column.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> UnitShortNamesAsync(CliContext context, IEnumerable<string> ids, CancellationToken ct)
    {
        var wanted = ids.Where(id => id.Length > 0).Distinct().ToList();
        if (wanted.Count == 0)
            return new Dictionary<string, string>();
        var units = (await context.Units.BatchGetUnitsAsync(new Units.BatchGetUnitsRequest { Ids = { wanted } }, context.Call(ct))).Units;
        return units.Where(u => u.Id.Length > 0).ToDictionary(u => u.Id, u => u.ShortName.Length > 0 ? u.ShortName : u.Name);
    }

    /// <summary>The unit the saved token acts for (its "unit" claim), read without validating it.</summary>
    /// <param name="option">The command's option that names a unit instead, for the message when the token names none.</param>
    public static string TokenUnit(CliContext context, string? option)
    {
        if (string.IsNullOrEmpty(context.Settings.Token))
            throw new CliException("没有令牌：请先运行 `duban login`");
        var unit = new JsonWebToken(context.Settings.Token).TryGetClaim("unit", out var claim) ? claim.Value : "";
        return unit.Length > 0 ? unit
            : throw new CliException(option is null ? "令牌未指明单位：请用某单位人员的令牌登录（duban login --as 姓名）" : $"令牌未指明单位：请用 {option} 指定");
    }
}
