using System.Collections.Concurrent;

namespace Duban.Supervision.Dashboard;

/// <summary>
/// Values worked out once and shared by the requests that follow: a value younger than the refresh interval is served
/// as it is; an older one is still served, while one refresh runs in the background, until it is older than the
/// staleness limit, when the caller waits for a fresh one. So while people use a page, none of them waits for its
/// counting, and what they see is never older than the refresh interval and one computation. One computation per key
/// runs at a time, shared by everyone waiting for it; it runs as the service itself, not as the person who happened to
/// ask first, and is not cancelled when that person leaves.
/// </summary>
public sealed class RefreshingCache<TKey, TValue>(TimeProvider time, ILogger logger) where TKey : notnull
{
    private sealed record Entry(TValue Value, DateTimeOffset At);

    private readonly ConcurrentDictionary<TKey, Entry> _entries = new();
    private readonly ConcurrentDictionary<TKey, Lazy<Task<Entry>>> _computing = new();

    /// <summary>A computation that outlives its callers still ends: it is given this long.</summary>
    public static readonly TimeSpan ComputeTimeout = TimeSpan.FromMinutes(2);

    public async Task<TValue> GetAsync(TKey key, Func<CancellationToken, Task<TValue>> compute, TimeSpan refresh, TimeSpan maxStale,
        CancellationToken ct)
    {
        if (refresh <= TimeSpan.Zero)
            return await compute(ct);
        if (_entries.TryGetValue(key, out var entry))
        {
            var age = time.GetUtcNow() - entry.At;
            if (age < refresh)
                return entry.Value;
            if (age < maxStale)
            {
                _ = Computing(key, compute).ContinueWith(t => logger.LogWarning(t.Exception, "refreshing {Key} failed; the next request tries again", key),
                    CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                return entry.Value;
            }
        }
        return (await Computing(key, compute).WaitAsync(ct)).Value;
    }

    private Task<Entry> Computing(TKey key, Func<CancellationToken, Task<TValue>> compute)
    {
        var lazy = _computing.GetOrAdd(key, k => new Lazy<Task<Entry>>(() =>
        {
            if (ExecutionContext.IsFlowSuppressed())
                return Task.Run(() => ComputeAsync(k, compute));
            // Without the request's context: no person's token is forwarded for a value everyone shares.
            using (ExecutionContext.SuppressFlow())
                return Task.Run(() => ComputeAsync(k, compute));
        }));
        return lazy.Value;
    }

    private async Task<Entry> ComputeAsync(TKey key, Func<CancellationToken, Task<TValue>> compute)
    {
        try
        {
            using var timeout = new CancellationTokenSource(ComputeTimeout);
            var at = time.GetUtcNow();
            var entry = new Entry(await compute(timeout.Token), at);
            _entries[key] = entry;
            return entry;
        }
        finally
        {
            _computing.TryRemove(key, out _);
        }
    }
}
