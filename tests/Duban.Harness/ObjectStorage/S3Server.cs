using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Duban.Harness.ObjectStorage;

/// <summary>
/// A real S3-compatible server for tests and the benchmark: s3rver (npm, installed in tests/storage by
/// <c>npm ci</c>), run with node on a free loopback port over a folder of its own, path-style addressing only. It
/// checks SigV4 signatures with its built-in key pair.
/// </summary>
public sealed class S3Server : IAsyncDisposable
{
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    private readonly Process _process;
    private readonly string _directory;
    private readonly bool _deleteOnDispose;

    private S3Server(Process process, int port, string directory, bool deleteOnDispose)
    {
        _process = process;
        Port = port;
        _directory = directory;
        _deleteOnDispose = deleteOnDispose;
    }

    public int Port { get; }
    public string ServiceUrl => $"http://127.0.0.1:{Port}";

    /// <summary>The settings that point the tasks service at this server (Attachments:*), with a bucket it creates itself.</summary>
    public IReadOnlyDictionary<string, string> TasksSettings(string bucket) => new Dictionary<string, string>
    {
        ["Attachments:Storage"] = "s3",
        ["Attachments:S3:ServiceUrl"] = ServiceUrl,
        ["Attachments:S3:Bucket"] = bucket,
        ["Attachments:S3:AccessKey"] = AccessKey,
        ["Attachments:S3:SecretKey"] = SecretKey,
        ["Attachments:S3:ForcePathStyle"] = "true",
        ["Attachments:S3:CreateBucket"] = "true",
    };

    /// <summary>Starts a server over a new temporary folder, removed when it stops.</summary>
    public static Task<S3Server> StartThrowawayAsync(RepoPaths repo, CancellationToken cancellationToken = default) =>
        StartAsync(repo, Directory.CreateTempSubdirectory("duban-s3-").FullName, deleteOnDispose: true, cancellationToken);

    public static async Task<S3Server> StartAsync(RepoPaths repo, string directory, bool deleteOnDispose, CancellationToken cancellationToken = default)
    {
        var script = Path.Combine(repo.Root, "tests", "storage", "node_modules", "s3rver", "bin", "s3rver.js");
        if (!File.Exists(script))
            throw new InvalidOperationException($"{script} is missing: run `npm ci` in tests/storage (tests/run-all.sh does).");
        Directory.CreateDirectory(directory);
        var port = FreePort();
        var info = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { script, "--directory", directory, "--address", "127.0.0.1", "--port", port.ToString(), "--silent", "--no-vhost-buckets" })
            info.ArgumentList.Add(argument);
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start node for s3rver");
        var errors = new List<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                lock (errors)
                    errors.Add(e.Data);
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var server = new S3Server(process, port, directory, deleteOnDispose);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (process.HasExited)
            {
                lock (errors)
                    throw new InvalidOperationException($"s3rver exited with code {process.ExitCode}: {string.Join("\n", errors)}");
            }
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return server;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        if (_deleteOnDispose)
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
