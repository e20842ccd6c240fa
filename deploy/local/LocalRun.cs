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
            // The sample's robots are the local receiver's, on plain HTTP over loopback.
            ["Robots:AllowHttp"] = "true",
        }),
        new("tasks", "Duban.Tasks", "Tasks", "duban_tasks", 5200, 5201, new Dictionary<string, string>
        {
            ["Units:Address"] = "http://127.0.0.1:5101",
        }),
        new("supervision", "Duban.Supervision", "Supervision", "duban_supervision", 5300, 5301, new Dictionary<string, string>
        {
            ["Units:Address"] = "http://127.0.0.1:5101",
            ["Tasks:Address"] = "http://127.0.0.1:5201",
            // The sample's notices go by e-mail to the local SMTP server (its web UI: MailWebPort) and link to the workbench.
            ["Notifications:Smtp:Host"] = "127.0.0.1",
            ["Notifications:Smtp:Port"] = MailSmtpPort.ToString(),
            ["Notifications:Smtp:Security"] = "None",
            ["Notifications:Smtp:FromAddress"] = "duban@localhost",
            ["Notifications:WorkbenchUrl"] = $"http://127.0.0.1:{WebPort}",
            // No quiet hours: the sample's escalations reach the local robots and mailbox at once, whatever the hour.
            ["Notifications:QuietHoursStart"] = "00:00",
            ["Notifications:QuietHoursEnd"] = "00:00",
        }),
        // The office's web workbench: no database of its own, no gRPC port; it calls the three services.
        new("web", "Duban.Web", "", "", WebPort, 0, new Dictionary<string, string>
        {
            ["Units:Address"] = "http://127.0.0.1:5101",
            ["Tasks:Address"] = "http://127.0.0.1:5201",
            ["Supervision:Address"] = "http://127.0.0.1:5301",
        }),
    ];

    public const int WebPort = 5400;
    /// <summary>smtp4dev: SMTP for the services, its web UI and API for people reading the sample's mail.</summary>
    public const int MailSmtpPort = 2525;
    public const int MailWebPort = 5390;
    /// <summary>The local 钉钉 and 企业微信 robots (<see cref="LocalRobots"/>); GET /messages lists what they received.</summary>
    public const int RobotsPort = 5391;

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
        await using var mail = await StartMailAsync(layout, stop.Token);
        await using var robots = await LocalRobots.StartAsync(layout);
        ServiceProcess.Write("robots", $"钉钉 and 企业微信 robots of 经发局 on 127.0.0.1:{RobotsPort}, messages at {robots.MessagesUrl}");

        var running = new List<ServiceProcess>();
        // Ends the start-up and the sample job early when the watch sees PostgreSQL or a service stop.
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        LocalFailure? failure = null;
        try
        {
            foreach (var service in Services(layout))
            {
                var settings = new Dictionary<string, string>(service.Settings) { ["Auth:SigningKeyFile"] = layout.SigningKeyFile };
                if (service.Database.Length > 0)
                {
                    await cluster.CreateDatabaseAsync(service.Database);
                    settings[$"ConnectionStrings:{service.ConnectionName}"] = cluster.ConnectionString(service.Database);
                }
                var process = ServiceProcess.Start(new ServiceLaunch(service.Name, layout.Repo.ServiceAssembly(service.Project),
                    service.HttpPort, service.GrpcPort, settings));
                ServiceProcess.Write(service.Name, $"started as process {process.ProcessId}");
                running.Add(process);
            }
            var watch = Task.Run(async () =>
            {
                failure = await LocalWatch.UntilFailureAsync(cluster, running, stop.Token);
                await failed.CancelAsync();
            }, CancellationToken.None);

            foreach (var process in running)
                await process.WaitUntilReadyAsync(TimeSpan.FromSeconds(90), failed.Token);
            await SampleJob.RunAsync(layout, cluster, key, robots, failed.Token);
            await Banner.PrintAsync(cluster, key, mail is not null, robots);
            await watch;
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
        }
        // Whatever the start-up or the sample job threw when a part stopped under it, the stop is the news.
        catch (Exception) when ((failure ??= LocalWatch.Check(cluster, running)) is not null)
        {
        }
        finally
        {
            if (failure is not null)
                LocalWatch.Report(failure);
            ServiceProcess.Write("local", "stopping…");
            // Dependents first: supervision holds a stream open on tasks, tasks calls units.
            foreach (var process in Enumerable.Reverse(running))
                await process.DisposeAsync();
            await cluster.StopAsync();
            ServiceProcess.Write("local", "stopped; data kept in .data/ for the next run");
        }
        return failure is null ? 0 : 1;
    }

    /// <summary>The local SMTP server; without it (tools not restored) the run goes on, and notices wait for an SMTP server.</summary>
    private static async Task<Duban.Harness.Mail.Smtp4devServer?> StartMailAsync(LocalLayout layout, CancellationToken ct)
    {
        try
        {
            var mail = await Duban.Harness.Mail.Smtp4devServer.StartAsync(layout.Repo, smtpPort: MailSmtpPort, webPort: MailWebPort, cancellationToken: ct);
            ServiceProcess.Write("mail", $"smtp4dev: SMTP 127.0.0.1:{MailSmtpPort}, messages at {mail.WebUrl}/");
            return mail;
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            ServiceProcess.Write("mail", $"smtp4dev did not start ({ex.Message.Split('\n')[0]}); run `dotnet tool restore` for e-mail");
            return null;
        }
    }
}
