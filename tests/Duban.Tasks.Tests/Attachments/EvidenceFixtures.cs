using Amazon.S3.Model;
using Duban.Contracts.Tasks.V1;
using Duban.Harness;
using Duban.Harness.ObjectStorage;
using Duban.Tasks.Attachments;
using Duban.Tasks.Data;
using Duban.Testing;

namespace Duban.Tasks.Tests.Attachments;

/// <summary>The tasks service with its evidence in one of the two storage backends, and a way to count what that backend holds.</summary>
public abstract class EvidenceFixture : TasksServiceFixture
{
    /// <summary>Objects (S3) or files' pieces (PostgreSQL) the backend holds for evidence.</summary>
    public abstract Task<long> StoredCountAsync();

    /// <summary>A new assignment of 经发局, accepted by its lead, to attach evidence to.</summary>
    public async Task<Assignment> AcceptedAssignmentAsync()
    {
        var response = await Office.ImportPlanAsync(new ImportPlanRequest
        {
            Title = "佐证材料", IssuingUnitId = Tree.Park.Id, IssueDate = new Google.Type.Date { Year = 2026, Month = 3, Day = 1 },
            TableText = $"序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限\n1,承接产业转移,拿出方案{Guid.NewGuid():N},经发局,财政局,,2026年12月底前\n",
        });
        var a = (await Office.ListAssignmentsAsync(new ListAssignmentsRequest { PlanId = response.Plan.Id })).Assignments.Single();
        return await EconomyLead.AcceptAssignmentAsync(new AcceptAssignmentRequest { Id = a.Id, Version = a.Version });
    }

    public TasksService.TasksServiceClient EconomyLead => LeadOf(Tree.Economy, Tree.EconomyLead.Id);

    public AttachmentJanitor Janitor => (AttachmentJanitor)Tasks.Services.GetService(typeof(AttachmentJanitor))!;
}

public sealed class PostgresEvidenceFixture : EvidenceFixture
{
    public override Task<long> StoredCountAsync() => CountAsync("SELECT count(*) FROM attachment_blobs");
}

/// <summary>The same against a real S3-compatible server (s3rver), started for the class and stopped after it.</summary>
public sealed class S3EvidenceFixture : EvidenceFixture
{
    private S3Server _server = null!;
    private readonly string _bucket = "evidence-" + Guid.NewGuid().ToString("N")[..12];

    protected override async Task ConfigureTasksAsync(GrpcServiceFactory<TasksDb> tasks)
    {
        _server = await S3Server.StartThrowawayAsync(RepoPaths.Find());
        foreach (var (key, value) in _server.TasksSettings(_bucket))
            tasks.With(key, value);
        // Small parts, so that even the tests' smaller files go up as multipart uploads.
        tasks.With("Attachments:S3:PartMegabytes", "5");
    }

    public override async Task<long> StoredCountAsync()
    {
        using var client = S3EvidenceStorage.CreateClient(new S3StorageOptions
        {
            ServiceUrl = _server.ServiceUrl, AccessKey = S3Server.AccessKey, SecretKey = S3Server.SecretKey, ForcePathStyle = true,
        });
        var listed = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket });
        return listed.KeyCount ?? 0;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _server.DisposeAsync();
    }
}
