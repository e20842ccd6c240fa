using System.Security.Cryptography.X509Certificates;
using Duban.Contracts.Tasks.V1;
using Duban.Contracts.Units.V1;
using Duban.Supervision.Data;
using Duban.Tasks.Data;
using Duban.TestIdentity;
using Duban.Testing;
using Duban.Units.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Duban.Production.Tests;

/// <summary>
/// The clients an operator registers at the identity provider: one per service that calls others on its own behalf,
/// and the scheduler's.
/// </summary>
public static class OidcClients
{
    public static readonly IdentityClient Tasks = new("duban-tasks", "tasks-secret-" + Guid.NewGuid().ToString("N"), "service");
    public static readonly IdentityClient Supervision = new("duban-supervision", "supervision-secret-" + Guid.NewGuid().ToString("N"), "service");
    public static readonly IdentityClient Scheduler = new("duban-scheduler", "scheduler-secret-" + Guid.NewGuid().ToString("N"), "scheduler");
    /// <summary>A second supervision deployment's client, whose tokens a test hands over in a file.</summary>
    public static readonly IdentityClient SupervisionByFile = new("duban-supervision-2", "file-secret-" + Guid.NewGuid().ToString("N"), "service");

    public static readonly IReadOnlyList<IdentityClient> All = [Tasks, Supervision, Scheduler, SupervisionByFile];
}

/// <summary>Settings that put a service into production mode against <paramref name="authority"/>: no local key at all.</summary>
public static class OidcSettings
{
    public static GrpcServiceFactory<T> Against<T>(this GrpcServiceFactory<T> factory, Uri authority, IdentityClient? client = null)
        where T : class
    {
        factory.With("Auth:SigningKey", "").With("Auth:SigningKeyFile", "")
            .With("Auth:Authority", authority.ToString())
            .With("Auth:RequireHttpsMetadata", "false")
            .With("Logging:LogLevel:Microsoft.AspNetCore", "Warning");
        if (client is not null)
            factory.With("Auth:ClientId", client.Id).With("Auth:ClientSecret", client.Secret);
        return factory;
    }
}

/// <summary>
/// The three services against a real OpenID Connect provider, wired to each other as in production; tasks and
/// supervision get their own tokens with client credentials.
/// </summary>
public sealed class OidcServicesFixture : IAsyncLifetime
{
    public X509Certificate2 SigningKey { get; } = TestIdentityProvider.NewSigningKey(TimeSpan.FromDays(365));
    public TestIdentityProvider Identity { get; private set; } = null!;
    public GrpcServiceFactory<UnitsDb> Units { get; private set; } = null!;
    public GrpcServiceFactory<TasksDb> Tasks { get; private set; } = null!;
    public GrpcServiceFactory<SupervisionDb> Supervision { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Identity = await TestIdentityProvider.StartAsync(OidcClients.All, [SigningKey]);
        Units = new GrpcServiceFactory<UnitsDb>("units", "Units").Against(Identity.Authority);
        await Units.StartAsync();
        Tasks = new GrpcServiceFactory<TasksDb>("tasks", "Tasks").Against(Identity.Authority, OidcClients.Tasks)
            .With("Units:Address", Units.GrpcAddress.ToString())
            .WithServices(s => s.AddGrpcClient<UnitsService.UnitsServiceClient>("Units").ConfigurePrimaryHttpMessageHandler(() => Units.CreateHandler()));
        await Tasks.StartAsync();
        Supervision = NewSupervision(OidcClients.Supervision);
        await Supervision.StartAsync();
    }

    /// <summary>A supervision instance on a database of its own, with the client given or, without one, as configured after.</summary>
    public GrpcServiceFactory<SupervisionDb> NewSupervision(IdentityClient? client) =>
        new GrpcServiceFactory<SupervisionDb>("supervision", "Supervision").Against(Identity.Authority, client)
            .With("Units:Address", Units.GrpcAddress.ToString())
            .With("Tasks:Address", Tasks.GrpcAddress.ToString())
            .With("Scan:IntervalSeconds", "0")
            .WithServices(s =>
            {
                s.AddGrpcClient<UnitsService.UnitsServiceClient>("Units").ConfigurePrimaryHttpMessageHandler(() => Units.CreateHandler());
                s.AddGrpcClient<TasksService.TasksServiceClient>("Tasks").ConfigurePrimaryHttpMessageHandler(() => Tasks.CreateHandler());
            });

    public Task<string> PersonAsync(string role, string unitId = "", string? personId = null) =>
        Identity.PersonTokenAsync(personId ?? Guid.NewGuid().ToString(), unitId, [role], "测试" + role);

    public async Task DisposeAsync()
    {
        await Supervision.DisposeAsync();
        await Tasks.DisposeAsync();
        await Units.DisposeAsync();
        await Identity.DisposeAsync();
    }
}
