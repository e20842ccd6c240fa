using System.Diagnostics;
using System.Net;
using Duban.Harness;
using Duban.ServiceDefaults.Auth;
using Duban.ServiceDefaults.Tokens;
using Duban.Testing;
using Duban.Units.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Duban.Deployment.Tests;

/// <summary>
/// `dotnet Duban.Units.dll token …`, the one command README gives for a token in the compose setup: the token it
/// prints is one the service accepts, and it refuses where tokens must come from the identity provider.
/// </summary>
public sealed class TokenCommandTests : IAsyncLifetime
{
    private readonly GrpcServiceFactory<UnitsDb> _units = new("units", "Units");
    private readonly string _folder = Directory.CreateTempSubdirectory("duban-token-").FullName;

    public Task InitializeAsync() => _units.StartAsync();

    public async Task DisposeAsync()
    {
        await _units.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task The_service_accepts_the_token_the_command_prints_with_its_own_key()
    {
        var (exit, token, error) = Run(["--person", "dev", "--roles", "office"], new() { ["Auth:SigningKey"] = TestTokens.KeyBase64 });

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        var response = await _units.Http(token).GetAsync("/v1/levels");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var refused = await _units.Http(token + "x").GetAsync("/v1/levels");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task A_token_from_the_key_file_carries_the_person_unit_roles_and_lifetime_asked_for()
    {
        var keyFile = Path.Combine(_folder, "signing.key");
        var key = LocalTokens.LoadOrCreateKey(keyFile);
        var unit = Guid.NewGuid().ToString();

        var (exit, token, _) = Run(["--person", "p-1", "--unit", unit, "--roles", "lead,staff", "--name", "陈志刚", "--hours", "2"],
            new() { ["Auth:SigningKeyFile"] = keyFile });

        Assert.Equal(0, exit);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = LocalTokens.DefaultIssuer,
            ValidAudience = LocalTokens.DefaultAudience,
            IssuerSigningKey = LocalTokens.SecurityKey(key),
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.Equal("p-1", jwt.Subject);
        Assert.Equal(unit, jwt.GetClaim(DubanClaims.UnitId).Value);
        Assert.Equal(["lead", "staff"], jwt.Claims.Where(c => c.Type == DubanClaims.Roles).Select(c => c.Value));
        Assert.Equal("陈志刚", jwt.GetClaim(DubanClaims.Name).Value);
        Assert.InRange(jwt.ValidTo - jwt.IssuedAt, TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1), TimeSpan.FromHours(2) + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void With_an_identity_provider_configured_it_refuses_and_says_where_tokens_come_from()
    {
        var (exit, output, error) = Run(["--person", "dev", "--roles", "office"], new()
        {
            ["Auth:Authority"] = "https://sso.example.gov.cn/realms/duban",
            ["Auth:SigningKey"] = TestTokens.KeyBase64,
        });

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Contains("identity provider https://sso.example.gov.cn/realms/duban", error);
    }

    [Theory]
    [InlineData("no signing key at", "--person", "dev")]
    [InlineData("say who the token is for", "--roles", "office")]
    [InlineData("unknown role 'boss'", "--person", "dev", "--roles", "boss")]
    [InlineData("--hours must be", "--person", "dev", "--hours", "0")]
    [InlineData("unexpected argument 'dev'", "dev")]
    public void A_mistake_gets_one_line_saying_what_is_wrong(string expected, params string[] args)
    {
        var (exit, output, error) = Run(args, new() { ["Auth:SigningKeyFile"] = Path.Combine(_folder, "missing", "signing.key") });

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.StartsWith("token: ", error);
        Assert.Contains(expected, error);
        Assert.False(File.Exists(Path.Combine(_folder, "missing", "signing.key")), "the command must not create a key");
    }

    [Fact]
    public async Task The_service_binary_runs_the_command_without_a_database()
    {
        var keyFile = Path.Combine(_folder, "signing.key");
        var key = LocalTokens.LoadOrCreateKey(keyFile);

        var (exit, output, error) = await RunServiceAsync(new() { ["Auth__SigningKeyFile"] = keyFile },
            "token", "--person", "dev", "--roles", "office");

        Assert.True(exit == 0, error);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(output.Trim(), new TokenValidationParameters
        {
            ValidIssuer = LocalTokens.DefaultIssuer,
            ValidAudience = LocalTokens.DefaultAudience,
            IssuerSigningKey = LocalTokens.SecurityKey(key),
        });
        Assert.True(result.IsValid, result.Exception?.Message);

        var (refusedExit, refusedOutput, refusedError) = await RunServiceAsync(
            new() { ["Auth__SigningKeyFile"] = keyFile, ["Auth__Authority"] = "https://sso.example.gov.cn/realms/duban" },
            "token", "--person", "dev", "--roles", "office");
        Assert.Equal(1, refusedExit);
        Assert.Equal("", refusedOutput.Trim());
        Assert.Contains("get a token from that provider", refusedError);
    }

    private static (int Exit, string Output, string Error) Run(string[] args, Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = TokenCommand.Run(args, configuration, output, error);
        return (exit, output.ToString().Trim(), error.ToString());
    }

    private static async Task<(int Exit, string Output, string Error)> RunServiceAsync(Dictionary<string, string> environment, params string[] args)
    {
        var assembly = RepoPaths.Find().ServiceAssembly("Duban.Units");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        info.ArgumentList.Add(assembly);
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        // No database anywhere: the command must not need one.
        info.Environment["ConnectionStrings__Units"] = "Host=127.0.0.1;Port=1;Database=none";
        foreach (var (name, value) in environment)
            info.Environment[name] = value;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
