using System.Security.Claims;
using Duban.ServiceDefaults.Auth;

namespace Duban.Web.Signing;

/// <summary>
/// Who is signed in, as their token says. It decides only what the pages offer; whether a call is allowed is for the
/// services to say.
/// </summary>
public sealed record WorkbenchUser(string PersonId, string UnitId, IReadOnlySet<string> Roles, string Name)
{
    public bool IsOffice => Roles.Contains(DubanRoles.Office);
    public bool IsLead => Roles.Contains(DubanRoles.Lead);
    public bool InUnit => UnitId.Length > 0 && (IsLead || Roles.Contains(DubanRoles.Staff));

    public string RoleText => IsOffice ? "督查室" : IsLead ? "单位负责人" : Roles.Contains(DubanRoles.Staff) ? "工作人员" : string.Join("、", Roles);

    public static WorkbenchUser From(ClaimsPrincipal principal) => new(
        principal.FindFirstValue(DubanClaims.PersonId) ?? "",
        principal.FindFirstValue(DubanClaims.UnitId) ?? "",
        principal.FindAll(DubanClaims.Roles).Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
        principal.FindFirstValue(DubanClaims.Name) ?? "");
}
