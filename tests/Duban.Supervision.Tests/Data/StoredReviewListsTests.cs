using System.IO.Compression;
using Duban.Supervision.Domain.Reviews;
using Duban.Supervision.Reviews;
using Xunit;

namespace Duban.Supervision.Tests.Data;

public class StoredReviewListsTests
{
    private static readonly Guid Economy = Guid.Parse("81855e56-9bc3-4670-9735-b9332807b274");

    private static ReviewItem Item(int n, DateOnly? due = null, string owner = "刘洋", bool explained = false) =>
        new(Guid.CreateVersion7(), $"完成标准厂房二期验收第{n}项 \"一网通办\"", Economy, "工业园区经济发展局", owner, due, n, n % 101, explained);

    [Fact]
    public void What_is_written_reads_back_item_for_item_in_every_list_and_order()
    {
        var lists = new ReviewLists(
            [Item(5, new DateOnly(2026, 11, 10), explained: true), Item(2, new DateOnly(1999, 12, 31))],
            [],
            [Item(0, null, owner: ""), Item(3, new DateOnly(2026, 11, 6)), Item(100, new DateOnly(2040, 2, 29))],
            [Item(1, new DateOnly(2026, 11, 18)) with { Title = new string('办', 2000) }]);

        var read = StoredReviewLists.Read(StoredReviewLists.Write(lists));

        Assert.Equal(lists.NewlyOverdue, read.NewlyOverdue);
        Assert.Equal(lists.StillOverdue, read.StillOverdue);
        Assert.Equal(lists.CompletedThisWeek, read.CompletedThisWeek);
        Assert.Equal(lists.DueNextWeek, read.DueNextWeek);
    }

    [Fact]
    public void Lists_longer_than_one_chunk_of_the_parallel_writer_read_back_whole_and_in_order()
    {
        // 16,384 items a chunk: one list of two and a half chunks, one of exactly two, beside an empty one.
        var lists = new ReviewLists(
            Enumerable.Range(0, 40_000).Select(n => Item(n % 500, new DateOnly(2026, 1, 1).AddDays(n % 300), owner: n % 7 == 0 ? "" : "刘洋")).ToList(),
            [],
            Enumerable.Range(0, 32_768).Select(n => Item(n % 90) with { Title = new string('办', n % 40) }).ToList(),
            [Item(1)]);

        var read = StoredReviewLists.Read(StoredReviewLists.Write(lists));

        Assert.Equal(lists.NewlyOverdue, read.NewlyOverdue);
        Assert.Empty(read.StillOverdue);
        Assert.Equal(lists.CompletedThisWeek, read.CompletedThisWeek);
        Assert.Equal(lists.DueNextWeek, read.DueNextWeek);
    }

    [Fact]
    public void The_service_writes_gzip_and_the_plain_layout_inside_reads_the_same()
    {
        var lists = new ReviewLists([Item(4, new DateOnly(2026, 11, 13))], [Item(9)], [], []);
        var stored = StoredReviewLists.Write(lists);
        Assert.Equal(new byte[] { 0x1f, 0x8b }, stored[..2]);

        var plain = Inflate(stored);
        var read = StoredReviewLists.Read(plain);

        Assert.Equal("DRL1"u8.ToArray(), plain[..4]);
        Assert.Equal(lists.NewlyOverdue, read.NewlyOverdue);
        Assert.Equal(lists.StillOverdue, read.StillOverdue);
        Assert.Empty(read.CompletedThisWeek);
        Assert.Empty(read.DueNextWeek);
    }

    [Fact]
    public void A_filtered_read_keeps_the_chosen_items_in_order_and_still_gives_each_lists_full_size()
    {
        var finance = Guid.Parse("d5a24bcb-ff4f-464d-b5d2-3d6f4555d442");
        var lists = new ReviewLists(
            [Item(1), Item(2) with { UnitId = finance }, Item(3)],
            [Item(4) with { UnitId = finance }, Item(5)],
            [Item(6), Item(7), Item(8)],
            []);

        var (read, sizes) = StoredReviewLists.Read(StoredReviewLists.Write(lists),
            (list, position, unit) => list <= 1 ? unit == finance : position < 2);

        Assert.Equal([lists.NewlyOverdue[1]], read.NewlyOverdue);
        Assert.Equal([lists.StillOverdue[0]], read.StillOverdue);
        Assert.Equal(lists.CompletedThisWeek.Take(2), read.CompletedThisWeek);
        Assert.Empty(read.DueNextWeek);
        Assert.Equal(new ReviewListSizes(3, 2, 3, 0), sizes);
    }

    [Fact]
    public void Cut_short_or_foreign_bytes_are_refused_not_read_as_lists()
    {
        var plain = Inflate(StoredReviewLists.Write(new ReviewLists([Item(1, new DateOnly(2026, 11, 10))], [], [], [])));

        Assert.Throws<InvalidDataException>(() => StoredReviewLists.Read(plain[..^3]));
        Assert.Throws<InvalidDataException>(() => StoredReviewLists.Read([.. plain, 0]));
        Assert.Throws<InvalidDataException>(() => StoredReviewLists.Read("{\"newlyOverdue\":[]}"u8.ToArray()));
        // A count no bytes could hold is refused before anything is allocated for it.
        var boasting = plain.ToArray();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(boasting.AsSpan(4), int.MaxValue);
        Assert.Throws<InvalidDataException>(() => StoredReviewLists.Read(boasting));
    }

    private static byte[] Inflate(byte[] stored)
    {
        using var plain = new MemoryStream();
        using (var gzip = new GZipStream(new MemoryStream(stored), CompressionMode.Decompress))
            gzip.CopyTo(plain);
        return plain.ToArray();
    }
}
