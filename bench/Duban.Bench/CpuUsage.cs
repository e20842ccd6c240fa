using Duban.Harness.Postgres;

namespace Duban.Bench;

/// <summary>
/// CPU time (user + system, from /proc) of each process taking part: the services, the PostgreSQL cluster and
/// this program with the tools it ran. Differences between two readings show where an operation's cost went,
/// which on a small machine decides throughput more than any single latency.
/// </summary>
public sealed class CpuUsage
{
    // USER_HZ: /proc reports CPU time in ticks of 1/100 s on every Linux platform .NET runs on.
    private const double MillisecondsPerTick = 10;

    private readonly Dictionary<string, double> _milliseconds;

    private CpuUsage(Dictionary<string, double> milliseconds) => _milliseconds = milliseconds;

    public static CpuUsage Take(BenchEnvironment env)
    {
        var ms = new Dictionary<string, double>();
        foreach (var service in env.Services)
            ms[service.Launch.Name] = Read(service.ProcessId, withExitedChildren: false);
        ms["postgres"] = Postgres(env.Cluster);
        // The benchmark's own clients, and pgbench once it has exited.
        ms["bench"] = Read(Environment.ProcessId, withExitedChildren: true);
        return new CpuUsage(ms);
    }

    /// <summary>CPU per operation since <paramref name="before"/>, e.g. "tasks 1.20 ms, postgres 0.40 ms".</summary>
    public string Since(CpuUsage before, double operations, string unit = "ms", double scale = 1) =>
        string.Join(", ", _milliseconds.Select(p => $"{p.Key} {(p.Value - before._milliseconds[p.Key]) / operations / scale:0.00} {unit}"));

    public double Of(string process, CpuUsage before) => _milliseconds[process] - before._milliseconds[process];

    /// <summary>The postmaster with the backends it has reaped, plus the backends still running.</summary>
    private static double Postgres(PostgresCluster cluster)
    {
        var postmaster = int.Parse(File.ReadLines(Path.Combine(cluster.DataDirectory, "postmaster.pid")).First());
        var total = Read(postmaster, withExitedChildren: true);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && Stat(pid) is { } stat && stat[1] == postmaster.ToString())
                total += (long.Parse(stat[11]) + long.Parse(stat[12])) * MillisecondsPerTick;
        }
        return total;
    }

    private static double Read(int pid, bool withExitedChildren)
    {
        var stat = Stat(pid) ?? throw new InvalidOperationException($"process {pid} is gone");
        var ticks = long.Parse(stat[11]) + long.Parse(stat[12]);
        if (withExitedChildren)
            ticks += long.Parse(stat[13]) + long.Parse(stat[14]);
        return ticks * MillisecondsPerTick;
    }

    /// <summary>The fields of /proc/PID/stat after the command name: [0] state, [1] ppid, … [11] utime, [12] stime, [13] cutime, [14] cstime.</summary>
    private static string[]? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return text[(text.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
    }
}
