using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Duban.Testing;

/// <summary>
/// A service under test on the in-memory test server, with its own fresh PostgreSQL database and the
/// test signing key; calls go through real gRPC channels (or HTTP/JSON) over the server's handler.
/// </summary>
public class GrpcServiceFactory<TProgram>(string databasePrefix, string connectionName) : WebApplicationFactory<TProgram>
    where TProgram : class
{
    private readonly Dictionary<string, string?> _settings = [];
    private readonly List<Action<IServiceCollection>> _services = [];
    private GrpcChannel? _anonymous;
    private bool _onKestrel;

    public string ConnectionString { get; private set; } = "";

    /// <summary>Where gRPC clients reach the service: the test server, or a loopback port with <see cref="OnKestrel"/>.</summary>
    public Uri GrpcAddress { get; private set; } = new("http://localhost");

    /// <summary>Where HTTP/JSON clients reach the service with <see cref="OnKestrel"/> (HTTP/1.1).</summary>
    public Uri HttpAddress { get; private set; } = new("http://localhost");

    /// <summary>Extra configuration for the host (set before the first call).</summary>
    public GrpcServiceFactory<TProgram> With(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    /// <summary>Replaces services of the host, e.g. to point a client at another in-process service.</summary>
    public GrpcServiceFactory<TProgram> WithServices(Action<IServiceCollection> configure)
    {
        _services.Add(configure);
        return this;
    }

    /// <summary>
    /// Serves on real loopback ports (Kestrel, h2c) instead of the in-memory test server, for tests that
    /// need a service that can be stopped while others keep calling it.
    /// </summary>
    public GrpcServiceFactory<TProgram> OnKestrel()
    {
        var grpcPort = FreePort();
        With("Kestrel:Endpoints:Grpc:Url", $"http://127.0.0.1:{grpcPort}");
        var httpPort = FreePort();
        With("Kestrel:Endpoints:Http:Url", $"http://127.0.0.1:{httpPort}");
        GrpcAddress = new Uri($"http://127.0.0.1:{grpcPort}");
        HttpAddress = new Uri($"http://127.0.0.1:{httpPort}");
        _onKestrel = true;
        UseKestrel();
        return this;
    }

    /// <summary>Runs against an existing database instead of a new one, e.g. to start a service again on its data.</summary>
    public GrpcServiceFactory<TProgram> UseDatabase(string connectionString)
    {
        ConnectionString = connectionString;
        return this;
    }

    public async Task StartAsync()
    {
        if (ConnectionString.Length == 0)
            ConnectionString = await TestPostgres.CreateDatabaseAsync(databasePrefix);
        StartServer(); // builds the host: migrations run now, not inside the first test
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // UseSetting, not ConfigureAppConfiguration: Program reads these while building, before the latter applies.
        var settings = new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{connectionName}"] = ConnectionString,
            ["Auth:SigningKey"] = TestTokens.KeyBase64,
            ["Auth:SigningKeyFile"] = "",
            ["Auth:Authority"] = "",
        };
        foreach (var (key, value) in settings.Concat(_settings))
            builder.UseSetting(key, value);
        builder.ConfigureTestServices(services =>
        {
            foreach (var configure in _services)
                configure(services);
        });
    }

    /// <summary>A handler that reaches this service, for another in-process service's client.</summary>
    public HttpMessageHandler CreateHandler() => _onKestrel ? new SocketsHttpHandler() : Server.CreateHandler();

    /// <summary>A channel that sends the given bearer token with every call (none when null).</summary>
    public GrpcChannel Channel(string? token)
    {
        if (token is null)
            return _anonymous ??= GrpcChannel.ForAddress(GrpcAddress, new GrpcChannelOptions { HttpHandler = CreateHandler() });

        var credentials = CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("Authorization", $"Bearer {token}");
            return Task.CompletedTask;
        });
        return GrpcChannel.ForAddress(GrpcAddress, new GrpcChannelOptions
        {
            HttpHandler = CreateHandler(),
            Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, credentials),
            UnsafeUseInsecureChannelCallCredentials = true,
        });
    }

    /// <summary>An HTTP client for the JSON transcoding of the same calls.</summary>
    public HttpClient Http(string? token)
    {
        var client = CreateClient();
        if (token is not null)
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
