using Duban.ServiceDefaults.Auth;
using Duban.ServiceDefaults.Errors;
using Duban.Supervision.Domain.Assessments;
using Duban.Supervision.Domain.Reviews;
using Duban.Supervision.Notices;
using Duban.Units.Client;
using Microsoft.Extensions.Options;

namespace Duban.Supervision.Reviews;

/// <summary>考核 over the API: the scope's units and the projection, scored by <see cref="UnitAssessor"/> with the configured weights.</summary>
public sealed class Assessments(WeeklyReviews reviews, NoticeStore notices, UnitsDirectory units, IOptions<AssessmentWeights> weights, TimeProvider time)
{
    /// <param name="periodField">The request's field that holds the period, named when it is refused.</param>
    public async Task<AssessmentReport> AssessAsync(string scopeUnitId, string periodText, DateTimeOffset? asOf, Caller caller, CancellationToken ct,
        string periodField = "period")
    {
        var violations = new Violations().RequireId(scopeUnitId, "scope_unit_id");
        if (!AssessmentPeriod.TryParse(periodText, out var period))
            violations.Add(periodField, "must be a quarter (2026-Q4), a half year (2026-H2) or a year (2026)");
        violations.ThrowIfAny();

        var scopeId = Guid.Parse(scopeUnitId);
        var visible = await notices.VisibleUnitsAsync(caller, ct);
        if (visible is not null && !visible.Contains(scopeId))
            throw new PermissionDeniedException("a unit sees the assessments of its own unit and the units below it only");
        var scope = await units.FindUnitAsync(scopeId, ct) ?? throw new ValidationFailedException("scope_unit_id", $"no unit with id '{scopeUnitId}'");
        var subtree = await units.ListSubtreeOutlineAsync(scopeId, includeArchived: false, ct);
        var scopeUnits = subtree.Select(u => new ReviewUnit(Guid.Parse(u.Id), u.Name, u.ParentId.Length > 0 ? Guid.Parse(u.ParentId) : null))
            .Prepend(new ReviewUnit(scopeId, scope.Name, null)).ToList();
        var assessment = UnitAssessor.Begin(scopeUnits, period, asOf ?? time.GetUtcNow(), weights.Value);
        await reviews.StreamAssignmentsAsync(scopeUnits.Select(u => u.Id).ToArray(), assessment.Add, ct);
        return assessment.Build();
    }
}
