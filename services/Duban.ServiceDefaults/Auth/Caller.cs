using System.Security.Claims;
using Grpc.Core;

namespace Duban.ServiceDefaults.Auth;

/// <summary>Who is calling: the person, the unit they act for and their roles, read from the token.</summary>
public sealed record Caller(string PersonId, string UnitId, IReadOnlySet<string> Roles)
{
    public bool IsOffice => Roles.Contains(DubanRoles.Office);
    public bool IsService => Roles.Contains(DubanRoles.Service);
    public bool Has(string role) => Roles.Contains(role);

    public static Caller From(ClaimsPrincipal user) => new(
        user.FindFirstValue(DubanClaims.PersonId) ?? "",
        user.FindFirstValue(DubanClaims.UnitId) ?? "",
        user.FindAll(DubanClaims.Roles).Select(c => c.Value).ToHashSet(StringComparer.Ordinal));
}

public static class CallerExtensions
{
    public static Caller GetCaller(this ServerCallContext context) => Caller.From(context.GetHttpContext().User);
}
