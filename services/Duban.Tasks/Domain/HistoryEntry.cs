namespace Duban.Tasks.Domain;

/// <summary>一事一档: one change, report or decision in an assignment's record, with who and when.</summary>
public sealed class HistoryEntry
{
    public long Id { get; init; }
    public Guid AssignmentId { get; init; }
    public required string Type { get; init; }
    public DateTimeOffset Time { get; init; }
    public Guid? PersonId { get; init; }
    public Guid? UnitId { get; init; }
    public AssignmentStatus StatusAfter { get; init; }
    public int ProgressPercent { get; init; }
    public string Text { get; init; } = "";
    public string[] Links { get; set; } = [];
    public DateOnly? DueDate { get; set; }
    public long Version { get; init; }
}

/// <summary>The kinds of history entries; each is also the type of the event it writes.</summary>
public static class HistoryTypes
{
    public const string Assigned = "ASSIGNED";
    public const string Accepted = "ACCEPTED";
    public const string ProgressReported = "PROGRESS_REPORTED";
    public const string CompletionConfirmed = "COMPLETION_CONFIRMED";
    public const string CompletionVerified = "COMPLETION_VERIFIED";
    public const string CompletionRejected = "COMPLETION_REJECTED";
    public const string ExtensionRequested = "EXTENSION_REQUESTED";
    public const string ExtensionApproved = "EXTENSION_APPROVED";
    public const string ExtensionRefused = "EXTENSION_REFUSED";
    public const string Cancelled = "CANCELLED";
    public const string Decomposed = "DECOMPOSED";
    /// <summary>Progress or open children changed because a decomposed assignment changed.</summary>
    public const string RolledUp = "ROLLED_UP";
}
