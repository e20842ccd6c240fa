using System.Net;
using System.Net.Sockets;
using Duban.Contracts.Units.V1;
using Duban.ServiceDefaults.Auth;
using Duban.TestIdentity;
using Duban.Testing;
using Duban.Units.Data;
using Grpc.Core;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Duban.Production.Tests;

/// <summary>What an operator's identity provider does to a running service: rotates its keys, goes away, names claims its own way.</summary>
public class ProviderChangesTests
{
    [Fact]
    public async Task After_a_key_rotation_tokens_signed_with_the_new_key_and_the_old_one_are_both_accepted()
    {
        var port = FreePort();
        var oldKey = TestIdentityProvider.NewSigningKey(TimeSpan.FromDays(365));
        var identity = await TestIdentityProvider.StartAsync(OidcClients.All, [oldKey], port);
        await using var units = new GrpcServiceFactory<UnitsDb>("units", "Units").Against(identity.Authority);
        await units.StartAsync();
        var oldToken = await identity.PersonTokenAsync(Guid.NewGuid().ToString(), "", [DubanRoles.Office]);
        await Client(units, oldToken).ListLevelsAsync(new ListLevelsRequest());

        // The provider restarts with a second key that outlives the first: it signs with the new one and publishes both.
        await identity.DisposeAsync();
        var newKey = TestIdentityProvider.NewSigningKey(TimeSpan.FromDays(730));
        await using var rotated = await TestIdentityProvider.StartAsync(OidcClients.All, [oldKey, newKey], port);
        var newToken = await rotated.PersonTokenAsync(Guid.NewGuid().ToString(), "", [DubanRoles.Office]);
        Assert.Equal(newKey.Thumbprint, new JsonWebToken(newToken).Kid);
        Assert.Equal(oldKey.Thumbprint, new JsonWebToken(oldToken).Kid);

        // The service has never seen the new key: the first call with it makes the service read the keys again.
        await Client(units, newToken).ListLevelsAsync(new ListLevelsRequest());
        await Client(units, oldToken).ListLevelsAsync(new ListLevelsRequest());
    }

    [Fact]
    public async Task With_its_authority_down_a_service_is_not_ready_stores_nothing_and_recovers_when_it_is_back()
    {
        var port = FreePort();
        var key = TestIdentityProvider.NewSigningKey(TimeSpan.FromDays(365));
        string token;
        await using (var before = await TestIdentityProvider.StartAsync(OidcClients.All, [key], port))
            token = await before.PersonTokenAsync(Guid.NewGuid().ToString(), "", [DubanRoles.Office]);

        await using var units = new GrpcServiceFactory<UnitsDb>("units", "Units")
            .Against(new Uri($"http://127.0.0.1:{port}/"))
            .With("Auth:MetadataRetrySeconds", "1");
        await units.StartAsync();
        using var http = units.Http(null);
        var readiness = await http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readiness.StatusCode);
        Assert.Contains($"the authority http://127.0.0.1:{port}/ could not be read", await readiness.Content.ReadAsStringAsync());

        // A call cannot be checked without the keys: it is refused as unavailable (try again), not as a bad token, and stores nothing.
        var code = "down-" + Guid.NewGuid().ToString("N")[..8];
        await RpcAssert.ThrowsAsync(StatusCode.Unavailable, async () =>
            await Client(units, token).CreateUnitAsync(new CreateUnitRequest { Code = code, Name = "停机测试局", ShortName = "停机", LevelCode = "department" }));
        Assert.Equal(0, await ProductionLoopTests.CountAsync(units.ConnectionString, $"SELECT count(*) FROM units WHERE code = '{code}'"));

        await using var back = await TestIdentityProvider.StartAsync(OidcClients.All, [key], port);
        await ProductionLoopTests.WaitUntilAsync(async () => (await http.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK, "readiness after the authority is back");
        await Client(units, token).CreateUnitAsync(new CreateUnitRequest { Code = code, Name = "停机测试局", ShortName = "停机", LevelCode = "department" });
    }

    [Fact]
    public async Task Claims_under_the_providers_own_names_are_read_where_configured_and_ignored_where_not()
    {
        var names = new Dictionary<string, string> { ["roles"] = "groups", ["unit"] = "org_unit" };
        await using var identity = await TestIdentityProvider.StartAsync(OidcClients.All, [TestIdentityProvider.NewSigningKey(TimeSpan.FromDays(1))], claimNames: names);
        await using var mapped = new GrpcServiceFactory<UnitsDb>("units", "Units").Against(identity.Authority)
            .With("Auth:ClaimNames:Roles", "groups").With("Auth:ClaimNames:Unit", "org_unit");
        await mapped.StartAsync();
        await using var unmapped = new GrpcServiceFactory<UnitsDb>("units", "Units").Against(identity.Authority);
        await unmapped.StartAsync();

        var token = await identity.PersonTokenAsync(Guid.NewGuid().ToString(), "", [DubanRoles.Office]);
        Assert.True(new JsonWebToken(token).TryGetPayloadValue<object>("groups", out _));
        var request = () => new CreateUnitRequest { Code = "map-" + Guid.NewGuid().ToString("N")[..8], Name = "映射测试局", ShortName = "映射", LevelCode = "department" };
        await Client(mapped, token).CreateUnitAsync(request());
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () => await Client(unmapped, token).CreateUnitAsync(request()));
    }

    private static UnitsService.UnitsServiceClient Client(GrpcServiceFactory<UnitsDb> units, string token) => new(units.Channel(token));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
