namespace Duban.ServiceDefaults.Memory;

/// <summary>
/// Gives memory back after rare, large requests (a plan of 100,000 items, a review of a million assignments). Such a
/// request grows the heap, and an otherwise idle service would keep it: its garbage sits in the oldest generation
/// until a full collection that may never come. A moment after the request — once its response is written and its
/// objects are garbage — one compacting collection returns that memory. A burst of large requests compacts once.
/// </summary>
public sealed class MemoryReclaimer : IDisposable
{
    /// <summary>Long enough for the request's response to be written and its objects released.</summary>
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(2);

    private readonly ITimer _timer;

    /// <summary>Compacts the process's heap on the wall clock (memory is a matter of real time, not of the domain's clock).</summary>
    public MemoryReclaimer() : this(TimeProvider.System, CompactHeap) { }

    /// <summary>Runs <paramref name="reclaim"/> on <paramref name="timers"/>' clock; tests watch it without the process's own collections in the way.</summary>
    public MemoryReclaimer(TimeProvider timers, Action reclaim) =>
        _timer = timers.CreateTimer(_ => reclaim(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    /// <summary>Compact <see cref="Delay"/> after the last call.</summary>
    public void AfterLargeRequest() => _timer.Change(Delay, Timeout.InfiniteTimeSpan);

    /// <summary>One full, blocking collection that compacts every generation, the large object heap included.</summary>
    public static void CompactHeap() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

    public void Dispose() => _timer.Dispose();
}
