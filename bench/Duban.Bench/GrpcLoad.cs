using System.Collections.Concurrent;
using System.Diagnostics;
using Duban.Contracts.Tasks.V1;
using Grpc.Core;

namespace Duban.Bench;

public sealed record GrpcLoadResult(double PerSecond, Latency Latency, int Ok, IReadOnlyDictionary<StatusCode, int> Failed, string? FirstError, string Cpu);

/// <summary>
/// Concurrent clients calling the tasks service in a closed loop, each on a connection of its own (HTTP/2), as separate
/// callers would be: untimed warm-up first, then the timed part with the CPU each process spent per call.
/// </summary>
public static class GrpcLoad
{
    /// <param name="take">The next work item's index; at <paramref name="items"/> or beyond, the prepared work ran out.</param>
    /// <param name="call">One call on work item i; it throws (an <see cref="RpcException"/> is counted as a failure) or checks its reply.</param>
    public static async Task<GrpcLoadResult> RunAsync(TasksSetup setup, int clients, TimeSpan warmup, TimeSpan duration, int items, Func<int> take,
        Func<TasksService.TasksServiceClient, int, Task> call, string what)
    {
        var channels = Enumerable.Range(0, clients).Select(_ => setup.Env.PlainChannel(TasksSetup.TasksGrpcPort)).ToList();
        var failed = new ConcurrentDictionary<StatusCode, int>();
        string? firstError = null;
        var ranOut = false;

        async Task<(List<double> Samples, int Ok)> Client(TasksService.TasksServiceClient client, long stopAt)
        {
            var samples = new List<double>();
            var ok = 0;
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                var i = take();
                if (i >= items)
                {
                    ranOut = true;
                    break;
                }
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await call(client, i);
                    ok++;
                }
                catch (RpcException ex)
                {
                    failed.AddOrUpdate(ex.StatusCode, 1, (_, n) => n + 1);
                    Interlocked.CompareExchange(ref firstError, ex.Status.Detail, null);
                }
                samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            return (samples, ok);
        }

        async Task<(List<double> Samples, int Ok, double Seconds)> Phase(TimeSpan length)
        {
            var started = Stopwatch.GetTimestamp();
            var stopAt = started + (long)(length.TotalSeconds * Stopwatch.Frequency);
            var results = await Task.WhenAll(channels.Select(c => Client(new TasksService.TasksServiceClient(c), stopAt)));
            return (results.SelectMany(r => r.Samples).ToList(), results.Sum(r => r.Ok), Stopwatch.GetElapsedTime(started).TotalSeconds);
        }

        Console.WriteLine($"gRPC: {clients} clients, {duration.TotalSeconds:0} s ...");
        var warm = await Phase(warmup);
        var cpu = CpuUsage.Take(setup.Env);
        var measured = await Phase(duration);
        var cpuPerCall = CpuUsage.Take(setup.Env).Since(cpu, measured.Samples.Count);
        foreach (var channel in channels)
            channel.Dispose();
        TasksSetup.Expect(!ranOut, $"the {items:N0} prepared {what} lasted the run (raise --assignments)");
        return new GrpcLoadResult(measured.Ok / measured.Seconds, Latency.FromSamples(measured.Samples), warm.Ok + measured.Ok, failed, firstError,
            cpuPerCall);
    }
}
