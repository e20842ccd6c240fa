using Duban.Contracts.Units.V1;
using Duban.Units.Client;
using Microsoft.Extensions.Options;

namespace Duban.Supervision.Dashboard;

public sealed class DashboardOptions
{
    public const string Section = "Dashboard";

    /// <summary>Counts and unit trees younger than this are served as they are; 0 counts afresh for every request.</summary>
    public int RefreshSeconds { get; set; } = 10;
    /// <summary>Older than the refresh interval they are served while a refresh runs; older than this, a request waits for one.</summary>
    public int MaxStaleSeconds { get; set; } = 120;
}

/// <summary>
/// 驾驶舱 and 单位视图 read every unit's counts (one pass over the projection, about a quarter of a second at a million
/// assignments) and a scope's unit tree (the units service): both are kept between requests (<see cref="RefreshingCache{TKey,TValue}"/>),
/// so pages open at once while they stay at most <see cref="DashboardOptions.RefreshSeconds"/> and one computation old.
/// </summary>
public sealed class DashboardCache(IServiceScopeFactory scopes, IOptions<DashboardOptions> options, TimeProvider time, ILogger<DashboardCache> logger)
{
    private readonly RefreshingCache<int, UnitCountsSnapshot> _counts = new(time, logger);
    private readonly RefreshingCache<Guid, IReadOnlyList<Unit>> _subtrees = new(time, logger);

    private TimeSpan Refresh => TimeSpan.FromSeconds(options.Value.RefreshSeconds);
    private TimeSpan MaxStale => TimeSpan.FromSeconds(options.Value.MaxStaleSeconds);

    public Task<UnitCountsSnapshot> CountsAsync(CancellationToken ct) => _counts.GetAsync(0, async t =>
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Dashboards>().CountEveryUnitAsync(t);
    }, Refresh, MaxStale, ct);

    /// <summary>The active units below <paramref name="unitId"/>.</summary>
    public Task<IReadOnlyList<Unit>> SubtreeAsync(Guid unitId, CancellationToken ct) => _subtrees.GetAsync(unitId, async t =>
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UnitsDirectory>().ListSubtreeAsync(unitId, t);
    }, Refresh, MaxStale, ct);
}
