using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Duban.Harness.Postgres;

/// <summary>
/// A PostgreSQL cluster of our own: initdb'd into a folder, started on a loopback port with its own
/// socket folder, stopped cleanly. When the current user is root the server runs as the
/// <c>postgres</c> system user, since initdb and postgres refuse to run as root.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    public const string SuperUser = "postgres";

    private readonly string _binDir;
    private readonly bool _deleteOnDispose;
    private bool _stopped;

    private PostgresCluster(string binDir, string root, int port, bool deleteOnDispose)
    {
        _binDir = binDir;
        Root = root;
        Port = port;
        _deleteOnDispose = deleteOnDispose;
    }

    /// <summary>The cluster's folder: data/, socket/ and postgres.log.</summary>
    public string Root { get; }
    public int Port { get; }
    public string DataDirectory => Path.Combine(Root, "data");
    public string LogFile => Path.Combine(Root, "postgres.log");

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Database = database,
        Username = SuperUser,
    }.ConnectionString;

    /// <summary>
    /// A cluster in a new temporary folder, tuned for speed over durability (fsync off), removed on dispose.
    /// </summary>
    public static async Task<PostgresCluster> StartThrowawayAsync(CancellationToken cancellationToken = default)
    {
        var root = Path.Combine(Path.GetTempPath(), "duban-pg-" + Guid.NewGuid().ToString("N")[..12]);
        var cluster = await StartAsync(root, FreePort(), durable: false, deleteOnDispose: true, cancellationToken);
        cluster.RemoveWhenThisProcessEnds();
        return cluster;
    }

    /// <summary>
    /// A cluster kept in <paramref name="root"/> (created on first use); running it again keeps the data.
    /// </summary>
    public static Task<PostgresCluster> StartPersistentAsync(string root, int port, CancellationToken cancellationToken = default) =>
        StartAsync(Path.GetFullPath(root), port, durable: true, deleteOnDispose: false, cancellationToken);

    private static async Task<PostgresCluster> StartAsync(string root, int port, bool durable, bool deleteOnDispose,
        CancellationToken cancellationToken)
    {
        var binDir = FindBinDirectory();
        var cluster = new PostgresCluster(binDir, root, port, deleteOnDispose);
        await cluster.InitIfNeededAsync(cancellationToken);
        await cluster.StartServerAsync(durable, cancellationToken);
        return cluster;
    }

    /// <summary>Where initdb, pg_ctl and postgres live: DUBAN_PG_BIN, else the newest /usr/lib/postgresql/N/bin, else PATH.</summary>
    public static string FindBinDirectory()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("DUBAN_PG_BIN") is { Length: > 0 } fromEnv)
            candidates.Add(fromEnv);
        if (Directory.Exists("/usr/lib/postgresql"))
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")));
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries));

        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
            ?? throw new InvalidOperationException(
                "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found in DUBAN_PG_BIN, /usr/lib/postgresql/*/bin or PATH. "
                + "Install them (Debian: apt-get install postgresql) or point DUBAN_PG_BIN at their folder.");
    }

    public async Task CreateDatabaseAsync(string name, string? template = null, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection)
        {
            Parameters = { new() { Value = name } },
        };
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
            return;
        var sql = $"CREATE DATABASE \"{name}\"" + (template is null ? "" : $" TEMPLATE \"{template}\"");
        await using var create = new NpgsqlCommand(sql, connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Whether the server still runs: the postmaster.pid it writes names a live process (not a zombie, which a
    /// killed server that nobody reaped would be).
    /// </summary>
    public bool IsRunning()
    {
        if (_stopped)
            return false;
        try
        {
            var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
            if (!File.Exists(pidFile) || !int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid))
                return false;
            var stat = $"/proc/{pid}/stat";
            if (!OperatingSystem.IsLinux())
                return !System.Diagnostics.Process.GetProcessById(pid).HasExited;
            if (!File.Exists(stat))
                return false;
            // Field 3, after the name in parentheses: the state; Z (zombie) and X (dead) are gone.
            var text = File.ReadAllText(stat);
            var state = text[(text.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state is not ("Z" or "X");
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The server log's last lines, for saying why it stopped.</summary>
    public IReadOnlyList<string> LastLogLines(int count) =>
        File.Exists(LogFile) ? File.ReadLines(LogFile).TakeLast(count).ToList() : [];

    public async Task StopAsync()
    {
        if (_stopped)
            return;
        _stopped = true;
        await RunAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"], CancellationToken.None, throwOnError: false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_deleteOnDispose && Directory.Exists(Root))
            Directory.Delete(Root, recursive: true);
    }

    private async Task InitIfNeededAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.Combine(Root, "socket"));
        if (File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
            return;
        if (RunsAsRoot)
            await ChownToPostgresAsync(cancellationToken);
        // C.UTF-8 keeps sorting byte-wise yet lets pg_trgm see Chinese characters as word characters.
        await RunAsync("initdb", ["-D", DataDirectory, "-U", SuperUser, "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
            cancellationToken);
    }

    private async Task StartServerAsync(bool durable, CancellationToken cancellationToken)
    {
        if (RunsAsRoot)
            await ChownToPostgresAsync(cancellationToken);
        // A kept cluster left running by an earlier run that did not stop cleanly is simply taken over.
        if (durable && (await RunAsync("pg_ctl", ["-D", DataDirectory, "status"], cancellationToken, throwOnError: false)).ExitCode == 0)
            return;
        var settings = new List<string>
        {
            $"-p {Port}",
            $"-k {Path.Combine(Root, "socket")}",
            "-c listen_addresses=127.0.0.1",
            "-c max_connections=300",
            "-c shared_buffers=256MB",
        };
        if (!durable)
            settings.AddRange(["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]);

        var result = await RunAsync("pg_ctl",
            ["-D", DataDirectory, "-l", LogFile, "-w", "-t", "60", "-o", string.Join(' ', settings), "start"],
            cancellationToken, throwOnError: false);
        if (result.ExitCode != 0)
        {
            var log = File.Exists(LogFile) ? string.Join('\n', File.ReadLines(LogFile).TakeLast(20)) : "";
            throw new InvalidOperationException($"PostgreSQL did not start on port {Port}: {result.Output}\n{log}");
        }
    }

    /// <summary>
    /// A test host is often killed rather than left to exit (the test runner ends it once the results are in), and then
    /// nothing in it gets to dispose the cluster. So a detached shell, in a session of its own, waits for this process to
    /// end, then stops the server and deletes the folder. Its standard streams are closed at once, so a runner that
    /// reads this process's output never waits on it.
    /// </summary>
    private void RemoveWhenThisProcessEnds()
    {
        static string Quoted(string text) => "'" + text.Replace("'", "'\\''") + "'";
        var pgCtl = Quoted(Path.Combine(_binDir, "pg_ctl"));
        var stop = (RunsAsRoot ? "runuser -u postgres -- " : "") + $"{pgCtl} -D {Quoted(DataDirectory)} -m fast -w stop";
        var script = $"exec </dev/null >/dev/null 2>&1; while kill -0 {Environment.ProcessId}; do sleep 1; done; {stop}; rm -rf {Quoted(Root)}";
        var info = new ProcessStartInfo("setsid") { UseShellExecute = false };
        foreach (var arg in new[] { "sh", "-c", script })
            info.ArgumentList.Add(arg);
        using var watcher = Process.Start(info);
    }

    private static bool RunsAsRoot => !OperatingSystem.IsWindows() && Environment.UserName == "root";

    private Task ChownToPostgresAsync(CancellationToken cancellationToken) =>
        RunProcessAsync("chown", ["-R", "postgres:postgres", Root], cancellationToken, throwOnError: true);

    private Task<ProcessResult> RunAsync(string tool, IReadOnlyList<string> args, CancellationToken cancellationToken, bool throwOnError = true)
    {
        var path = Path.Combine(_binDir, tool);
        return RunsAsRoot
            ? RunProcessAsync("runuser", ["-u", "postgres", "--", path, .. args], cancellationToken, throwOnError)
            : RunProcessAsync(path, args, cancellationToken, throwOnError);
    }

    private static async Task<ProcessResult> RunProcessAsync(string file, IReadOnlyList<string> args, CancellationToken cancellationToken, bool throwOnError)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        // pg_ctl start leaves the server holding our pipes; read them to the end only for short-lived tools.
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var output = (await stdout + await stderr).Trim();
        if (throwOnError && process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} failed ({process.ExitCode}): {output}");
        return new ProcessResult(process.ExitCode, output);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record ProcessResult(int ExitCode, string Output);
}
