using System.Diagnostics;

namespace Duban.Local;

/// <summary>One service as a child process, its output prefixed with its name.</summary>
public sealed class ServiceProcess(LocalService service, Process process) : IAsyncDisposable
{
    private static readonly Lock ConsoleLock = new();

    public LocalService Service { get; } = service;
    public bool HasExited => process.HasExited;

    public static ServiceProcess Start(LocalService service, LocalLayout layout, IReadOnlyDictionary<string, string> settings)
    {
        var assembly = layout.ServiceAssembly(service.Project);
        if (!File.Exists(assembly))
            throw new InvalidOperationException($"{assembly} is missing; build first (dotnet build).");

        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        info.ArgumentList.Add(assembly);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["Kestrel__Endpoints__Http__Url"] = $"http://127.0.0.1:{service.HttpPort}";
        info.Environment["Kestrel__Endpoints__Grpc__Url"] = $"http://127.0.0.1:{service.GrpcPort}";
        foreach (var (key, value) in settings.Concat(service.Settings))
            info.Environment[key.Replace(":", "__")] = value;

        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {service.Name}");
        process.OutputDataReceived += (_, e) => Write(service.Name, e.Data, ConsoleColor.Cyan);
        process.ErrorDataReceived += (_, e) => Write(service.Name, e.Data, ConsoleColor.Red);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServiceProcess(service, process);
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
        if (!process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString()]))
                await term.WaitForExitAsync();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        process.Dispose();
    }
}
