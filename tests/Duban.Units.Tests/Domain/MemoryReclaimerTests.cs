using Duban.ServiceDefaults.Memory;

namespace Duban.Units.Tests.Domain;

public class MemoryReclaimerTests
{
    [Fact]
    public async Task A_burst_of_large_requests_compacts_the_heap_once_a_moment_after_the_last()
    {
        using var reclaimer = new MemoryReclaimer();
        var before = GC.GetGCMemoryInfo(GCKind.FullBlocking).Index;

        reclaimer.AfterLargeRequest();
        await Task.Delay(MemoryReclaimer.Delay / 2);
        reclaimer.AfterLargeRequest();
        await Task.Delay(MemoryReclaimer.Delay * 3 / 4);
        Assert.Equal(before, GC.GetGCMemoryInfo(GCKind.FullBlocking).Index); // the second call pushed it back

        await Task.Delay(MemoryReclaimer.Delay);
        var after = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        Assert.True(after.Index > before, "a full blocking collection ran");
        Assert.True(after.Compacted, "it compacted the heap");
    }
}
