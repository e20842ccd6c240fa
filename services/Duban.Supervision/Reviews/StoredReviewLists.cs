using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Duban.Supervision.Domain.Reviews;

namespace Duban.Supervision.Reviews;

/// <summary>The four item lists of a weekly review, in their order.</summary>
public sealed record ReviewLists(
    IReadOnlyList<ReviewItem> NewlyOverdue,
    IReadOnlyList<ReviewItem> StillOverdue,
    IReadOnlyList<ReviewItem> CompletedThisWeek,
    IReadOnlyList<ReviewItem> DueNextWeek)
{
    public static ReviewLists Of(WeeklyReviewReport report) =>
        new(report.NewlyOverdue, report.StillOverdue, report.CompletedThisWeek, report.DueNextWeek);

    public WeeklyReviewReport Into(WeeklyReviewReport report) => report with
    {
        NewlyOverdue = NewlyOverdue,
        StillOverdue = StillOverdue,
        CompletedThisWeek = CompletedThisWeek,
        DueNextWeek = DueNextWeek,
    };

    public int Count => NewlyOverdue.Count + StillOverdue.Count + CompletedThisWeek.Count + DueNextWeek.Count;

    public IReadOnlyList<ReviewItem>[] InOrder => [NewlyOverdue, StillOverdue, CompletedThisWeek, DueNextWeek];
}

/// <summary>
/// How a review's lists are stored (<c>weekly_reviews.lists</c>): one value, 5.0 MB for the 127,250 items of the
/// benchmark's million-assignment review, where a row per item took a COPY of as many rows, their index entries and
/// their WAL (31 MB of table and index).
/// <para>
/// The layout is that of PostgreSQL's binary send functions, so SQL can write it too (the migration from item rows
/// does): <c>DRL1</c>, then for each list in order a count (int32) and its items, each as assignment id and unit id
/// (uuid_send, 16 bytes), title, unit name and owner (int32 byte length, UTF-8), due date (int32 days since 2000-01-01,
/// <see cref="NoDueDate"/> when none), days (int32), progress (int16) and whether explained (one byte). Integers are
/// big-endian. The service gzips what it writes; gzip's first byte (0x1f) is not <c>D</c>, so both read.
/// </para>
/// </summary>
public static class StoredReviewLists
{
    public const int NoDueDate = int.MinValue;
    private static readonly byte[] Magic = "DRL1"u8.ToArray();
    private static readonly DateOnly Epoch = new(2000, 1, 1);
    private const byte GzipFirstByte = 0x1f;

    public static byte[] Write(ReviewLists lists)
    {
        // Laid out in one buffer of its exact size, then compressed in one pass: a stream write per field costs more than
        // the fields, and a growing buffer leaves a trail of large-object garbage behind a large review. The items are
        // measured and laid out in chunks, on as many cores as there are: UTF-8 of 100,000 titles is most of the work.
        var chunks = Chunks(lists).ToArray();
        var lengths = new long[chunks.Length];
        Parallel.For(0, chunks.Length, c => lengths[c] = PlainLength(chunks[c]));

        var offsets = new long[chunks.Length];
        long length = Magic.Length;
        for (var c = 0; c < chunks.Length; c++)
        {
            if (chunks[c].Start == 0)
                length += 4;
            offsets[c] = length;
            length += lengths[c];
        }
        var plain = new byte[length];
        Magic.CopyTo(plain, 0);
        for (var c = 0; c < chunks.Length; c++)
            if (chunks[c].Start == 0)
                BinaryPrimitives.WriteInt32BigEndian(plain.AsSpan((int)offsets[c] - 4), chunks[c].List.Count);
        Parallel.For(0, chunks.Length, c => WriteItems(chunks[c], plain.AsSpan((int)offsets[c], (int)lengths[c])));

        using var compressed = new MemoryStream(plain.Length / 2);
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(plain);
        return compressed.ToArray();
    }

    // A run of one list's items; every list has at least one, so an empty list still gets its count written.
    private readonly record struct Chunk(IReadOnlyList<ReviewItem> List, int Start, int Count);

    private const int ItemsPerChunk = 16_384;

    private static IEnumerable<Chunk> Chunks(ReviewLists lists)
    {
        foreach (var list in lists.InOrder)
        {
            var start = 0;
            do
            {
                var count = Math.Min(ItemsPerChunk, list.Count - start);
                yield return new Chunk(list, start, count);
                start += count;
            } while (start < list.Count);
        }
    }

    private static void WriteItems(Chunk chunk, Span<byte> output)
    {
        for (var i = chunk.Start; i < chunk.Start + chunk.Count; i++)
        {
            var item = chunk.List[i];
            item.AssignmentId.TryWriteBytes(output, bigEndian: true, out _);
            item.UnitId.TryWriteBytes(output[16..], bigEndian: true, out _);
            output = output[32..];
            output = WriteText(output, item.Title);
            output = WriteText(output, item.UnitName);
            output = WriteText(output, item.OwnerName);
            BinaryPrimitives.WriteInt32BigEndian(output, item.DueDate is { } due ? due.DayNumber - Epoch.DayNumber : NoDueDate);
            BinaryPrimitives.WriteInt32BigEndian(output[4..], item.DaysOverdue);
            BinaryPrimitives.WriteInt16BigEndian(output[8..], checked((short)item.ProgressPercent));
            output[10] = item.HasExplanation ? (byte)1 : (byte)0;
            output = output[FixedTail..];
        }
        if (!output.IsEmpty)
            throw new InvalidOperationException("the items did not fill the length measured for them");
    }

    /// <summary>The stored lists, every item.</summary>
    public static ReviewLists Read(byte[] stored) => Read(stored, keep: null).Lists;

    /// <summary>
    /// The stored lists with only the items <paramref name="keep"/> takes (by list from 0, position in it and unit), and
    /// the full size of each list. Items left out are skipped without being decoded.
    /// </summary>
    public static (ReviewLists Lists, ReviewListSizes Sizes) Read(byte[] stored, Func<int, int, Guid, bool>? keep)
    {
        var bytes = stored.Length > 0 && stored[0] == GzipFirstByte ? Inflate(stored) : stored;
        var reader = new Reader(bytes);
        if (!reader.Take(Magic.Length).SequenceEqual(Magic))
            throw new InvalidDataException("not a stored review list (DRL1)");
        // Unit names and owners repeat across a large review: one string for each, not one per item.
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var lists = new List<ReviewItem>[4];
        var sizes = new int[4];
        for (var l = 0; l < lists.Length; l++)
        {
            var count = sizes[l] = reader.Int32();
            if (count < 0 || count > reader.Remaining / MinimalItem)
                throw new InvalidDataException("stored review lists count more items than they hold");
            var items = lists[l] = new List<ReviewItem>(keep is null ? count : 0);
            for (var i = 0; i < count; i++)
            {
                var assignment = new Guid(reader.Take(16), bigEndian: true);
                var unit = new Guid(reader.Take(16), bigEndian: true);
                if (keep is not null && !keep(l, i, unit))
                {
                    reader.SkipText();
                    reader.SkipText();
                    reader.SkipText();
                    reader.Take(FixedTail);
                    continue;
                }
                var title = reader.Text();
                var unitName = reader.Text(names);
                var owner = reader.Text(names);
                var tail = reader.Take(FixedTail);
                var due = BinaryPrimitives.ReadInt32BigEndian(tail);
                items.Add(new ReviewItem(assignment, title, unit, unitName, owner, due == NoDueDate ? null : Epoch.AddDays(due),
                    BinaryPrimitives.ReadInt32BigEndian(tail[4..]), BinaryPrimitives.ReadInt16BigEndian(tail[8..]), tail[10] != 0));
            }
        }
        if (!reader.AtEnd)
            throw new InvalidDataException("stored review lists have bytes after their fourth list");
        return (new ReviewLists(lists[0], lists[1], lists[2], lists[3]), new ReviewListSizes(sizes[0], sizes[1], sizes[2], sizes[3]));
    }

    // Per item: two ids, three lengths, then due date, days, progress and the explanation flag.
    private const int FixedHead = 32;
    private const int FixedTail = 11;
    private const int MinimalItem = FixedHead + 12 + FixedTail;
    // Deflate expands at most about 1,032 to 1.
    private const long MostInflation = 1_032;

    private static long PlainLength(Chunk chunk)
    {
        long length = 0;
        for (var i = chunk.Start; i < chunk.Start + chunk.Count; i++)
        {
            var item = chunk.List[i];
            length += FixedHead + 12 + FixedTail + Encoding.UTF8.GetByteCount(item.Title) + Encoding.UTF8.GetByteCount(item.UnitName)
                      + Encoding.UTF8.GetByteCount(item.OwnerName);
        }
        return length;
    }

    private static Span<byte> WriteText(Span<byte> output, string text)
    {
        var length = Encoding.UTF8.GetBytes(text, output[4..]);
        BinaryPrimitives.WriteInt32BigEndian(output, length);
        return output[(4 + length)..];
    }

    private static byte[] Inflate(byte[] stored)
    {
        // gzip ends with the inflated length (mod 2^32; the lists of the largest review are far below that).
        if (stored.Length < 18)
            throw new InvalidDataException("stored review lists are cut short");
        var length = BinaryPrimitives.ReadInt32LittleEndian(stored.AsSpan(^4));
        if (length < Magic.Length || length > stored.Length * MostInflation)
            throw new InvalidDataException("stored review lists name an impossible length");
        var inflated = new byte[length];
        using var gzip = new GZipStream(new MemoryStream(stored, writable: false), CompressionMode.Decompress);
        gzip.ReadExactly(inflated);
        return inflated;
    }

    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private ReadOnlySpan<byte> rest = bytes;

        public readonly bool AtEnd => rest.IsEmpty;

        public readonly int Remaining => rest.Length;

        public ReadOnlySpan<byte> Take(int length)
        {
            if (length < 0 || length > rest.Length)
                throw new InvalidDataException("stored review lists end in the middle of an item");
            var taken = rest[..length];
            rest = rest[length..];
            return taken;
        }

        public int Int32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

        public string Text() => Encoding.UTF8.GetString(Take(Int32()));

        public void SkipText() => Take(Int32());

        /// <summary>The text, as the string already in <paramref name="seen"/> when it is there.</summary>
        public string Text(Dictionary<string, string> seen)
        {
            var bytes = Take(Int32());
            Span<char> chars = stackalloc char[256];
            if (bytes.Length > chars.Length)
                return Encoding.UTF8.GetString(bytes);
            var text = chars[..Encoding.UTF8.GetChars(bytes, chars)];
            var lookup = seen.GetAlternateLookup<ReadOnlySpan<char>>();
            if (lookup.TryGetValue(text, out var known))
                return known;
            var added = text.ToString();
            seen.Add(added, added);
            return added;
        }
    }
}
