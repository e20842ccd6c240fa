using Google.Protobuf;
using Grpc.Core;
using Contract = Duban.Contracts.Supervision.V1;

namespace Duban.Supervision.Grpc;

/// <summary>
/// A write-only stream that sends what is written to it as <see cref="Contract.BulletinChunk"/> messages of up to
/// <see cref="ChunkBytes"/>, the first carrying the content type and file name. Writes only buffer; the asynchronous
/// writes and <see cref="CompleteAsync"/> send, so nothing blocks on the network.
/// </summary>
public sealed class BulletinChunkStream(IAsyncStreamWriter<Contract.BulletinChunk> responses, string contentType, string fileName) : Stream
{
    public const int ChunkBytes = 256 * 1024;

    private readonly byte[] _buffer = new byte[ChunkBytes];
    private int _filled;
    private bool _sentAny;

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        while (data.Length > 0)
        {
            var take = Math.Min(data.Length, ChunkBytes - _filled);
            data.Span[..take].CopyTo(_buffer.AsSpan(_filled));
            _filled += take;
            data = data[take..];
            if (_filled == ChunkBytes)
                await SendAsync();
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Sends what is left; an empty document still gets its one chunk with the content type and file name.</summary>
    public async Task CompleteAsync()
    {
        if (_filled > 0 || !_sentAny)
            await SendAsync();
    }

    private async Task SendAsync()
    {
        var chunk = new Contract.BulletinChunk { Data = ByteString.CopyFrom(_buffer, 0, _filled) };
        if (!_sentAny)
            (chunk.ContentType, chunk.FileName) = (contentType, fileName);
        await responses.WriteAsync(chunk);
        (_filled, _sentAny) = (0, true);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    // Synchronous writes would have to block on the network; the writers used here (StreamWriter, JsonSerializer) write asynchronously.
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("write asynchronously");
}
