using Duban.Contracts.Tasks.V1;
using Duban.Contracts.Units.V1;
using Duban.ServiceDefaults.Auth;
using Duban.Supervision.Data;
using Duban.Tasks.Data;
using Duban.Testing;
using Duban.Units.Data;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Duban.Sweep.Tests;

/// <summary>
/// The three services on test servers, one instance each with a database of its own, wired to each other as in
/// production; a token that holds every role, so that no call is refused before its input is looked at.
/// </summary>
public sealed class ThreeServicesFixture : IAsyncLifetime
{
    public GrpcServiceFactory<UnitsDb> Units { get; } = Quiet(new GrpcServiceFactory<UnitsDb>("units", "Units"));
    public GrpcServiceFactory<TasksDb> Tasks { get; private set; } = null!;
    public GrpcServiceFactory<SupervisionDb> Supervision { get; private set; } = null!;

    public string Token { get; } = TestTokens.For(Guid.NewGuid().ToString(), "", [.. DubanRoles.All]);

    public async Task InitializeAsync()
    {
        await Units.StartAsync();
        Tasks = Quiet(new GrpcServiceFactory<TasksDb>("tasks", "Tasks"))
            .With("Units:Address", Units.GrpcAddress.ToString())
            .WithServices(s => s.AddGrpcClient<UnitsService.UnitsServiceClient>("Units").ConfigurePrimaryHttpMessageHandler(() => Units.CreateHandler()));
        await Tasks.StartAsync();
        Supervision = Quiet(new GrpcServiceFactory<SupervisionDb>("supervision", "Supervision"))
            .With("Units:Address", Units.GrpcAddress.ToString())
            .With("Tasks:Address", Tasks.GrpcAddress.ToString())
            .With("Scan:IntervalSeconds", "0")
            .WithServices(s =>
            {
                s.AddGrpcClient<UnitsService.UnitsServiceClient>("Units").ConfigurePrimaryHttpMessageHandler(() => Units.CreateHandler());
                s.AddGrpcClient<TasksService.TasksServiceClient>("Tasks").ConfigurePrimaryHttpMessageHandler(() => Tasks.CreateHandler());
            });
        await Supervision.StartAsync();
    }

    /// <summary>Thousands of refused calls would each log a line.</summary>
    private static GrpcServiceFactory<T> Quiet<T>(GrpcServiceFactory<T> factory) where T : class =>
        factory.With("Logging:LogLevel:Grpc", "Warning").With("Logging:LogLevel:Microsoft.AspNetCore", "Warning");

    public async Task DisposeAsync()
    {
        await Supervision.DisposeAsync();
        await Tasks.DisposeAsync();
        await Units.DisposeAsync();
    }

    /// <summary>The channel and the JSON client of the service that serves <paramref name="serviceName"/> (a proto service's full name).</summary>
    public (GrpcChannel Channel, Func<HttpClient> Http, string ConnectionString) Serving(string serviceName) => serviceName switch
    {
        "duban.units.v1.UnitsService" => (Units.Channel(Token), () => Units.Http(Token), Units.ConnectionString),
        "duban.tasks.v1.TasksService" => (Tasks.Channel(Token), () => Tasks.Http(Token), Tasks.ConnectionString),
        "duban.supervision.v1.SupervisionService" => (Supervision.Channel(Token), () => Supervision.Http(Token), Supervision.ConnectionString),
        _ => throw new ArgumentOutOfRangeException(nameof(serviceName), serviceName, null),
    };

    public async Task<long> CountTasksAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Tasks.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    /// <summary>The row count of every table of the three databases: what "nothing was stored" is measured by.</summary>
    public async Task<IReadOnlyDictionary<string, long>> RowCountsAsync()
    {
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (name, connectionString) in new[] { ("units", Units.ConnectionString), ("tasks", Tasks.ConnectionString), ("supervision", Supervision.ConnectionString) })
            foreach (var (table, rows) in await TableCountsAsync(connectionString))
                counts[$"{name}.{table}"] = rows;
        return counts;
    }

    public static async Task<IReadOnlyList<(string Table, long Rows)>> TableCountsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1", connection))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                tables.Add(reader.GetString(0));
        var result = new List<(string, long)>();
        foreach (var table in tables)
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM \"{table}\"", connection);
            result.Add((table, Convert.ToInt64(await count.ExecuteScalarAsync())));
        }
        return result;
    }
}

/// <summary>The tests that share one set of services run one after another: the sweep counts every table's rows.</summary>
[CollectionDefinition(Name)]
public sealed class ThreeServicesCollection : ICollectionFixture<ThreeServicesFixture>
{
    public const string Name = "three services";
}
