using System.Data;
using System.Diagnostics;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Duban.Contracts.Tasks.V1;
using Duban.Harness.ObjectStorage;
using Duban.ServiceDefaults.Auth;
using Google.Protobuf;
using Grpc.Core;
using Npgsql;
using NpgsqlTypes;

namespace Duban.Bench;

/// <summary>
/// Evidence files (佐证材料) through the tasks service's streaming calls — one large file and many small photos, uploaded
/// and downloaded by one client — beside a plain copy of the same bytes to the same storage: for PostgreSQL, a binary
/// COPY into the same table in the same 1 MB rows and a SELECT of them; for S3, PutObject and GetObject with the AWS
/// SDK straight to the same server. Each backend on a fresh cluster (and s3rver), one after the other.
/// </summary>
public static class AttachmentsBenchmark
{
    // As the CLI sends a file; the service answers in pieces of 256 KB.
    private const int PieceBytes = 64 * 1024;
    private const int RowBytes = 1024 * 1024;
    private const string Bucket = "bench-evidence";

    private sealed record Figure(string Label, long Files, long Bytes, double ServiceSeconds, double PlainSeconds);

    public static async Task<int> RunAsync(string[] args)
    {
        var backends = (Option(args, "--backends") ?? "postgres,s3").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var bigMegabytes = TasksSetup.IntOption(args, "--big-mb", 100);
        var photos = TasksSetup.IntOption(args, "--photos", 1000);
        var photoKilobytes = TasksSetup.IntOption(args, "--photo-kb", 200);
        if (backends.Any(b => b is not ("postgres" or "s3")))
        {
            Console.WriteLine("--backends takes postgres and/or s3");
            return 2;
        }

        Console.WriteLine($"generating 1 file of {bigMegabytes} MB (PDF) and {photos:N0} photos of {photoKilobytes} KB (JPEG) ...");
        var big = Generate(bigMegabytes * 1024 * 1024, "%PDF-1.7\n"u8, "\n%%EOF\n"u8, seed: 1);
        var photoBytes = Enumerable.Range(0, photos)
            .Select(i => Generate(photoKilobytes * 1024, [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0],
                [0xFF, 0xD9], seed: 100 + i))
            .ToList();

        var results = new List<(string Backend, List<Figure> Upload, List<Figure> Download, string Memory)>();
        foreach (var backend in backends)
            results.Add(await RunBackendAsync(backend, big, photoBytes));

        Console.WriteLine();
        Console.WriteLine("Evidence files through the tasks service (gRPC client streaming up, server streaming down, one client, one file at a time)");
        Console.WriteLine("beside a plain copy of the same bytes to the same storage (PostgreSQL: binary COPY into attachment_blobs in 1 MB rows,");
        Console.WriteLine("SELECT back; S3: PutObject / GetObject with the AWS SDK to the same s3rver):");
        Console.WriteLine("  backend   files              way        service MB/s   files/s  |   plain MB/s   files/s  |  service ÷ plain");
        foreach (var (backend, upload, download, _) in results)
            foreach (var figure in upload.Select(f => ("upload", f)).Concat(download.Select(f => ("download", f))))
                Console.WriteLine($"  {backend,-8}  {figure.f.Label,-17}  {figure.Item1,-9}  {Rate(figure.f.Bytes / 1048576.0, figure.f.ServiceSeconds),12}  {Rate(figure.f.Files, figure.f.ServiceSeconds),8}  |" +
                    $"  {Rate(figure.f.Bytes / 1048576.0, figure.f.PlainSeconds),11}  {Rate(figure.f.Files, figure.f.PlainSeconds),8}  |  {figure.f.ServiceSeconds / figure.f.PlainSeconds,14:0.00}× the time");
        foreach (var (backend, _, _, memory) in results)
            Console.WriteLine($"  tasks resident memory ({backend}): {memory}");
        return 0;
    }

    private static async Task<(string, List<Figure>, List<Figure>, string)> RunBackendAsync(string backend, byte[] big, IReadOnlyList<byte[]> photos)
    {
        Console.WriteLine($"{backend}: starting a cluster{(backend == "s3" ? ", s3rver" : "")}, units and tasks ...");
        await using var env = await BenchEnvironment.StartAsync();
        await using var s3 = backend == "s3" ? await S3Server.StartThrowawayAsync(env.Repo) : null;
        var totalMegabytes = (big.Length + photos.Sum(p => (long)p.Length)) / (1024 * 1024) + 10;
        var settings = new Dictionary<string, string>(s3?.TasksSettings(Bucket) ?? new Dictionary<string, string>())
        {
            // One assignment holds every file of the run.
            ["Attachments:MaxFileMegabytes"] = $"{big.Length / (1024 * 1024) + 1}",
            ["Attachments:MaxFilesPerAssignment"] = $"{photos.Count + 10}",
            ["Attachments:MaxMegabytesPerAssignment"] = $"{2 * totalMegabytes}",
        };
        var setup = await TasksSetup.StartAsync(env, settings);
        var plan = await setup.ImportAsync("佐证材料基准", 20, seed: 5);
        var assignment = (await setup.Office.ListAssignmentsAsync(new ListAssignmentsRequest { PlanId = plan.Id, PageSize = 1 })).Assignments.Single();
        var department = setup.Departments.Single(d => d.Id == assignment.LeadUnitId);
        var lead = new TasksService.TasksServiceClient(env.Channel(TasksSetup.TasksGrpcPort, department.LeadPersonId, department.Id, DubanRoles.Lead));
        var tasksProcess = env.Services.Single(s => s.Launch.Name == "tasks").ProcessId;

        await using IPlainCopy plain = s3 is null ? new PostgresCopy(setup.TasksConnectionString) : new S3Copy(s3);

        // Warm-up, untimed: the first calls of each kind compile their code paths in the service and here.
        for (var i = 0; i < 5; i++)
        {
            var warm = await UploadAsync(lead, assignment.Id, $"预热{i}.jpg", photos[i]);
            await DownloadAsync(lead, warm.Id, photos[i].Length);
            await plain.PutAsync($"warm/{i}", photos[i]);
            await plain.GetAsync($"warm/{i}", photos[i].Length);
        }
        var before = ResidentMemory.Of(tasksProcess);

        Console.WriteLine($"{backend}: 1 file of {big.Length / 1048576} MB ...");
        var cpu = CpuUsage.Take(env);
        var (bigUp, bigIds) = await TimeAsync(async () => [(await UploadAsync(lead, assignment.Id, "项目竣工验收资料.pdf", big)).Id]);
        var (bigDown, _) = await TimeAsync(async () => { await DownloadAsync(lead, bigIds[0], big.Length); return []; });
        var afterBig = ResidentMemory.Of(tasksProcess);
        var (bigPut, _) = await TimeAsync(async () => { await plain.PutAsync("plain/big", big); return []; });
        var (bigGet, _) = await TimeAsync(async () => { await plain.GetAsync("plain/big", big.Length); return []; });
        Console.WriteLine($"  CPU: {CpuUsage.Take(env).Since(cpu, 1, "s", 1000)}");

        Console.WriteLine($"{backend}: {photos.Count:N0} photos of {photos[0].Length / 1024} KB ...");
        cpu = CpuUsage.Take(env);
        var (photosUp, photoIds) = await TimeAsync(async () =>
        {
            var ids = new List<string>();
            for (var i = 0; i < photos.Count; i++)
                ids.Add((await UploadAsync(lead, assignment.Id, $"现场照片{i:0000}.jpg", photos[i])).Id);
            return ids;
        });
        var (photosDown, _) = await TimeAsync(async () =>
        {
            for (var i = 0; i < photos.Count; i++)
                await DownloadAsync(lead, photoIds[i], photos[i].Length);
            return [];
        });
        var (photosPut, _) = await TimeAsync(async () =>
        {
            for (var i = 0; i < photos.Count; i++)
                await plain.PutAsync($"plain/photo{i}", photos[i]);
            return [];
        });
        var (photosGet, _) = await TimeAsync(async () =>
        {
            for (var i = 0; i < photos.Count; i++)
                await plain.GetAsync($"plain/photo{i}", photos[i].Length);
            return [];
        });
        Console.WriteLine($"  CPU per photo, both ways and both sides: {CpuUsage.Take(env).Since(cpu, photos.Count)}");
        var after = ResidentMemory.Of(tasksProcess);

        var photoBytes = photos.Sum(p => (long)p.Length);
        var label = $"{photos.Count:N0} × {photos[0].Length / 1024} KB";
        return (backend,
            [new Figure($"1 × {big.Length / 1048576} MB", 1, big.Length, bigUp, bigPut), new Figure(label, photos.Count, photoBytes, photosUp, photosPut)],
            [new Figure($"1 × {big.Length / 1048576} MB", 1, big.Length, bigDown, bigGet), new Figure(label, photos.Count, photoBytes, photosDown, photosGet)],
            $"{before.Megabytes:0} MB before, {afterBig.Megabytes:0} MB after the {big.Length / 1048576} MB file, {after.Megabytes:0} MB at the end (peak {after.PeakMegabytes:0} MB)");
    }

    private static async Task<(double Seconds, List<string> Result)> TimeAsync(Func<Task<List<string>>> work)
    {
        var watch = Stopwatch.StartNew();
        var result = await work();
        return (watch.Elapsed.TotalSeconds, result);
    }

    private static string Rate(double amount, double seconds) => seconds > 0 ? $"{amount / seconds:N1}" : "—";

    /// <summary>Random bytes between a header and a trailer, so that the service's sniffing takes them for what they are.</summary>
    private static byte[] Generate(int size, ReadOnlySpan<byte> header, ReadOnlySpan<byte> trailer, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        header.CopyTo(bytes);
        trailer.CopyTo(bytes.AsSpan(size - trailer.Length));
        return bytes;
    }

    private static async Task<Attachment> UploadAsync(TasksService.TasksServiceClient client, string assignmentId, string name, byte[] bytes)
    {
        using var call = client.UploadAttachment(deadline: DateTime.UtcNow.AddMinutes(10));
        await call.RequestStream.WriteAsync(new UploadAttachmentRequest
        {
            Metadata = new AttachmentUpload { AssignmentId = assignmentId, FileName = name, SizeBytes = bytes.Length },
        });
        for (var offset = 0; offset < bytes.Length; offset += PieceBytes)
            await call.RequestStream.WriteAsync(new UploadAttachmentRequest
            {
                Chunk = UnsafeByteOperations.UnsafeWrap(bytes.AsMemory(offset, Math.Min(PieceBytes, bytes.Length - offset))),
            });
        await call.RequestStream.CompleteAsync();
        var stored = await call;
        TasksSetup.Expect(stored.SizeBytes == bytes.Length, $"{name} stored whole ({stored.SizeBytes} of {bytes.Length} bytes)");
        return stored;
    }

    private static async Task DownloadAsync(TasksService.TasksServiceClient client, string id, long expected)
    {
        using var call = client.DownloadAttachment(new DownloadAttachmentRequest { Id = id }, deadline: DateTime.UtcNow.AddMinutes(10));
        long received = 0;
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
            received += call.ResponseStream.Current.Data.Length;
        TasksSetup.Expect(received == expected, $"attachment {id} came back whole ({received} of {expected} bytes)");
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    /// <summary>The same bytes to the same storage, without the service.</summary>
    private interface IPlainCopy : IAsyncDisposable
    {
        Task PutAsync(string key, byte[] bytes);
        Task GetAsync(string key, long expected);
    }

    /// <summary>What PostgresEvidenceStorage does, from here: one binary COPY of 1 MB rows, and the rows read back in order.</summary>
    private sealed class PostgresCopy(string connectionString) : IPlainCopy
    {
        private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(connectionString);

        public async Task PutAsync(string key, byte[] bytes)
        {
            await using var connection = await _source.OpenConnectionAsync();
            await using var import = await connection.BeginBinaryImportAsync("COPY attachment_blobs (storage_key, part, data) FROM STDIN (FORMAT BINARY)");
            for (int offset = 0, part = 0; offset < bytes.Length; offset += RowBytes, part++)
            {
                await import.StartRowAsync();
                await import.WriteAsync(key, NpgsqlDbType.Text);
                await import.WriteAsync(part, NpgsqlDbType.Integer);
                await import.WriteAsync(new ArraySegment<byte>(bytes, offset, Math.Min(RowBytes, bytes.Length - offset)), NpgsqlDbType.Bytea);
            }
            await import.CompleteAsync();
        }

        public async Task GetAsync(string key, long expected)
        {
            await using var command = _source.CreateCommand("SELECT data FROM attachment_blobs WHERE storage_key = $1 ORDER BY part");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess);
            var buffer = new byte[256 * 1024];
            long received = 0;
            while (await reader.ReadAsync())
            {
                await using var part = await reader.GetStreamAsync(0);
                int read;
                while ((read = await part.ReadAsync(buffer)) > 0)
                    received += read;
            }
            TasksSetup.Expect(received == expected, $"{key} read back whole ({received} of {expected} bytes)");
        }

        public ValueTask DisposeAsync() => _source.DisposeAsync();
    }

    /// <summary>A PutObject of the whole file and a GetObject, with the client settings the service uses.</summary>
    private sealed class S3Copy : IPlainCopy
    {
        private readonly AmazonS3Client _client;

        public S3Copy(S3Server server) => _client = new AmazonS3Client(new BasicAWSCredentials(S3Server.AccessKey, S3Server.SecretKey), new AmazonS3Config
        {
            ServiceURL = server.ServiceUrl,
            ForcePathStyle = true,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            AuthenticationRegion = "us-east-1",
            Timeout = TimeSpan.FromMinutes(2),
        });

        public async Task PutAsync(string key, byte[] bytes) =>
            await _client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = Bucket, Key = "plain/" + key, InputStream = new MemoryStream(bytes, writable: false), UseChunkEncoding = false,
            });

        public async Task GetAsync(string key, long expected)
        {
            using var response = await _client.GetObjectAsync(Bucket, "plain/" + key);
            await using var body = response.ResponseStream;
            var buffer = new byte[256 * 1024];
            long received = 0;
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0)
                received += read;
            TasksSetup.Expect(received == expected, $"{key} read back whole ({received} of {expected} bytes)");
        }

        public ValueTask DisposeAsync()
        {
            _client.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
