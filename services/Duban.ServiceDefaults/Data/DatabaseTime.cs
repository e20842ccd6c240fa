namespace Duban.ServiceDefaults.Data;

public static class DatabaseTime
{
    /// <summary>
    /// Now, cut to PostgreSQL's microsecond precision, so what a call returns equals what a later read returns.
    /// </summary>
    public static DateTimeOffset GetStoredUtcNow(this TimeProvider time)
    {
        var now = time.GetUtcNow();
        return now.AddTicks(-(now.Ticks % (TimeSpan.TicksPerMillisecond / 1000)));
    }
}
