using System.Security.Cryptography;
using Duban.Contracts.Tasks.V1;
using Google.Protobuf;

namespace Duban.Tasks.Tests.Attachments;

/// <summary>Test files and the client side of the streaming calls.</summary>
public static class EvidenceUpload
{
    public static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R', 1, 2, 3];

    /// <summary>A PDF's first bytes and then random ones, made piece by piece, never whole.</summary>
    public static IEnumerable<byte[]> PdfPieces(long size, int piece = 64 * 1024, int seed = 7)
    {
        var random = new Random(seed);
        var header = "%PDF-1.7\n"u8.ToArray();
        for (long sent = 0; sent < size; sent += piece)
        {
            var bytes = new byte[(int)Math.Min(piece, size - sent)];
            random.NextBytes(bytes);
            if (sent == 0)
                header.AsSpan(0, Math.Min(header.Length, bytes.Length)).CopyTo(bytes);
            yield return bytes;
        }
    }

    public static string Sha256Of(IEnumerable<byte[]> pieces)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var p in pieces)
            hash.AppendData(p);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public static Task<Attachment> UploadAsync(this TasksService.TasksServiceClient client, string assignmentId, string name, byte[] bytes) =>
        client.UploadAsync(assignmentId, name, [bytes]);

    public static async Task<Attachment> UploadAsync(this TasksService.TasksServiceClient client, string assignmentId, string name,
        IEnumerable<byte[]> pieces, long declaredSize = 0)
    {
        using var call = client.UploadAttachment();
        await call.RequestStream.WriteAsync(new UploadAttachmentRequest
        {
            Metadata = new AttachmentUpload { AssignmentId = assignmentId, FileName = name, SizeBytes = declaredSize },
        });
        foreach (var piece in pieces)
            await call.RequestStream.WriteAsync(new UploadAttachmentRequest { Chunk = ByteString.CopyFrom(piece) });
        await call.RequestStream.CompleteAsync();
        return await call;
    }

    /// <summary>The file as DownloadAttachment streams it: its description and its bytes' SHA-256 and length.</summary>
    public static async Task<(Attachment Attachment, string Sha256, long Length, byte[] Start)> DownloadAsync(this TasksService.TasksServiceClient client,
        string id, Action<long>? received = null)
    {
        using var call = client.DownloadAttachment(new DownloadAttachmentRequest { Id = id });
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Attachment? attachment = null;
        long length = 0;
        var start = new List<byte>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            var chunk = call.ResponseStream.Current;
            attachment ??= chunk.Attachment;
            hash.AppendData(chunk.Data.Span);
            if (start.Count < 64)
                start.AddRange(chunk.Data.Span[..Math.Min(64 - start.Count, chunk.Data.Length)].ToArray());
            length += chunk.Data.Length;
            received?.Invoke(length);
        }
        return (attachment!, Convert.ToHexStringLower(hash.GetHashAndReset()), length, [.. start]);
    }
}
