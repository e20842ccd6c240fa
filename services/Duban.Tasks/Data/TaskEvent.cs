namespace Duban.Tasks.Data;

/// <summary>
/// One entry of the event feed, written in the same transaction as the change it records.
/// <see cref="TransactionId"/> is the writing transaction's id (xid8): the feed is read in
/// (transaction, sequence) order and only below the oldest transaction still running, so an event that
/// commits late can never fall behind a reader's cursor.
/// </summary>
public sealed class TaskEvent
{
    public long Sequence { get; init; }
    public ulong TransactionId { get; init; }
    public Guid AssignmentId { get; init; }
    /// <summary>The history entry type (<see cref="Domain.HistoryTypes"/>) that caused the event.</summary>
    public required string Type { get; init; }
    public long Version { get; init; }
    public DateTimeOffset Time { get; init; }
    /// <summary>The assignment after the change, as the feed's AssignmentFacts message.</summary>
    public byte[]? Facts { get; init; }
    /// <summary>
    /// Events written before the feed had a contract of its own hold the tasks API's Assignment message here
    /// instead of <see cref="Facts"/>; they are read through <see cref="Events.LegacyEvents"/>. Kept for one release.
    /// </summary>
    public byte[]? Snapshot { get; init; }
}
