using Duban.Contracts.Supervision.V1;
using Duban.Supervision.Grpc;
using Grpc.Core;
using Xunit;

namespace Duban.Supervision.Tests.Grpc;

public class BulletinChunkStreamTests
{
    private sealed class Collected : IAsyncStreamWriter<BulletinChunk>
    {
        public List<BulletinChunk> Chunks { get; } = [];
        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(BulletinChunk message)
        {
            Chunks.Add(message);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Writes_of_any_size_arrive_in_order_as_full_chunks_then_the_rest_with_the_file_in_the_first()
    {
        var data = new byte[2 * BulletinChunkStream.ChunkBytes + 12_345];
        new Random(7).NextBytes(data);
        var sent = new Collected();
        var sink = new BulletinChunkStream(sent, "text/csv; charset=utf-8", "通报.csv");

        for (var offset = 0; offset < data.Length; offset += 70_001)
            await sink.WriteAsync(data.AsMemory(offset, Math.Min(70_001, data.Length - offset)));
        await sink.CompleteAsync();

        Assert.Equal([BulletinChunkStream.ChunkBytes, BulletinChunkStream.ChunkBytes, 12_345], sent.Chunks.Select(c => c.Data.Length));
        Assert.Equal(data, sent.Chunks.SelectMany(c => c.Data.ToByteArray()));
        Assert.Equal(("text/csv; charset=utf-8", "通报.csv"), (sent.Chunks[0].ContentType, sent.Chunks[0].FileName));
        Assert.All(sent.Chunks.Skip(1), c => Assert.Equal("", c.FileName));
    }

    [Fact]
    public async Task An_empty_document_is_one_chunk_that_names_the_file()
    {
        var sent = new Collected();
        await new BulletinChunkStream(sent, "application/json", "通报.json").CompleteAsync();

        var only = Assert.Single(sent.Chunks);
        Assert.True(only.Data.IsEmpty);
        Assert.Equal("通报.json", only.FileName);
    }
}
