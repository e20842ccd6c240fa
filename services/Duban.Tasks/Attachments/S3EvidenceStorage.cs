using System.Buffers;
using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Duban.ServiceDefaults.Errors;
using Microsoft.Extensions.Options;

namespace Duban.Tasks.Attachments;

/// <summary>
/// Evidence in S3-compatible object storage through the AWS SDK. Settings that MinIO and the Chinese clouds (OSS, COS,
/// OBS) accept: checksums only when an operation requires them (the SDK's newer default adds CRC32 trailers that many
/// of them refuse), no aws-chunked bodies (each part is in memory, so its SHA-256 is signed instead), and path-style
/// addressing by choice. A file up to one part goes up in one PUT; a larger one as a multipart upload, one part read
/// while the previous one is sent, so an upload holds two parts of memory whatever its size.
/// </summary>
public sealed class S3EvidenceStorage : IEvidenceStorage, IDisposable
{
    private readonly AmazonS3Client _client;
    private readonly S3StorageOptions _options;
    private readonly int _partBytes;

    public S3EvidenceStorage(IOptions<AttachmentOptions> options)
    {
        _options = options.Value.S3;
        _partBytes = Math.Max(5, _options.PartMegabytes) * 1024 * 1024;
        _client = CreateClient(_options);
    }

    /// <summary>The client as the service configures it (the benchmark builds one with the same settings for its plain PUT).</summary>
    public static AmazonS3Client CreateClient(S3StorageOptions options)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            AuthenticationRegion = options.Region,
            MaxErrorRetry = 2,
            Timeout = TimeSpan.FromMinutes(2),
        };
        if (options.ServiceUrl.Length > 0)
            config.ServiceURL = options.ServiceUrl;
        else
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
        return new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
    }

    public async Task WriteAsync(string key, Stream content, CancellationToken ct)
    {
        var objectKey = _options.KeyPrefix + key;
        var current = ArrayPool<byte>.Shared.Rent(_partBytes);
        var next = ArrayPool<byte>.Shared.Rent(_partBytes);
        try
        {
            var filled = await FillAsync(content, current, ct);
            if (filled < _partBytes)
            {
                await Call(() => _client.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = _options.Bucket, Key = objectKey, InputStream = Part(current, filled), UseChunkEncoding = false, AutoCloseStream = true,
                }, ct));
                return;
            }
            var upload = await Call(() => _client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
            {
                BucketName = _options.Bucket, Key = objectKey,
            }, ct));
            try
            {
                var parts = new List<PartETag>();
                while (filled > 0)
                {
                    var number = parts.Count + 1;
                    var sending = UploadPartAsync(objectKey, upload.UploadId, number, current, filled, ct);
                    var reading = FillAsync(content, next, ct);
                    parts.Add(new PartETag(number, (await sending).ETag));
                    filled = await reading;
                    (current, next) = (next, current);
                }
                await Call(() => _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
                {
                    BucketName = _options.Bucket, Key = objectKey, UploadId = upload.UploadId, PartETags = parts,
                }, ct));
            }
            catch
            {
                // The parts sent so far would otherwise stay in the bucket, invisible and billed.
                await AbortQuietlyAsync(objectKey, upload.UploadId);
                throw;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(next);
        }
    }

    public async Task<Stream> OpenReadAsync(string key, CancellationToken ct)
    {
        try
        {
            var response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = _options.Bucket, Key = _options.KeyPrefix + key }, ct);
            return new ResponseStream(response);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw new NotFoundException("attachment content", key);
        }
        catch (Exception e) when (IsUnavailable(e, ct))
        {
            throw new DependencyUnavailableException("object storage", e);
        }
    }

    public Task DeleteAsync(string key, CancellationToken ct) =>
        Call(() => _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _options.Bucket, Key = _options.KeyPrefix + key }, ct));

    /// <summary>Creates the bucket when it is missing (Attachments:S3:CreateBucket; local runs and tests).</summary>
    public async Task EnsureBucketAsync(CancellationToken ct)
    {
        if (await Amazon.S3.Util.AmazonS3Util.DoesS3BucketExistV2Async(_client, _options.Bucket))
            return;
        await Call(() => _client.PutBucketAsync(new PutBucketRequest { BucketName = _options.Bucket }, ct));
    }

    public void Dispose() => _client.Dispose();

    private async Task<UploadPartResponse> UploadPartAsync(string objectKey, string uploadId, int number, byte[] buffer, int length, CancellationToken ct) =>
        await Call(() => _client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = _options.Bucket, Key = objectKey, UploadId = uploadId, PartNumber = number, PartSize = length,
            InputStream = Part(buffer, length), UseChunkEncoding = false,
        }, ct));

    private async Task AbortQuietlyAsync(string objectKey, string uploadId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _options.Bucket, Key = objectKey, UploadId = uploadId },
                timeout.Token);
        }
        catch (Exception)
        {
            // Best effort: a bucket lifecycle rule for incomplete multipart uploads catches what is left (README).
        }
    }

    private static MemoryStream Part(byte[] buffer, int length) => new(buffer, 0, length, writable: false, publiclyVisible: true);

    private async Task<int> FillAsync(Stream content, byte[] buffer, CancellationToken ct)
    {
        var filled = 0;
        while (filled < _partBytes)
        {
            var read = await content.ReadAsync(buffer.AsMemory(filled, _partBytes - filled), ct);
            if (read == 0)
                break;
            filled += read;
        }
        return filled;
    }

    private static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (IsUnavailable(e, CancellationToken.None))
        {
            throw new DependencyUnavailableException("object storage", e);
        }
    }

    /// <summary>The storage could not be reached or failed on its side; what the caller sent is not at fault.</summary>
    private static bool IsUnavailable(Exception e, CancellationToken ct) =>
        !ct.IsCancellationRequested && e is HttpRequestException or AmazonServiceException or IOException or TimeoutException
            && e is not AmazonS3Exception { StatusCode: HttpStatusCode.NotFound };

    /// <summary>The object's bytes; disposing it ends the response.</summary>
    private sealed class ResponseStream(GetObjectResponse response) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => response.ContentLength;
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => response.ResponseStream.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            response.ResponseStream.ReadAsync(buffer, cancellationToken);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            response.ResponseStream.ReadAsync(buffer, offset, count, cancellationToken);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                response.Dispose();
            base.Dispose(disposing);
        }
    }
}
