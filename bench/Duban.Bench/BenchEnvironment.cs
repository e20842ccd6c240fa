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
    public RepoPaths Repo { get; } = RepoPaths.Find();

    public static async Task<BenchEnvironment> StartAsync()
    {
        if (RepoPaths.BuildConfiguration != "Release")
            Console.WriteLine("warning: not a Release build; run with -c Release for numbers worth comparing");
        return new BenchEnvironment(await PostgresCluster.StartThrowawayAsync());
    }

    public async Task<string> StartServiceAsync(string name, string project, string connectionName, string database, int httpPort, int grpcPort,
        IReadOnlyDictionary<string, string>? settings = null)
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
            EchoOutput = false,
        });
        _services.Add(service);
        await service.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        return Cluster.ConnectionString(database);
    }

    public GrpcChannel Channel(int grpcPort, params string[] roles)
    {
        var token = LocalTokens.Mint(_key, Guid.NewGuid().ToString(), "", roles, TimeSpan.FromHours(2));
        var credentials = CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("Authorization", $"Bearer {token}");
            return Task.CompletedTask;
        });
        return GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}", new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, credentials),
            UnsafeUseInsecureChannelCallCredentials = true,
        });
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _services)
            await service.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}
