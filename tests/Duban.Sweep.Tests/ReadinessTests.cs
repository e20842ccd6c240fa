using System.Diagnostics;
using System.Net;
using Duban.Harness.Postgres;
using Duban.Testing;
using Duban.Units.Data;

namespace Duban.Sweep.Tests;

/// <summary>/readyz answers within its deadline, 503, when PostgreSQL stops answering (every process of its cluster stopped).</summary>
public class ReadinessTests
{
    [Fact]
    public async Task Readyz_answers_503_within_seconds_while_postgres_is_stopped_and_200_again_after()
    {
        await using var cluster = await PostgresCluster.StartThrowawayAsync();
        await cluster.CreateDatabaseAsync("units_ready");
        await using var units = new GrpcServiceFactory<UnitsDb>("units", "Units")
            .UseDatabase(cluster.ConnectionString("units_ready"))
            .With("Health:DatabaseTimeoutSeconds", "2");
        await units.StartAsync();
        using var http = units.Http(null);
        http.Timeout = TimeSpan.FromSeconds(30);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);

        var processes = ClusterProcesses(cluster);
        Signal("STOP", processes);
        try
        {
            var clock = Stopwatch.StartNew();
            var response = await http.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"/readyz took {clock.Elapsed}");
            Assert.Contains("did not answer", await response.Content.ReadAsStringAsync());
        }
        finally
        {
            Signal("CONT", processes);
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpStatusCode status;
        do
        {
            status = (await http.GetAsync("/readyz")).StatusCode;
            if (status != HttpStatusCode.OK)
                await Task.Delay(200);
        }
        while (status != HttpStatusCode.OK && DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.OK, status);
    }

    /// <summary>The postmaster (first line of postmaster.pid) and its children, from /proc.</summary>
    private static List<int> ClusterProcesses(PostgresCluster cluster)
    {
        var postmaster = int.Parse(File.ReadLines(Path.Combine(cluster.DataDirectory, "postmaster.pid")).First().Trim());
        var pids = new List<int> { postmaster };
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1]) == postmaster)
                    pids.Add(pid);
            }
            catch (IOException)
            {
                // the process ended meanwhile
            }
        }
        return pids;
    }

    private static void Signal(string signal, IEnumerable<int> pids)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, .. pids.Select(p => p.ToString())]) { UseShellExecute = false })!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }
}
