using System.Diagnostics;
using Duban.Harness.Postgres;

namespace Duban.Bench;

public sealed record PgbenchResult(double Tps, Latency Latency, long Transactions, long Failed, string Cpu);

/// <summary>
/// pgbench on the benchmark's cluster: a custom script, one log line per transaction. Prepared statements by default, as the
/// services' connections prepare the statements that recur (Npgsql's automatic preparation); "extended" runs them unprepared.
/// </summary>
public static class Pgbench
{
    /// <param name="defines">Script variables (<c>-D name=value</c>).</param>
    public static async Task<PgbenchResult> RunAsync(BenchEnvironment env, string database, string script, int clients, int seconds,
        IReadOnlyDictionary<string, string> defines, string protocol = "prepared")
    {
        var cluster = env.Cluster;
        var folder = Directory.CreateTempSubdirectory("duban-pgbench-").FullName;
        try
        {
            var scriptFile = Path.Combine(folder, "script.sql");
            await File.WriteAllTextAsync(scriptFile, script.Replace("\r", "") + "\n");
            // pgbench is a client; it runs as root as well as any user.
            var info = new ProcessStartInfo(Path.Combine(PostgresCluster.FindBinDirectory(), "pgbench"))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = folder,
            };
            foreach (var arg in new[] { "-n", "-M", protocol, "-c", $"{clients}", "-j", $"{Math.Min(clients, 2)}", "-T", $"{seconds}" })
                info.ArgumentList.Add(arg);
            foreach (var (name, value) in defines)
            {
                info.ArgumentList.Add("-D");
                info.ArgumentList.Add($"{name}={value}");
            }
            foreach (var arg in new[]
            {
                "-l", "--log-prefix", Path.Combine(folder, "tx"), "-f", scriptFile, "-h", "127.0.0.1", "-p", $"{cluster.Port}", "-U", PostgresCluster.SuperUser,
                database,
            })
                info.ArgumentList.Add(arg);
            Console.WriteLine($"pgbench ({protocol}): {clients} clients, {seconds} s ...");
            var cpu = CpuUsage.Take(env);
            using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start pgbench");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var output = await stdout + await stderr;
            var cpuAfter = CpuUsage.Take(env);
            if (process.ExitCode != 0 || output.Contains("aborted"))
                throw new InvalidOperationException($"pgbench failed ({process.ExitCode}):\n{output}");

            string Value(string label) => output.Split('\n').First(l => l.StartsWith(label)).Split('=', ':')[1].Trim().Split(' ', '/')[0];
            // Per-transaction log: client, transaction, latency (µs), script, epoch s, µs.
            var samples = Directory.GetFiles(folder, "tx.*")
                .SelectMany(File.ReadLines)
                .Select(l => long.Parse(l.Split(' ')[2]) / 1000.0)
                .ToList();
            var transactions = long.Parse(Value("number of transactions actually processed"));
            return new PgbenchResult(double.Parse(Value("tps")), Latency.FromSamples(samples), transactions,
                long.Parse(Value("number of failed transactions")), cpuAfter.Since(cpu, transactions));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
