using System.Buffers;
using System.Data;
using Npgsql;
using NpgsqlTypes;

namespace Duban.Tasks.Attachments;

/// <summary>
/// Evidence in the tasks database, for small installations and the local run: the bytes in rows of 1 MB
/// (attachment_blobs), written by one binary COPY and read back row by row, so neither way holds a file whole. A COPY
/// that fails half-way rolls back as one statement: a broken upload leaves no rows.
/// </summary>
public sealed class PostgresEvidenceStorage(NpgsqlDataSource dataSource) : IEvidenceStorage
{
    public const int PartBytes = 1024 * 1024;

    public async Task WriteAsync(string key, Stream content, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(PartBytes);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var import = await connection.BeginBinaryImportAsync(
                "COPY attachment_blobs (storage_key, part, data) FROM STDIN (FORMAT BINARY)", ct);
            var part = 0;
            while (true)
            {
                var filled = 0;
                int read;
                while (filled < PartBytes && (read = await content.ReadAsync(buffer.AsMemory(filled, PartBytes - filled), ct)) > 0)
                    filled += read;
                if (filled == 0)
                    break;
                await import.StartRowAsync(ct);
                await import.WriteAsync(key, NpgsqlDbType.Text, ct);
                await import.WriteAsync(part++, NpgsqlDbType.Integer, ct);
                await import.WriteAsync(new ArraySegment<byte>(buffer, 0, filled), NpgsqlDbType.Bytea, ct);
                if (filled < PartBytes)
                    break;
            }
            await import.CompleteAsync(ct);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async Task<Stream> OpenReadAsync(string key, CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            var command = new NpgsqlCommand("SELECT data FROM attachment_blobs WHERE storage_key = $1 ORDER BY part", connection)
            {
                Parameters = { new NpgsqlParameter<string> { TypedValue = key } },
            };
            var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess | CommandBehavior.CloseConnection, ct);
            return new PartsStream(reader);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task DeleteAsync(string key, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM attachment_blobs WHERE storage_key = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The rows' bytes one after another; each row is read as a stream, never as one array.</summary>
    private sealed class PartsStream(NpgsqlDataReader reader) : Stream
    {
        private Stream? _part;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (true)
            {
                if (_part is null)
                {
                    if (!await reader.ReadAsync(cancellationToken))
                        return 0;
                    _part = await reader.GetStreamAsync(0, cancellationToken);
                }
                var read = await _part.ReadAsync(buffer, cancellationToken);
                if (read > 0)
                    return read;
                await _part.DisposeAsync();
                _part = null;
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask DisposeAsync()
        {
            if (_part is not null)
                await _part.DisposeAsync();
            await reader.DisposeAsync();
            await base.DisposeAsync();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _part?.Dispose();
                reader.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
