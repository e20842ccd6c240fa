using System.Text.RegularExpressions;
using Duban.Harness;
using Duban.ServiceDefaults.Auth;
using Duban.Supervision.Data;
using Duban.Tasks.Data;
using Duban.Testing;
using Duban.Units.Data;

namespace Duban.Cli.Tests;

/// <summary>
/// The three services on real loopback ports with the sample units of the speech, and the `duban` command run
/// against them as a user would (its own config file, tokens from flags or `duban login`).
/// </summary>
public sealed class CliFixture : IAsyncLifetime
{
    /// <summary>
    /// `duban` finds its config file through the process's environment (DUBAN_CONFIG), which every fixture sets for
    /// its own file. Classes with fixtures of their own must therefore not run side by side: one saving a login into
    /// the other's file made a later command use the wrong token.
    /// </summary>
    public const string Collection = "duban command line";

    public GrpcServiceFactory<UnitsDb> Units { get; } = new GrpcServiceFactory<UnitsDb>("units", "Units").OnKestrel();
    public GrpcServiceFactory<TasksDb> Tasks { get; private set; } = null!;
    public GrpcServiceFactory<SupervisionDb> Supervision { get; private set; } = null!;
    public string ConfigFile { get; } = Path.Combine(Path.GetTempPath(), $"duban-cli-{Guid.NewGuid():N}.json");
    public string Samples { get; } = Path.Combine(RepoPaths.Find().Root, "samples");

    public async Task InitializeAsync()
    {
        Units.With("Seed:UnitsFile", Path.Combine(AppContext.BaseDirectory, "Seed", "sample-units.json"));
        await Units.StartAsync();
        Tasks = new GrpcServiceFactory<TasksDb>("tasks", "Tasks").OnKestrel().With("Units:Address", Units.GrpcAddress.ToString());
        await Tasks.StartAsync();
        Supervision = new GrpcServiceFactory<SupervisionDb>("supervision", "Supervision").OnKestrel()
            .With("Units:Address", Units.GrpcAddress.ToString()).With("Tasks:Address", Tasks.GrpcAddress.ToString()).With("Scan:IntervalSeconds", "0");
        await Supervision.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Supervision.DisposeAsync();
        await Tasks.DisposeAsync();
        await Units.DisposeAsync();
        File.Delete(ConfigFile);
    }

    public static string Token(string role, string unitId = "") =>
        LocalTokens.Mint(TestTokens.Key, Guid.NewGuid().ToString(), unitId, [role], TimeSpan.FromHours(2));

    /// <summary>Runs `duban ARGS` with the endpoints of the test services; returns exit code, output and errors.</summary>
    public async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        Environment.SetEnvironmentVariable("DUBAN_CONFIG", ConfigFile);
        string[] endpoints = ["--units-url", Units.GrpcAddress.ToString(), "--tasks-url", Tasks.GrpcAddress.ToString(),
            "--supervision-url", Supervision.GrpcAddress.ToString()];
        var exit = await CliApp.RunAsync([.. args, .. endpoints], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>Runs `duban ARGS`, which must succeed; returns its output.</summary>
    public async Task<string> RunOkAsync(params string[] args)
    {
        var (exit, output, error) = await RunAsync(args);
        Assert.True(exit == 0, $"duban {string.Join(' ', args.TakeWhile(a => a != "--token"))} → {exit}: {error}{output}");
        return output;
    }

    /// <summary>The id of the unit with this short name, as `duban units list --json` gives it to the office.</summary>
    public async Task<string> UnitIdAsync(string shortName, string officeToken) =>
        Regex.Match(await RunOkAsync("units", "list", "--name", shortName, "--json", "--token", officeToken),
            "\"id\": \"([0-9a-f-]{36})\"[^}]*\"shortName\": \"" + shortName + "\"", RegexOptions.Singleline).Groups[1].Value;
}
