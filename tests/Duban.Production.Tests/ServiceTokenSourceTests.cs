using System.Security.Claims;
using Duban.ServiceDefaults.Auth;
using Duban.TestIdentity;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Duban.Production.Tests;

/// <summary>Where a service's own token comes from, against the real provider: kept, renewed before it ends, refused clearly.</summary>
public class ServiceTokenSourceTests : IAsyncLifetime
{
    private TestIdentityProvider _identity = null!;

    public async Task InitializeAsync() =>
        _identity = await TestIdentityProvider.StartAsync(OidcClients.All, [TestIdentityProvider.NewSigningKey(TimeSpan.FromDays(1))]);

    public async Task DisposeAsync() => await _identity.DisposeAsync();

    private ClientCredentialsServiceTokens Source(IdentityClient client, TimeProvider time, string? secret = null)
    {
        var provider = new ServiceCollection().AddHttpClient().AddOptions().BuildServiceProvider();
        var options = new AuthOptions
        {
            Authority = _identity.Authority.ToString(), TokenEndpoint = _identity.TokenEndpoint.ToString(),
            ClientId = client.Id, ClientSecret = secret ?? client.Secret,
        };
        return new ClientCredentialsServiceTokens(options, provider.GetRequiredService<IHttpClientFactory>(),
            provider.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>(), time);
    }

    [Fact]
    public async Task A_client_credentials_token_is_kept_until_four_fifths_of_its_hour_and_then_asked_for_again()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var tokens = Source(OidcClients.Tasks, time);

        var first = await tokens.GetAsync(default);
        time.Advance(TimeSpan.FromMinutes(47));
        Assert.Equal(first, await tokens.GetAsync(default));
        Assert.Equal(1, _identity.Issued(OidcClients.Tasks.Id));

        time.Advance(TimeSpan.FromMinutes(2)); // 49 minutes: past 48, four fifths of the provider's hour
        await tokens.GetAsync(default);
        Assert.Equal(2, _identity.Issued(OidcClients.Tasks.Id));
    }

    [Fact]
    public async Task A_wrong_secret_is_reported_as_the_providers_refusal_naming_the_client()
    {
        var tokens = Source(OidcClients.Scheduler, TimeProvider.System, secret: "wrong");
        var refused = await Assert.ThrowsAsync<ServiceIdentityException>(async () => await tokens.GetAsync(default));
        Assert.Contains("refused the client credentials of \"duban-scheduler\"", refused.Message);
        Assert.Contains("invalid_client", refused.Message);
    }

    [Fact]
    public async Task A_token_file_is_read_again_when_it_changes()
    {
        var path = Path.Combine(Path.GetTempPath(), "duban-token-" + Guid.NewGuid().ToString("N"));
        var tokens = new FileServiceTokens(path);
        await Assert.ThrowsAsync<ServiceIdentityException>(async () => await tokens.GetAsync(default));
        try
        {
            await File.WriteAllTextAsync(path, "first-token\n");
            Assert.Equal("first-token", await tokens.GetAsync(default));
            await File.WriteAllTextAsync(path, "second-token-after-rotation");
            Assert.Equal("second-token-after-rotation", await tokens.GetAsync(default));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Claims_under_other_names_and_inside_json_claims_are_copied_to_dubans_names()
    {
        var identity = new ClaimsIdentity([
            new Claim("preferred_username", "zhou"),
            new Claim("realm_access", """{"roles":["office","offline_access"]}""", "JSON"),
            new Claim("dept", "unit-1"),
            new Claim("roles", "lead"),
        ]);
        ClaimNameMapping.Apply(identity, new ClaimNameOptions { Name = "preferred_username", Roles = "realm_access.roles", Unit = "dept" });
        Assert.Equal(["lead", "office", "offline_access"], identity.FindAll(DubanClaims.Roles).Select(c => c.Value).Order());
        Assert.Equal("unit-1", identity.FindFirst(DubanClaims.UnitId)!.Value);
        Assert.Equal("zhou", identity.FindFirst(DubanClaims.Name)!.Value);
        Assert.Null(identity.FindFirst(DubanClaims.PersonId));
    }
}
