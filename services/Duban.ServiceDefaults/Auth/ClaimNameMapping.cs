using System.Security.Claims;
using System.Text.Json;

namespace Duban.ServiceDefaults.Auth;

/// <summary>
/// Copies the identity provider's claims into the names Duban reads (sub, unit, roles, name), so that a provider that
/// calls them otherwise needs configuration, not code. Claims already under Duban's names are kept as they are.
/// </summary>
public static class ClaimNameMapping
{
    public static void Apply(ClaimsIdentity identity, ClaimNameOptions names)
    {
        Copy(identity, names.Person, DubanClaims.PersonId);
        Copy(identity, names.Unit, DubanClaims.UnitId);
        Copy(identity, names.Roles, DubanClaims.Roles);
        Copy(identity, names.Name, DubanClaims.Name);
    }

    private static void Copy(ClaimsIdentity identity, string from, string to)
    {
        if (string.IsNullOrWhiteSpace(from) || from == to)
            return;
        var present = identity.FindAll(to).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        foreach (var value in Values(identity, from).ToList())
            if (present.Add(value))
                identity.AddClaim(new Claim(to, value));
    }

    /// <summary>The values under a claim name; "a.b" reads member b of the JSON claim a (arrays give one value each).</summary>
    public static IEnumerable<string> Values(ClaimsIdentity identity, string name)
    {
        var dot = name.IndexOf('.');
        if (dot < 0 || identity.HasClaim(c => c.Type == name))
            return identity.FindAll(name).Select(c => c.Value);

        var path = name[(dot + 1)..].Split('.');
        var values = new List<string>();
        foreach (var claim in identity.FindAll(name[..dot]))
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(claim.Value);
            }
            catch (JsonException)
            {
                continue; // not JSON: the claim has no members to read
            }
            using (document)
            {
                if (!TryWalk(document.RootElement, path, out var element))
                    continue;
                if (element.ValueKind == JsonValueKind.Array)
                    values.AddRange(element.EnumerateArray().Select(Text));
                else
                    values.Add(Text(element));
            }
        }
        return values.Where(v => v.Length > 0);
    }

    private static bool TryWalk(JsonElement element, string[] path, out JsonElement found)
    {
        found = element;
        foreach (var part in path)
            if (found.ValueKind != JsonValueKind.Object || !found.TryGetProperty(part, out found))
                return false;
        return true;
    }

    private static string Text(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? element.GetString() ?? "" : element.ValueKind is JsonValueKind.Object or JsonValueKind.Array ? "" : element.GetRawText();
}
