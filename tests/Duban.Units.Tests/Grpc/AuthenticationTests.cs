using System.Net;
using Duban.Contracts.Units.V1;
using Duban.ServiceDefaults.Auth;
using Duban.Testing;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;

namespace Duban.Units.Tests.Grpc;

public class AuthenticationTests(UnitsServiceFixture service) : IClassFixture<UnitsServiceFixture>
{
    [Fact]
    public async Task A_call_without_a_token_is_refused()
    {
        await RpcAssert.ThrowsAsync(StatusCode.Unauthenticated,
            async () => await service.Client(null).ListUnitsAsync(new ListUnitsRequest()));
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_refused()
    {
        var forged = LocalTokens.Mint(new byte[32], "p", "u", [DubanRoles.Office], TimeSpan.FromHours(1));
        await RpcAssert.ThrowsAsync(StatusCode.Unauthenticated,
            async () => await service.Client(forged).ListUnitsAsync(new ListUnitsRequest()));
    }

    [Theory]
    [InlineData(null, "Bearer")]
    [InlineData("not-a-token", "Bearer error=\"invalid_token\"")]
    public async Task A_refused_json_call_gets_a_status_body_and_a_challenge(string? token, string challenge)
    {
        using var http = service.Factory.Http(token);
        var response = await http.GetAsync("/v1/units");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(challenge, response.Headers.WwwAuthenticate.ToString());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(16, body.RootElement.GetProperty("code").GetInt32());
        Assert.Contains("bearer token", body.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task An_expired_token_is_refused()
    {
        var expired = LocalTokens.Mint(TestTokens.Key, "p", "u", [DubanRoles.Office], TimeSpan.FromHours(1),
            time: new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-1)));
        await RpcAssert.ThrowsAsync(StatusCode.Unauthenticated,
            async () => await service.Client(expired).ListUnitsAsync(new ListUnitsRequest()));
    }

    [Fact]
    public async Task Only_the_office_changes_the_tree()
    {
        var lead = service.As(Guid.NewGuid().ToString(), "", DubanRoles.Lead);
        var before = await service.CountAsync("SELECT count(*) FROM units");
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
            await lead.CreateUnitAsync(new CreateUnitRequest { Code = "x1", Name = "某局", LevelCode = "province" }));
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
            await service.Staff.CreatePersonAsync(new CreatePersonRequest { Name = "张三" }));
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
            await service.As("s", "", DubanRoles.Scheduler).CreateLevelAsync(new CreateLevelRequest { Level = new Level { Code = "x", Name = "x", Rank = 99 } }));
        Assert.Equal(before, await service.CountAsync("SELECT count(*) FROM units"));
    }

    [Fact]
    public async Task Anyone_authenticated_may_read()
    {
        var levels = await service.Staff.ListLevelsAsync(new ListLevelsRequest());
        Assert.Equal(["province", "city", "district", "department", "working_group"], levels.Levels.Select(l => l.Code));
    }

    [Fact]
    public async Task Health_and_reflection_need_no_token()
    {
        var channel = service.Factory.Channel(null);
        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);

        using var reflection = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo();
        await reflection.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await reflection.RequestStream.CompleteAsync();
        Assert.True(await reflection.ResponseStream.MoveNext());
        Assert.Contains("duban.units.v1.UnitsService", reflection.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name));

        var http = service.Factory.Http(null);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/v1/units")).StatusCode);
    }
}
