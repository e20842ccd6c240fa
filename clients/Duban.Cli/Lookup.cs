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
                $"“{nameOrId}” names several units: {string.Join("、", result.Candidates.Select(c => $"{c.Name} ({c.Code})"))}; give the code"),
            _ => throw new CliException($"no unit “{nameOrId}”"
                + (result.Suggestions.Count > 0 ? $"; did you mean {string.Join("、", result.Suggestions.Select(s => s.Unit.Name))}?" : "")),
        };
    }

    /// <summary>The unit the saved token acts for (its "unit" claim), read without validating it.</summary>
    public static string TokenUnit(CliContext context)
    {
        if (string.IsNullOrEmpty(context.Settings.Token))
            throw new CliException("no token: run `duban login` first");
        var unit = new JsonWebToken(context.Settings.Token).TryGetClaim("unit", out var claim) ? claim.Value : "";
        return unit.Length > 0 ? unit : throw new CliException("the token names no unit; pass --unit");
    }
}
