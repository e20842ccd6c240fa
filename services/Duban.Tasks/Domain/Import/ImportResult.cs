namespace Duban.Tasks.Domain.Import;

/// <summary>
/// Something wrong with the document, at a 1-based row (任务分解表, numbered as its file, sheet or Word table numbers them) or
/// line (outline), or at 0 for the document as a whole.
/// <see cref="Field"/> names the column or note key in the document's own words ("牵头单位"), or is empty for the row as a whole.
/// </summary>
public sealed record ImportProblem(int LineOrRow, string Field, string Message);

/// <summary>
/// What a parser read. <see cref="Draft"/> is null only when no tree could be built (missing headers, no items);
/// otherwise it comes back beside the problems, so the import can add its own findings (unknown units) and
/// report everything at once. Any problem means the plan must not be stored.
/// </summary>
public sealed class ImportResult
{
    public PlanDraft? Draft { get; init; }

    public required IReadOnlyList<ImportProblem> Problems { get; init; }

    public bool Succeeded => Draft is not null && Problems.Count == 0;
}
