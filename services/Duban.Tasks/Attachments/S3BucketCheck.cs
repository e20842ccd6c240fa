using Microsoft.Extensions.Options;

namespace Duban.Tasks.Attachments;

/// <summary>With Attachments:S3:CreateBucket, makes the bucket at start-up when it is missing (local runs and tests).</summary>
public sealed class S3BucketCheck(S3EvidenceStorage storage, IOptions<AttachmentOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        options.Value.S3.CreateBucket ? storage.EnsureBucketAsync(cancellationToken) : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
