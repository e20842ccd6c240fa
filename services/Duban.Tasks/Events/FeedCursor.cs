using Duban.ServiceDefaults.Errors;

namespace Duban.Tasks.Events;

/// <summary>A position in the event feed: (transaction id, sequence), written "tx.seq".</summary>
public readonly record struct FeedCursor(ulong TransactionId, long Sequence)
{
    public static readonly FeedCursor Start = new(0, 0);

    public override string ToString() => $"{TransactionId}.{Sequence}";

    public static FeedCursor Parse(string? text, string field)
    {
        if (string.IsNullOrEmpty(text))
            return Start;
        var dot = text.IndexOf('.');
        if (dot > 0 && ulong.TryParse(text[..dot], out var tx) && long.TryParse(text[(dot + 1)..], out var seq) && seq >= 0)
            return new FeedCursor(tx, seq);
        throw new ValidationFailedException(field, "is not a cursor this feed issued");
    }
}
