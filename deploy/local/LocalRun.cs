using Duban.PostgresHarness;
using Duban.ServiceDefaults.Auth;

namespace Duban.Local;

/// <summary>`up`: the private cluster, the services on fixed loopback ports, and how to call them.</summary>
public static class LocalRun
{
    public static IReadOnlyList<LocalService> Services(LocalLayout layout) =>
    [
        new("units", "Duban.Units", "Units", "duban_units", 5100, 5101, new Dictionary<string, string>
        {
            ["Seed:UnitsFile"] = Path.Combine(layout.RepoRoot, "services", "Duban.Units", "Seed", "sample-units.json"),
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
                running.Add(ServiceProcess.Start(service, layout, new Dictionary<string, string>
                {
                    [$"ConnectionStrings:{service.ConnectionName}"] = cluster.ConnectionString(service.Database),
                    ["Auth:SigningKeyFile"] = layout.SigningKeyFile,
                }));
            }
            foreach (var process in running)
                await WaitUntilReadyAsync(process, stop.Token);

            await Banner.PrintAsync(cluster, key);
            while (!stop.IsCancellationRequested && running.All(p => !p.HasExited))
                await Task.Delay(500, CancellationToken.None);
            if (running.FirstOrDefault(p => p.HasExited) is { } died)
                ServiceProcess.Write(died.Service.Name, "exited; stopping everything", ConsoleColor.Red);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            ServiceProcess.Write("local", "stopping…");
            foreach (var process in running)
                await process.DisposeAsync();
            await cluster.StopAsync();
            ServiceProcess.Write("local", "stopped; data kept in .data/ for the next run");
        }
        return 0;
    }

    private static async Task WaitUntilReadyAsync(ServiceProcess process, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
                throw new InvalidOperationException($"{process.Service.Name} exited during start-up; see its log above.");
            try
            {
                var response = await http.GetAsync($"http://127.0.0.1:{process.Service.HttpPort}/readyz", cancellationToken);
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
            await Task.Delay(300, cancellationToken);
        }
        throw new InvalidOperationException($"{process.Service.Name} was not ready within 90 s.");
    }
}
