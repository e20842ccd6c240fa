using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Duban.Testing;

namespace Duban.Units.Tests.Grpc;

/// <summary>The same calls as JSON over HTTP, for curl and clients without gRPC.</summary>
public class JsonTranscodingTests(UnitsServiceFixture service) : IClassFixture<UnitsServiceFixture>
{
    [Fact]
    public async Task Units_are_created_and_read_as_json()
    {
        var http = service.Factory.Http(service.OfficeToken);
        var code = "json-" + Guid.NewGuid().ToString("N")[..8];

        var created = await http.PostAsJsonAsync("/v1/units", new { code, name = "JSON市", levelCode = "city", aliases = new[] { "杰森市" } });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var unit = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = unit.GetProperty("id").GetString();
        Assert.Equal("JSON市", unit.GetProperty("name").GetString());
        Assert.Equal("UNIT_STATUS_ACTIVE", unit.GetProperty("status").GetString());

        var read = await http.GetFromJsonAsync<JsonElement>($"/v1/units/{id}");
        Assert.Equal(code, read.GetProperty("code").GetString());

        var listed = await http.GetFromJsonAsync<JsonElement>($"/v1/units?nameContains={Uri.EscapeDataString("JSON市")}");
        Assert.Contains(listed.GetProperty("units").EnumerateArray(), u => u.GetProperty("id").GetString() == id);

        var resolved = await http.PostAsJsonAsync("/v1/units:resolve", new { names = new[] { "杰森市" } });
        var result = (await resolved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results")[0];
        Assert.Equal("OUTCOME_MATCHED", result.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Collectives_are_created_read_resolved_and_deleted_as_json()
    {
        var http = service.Factory.Http(service.OfficeToken);
        var tag = Guid.NewGuid().ToString("N")[..6];
        var park = await (await http.PostAsJsonAsync("/v1/units", new { code = "jp-" + tag, name = "JSON园区" + tag, levelCode = "district" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var parkId = park.GetProperty("id").GetString();
        var bureau = await (await http.PostAsJsonAsync("/v1/units", new { code = "jb-" + tag, name = "JSON局" + tag, levelCode = "department", parentId = parkId }))
            .Content.ReadFromJsonAsync<JsonElement>();

        var created = await http.PostAsJsonAsync("/v1/collectives", new
        {
            name = "区直各部门" + tag, scopeUnitId = parkId,
            members = new object[] { new { children = new { parentUnitId = parkId, levelCode = "department" } } },
        });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        var read = await http.GetFromJsonAsync<JsonElement>($"/v1/collectives/{id}");
        Assert.Equal(bureau.GetProperty("id").GetString(), read.GetProperty("expandedUnits")[0].GetProperty("id").GetString());
        var listed = await http.GetFromJsonAsync<JsonElement>($"/v1/collectives?scopeUnitId={parkId}");
        Assert.Equal(id, listed.GetProperty("collectives")[0].GetProperty("id").GetString());
        // Empty lists are written too (README's jq joins the aliases).
        Assert.Equal(JsonValueKind.Array, listed.GetProperty("collectives")[0].GetProperty("aliases").ValueKind);

        var resolved = await http.PostAsJsonAsync("/v1/units:resolve", new { names = new[] { $"“区直各部门{tag}”" }, scopeUnitId = parkId });
        var result = (await resolved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results")[0];
        Assert.Equal("OUTCOME_COLLECTIVE", result.GetProperty("outcome").GetString());
        Assert.Equal(id, result.GetProperty("collective").GetProperty("id").GetString());

        Assert.Equal(HttpStatusCode.OK, (await http.DeleteAsync($"/v1/collectives/{id}?version=1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/v1/collectives/{id}")).StatusCode);
    }

    [Fact]
    public async Task Bad_input_over_json_returns_400_with_the_field()
    {
        var http = service.Factory.Http(service.OfficeToken);
        var response = await http.PostAsJsonAsync("/v1/units", new { code = "json-bad", name = "", levelCode = "city" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("google.rpc.BadRequest", body);
        Assert.Contains("\"field\":\"name\"", body.Replace(" ", ""));
    }

    [Fact]
    public async Task Json_calls_follow_the_same_permissions()
    {
        var staff = service.Factory.Http(TestTokens.For("p", "", "staff"));
        var refused = await staff.PostAsJsonAsync("/v1/units", new { code = "json-staff", name = "员工建的", levelCode = "city" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync("/v1/levels")).StatusCode);
    }
}
