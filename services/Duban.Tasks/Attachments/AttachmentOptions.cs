namespace Duban.Tasks.Attachments;

/// <summary>Attachments:*: where evidence files go, how large and how many they may be, and when unused uploads are removed.</summary>
public sealed class AttachmentOptions
{
    public const string Section = "Attachments";

    /// <summary>"postgres" (a table of the tasks database; the default, for small installations and local runs) or "s3".</summary>
    public string Storage { get; set; } = "postgres";

    /// <summary>The largest file accepted.</summary>
    public int MaxFileMegabytes { get; set; } = 200;

    /// <summary>At most this many files per assignment (pending ones included).</summary>
    public int MaxFilesPerAssignment { get; set; } = 50;

    /// <summary>At most this many megabytes of files per assignment (pending ones included).</summary>
    public int MaxMegabytesPerAssignment { get; set; } = 1024;

    /// <summary>An upload named by no record is removed after this long.</summary>
    public TimeSpan PendingTimeout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>An upload still receiving after this long is taken for dead (its process crashed) and removed.</summary>
    public TimeSpan UploadTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the janitor removes expired and dead uploads.</summary>
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromMinutes(5);

    public S3StorageOptions S3 { get; set; } = new();

    public long MaxFileBytes => MaxFileMegabytes * 1024L * 1024;
    public long MaxBytesPerAssignment => MaxMegabytesPerAssignment * 1024L * 1024;
}

/// <summary>Attachments:S3:*, for AWS S3 and what speaks its protocol: MinIO, Aliyun OSS, Tencent COS, Huawei OBS.</summary>
public sealed class S3StorageOptions
{
    /// <summary>The endpoint, e.g. http://minio:9000 or https://oss-cn-hangzhou.aliyuncs.com; empty for AWS itself (by region).</summary>
    public string ServiceUrl { get; set; } = "";
    public string Region { get; set; } = "us-east-1";
    public string Bucket { get; set; } = "";
    /// <summary>Prepended to every object's key, so one bucket can serve several installations.</summary>
    public string KeyPrefix { get; set; } = "evidence/";
    public string AccessKey { get; set; } = "";
    public string SecretKey { get; set; } = "";
    /// <summary>bucket in the path (MinIO, most private clouds) rather than in the host name (virtual-hosted: OSS and COS require it).</summary>
    public bool ForcePathStyle { get; set; } = true;
    /// <summary>The size of each part of a multipart upload; at least 5 (S3's own minimum). Memory per upload is about one part.</summary>
    public int PartMegabytes { get; set; } = 8;
    /// <summary>Create the bucket at start-up when it is missing (local runs, tests); production buckets are made by their owners.</summary>
    public bool CreateBucket { get; set; }
}
