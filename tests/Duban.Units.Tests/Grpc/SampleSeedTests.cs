using Duban.Contracts.Units.V1;
using Duban.Testing;
using Outcome = Duban.Contracts.Units.V1.ResolvedName.Types.Outcome;

namespace Duban.Units.Tests.Grpc;

/// <summary>The sample units of the "Implementation Plan" load on the first start, and only then.</summary>
public sealed class SampleSeedTests : IAsyncLifetime
{
    private static readonly string SeedFile = Path.Combine(AppContext.BaseDirectory, "Seed", "sample-units.json");
    private readonly UnitsServiceFixture _service = new();

    public async Task InitializeAsync()
    {
        _service.Factory.With("Seed:UnitsFile", SeedFile);
        await _service.InitializeAsync();
    }

    public Task DisposeAsync() => _service.DisposeAsync();

    [Fact]
    public async Task The_speech_units_and_their_people_are_loaded_once()
    {
        var resolved = await _service.Staff.ResolveUnitNamesAsync(new ResolveUnitNamesRequest
        {
            Names = { "经发局", "财政局", "组人部", "金融办", "宣传办", "督查室", "纪工委", "监察局", "党工委", "省委", "市政府" },
        });
        Assert.All(resolved.Results, r => Assert.Equal(Outcome.Matched, r.Outcome));

        var supervision = resolved.Results[5].Unit;
        var responsibility = await _service.Staff.GetResponsibilityAsync(new GetResponsibilityRequest { UnitId = supervision.Id });
        Assert.Equal("周敏", responsibility.Leads.Single().Name);
        Assert.Equal("赵红梅", responsibility.OverseeingLeaders.Single().Name);

        var park = resolved.Results[8].Unit;
        var areas = await _service.Staff.ListUnitsAsync(new ListUnitsRequest { ParentId = park.Id, LevelCode = "subarea" });
        Assert.Equal(4, areas.Units.Count); // 一市三园

        var units = await _service.CountAsync("SELECT count(*) FROM units");
        var people = await _service.CountAsync("SELECT count(*) FROM people");
        var collectives = await _service.CountAsync("SELECT count(*) FROM collectives");
        // A second start on the same database keeps the data and loads nothing twice.
        await using var restarted = new GrpcServiceFactory<Program>("units", "Units")
            .With("Seed:UnitsFile", SeedFile)
            .UseDatabase(_service.Factory.ConnectionString);
        await restarted.StartAsync();
        Assert.Equal(units, await _service.CountAsync("SELECT count(*) FROM units"));
        Assert.Equal(people, await _service.CountAsync("SELECT count(*) FROM people"));
        Assert.Equal(collectives, await _service.CountAsync("SELECT count(*) FROM collectives"));
    }

    [Fact]
    public async Task The_speech_collectives_resolve_for_the_park_and_below_it()
    {
        var park = (await _service.Staff.ResolveUnitNamesAsync(new ResolveUnitNamesRequest { Names = { "党工委" } })).Results[0].Unit;
        var economy = (await _service.Staff.ResolveUnitNamesAsync(new ResolveUnitNamesRequest { Names = { "经发局" } })).Results[0].Unit;
        string[] areas = ["X市", "临港化工园区", "生物医药产业园", "汽车零部件产业园"];
        foreach (var scope in new[] { park, economy })
        {
            var response = await _service.Staff.ResolveUnitNamesAsync(new ResolveUnitNamesRequest
            {
                Names = { "“一市三园”", "各片区", "各指挥部", "区直各部门", "各部门各单位" }, ScopeUnitId = scope.Id,
            });
            Assert.All(response.Results, r => Assert.Equal(Outcome.Collective, r.Outcome));
            var members = response.Results.Select(r => r.Collective.ExpandedUnits.Select(u => u.Name).ToList()).ToList();
            Assert.Equal(areas, members[0]);
            Assert.Equal(areas.Order(), members[1].Order());
            Assert.All(members[2], name => Assert.EndsWith("指挥部", name));
            Assert.Equal(4, members[2].Count);
            // 区直各部门: the park's eleven departments, 督查室 and 纪工委 among them; no area, no working group.
            Assert.Equal(11, members[3].Count);
            Assert.Contains("工业园区党政办督查室", members[3]);
            Assert.DoesNotContain("X市", members[3]);
            Assert.Equal(members[3].Concat(areas), members[4]);
        }
    }
}
