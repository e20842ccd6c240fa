using Duban.ServiceDefaults.Auth;
using Duban.ServiceDefaults.Errors;

namespace Duban.Tasks.Domain;

/// <summary>
/// Who may do what to an assignment. The token says which unit the caller acts for and in which roles;
/// a lead of another unit is refused even with a valid token.
/// </summary>
public static class AssignmentPermissions
{
    public static void CheckImport(Caller caller) =>
        Require(caller.IsOffice, "only the supervision office imports plans");

    /// <summary>The office decomposes plan items; a unit decomposes only what is assigned to it (its lead or deputy).</summary>
    public static void CheckDecompose(Caller caller, Assignment? parent) =>
        Require(caller.IsOffice || parent is not null && IsLeadOf(caller, parent.LeadUnitId),
            parent is null ? "only the supervision office decomposes plan items" : "only the lead unit's lead decomposes its assignment");

    public static void CheckAccept(Caller caller, Assignment assignment) =>
        Require(caller.IsOffice || IsMemberOf(caller, assignment.LeadUnitId), "only the lead unit accepts its assignment");

    public static void CheckReportProgress(Caller caller, Assignment assignment) =>
        Require(caller.IsOffice || IsMemberOf(caller, assignment.LeadUnitId), "only the lead unit's staff report progress");

    /// <summary>Only the lead unit's lead or deputy confirms completion; not even the office does it for them.</summary>
    public static void CheckConfirmCompletion(Caller caller, Assignment assignment) =>
        Require(IsLeadOf(caller, assignment.LeadUnitId), "only the lead unit's lead confirms completion");

    public static void CheckOfficeDecision(Caller caller, string what) =>
        Require(caller.IsOffice, $"only the supervision office {what}");

    public static void CheckRequestExtension(Caller caller, Assignment assignment) =>
        Require(IsLeadOf(caller, assignment.LeadUnitId), "only the lead unit's lead requests an extension");

    /// <summary>The issuer cancels: the office, or the lead of the unit that assigned it.</summary>
    public static void CheckCancel(Caller caller, Assignment assignment) =>
        Require(caller.IsOffice || IsLeadOf(caller, assignment.AssigningUnitId), "only the issuer cancels an assignment");

    private static bool IsLeadOf(Caller caller, Guid unitId) =>
        caller.Has(DubanRoles.Lead) && caller.UnitId == unitId.ToString();

    private static bool IsMemberOf(Caller caller, Guid unitId) =>
        (caller.Has(DubanRoles.Lead) || caller.Has(DubanRoles.Staff)) && caller.UnitId == unitId.ToString();

    private static void Require(bool allowed, string message)
    {
        if (!allowed)
            throw new PermissionDeniedException(message);
    }
}
