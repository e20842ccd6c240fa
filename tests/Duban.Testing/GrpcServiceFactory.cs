using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Duban.Testing;

/// <summary>
/// A service under test on the in-memory test server, with its own fresh PostgreSQL database and the
/// test signing key; calls go through real gRPC channels (or HTTP/JSON) over the server's handler.
/// </summary>
public class GrpcServiceFactory<TProgram>(string databasePrefix, string connectionName) : WebApplicationFactory<TProgram>
    where TProgram : class
{
    private readonly Dictionary<string, string?> _settings = [];
    private GrpcChannel? _anonymous;

    public string ConnectionString { get; private set; } = "";

    /// <summary>Extra configuration for the host (set before the first call).</summary>
    public GrpcServiceFactory<TProgram> With(string key, string? value)
    {
        _settings[key] = value;
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
        _ = Server; // builds the host: migrations run now, not inside the first test
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
    }

    /// <summary>A channel that sends the given bearer token with every call (none when null).</summary>
    public GrpcChannel Channel(string? token)
    {
        if (token is null)
            return _anonymous ??= GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Server.CreateHandler() });

        var credentials = CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("Authorization", $"Bearer {token}");
            return Task.CompletedTask;
        });
        return GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions
        {
            HttpHandler = Server.CreateHandler(),
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
}

