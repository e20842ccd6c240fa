using System.Diagnostics;

namespace Duban.Harness.Processes;

/// <summary>How to start one service: its built assembly, fixed loopback ports and settings.</summary>
public sealed record ServiceLaunch(string Name, string Assembly, int HttpPort, int GrpcPort, IReadOnlyDictionary<string, string> Settings)
{
    public string Environment { get; init; } = "Development";
    /// <summary>Print the service's output, prefixed with its name (off for benchmarks).</summary>
    public bool EchoOutput { get; init; } = true;
}

/// <summary>One service as a child process, its output prefixed with its name.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private static readonly Lock ConsoleLock = new();
    private const int KeptLines = 20;
    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();

    private ServiceProcess(ServiceLaunch launch, Process process)
    {
        Launch = launch;
        _process = process;
    }

    public ServiceLaunch Launch { get; }
    public bool HasExited => _process.HasExited;
    public int ProcessId => _process.Id;

    /// <summary>After it exited: its exit code (128 + the signal's number when a signal ended it).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>The last lines the service wrote (both streams), for saying why it stopped.</summary>
    public IReadOnlyList<string> LastLines
    {
        get
        {
            if (_process.HasExited)
                _process.WaitForExit(); // the streams' last lines arrive after the exit itself
            lock (_lastLines)
                return [.. _lastLines];
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
            return;
        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            if (_lastLines.Count > KeptLines)
                _lastLines.Dequeue();
        }
    }

    public static ServiceProcess Start(ServiceLaunch launch)
    {
        if (!File.Exists(launch.Assembly))
            throw new InvalidOperationException($"{launch.Assembly} is missing; build first (dotnet build).");

        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(launch.Assembly)!,
        };
        info.ArgumentList.Add(launch.Assembly);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = launch.Environment;
        info.Environment["Kestrel__Endpoints__Http__Url"] = $"http://127.0.0.1:{launch.HttpPort}";
        // The web workbench has no gRPC port of its own (0).
        if (launch.GrpcPort > 0)
            info.Environment["Kestrel__Endpoints__Grpc__Url"] = $"http://127.0.0.1:{launch.GrpcPort}";
        foreach (var (key, value) in launch.Settings)
            info.Environment[key.Replace(":", "__")] = value;

        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {launch.Name}");
        var service = new ServiceProcess(launch, process);
        process.OutputDataReceived += (_, e) =>
        {
            service.Keep(e.Data);
            if (launch.EchoOutput)
                Write(launch.Name, e.Data, ConsoleColor.Cyan);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            service.Keep(e.Data);
            Write(launch.Name, e.Data, ConsoleColor.Red);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    /// <summary>Polls /readyz until the service answers, failing early if it exits.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (HasExited)
                throw new InvalidOperationException($"{Launch.Name} exited during start-up; see its log above.");
            try
            {
                var response = await http.GetAsync($"http://127.0.0.1:{Launch.HttpPort}/readyz", cancellationToken);
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
            await Task.Delay(200, cancellationToken);
        }
        throw new InvalidOperationException($"{Launch.Name} was not ready within {timeout.TotalSeconds:0} s.");
    }

    public static void Write(string name, string? line, ConsoleColor color = ConsoleColor.Green)
    {
        if (line is null)
            return;
        lock (ConsoleLock)
        {
            Console.ForegroundColor = color;
            Console.Write($"[{name,-11}] ");
            Console.ResetColor();
            Console.WriteLine(line);
        }
    }

    /// <summary>Asks for a graceful stop (SIGTERM), then kills after a grace period.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString()]))
                await term.WaitForExitAsync();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
    }
}
