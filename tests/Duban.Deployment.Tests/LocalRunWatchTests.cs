using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Duban.Harness;

namespace Duban.Deployment.Tests;

/// <summary>
/// `dotnet run --project deploy/local`, started for real on a fresh data folder in a network namespace of its own (its
/// ports are fixed), then a part of it killed: the runner must say within seconds which part stopped, how, and what
/// it last wrote, stop the rest and exit with 1.
/// </summary>
public sealed class LocalRunWatchTests
{
    private static readonly TimeSpan Noticed = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_crashed_service_ends_the_run_with_its_exit_code_and_last_lines()
    {
        await using var run = await LocalRunProcess.StartAsync();

        var units = int.Parse(run.Find(StartedAs("units")).Groups[1].Value);
        Process.GetProcessById(units).Kill();
        var killedAt = Stopwatch.StartNew();

        var reported = await run.WaitForLineAsync("units exited with exit code 137 (killed by signal 9, SIGKILL); stopping everything", Noticed);
        Assert.True(killedAt.Elapsed < Noticed, $"noticed after {killedAt.Elapsed}");
        Assert.Contains("its last lines:", await run.WaitForLineAsync("its last lines:", Noticed));
        Assert.Equal(1, await run.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("stopped; data kept", run.Output);
        Assert.False(run.Output.Contains("tasks exited"), "the others are stopped, not reported as crashed:\n" + reported);
    }

    [Fact]
    public async Task A_dead_postgres_ends_the_run_saying_so_with_the_end_of_its_log()
    {
        await using var run = await LocalRunProcess.StartAsync();

        var pidFile = Path.Combine(run.DataDirectory, "postgres", "data", "postmaster.pid");
        var postmaster = int.Parse(File.ReadLines(pidFile).First());
        Process.GetProcessById(postmaster).Kill();
        var killedAt = Stopwatch.StartNew();

        await run.WaitForLineAsync("PostgreSQL stopped (127.0.0.1:55432", Noticed);
        Assert.True(killedAt.Elapsed < Noticed, $"noticed after {killedAt.Elapsed}");
        await run.WaitForLineAsync($"the last lines of {Path.Combine(run.DataDirectory, "postgres", "postgres.log")}:", Noticed);
        Assert.Equal(1, await run.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    private static Regex StartedAs(string service) => new($@"\[{service}\s*\] started as process (\d+)");

    /// <summary>The local run as a child process in `unshare -n`, its output collected line by line.</summary>
    private sealed class LocalRunProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _lines = new();

        private LocalRunProcess(Process process, string dataDirectory)
        {
            _process = process;
            DataDirectory = dataDirectory;
        }

        public string DataDirectory { get; }
        public string Output => string.Join('\n', _lines);

        /// <summary>Starts `duban-local up` and waits until it is running (its banner).</summary>
        public static async Task<LocalRunProcess> StartAsync()
        {
            var repo = RepoPaths.Find();
            var runner = Path.Combine(repo.Root, "deploy", "local", "bin", RepoPaths.BuildConfiguration, "net10.0", "duban-local.dll");
            // Not CreateTempSubdirectory (owner-only): as root the cluster runs as the postgres user, who must reach it.
            var data = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"duban-local-watch-{Guid.NewGuid():N}")).FullName;
            var info = new ProcessStartInfo("unshare")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = repo.Root,
            };
            foreach (var arg in new[] { "-n", "sh", "-c", "ip link set lo up && exec dotnet \"$0\" up", runner })
                info.ArgumentList.Add(arg);
            info.Environment["DUBAN_DATA_DIR"] = data;
            var run = new LocalRunProcess(Process.Start(info)!, data);
            run._process.OutputDataReceived += (_, e) => run.Add(e.Data);
            run._process.ErrorDataReceived += (_, e) => run.Add(e.Data);
            run._process.BeginOutputReadLine();
            run._process.BeginErrorReadLine();
            try
            {
                await run.WaitForLineAsync("Duban is running", TimeSpan.FromMinutes(4));
            }
            catch
            {
                await run.DisposeAsync();
                throw;
            }
            return run;
        }

        private void Add(string? line)
        {
            if (line is null)
                return;
            _lines.Enqueue(line);
        }

        public Match Find(Regex pattern) =>
            _lines.Select(l => pattern.Match(l)).FirstOrDefault(m => m.Success)
            ?? throw new Xunit.Sdk.XunitException($"no line matches {pattern}:\n{Output}");

        public async Task<string> WaitForLineAsync(string text, TimeSpan timeout)
        {
            var waited = Stopwatch.StartNew();
            while (true)
            {
                var exited = _process.HasExited;
                if (exited)
                    _process.WaitForExit(); // the output's last lines arrive after the exit itself
                if (_lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)) is { } line)
                    return line;
                if (waited.Elapsed > timeout || exited)
                    throw new Xunit.Sdk.XunitException($"no line with \"{text}\" within {waited.Elapsed.TotalSeconds:0} s:\n{Output}");
                await Task.Delay(100);
            }
        }

        public async Task<int> WaitForExitAsync(TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource(timeout);
            await _process.WaitForExitAsync(cancel.Token);
            return _process.ExitCode;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
            // A postgres left by a failed test is stopped by its data folder going away only at the next boot;
            // stop it here (pg_ctl as the cluster's owner) before removing the folder.
            var dataFolder = Path.Combine(DataDirectory, "postgres", "data");
            if (File.Exists(Path.Combine(dataFolder, "postmaster.pid")))
            {
                var bin = Duban.Harness.Postgres.PostgresCluster.FindBinDirectory();
                using var stop = Process.Start(new ProcessStartInfo("runuser", ["-u", "postgres", "--", Path.Combine(bin, "pg_ctl"), "-D", dataFolder, "-m", "immediate", "stop"])
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                });
                if (stop is not null)
                    await stop.WaitForExitAsync();
            }
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
