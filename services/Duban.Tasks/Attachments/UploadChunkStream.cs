using Duban.ServiceDefaults.Errors;
using Grpc.Core;
using Contract = Duban.Contracts.Tasks.V1;

namespace Duban.Tasks.Attachments;

/// <summary>The bytes of an UploadAttachment stream after its metadata, read as the client sends them.</summary>
public sealed class UploadChunkStream(IAsyncStreamReader<Contract.UploadAttachmentRequest> requests) : Stream
{
    private ReadOnlyMemory<byte> _current;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_current.IsEmpty)
        {
            if (!await requests.MoveNext(cancellationToken))
                return 0;
            if (requests.Current.PartCase != Contract.UploadAttachmentRequest.PartOneofCase.Chunk)
                throw new ValidationFailedException("metadata", "only the first message carries metadata; the later ones carry the file's bytes");
            _current = requests.Current.Chunk.Memory;
        }
        var n = Math.Min(buffer.Length, _current.Length);
        _current[..n].CopyTo(buffer);
        _current = _current[n..];
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
