using System.Security.Cryptography;
using Duban.Tasks.Domain.Attachments;
using Grpc.Core;

namespace Duban.Tasks.Attachments;

/// <summary>
/// An upload's bytes on their way to storage: counted against the limit, hashed (SHA-256), and sampled for
/// <see cref="ContentSniffer"/> — the first 64 KB, the last 1 MB (a zip's directory) and whether any byte is NUL. Memory
/// stays at those samples whatever the file's size.
/// </summary>
public sealed class InspectingStream(Stream source, long limitBytes, string limitText) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _head = new byte[ContentSniffer.HeadBytes];
    // Only a zip needs its end (the directory): the ring is taken once the first bytes say "PK".
    private byte[]? _tail;
    private int _headLength;
    private long _tailWritten;

    public long BytesRead { get; private set; }
    public bool HasNul { get; private set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await source.ReadAsync(buffer, cancellationToken);
        Observe(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = source.Read(buffer, offset, count);
        Observe(buffer.AsSpan(offset, read));
        return read;
    }

    private void Observe(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
            return;
        BytesRead += bytes.Length;
        if (BytesRead > limitBytes)
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"the file is larger than {limitText}"));
        _hash.AppendData(bytes);
        if (!HasNul && bytes.Contains((byte)0))
            HasNul = true;
        if (_headLength < _head.Length)
        {
            var n = Math.Min(bytes.Length, _head.Length - _headLength);
            bytes[..n].CopyTo(_head.AsSpan(_headLength));
            _headLength += n;
        }
        if (_tail is null && _headLength >= 4 && _head.AsSpan().StartsWith("PK\x03\x04"u8))
            _tail = System.Buffers.ArrayPool<byte>.Shared.Rent(ContentSniffer.TailBytes);
        if (_tail is null)
            return;
        // The tail is a ring: only its last TailBytes matter. It starts at the first byte, which the head also holds.
        const int size = ContentSniffer.TailBytes;
        var skipped = bytes.Length > size ? bytes.Length - size : 0;
        var from = bytes[skipped..];
        var at = (int)((_tailWritten + skipped) % size);
        var first = Math.Min(from.Length, size - at);
        from[..first].CopyTo(_tail.AsSpan(at));
        from[first..].CopyTo(_tail);
        _tailWritten += bytes.Length;
    }

    public ReadOnlySpan<byte> Head => _head.AsSpan(0, _headLength);

    /// <summary>The last bytes, in order (a zip's only; empty for everything else).</summary>
    public byte[] Tail()
    {
        if (_tail is null)
            return [];
        if (_tailWritten <= ContentSniffer.TailBytes)
            return _tail[..(int)_tailWritten];
        var at = (int)(_tailWritten % ContentSniffer.TailBytes);
        return [.. _tail.AsSpan(at, ContentSniffer.TailBytes - at), .. _tail.AsSpan(0, at)];
    }

    public string Sha256Hex() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            if (_tail is not null)
                System.Buffers.ArrayPool<byte>.Shared.Return(_tail);
            _tail = null;
        }
        base.Dispose(disposing);
    }
}
