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

    /// <summary>
    /// 佐证材料 come from those who write the records they go with: the lead unit's lead and staff (reports, completions,
    /// explanations, replies to an urging) and the office.
    /// </summary>
    public static void CheckUploadEvidence(Caller caller, Assignment assignment) =>
        Require(caller.IsOffice || IsMemberOf(caller, assignment.LeadUnitId), "only the lead unit's lead and staff and the office upload evidence of an assignment");

    /// <summary>The issuer cancels: the office, or the lead of the unit that assigned it.</summary>
    public static void CheckWithdrawPlan(Caller caller) =>
        Require(caller.IsOffice, "only the supervision office withdraws a plan");

    public static void CheckCancel(Caller caller, Assignment assignment) =>
        Require(caller.IsOffice || IsLeadOf(caller, assignment.AssigningUnitId), "only the issuer cancels an assignment");

    /// <summary>
    /// Whose assignments the caller reads: the office and other services everything; a lead or staff what
    /// touches their unit's subtree; a scheduler or a token without a role nothing (they trigger supervision,
    /// which reads tasks with its own service token).
    /// </summary>
    public static ReadScope ReadScopeOf(Caller caller)
    {
        if (caller.IsOffice || caller.IsService)
            return ReadScope.Everything;
        if ((caller.Has(DubanRoles.Lead) || caller.Has(DubanRoles.Staff)) && Guid.TryParse(caller.UnitId, out var unit))
            return ReadScope.Below(unit);
        throw new PermissionDeniedException("assignments and plans are read by the office, the units and other services only");
    }

    /// <summary>The feed carries every assignment of every unit, so it is for the services that follow it, and the office.</summary>
    public static void CheckReadFeed(Caller caller) =>
        Require(caller.IsOffice || caller.IsService, "the event feed is read by other services and the office only");

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

/// <summary>
/// What a caller may read. A unit reads an assignment when its lead unit, its assigning unit or one of its
/// co-units is the unit itself or lies below it: its own work, what it decomposed, and where it helps.
/// </summary>
public sealed class ReadScope
{
    private ReadScope(Guid? unit) => Unit = unit;

    public static ReadScope Everything { get; } = new(null);

    public static ReadScope Below(Guid unit) => new(unit);

    /// <summary>The unit whose subtree is read; null when everything is.</summary>
    public Guid? Unit { get; }

    public bool IsEverything => Unit is null;

    /// <summary>The units that place an assignment in a scope: 牵头单位, the assigning unit, 配合单位.</summary>
    public static IEnumerable<Guid> UnitsOf(Assignment assignment) =>
        assignment.CoUnitIds.Prepend(assignment.AssigningUnitId).Prepend(assignment.LeadUnitId);

    /// <summary>With the scope's whole subtree (the unit and every unit below it) at hand, as lists have it.</summary>
    public bool Covers(Assignment assignment, IReadOnlySet<Guid> subtree) =>
        Unit is null || UnitsOf(assignment).Any(subtree.Contains);

    /// <summary>
    /// With the ancestors of the assignment's units at hand, as a single read has them: cheaper than the
    /// subtree when the scope's unit sits high in the tree. A unit missing from <paramref name="ancestors"/>
    /// counts as outside.
    /// </summary>
    public bool Covers(Assignment assignment, IReadOnlyDictionary<Guid, IReadOnlyCollection<Guid>> ancestors) =>
        Unit is not { } unit
        || UnitsOf(assignment).Any(u => u == unit || ancestors.TryGetValue(u, out var above) && above.Contains(unit));

    /// <summary>Whether the assignment names the scope's unit itself, so no ancestry is needed to decide.</summary>
    public bool NamesUnit(Assignment assignment) => Unit is not { } unit || UnitsOf(assignment).Contains(unit);
}
