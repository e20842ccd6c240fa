namespace Duban.Supervision.Domain.Webhooks;

/// <summary>
/// When a delivery whose round failed is tried again: the base delay doubling per failed round up to a ceiling, until
/// the give-up age is reached. Backing off this slowly is what lets a receiver be down for hours without losing anything.
/// </summary>
public sealed record RedeliverySchedule(TimeSpan BaseDelay, TimeSpan MaxDelay, TimeSpan GiveUpAfter)
{
    /// <summary>The next attempt after <paramref name="failedRounds"/> failed rounds, or null to give up.</summary>
    public DateTimeOffset? NextAttempt(int failedRounds, DateTimeOffset enqueuedAt, DateTimeOffset now)
    {
        if (now - enqueuedAt >= GiveUpAfter)
            return null;
        var exponent = Math.Clamp(failedRounds - 1, 0, 30);
        var delay = TimeSpan.FromTicks((long)Math.Min(BaseDelay.Ticks * Math.Pow(2, exponent), MaxDelay.Ticks));
        var next = now + delay;
        // The last try comes at the give-up age, not a whole (long) delay after it.
        return next - enqueuedAt > GiveUpAfter ? enqueuedAt + GiveUpAfter : next;
    }
}
