using System.Diagnostics;
using System.Security.Cryptography;
using Duban.Harness;
using Duban.Harness.Postgres;
using Duban.Harness.Processes;
using Duban.ServiceDefaults.Auth;
using Grpc.Core;
using Grpc.Net.Client;

namespace Duban.Bench;

/// <summary>A throwaway cluster and services started as real processes, with a token to call them.</summary>
public sealed class BenchEnvironment : IAsyncDisposable
{
    private readonly List<ServiceProcess> _services = [];
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    private BenchEnvironment(PostgresCluster cluster) => Cluster = cluster;

    public PostgresCluster Cluster { get; }
    public IReadOnlyList<ServiceProcess> Services => _services;
    public RepoPaths Repo { get; } = RepoPaths.Find();

    /// <summary>Print the services' own output (warnings and errors: the services log at Warning), for a run that needs explaining.</summary>
    public static bool EchoServiceOutput { get; set; }

    public static async Task<BenchEnvironment> StartAsync()
    {
        if (RepoPaths.BuildConfiguration != "Release")
            Console.WriteLine("warning: not a Release build; run with -c Release for numbers worth comparing");
        return new BenchEnvironment(await PostgresCluster.StartThrowawayAsync());
    }

    public async Task<string> StartServiceAsync(string name, string project, string connectionName, string database, int httpPort, int grpcPort,
        IReadOnlyDictionary<string, string>? settings = null) =>
        (await StartServiceProcessAsync(name, project, connectionName, database, httpPort, grpcPort, settings)).ConnectionString;

    /// <summary>As <see cref="StartServiceAsync"/>, also giving the process (its id, for memory readings; to stop it early).</summary>
    public async Task<(ServiceProcess Process, string ConnectionString)> StartServiceProcessAsync(string name, string project, string connectionName,
        string database, int httpPort, int grpcPort, IReadOnlyDictionary<string, string>? settings = null)
    {
        await Cluster.CreateDatabaseAsync(database);
        var all = new Dictionary<string, string>(settings ?? new Dictionary<string, string>())
        {
            [$"ConnectionStrings:{connectionName}"] = Cluster.ConnectionString(database),
            ["Auth:SigningKey"] = Convert.ToBase64String(_key),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var service = ServiceProcess.Start(new ServiceLaunch(name, Repo.ServiceAssembly(project), httpPort, grpcPort, all)
        {
            Environment = "Production",
            EchoOutput = EchoServiceOutput,
        });
        _services.Add(service);
        await service.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        return (service, Cluster.ConnectionString(database));
    }

    /// <summary>Stops one service before the others (e.g. so an idle one does not share the cores with the next measurement).</summary>
    public async Task StopServiceAsync(ServiceProcess service)
    {
        if (_services.Remove(service))
            await service.DisposeAsync();
    }

    /// <summary>
    /// Applies a service's migrations to a new database of the cluster without starting the service
    /// (its <c>migrate</c> command): the same schema, for a side-by-side ceiling.
    /// </summary>
    public async Task<string> MigrateDatabaseAsync(string project, string connectionName, string database,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        await Cluster.CreateDatabaseAsync(database);
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(Repo.ServiceAssembly(project))!,
        };
        info.ArgumentList.Add(Repo.ServiceAssembly(project));
        info.ArgumentList.Add("migrate");
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment[$"ConnectionStrings__{connectionName}"] = Cluster.ConnectionString(database);
        info.Environment["Auth__SigningKey"] = Convert.ToBase64String(_key);
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            info.Environment[key.Replace(":", "__")] = value;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {project} migrate");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{project} migrate failed ({process.ExitCode}): {await stdout}{await stderr}");
        return Cluster.ConnectionString(database);
    }

    /// <summary>A channel whose calls carry a token for a random person acting for no unit in these roles.</summary>
    public GrpcChannel Channel(int grpcPort, params string[] roles) => Channel(grpcPort, Guid.NewGuid().ToString(), "", roles);

    /// <summary>A channel whose calls carry a token for this person acting for this unit in these roles.</summary>
    public GrpcChannel Channel(int grpcPort, string personId, string unitId, params string[] roles)
    {
        var token = Token(personId, unitId, roles);
        var credentials = CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("Authorization", $"Bearer {token}");
            return Task.CompletedTask;
        });
        return GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}", Options(ChannelCredentials.Create(ChannelCredentials.Insecure, credentials)));
    }

    /// <summary>A channel without credentials of its own: each call passes its caller's token in its headers.</summary>
    public GrpcChannel PlainChannel(int grpcPort) =>
        GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}", Options(ChannelCredentials.Insecure));

    public string Token(string personId, string unitId, params string[] roles) =>
        LocalTokens.Mint(_key, personId, unitId, roles, TimeSpan.FromHours(2));

    // Whole plans travel in one call; the services accept up to 64 MB.
    private static GrpcChannelOptions Options(ChannelCredentials credentials) => new()
    {
        Credentials = credentials,
        UnsafeUseInsecureChannelCallCredentials = true,
        MaxSendMessageSize = 64 * 1024 * 1024,
        MaxReceiveMessageSize = 64 * 1024 * 1024,
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _services)
            await service.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}
