using Duban.Contracts.Units.V1;
using Duban.Testing;
using Grpc.Core;
using Outcome = Duban.Contracts.Units.V1.ResolvedName.Types.Outcome;

namespace Duban.Units.Tests.Grpc;

public class NameResolutionTests(UnitsServiceFixture service) : IClassFixture<UnitsServiceFixture>
{
    [Fact]
    public async Task Names_short_names_aliases_and_codes_resolve_as_offices_write_them()
    {
        var tag = Guid.NewGuid().ToString("N")[..4];
        var park = await service.CreateUnitAsync($"解析园区{tag}", "district");
        var bureau = await service.Office.CreateUnitAsync(new CreateUnitRequest
        {
            Code = $"jfj-{tag}", Name = $"工业园区经济发展局{tag}", ShortName = $"经发局{tag}", LevelCode = "department",
            ParentId = park.Id, Aliases = { $"园区经发局{tag}" },
        });

        var response = await service.Staff.ResolveUnitNamesAsync(new ResolveUnitNamesRequest
        {
            Names = { $"工业园区经济发展局{tag}", $"经发局{tag}", $"园区 经发局{tag}", $"JFJ-{tag}", $"工业园区经济发展局{tag}".Replace("工业", "工　业") },
        });

        Assert.All(response.Results, r =>
        {
            Assert.Equal(Outcome.Matched, r.Outcome);
            Assert.Equal(bureau.Id, r.Unit.Id);
        });
        Assert.Equal($"经发局{tag}", response.Results[1].Name);
    }

    [Fact]
    public async Task The_same_name_in_two_places_is_ambiguous_unless_a_scope_decides()
    {
        var tag = Guid.NewGuid().ToString("N")[..4];
        var parkA = await service.CreateUnitAsync($"甲园{tag}", "district");
        var parkB = await service.CreateUnitAsync($"乙园{tag}", "district");
        var financeA = await service.CreateUnitAsync($"财政局{tag}", "department", parkA);
        var financeB = await service.CreateUnitAsync($"财政局{tag}", "department", parkB);

        var unscoped = await service.Staff.ResolveUnitNamesAsync(new ResolveUnitNamesRequest { Names = { $"财政局{tag}" } });
        Assert.Equal(Outcome.Ambiguous, unscoped.Results[0].Outcome);
        Assert.Equal(new[] { financeA.Id, financeB.Id }.Order(), unscoped.Results[0].Candidates.Select(c => c.Id).Order());

        var scoped = await service.Staff.ResolveUnitNamesAsync(new ResolveUnitNamesRequest { Names = { $"财政局{tag}" }, ScopeUnitId = parkB.Id });
        Assert.Equal(Outcome.Matched, scoped.Results[0].Outcome);
        Assert.Equal(financeB.Id, scoped.Results[0].Unit.Id);
    }

    [Fact]
    public async Task Within_scope_only_ignores_units_outside_the_scope()
    {
        var tag = Guid.NewGuid().ToString("N")[..4];
        var parkA = await service.CreateUnitAsync($"范围甲园{tag}", "district");
        var parkB = await service.CreateUnitAsync($"范围乙园{tag}", "district");
        await service.CreateUnitAsync($"宣传办{tag}", "department", parkA);

        var response = await service.Staff.ResolveUnitNamesAsync(new ResolveUnitNamesRequest
        {
            Names = { $"宣传办{tag}" }, ScopeUnitId = parkB.Id, WithinScopeOnly = true,
        });
        Assert.Equal(Outcome.NotFound, response.Results[0].Outcome);
        Assert.Empty(response.Results[0].Suggestions);
    }

    [Fact]
    public async Task Unknown_names_come_back_together_with_the_closest_suggestions()
    {
        var tag = Guid.NewGuid().ToString("N")[..4];
        var park = await service.CreateUnitAsync($"建议园区{tag}", "district");
        var finance = await service.CreateUnitAsync($"工业园区财政局{tag}", "department", park);
        var organisation = await service.CreateUnitAsync($"工业园区组织人事部{tag}", "department", park);

        var response = await service.Staff.ResolveUnitNamesAsync(new ResolveUnitNamesRequest
        {
            Names = { $"财政局{tag}", $"园区组织人事{tag}", "完全无关的名字" },
        });

        Assert.All(response.Results, r => Assert.Equal(Outcome.NotFound, r.Outcome));
        Assert.Equal(finance.Id, response.Results[0].Suggestions[0].Unit.Id);
        Assert.Equal(organisation.Id, response.Results[1].Suggestions[0].Unit.Id);
        Assert.InRange(response.Results[0].Suggestions[0].Score, 0.15, 1.0);
        Assert.DoesNotContain(response.Results[2].Suggestions, s => s.Unit.Id == finance.Id || s.Unit.Id == organisation.Id);
    }

    [Fact]
    public async Task A_short_name_written_with_one_character_wrong_gets_the_unit_it_meant_as_a_suggestion()
    {
        // Three characters no other test's unit uses, so that only this unit is one edit away.
        var random = new Random();
        string Char() => ((char)random.Next(0x5B00, 0x5F00)).ToString();
        var (first, second) = (Char(), Char());
        var park = await service.CreateUnitAsync($"错字园区{Guid.NewGuid():N}"[..12], "district");
        var unit = await service.Office.CreateUnitAsync(new CreateUnitRequest
        {
            Code = "u-" + Guid.NewGuid().ToString("N")[..10], Name = $"工业园区{first}{second}局", ShortName = $"{first}{second}局",
            LevelCode = "department", ParentId = park.Id,
        });

        // One character changed, one missing, one added: each a slip of the same short name.
        var slips = new[] { $"{first}{(second == "丐" ? "丑" : "丐")}局", $"{first}局", $"{first}{second}{Char()}局" };
        var response = await service.Staff.ResolveUnitNamesAsync(new ResolveUnitNamesRequest { Names = { slips } });

        Assert.All(response.Results, r =>
        {
            Assert.Equal(Outcome.NotFound, r.Outcome);
            Assert.Contains(r.Suggestions, s => s.Unit.Id == unit.Id);
        });
        // Two characters away is no slip.
        string Other() => Enumerable.Range(0, 100).Select(_ => Char()).First(c => c != first && c != second);
        var far = await service.Staff.ResolveUnitNamesAsync(new ResolveUnitNamesRequest { Names = { $"{Other()}{Other()}局" } });
        Assert.DoesNotContain(far.Results[0].Suggestions, s => s.Unit.Id == unit.Id);
    }

    [Fact]
    public async Task Archived_units_do_not_resolve()
    {
        var unit = await service.CreateUnitAsync("已撤销单位" + Guid.NewGuid().ToString("N")[..4], "city");
        await service.Office.ArchiveUnitAsync(new ArchiveUnitRequest { Id = unit.Id, Version = unit.Version });
        var response = await service.Staff.ResolveUnitNamesAsync(new ResolveUnitNamesRequest { Names = { unit.Name } });
        Assert.Equal(Outcome.NotFound, response.Results[0].Outcome);
    }

    [Fact]
    public async Task Bad_resolution_requests_name_the_field()
    {
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "names", async () =>
            await service.Staff.ResolveUnitNamesAsync(new ResolveUnitNamesRequest()));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "names[1]", async () =>
            await service.Staff.ResolveUnitNamesAsync(new ResolveUnitNamesRequest { Names = { "财政局", " " } }));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "scope_unit_id", async () =>
            await service.Staff.ResolveUnitNamesAsync(new ResolveUnitNamesRequest { Names = { "财政局" }, WithinScopeOnly = true }));
    }
}
