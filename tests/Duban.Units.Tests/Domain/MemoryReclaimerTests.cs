using Duban.ServiceDefaults.Memory;
using Microsoft.Extensions.Time.Testing;

namespace Duban.Units.Tests.Domain;

public class MemoryReclaimerTests
{
    [Fact]
    public void A_burst_of_large_requests_reclaims_once_a_moment_after_the_last()
    {
        var clock = new FakeTimeProvider();
        var reclaimed = 0;
        using var reclaimer = new MemoryReclaimer(clock, () => Interlocked.Increment(ref reclaimed));

        reclaimer.AfterLargeRequest();
        clock.Advance(MemoryReclaimer.Delay / 2);
        reclaimer.AfterLargeRequest();
        clock.Advance(MemoryReclaimer.Delay * 3 / 4);
        Assert.Equal(0, reclaimed); // the second call pushed it back

        clock.Advance(MemoryReclaimer.Delay / 4);
        Assert.Equal(1, reclaimed);

        clock.Advance(MemoryReclaimer.Delay * 10);
        Assert.Equal(1, reclaimed); // once per burst, not on a period
    }

    [Fact]
    public void Nothing_is_reclaimed_without_a_large_request()
    {
        var clock = new FakeTimeProvider();
        var reclaimed = 0;
        using var reclaimer = new MemoryReclaimer(clock, () => Interlocked.Increment(ref reclaimed));

        clock.Advance(MemoryReclaimer.Delay * 10);

        Assert.Equal(0, reclaimed);
    }

    [Fact]
    public void Compacting_the_heap_runs_a_full_blocking_compacting_collection()
    {
        var before = GC.GetGCMemoryInfo(GCKind.FullBlocking).Index;

        MemoryReclaimer.CompactHeap();

        var after = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        Assert.True(after.Index > before, "a full blocking collection ran");
        Assert.True(after.Compacted, "it compacted the heap");
    }
}
