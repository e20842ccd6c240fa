using Duban.Cli;
using Duban.Contracts.Units.V1;
using Duban.ServiceDefaults.Auth;
using Duban.Supervision.Data;
using Duban.Tasks.Data;
using Duban.TestIdentity;
using Duban.Testing;
using Duban.Units.Data;

namespace Duban.Production.Tests;

/// <summary>
/// Cron on a server under production sign-in: `duban review run` gets its token as the scheduler's own client, from the
/// provider's token endpoint, with the secret in a file; no token is pasted anywhere.
/// </summary>
public sealed class SchedulerOnAServerTests : IAsyncLifetime
{
    private TestIdentityProvider _identity = null!;
    private GrpcServiceFactory<UnitsDb> _units = null!;
    private GrpcServiceFactory<TasksDb> _tasks = null!;
    private GrpcServiceFactory<SupervisionDb> _supervision = null!;
    private readonly string _secretFile = Path.Combine(Path.GetTempPath(), "duban-scheduler-secret-" + Guid.NewGuid().ToString("N"));
    private readonly string _configFile = Path.Combine(Path.GetTempPath(), "duban-cli-" + Guid.NewGuid().ToString("N") + ".json");

    public async Task InitializeAsync()
    {
        _identity = await TestIdentityProvider.StartAsync(OidcClients.All, [TestIdentityProvider.NewSigningKey(TimeSpan.FromDays(1))]);
        _units = new GrpcServiceFactory<UnitsDb>("units", "Units").OnKestrel().Against(_identity.Authority);
        await _units.StartAsync();
        _tasks = new GrpcServiceFactory<TasksDb>("tasks", "Tasks").OnKestrel().Against(_identity.Authority, OidcClients.Tasks)
            .With("Units:Address", _units.GrpcAddress.ToString());
        await _tasks.StartAsync();
        _supervision = new GrpcServiceFactory<SupervisionDb>("supervision", "Supervision").OnKestrel().Against(_identity.Authority, OidcClients.Supervision)
            .With("Units:Address", _units.GrpcAddress.ToString()).With("Tasks:Address", _tasks.GrpcAddress.ToString()).With("Scan:IntervalSeconds", "0");
        await _supervision.StartAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var name in new[] { "DUBAN_CLIENT_ID", "DUBAN_CLIENT_SECRET_FILE", "DUBAN_TOKEN_ENDPOINT", "DUBAN_CONFIG" })
            Environment.SetEnvironmentVariable(name, null);
        File.Delete(_secretFile);
        File.Delete(_configFile);
        await _supervision.DisposeAsync();
        await _tasks.DisposeAsync();
        await _units.DisposeAsync();
        await _identity.DisposeAsync();
    }

    private async Task<(int Exit, string Output, string Error)> DubanAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        string[] endpoints = ["--units-url", _units.GrpcAddress.ToString(), "--tasks-url", _tasks.GrpcAddress.ToString(),
            "--supervision-url", _supervision.GrpcAddress.ToString()];
        var exit = await CliApp.RunAsync([.. args, .. endpoints], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task The_review_runs_from_cron_with_the_schedulers_client_credentials_and_a_wrong_secret_says_so()
    {
        var office = await _identity.PersonTokenAsync(Guid.NewGuid().ToString(), "", [DubanRoles.Office]);
        var park = await new UnitsService.UnitsServiceClient(_units.Channel(office)).CreateUnitAsync(new CreateUnitRequest
        {
            Code = "cron-park", Name = "定时园区管委会", ShortName = "定时园区", LevelCode = "district",
        });

        Environment.SetEnvironmentVariable("DUBAN_CONFIG", _configFile);
        Environment.SetEnvironmentVariable("DUBAN_CLIENT_ID", OidcClients.Scheduler.Id);
        Environment.SetEnvironmentVariable("DUBAN_CLIENT_SECRET_FILE", _secretFile);
        Environment.SetEnvironmentVariable("DUBAN_TOKEN_ENDPOINT", _identity.TokenEndpoint.ToString());
        await File.WriteAllTextAsync(_secretFile, OidcClients.Scheduler.Secret + "\n");
        var before = _identity.Issued(OidcClients.Scheduler.Id);

        var run = await DubanAsync("review", "run", "--week", "current", "--scope", "定时园区");
        Assert.True(run.Exit == 0, run.Error);
        Assert.Contains("周调度", run.Output);
        Assert.Equal(before + 1, _identity.Issued(OidcClients.Scheduler.Id));

        await File.WriteAllTextAsync(_secretFile, "wrong");
        var refused = await DubanAsync("review", "run", "--week", "current", "--scope", park.Id);
        Assert.True(refused.Exit != 0, refused.Output);
        Assert.Contains($"无法以客户端“{OidcClients.Scheduler.Id}”取得令牌", refused.Error);
        Assert.Contains("invalid_client", refused.Error);
    }
}
