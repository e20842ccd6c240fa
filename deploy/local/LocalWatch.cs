using Duban.Harness.Postgres;
using Duban.Harness.Processes;

namespace Duban.Local;

/// <summary>What ended a local run other than Ctrl+C: which part, what happened, its last log lines.</summary>
public sealed record LocalFailure(string Part, string What, IReadOnlyList<string> LastLines, string? LogFile);

/// <summary>
/// Watches the cluster and the services while the local run is up. Anything that stops ends the run with exit code 1:
/// the services are useless without PostgreSQL, and a service restarted behind the developer's back would hide the
/// crash that the run is there to show (the data stays, so the next run picks up where this one was).
/// </summary>
public static class LocalWatch
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    public static LocalFailure? Check(PostgresCluster cluster, IReadOnlyList<ServiceProcess> services)
    {
        if (!cluster.IsRunning())
            return new LocalFailure("postgres",
                $"PostgreSQL stopped (127.0.0.1:{cluster.Port}, data in {cluster.DataDirectory}); the services cannot work without it",
                cluster.LastLogLines(10), cluster.LogFile);
        foreach (var service in services)
        {
            if (service.HasExited)
                return new LocalFailure(service.Launch.Name, $"{service.Launch.Name} exited with {ExitDescription(service.ExitCode)}",
                    service.LastLines, null);
        }
        return null;
    }

    /// <summary>Returns the first failure seen, checking twice a second, until <paramref name="cancellationToken"/> ends the run.</summary>
    public static async Task<LocalFailure> UntilFailureAsync(PostgresCluster cluster, IReadOnlyList<ServiceProcess> services,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            if (Check(cluster, services) is { } failure)
                return failure;
            await Task.Delay(Interval, cancellationToken);
        }
    }

    public static void Report(LocalFailure failure)
    {
        ServiceProcess.Write(failure.Part, $"{failure.What}; stopping everything", ConsoleColor.Red);
        if (failure.LastLines.Count > 0)
        {
            ServiceProcess.Write(failure.Part, failure.LogFile is null ? "its last lines:" : $"the last lines of {failure.LogFile}:", ConsoleColor.Red);
            foreach (var line in failure.LastLines)
                ServiceProcess.Write(failure.Part, "  " + line, ConsoleColor.Red);
        }
        else if (failure.LogFile is not null)
            ServiceProcess.Write(failure.Part, $"its log: {failure.LogFile}", ConsoleColor.Red);
    }

    /// <summary>.NET gives a child ended by a signal the shell's code: 128 + the signal's number.</summary>
    public static string ExitDescription(int exitCode) => exitCode switch
    {
        > 128 and < 160 => $"exit code {exitCode} (killed by signal {exitCode - 128}{SignalName(exitCode - 128)})",
        _ => $"exit code {exitCode}",
    };

    private static string SignalName(int signal) => signal switch
    {
        6 => ", SIGABRT",
        9 => ", SIGKILL",
        11 => ", SIGSEGV",
        15 => ", SIGTERM",
        _ => "",
    };
}
