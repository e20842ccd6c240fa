using Duban.Harness.Postgres;
using Duban.Harness.Processes;
using Duban.ServiceDefaults.Auth;

namespace Duban.Local;

/// <summary>`up`: the private cluster, the services on fixed loopback ports, and how to call them.</summary>
public static class LocalRun
{
    public static IReadOnlyList<LocalService> Services(LocalLayout layout) =>
    [
        new("units", "Duban.Units", "Units", "duban_units", 5100, 5101, new Dictionary<string, string>
        {
            ["Seed:UnitsFile"] = Path.Combine(layout.Repo.Root, "services", "Duban.Units", "Seed", "sample-units.json"),
        }),
        new("tasks", "Duban.Tasks", "Tasks", "duban_tasks", 5200, 5201, new Dictionary<string, string>
        {
            ["Units:Address"] = "http://127.0.0.1:5101",
        }),
        new("supervision", "Duban.Supervision", "Supervision", "duban_supervision", 5300, 5301, new Dictionary<string, string>
        {
            ["Units:Address"] = "http://127.0.0.1:5101",
            ["Tasks:Address"] = "http://127.0.0.1:5201",
        }),
    ];

    public static async Task<int> UpAsync(LocalLayout layout)
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };

        ServiceProcess.Write("postgres", $"starting the private cluster in {layout.PostgresDirectory} on 127.0.0.1:{LocalLayout.PostgresPort}");
        await using var cluster = await PostgresCluster.StartPersistentAsync(layout.PostgresDirectory, LocalLayout.PostgresPort);
        var key = LocalTokens.LoadOrCreateKey(layout.SigningKeyFile);

        var services = Services(layout);
        var running = new List<ServiceProcess>();
        try
        {
            foreach (var service in services)
            {
                await cluster.CreateDatabaseAsync(service.Database);
                var settings = new Dictionary<string, string>(service.Settings)
                {
                    [$"ConnectionStrings:{service.ConnectionName}"] = cluster.ConnectionString(service.Database),
                    ["Auth:SigningKeyFile"] = layout.SigningKeyFile,
                };
                running.Add(ServiceProcess.Start(new ServiceLaunch(service.Name, layout.Repo.ServiceAssembly(service.Project),
                    service.HttpPort, service.GrpcPort, settings)));
            }
            foreach (var process in running)
                await process.WaitUntilReadyAsync(TimeSpan.FromSeconds(90), stop.Token);

            await SampleJob.RunAsync(layout, cluster, key, stop.Token);
            await Banner.PrintAsync(cluster, key);
            while (!stop.IsCancellationRequested && running.All(p => !p.HasExited))
                await Task.Delay(500, CancellationToken.None);
            if (running.FirstOrDefault(p => p.HasExited) is { } died)
                ServiceProcess.Write(died.Launch.Name, "exited; stopping everything", ConsoleColor.Red);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            ServiceProcess.Write("local", "stopping…");
            // Dependents first: supervision holds a stream open on tasks, tasks calls units.
            foreach (var process in Enumerable.Reverse(running))
                await process.DisposeAsync();
            await cluster.StopAsync();
            ServiceProcess.Write("local", "stopped; data kept in .data/ for the next run");
        }
        return 0;
    }
}
