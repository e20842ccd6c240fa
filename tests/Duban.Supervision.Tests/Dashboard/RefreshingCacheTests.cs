using Duban.Supervision.Dashboard;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Duban.Supervision.Tests.Dashboard;

/// <summary>The rule by which the dashboard's counts are shared between requests, on a clock the test moves.</summary>
public class RefreshingCacheTests
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxStale = TimeSpan.FromSeconds(120);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.FromHours(8)));
    private readonly RefreshingCache<int, int> _cache;
    private int _computed;

    public RefreshingCacheTests() => _cache = new RefreshingCache<int, int>(_clock, NullLogger.Instance);

    private Task<int> Get(Func<CancellationToken, Task<int>>? compute = null) =>
        _cache.GetAsync(1, compute ?? (_ => Task.FromResult(Interlocked.Increment(ref _computed))), Refresh, MaxStale, CancellationToken.None);

    [Fact]
    public async Task A_value_younger_than_the_refresh_interval_is_served_without_computing()
    {
        Assert.Equal(1, await Get());
        _clock.Advance(Refresh - TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, await Get());
        Assert.Equal(1, _computed);
    }

    [Fact]
    public async Task An_older_value_is_served_at_once_while_one_refresh_runs_and_the_next_request_has_it()
    {
        Assert.Equal(1, await Get());
        _clock.Advance(Refresh);
        var release = new TaskCompletionSource<int>();
        // The refresh is slow: the request does not wait for it.
        Assert.Equal(1, await Get(_ => release.Task));
        Assert.Equal(1, await Get(_ => throw new InvalidOperationException("a second refresh while one runs")));
        release.SetResult(2);
        await WaitUntilAsync(async () => await Get() == 2);
        Assert.Equal(1, _computed);
    }

    [Fact]
    public async Task A_value_past_the_staleness_limit_is_waited_for()
    {
        Assert.Equal(1, await Get());
        _clock.Advance(MaxStale);
        Assert.Equal(2, await Get());
        Assert.Equal(2, _computed);
    }

    [Fact]
    public async Task Callers_at_once_share_one_computation()
    {
        var release = new TaskCompletionSource<int>();
        var calls = 0;
        var waiting = Enumerable.Range(0, 8).Select(_ => Get(_ => { Interlocked.Increment(ref calls); return release.Task; })).ToList();
        release.SetResult(7);
        Assert.All(await Task.WhenAll(waiting), v => Assert.Equal(7, v));
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task A_failed_refresh_keeps_the_value_and_the_next_request_tries_again()
    {
        Assert.Equal(1, await Get());
        _clock.Advance(Refresh);
        var failed = new TaskCompletionSource<int>();
        Assert.Equal(1, await Get(_ => failed.Task));
        failed.SetException(new TimeoutException("the database is slow"));
        await WaitUntilAsync(async () => await Get() == 2);
        // Past the limit with nothing fresh, the failure reaches the caller.
        _clock.Advance(MaxStale);
        await Assert.ThrowsAsync<TimeoutException>(() => Get(_ => throw new TimeoutException("still slow")));
    }

    [Fact]
    public async Task With_no_refresh_interval_every_request_computes()
    {
        var cache = new RefreshingCache<int, int>(_clock, NullLogger.Instance);
        for (var i = 1; i <= 3; i++)
            Assert.Equal(i, await cache.GetAsync(1, _ => Task.FromResult(Interlocked.Increment(ref _computed)), TimeSpan.Zero, MaxStale, CancellationToken.None));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 200 && !await condition(); i++)
            await Task.Delay(10);
        Assert.True(await condition());
    }
}
