using Duban.ServiceDefaults.Errors;
using Duban.Tasks.Domain;
using Duban.Units.Client;

namespace Duban.Tasks.Data;

/// <summary>
/// Applies a caller's <see cref="ReadScope"/> with what the units service knows now. Nothing about the tree
/// is stored on assignments: units move, and a stored path would go stale, while a write would pay for it.
/// </summary>
public sealed class ReadAccess(UnitsDirectory units)
{
    public const string OutOfScope = "a unit reads the assignments it leads, assigned or helps with, and those of the units below it";

    /// <summary>The scope's unit and every unit below it, archived ones too (their work stays on record); null for everything.</summary>
    public async Task<IReadOnlySet<Guid>?> SubtreeAsync(ReadScope scope, CancellationToken ct)
    {
        if (scope.Unit is not { } unit)
            return null;
        return (await units.ListSubtreeOutlineAsync(unit, includeArchived: true, ct)).Select(u => Guid.Parse(u.Id)).Append(unit).ToHashSet();
    }

    /// <summary>Refuses a single assignment outside the scope; asks the units service only when the assignment does not name the scope's unit.</summary>
    public async Task CheckAsync(ReadScope scope, Assignment assignment, CancellationToken ct)
    {
        if (scope.NamesUnit(assignment))
            return;
        var placed = await units.GetUnitsAsync(ReadScope.UnitsOf(assignment), ct);
        var ancestors = placed.ToDictionary(p => p.Key, p => (IReadOnlyCollection<Guid>)p.Value.AncestorIds.Select(Guid.Parse).ToHashSet());
        if (!scope.Covers(assignment, ancestors))
            throw new PermissionDeniedException(OutOfScope);
    }
}
