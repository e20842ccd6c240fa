using Duban.Contracts.Units.V1;
using Duban.ServiceDefaults.Auth;
using Duban.Testing;
using Npgsql;

namespace Duban.Units.Tests;

/// <summary>The units service on a test server with a database of its own, shared by one test class.</summary>
public sealed class UnitsServiceFixture : IAsyncLifetime
{
    public GrpcServiceFactory<Program> Factory { get; } = new("units", "Units");

    public string OfficeToken { get; } = TestTokens.Office();

    public UnitsService.UnitsServiceClient Office => Client(OfficeToken);

    public UnitsService.UnitsServiceClient Client(string? token) => new(Factory.Channel(token));

    public UnitsService.UnitsServiceClient As(string personId, string unitId, params string[] roles) =>
        Client(TestTokens.For(personId, unitId, roles));

    public UnitsService.UnitsServiceClient Staff => As(Guid.NewGuid().ToString(), "", DubanRoles.Staff);

    public Task InitializeAsync() => Factory.StartAsync();

    public async Task DisposeAsync() => await Factory.DisposeAsync();

    /// <summary>Creates a unit with a unique code under <paramref name="parent"/>.</summary>
    public async Task<Unit> CreateUnitAsync(string name, string level, Unit? parent = null, params string[] aliases) =>
        await Office.CreateUnitAsync(new CreateUnitRequest
        {
            Code = "u-" + Guid.NewGuid().ToString("N")[..10],
            Name = name,
            LevelCode = level,
            ParentId = parent?.Id ?? "",
            Aliases = { aliases },
        });

    /// <summary>Reads one number straight from the service's database, to prove what was (not) stored.</summary>
    public async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
