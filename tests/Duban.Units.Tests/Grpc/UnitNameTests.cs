using Duban.Contracts.Units.V1;
using Duban.Testing;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Outcome = Duban.Contracts.Units.V1.ResolvedName.Types.Outcome;

namespace Duban.Units.Tests.Grpc;

/// <summary>Names over the wire: printable only, and an alias that names exactly one unit.</summary>
public class UnitNameTests(UnitsServiceFixture service) : IClassFixture<UnitsServiceFixture>
{
    private static string Tag() => Guid.NewGuid().ToString("N")[..6];

    private static CreateUnitRequest NewUnit(string name, string shortName = "", params string[] aliases) => new()
    {
        Code = "n-" + Guid.NewGuid().ToString("N")[..10], Name = name, ShortName = shortName, LevelCode = "city", Aliases = { aliases },
    };

    private async Task<long> UnitsCalledAsync(string code) =>
        await service.CountAsync($"SELECT count(*) FROM units WHERE code = '{code}'");

    [Theory]
    [InlineData("name")]
    [InlineData("short_name")]
    [InlineData("aliases[0]")]
    public async Task A_unit_name_with_an_ANSI_escape_or_a_line_break_is_refused_on_its_field(string field)
    {
        foreach (var bad in new[] { "\u001b[2J\u001b[31m经发局", "经发局\r\n伪造行", "经发\u202e局" })
        {
            var tag = Tag();
            var request = field switch
            {
                "name" => NewUnit(bad + tag),
                "short_name" => NewUnit("正常名称" + tag, bad + tag),
                _ => NewUnit("正常名称" + tag, "", bad + tag),
            };
            await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, field, async () => await service.Office.CreateUnitAsync(request));
            Assert.Equal(0, await UnitsCalledAsync(request.Code));
        }
    }

    [Fact]
    public async Task Renaming_to_a_control_character_and_a_person_named_with_one_are_refused()
    {
        var unit = await service.CreateUnitAsync("改名单位" + Tag(), "city");
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "unit.name", async () =>
            await service.Office.UpdateUnitAsync(new UpdateUnitRequest
            {
                Unit = new Unit { Id = unit.Id, Version = unit.Version, Name = "改名\u0007单位" }, UpdateMask = new FieldMask { Paths = { "name" } },
            }));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "unit.aliases[0]", async () =>
            await service.Office.UpdateUnitAsync(new UpdateUnitRequest
            {
                Unit = new Unit { Id = unit.Id, Version = unit.Version, Aliases = { "别\u001b[0m名" } }, UpdateMask = new FieldMask { Paths = { "aliases" } },
            }));
        Assert.Equal(unit.Name, (await service.Office.GetUnitAsync(new GetUnitRequest { Id = unit.Id })).Name);

        var name = "陈\u001b[1m志刚" + Tag();
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "name", async () =>
            await service.Office.CreatePersonAsync(new CreatePersonRequest { Name = name }));
        Assert.Equal(0, await service.CountAsync($"SELECT count(*) FROM people WHERE name LIKE '%{name[^6..]}'"));
    }

    [Theory]
    [InlineData("name")]
    [InlineData("short_name")]
    [InlineData("alias")]
    public async Task An_alias_that_is_another_units_name_short_name_or_alias_is_refused_however_it_is_spelled(string kind)
    {
        var tag = Tag();
        var text = "经发局" + tag;
        var holder = await service.Office.CreateUnitAsync(kind switch
        {
            "name" => NewUnit(text),
            "short_name" => NewUnit("工业园区经济发展局" + tag, text),
            _ => NewUnit("工业园区经济发展局" + tag, "", text),
        });

        // Spaced and quoted: it resolves to the same text, so it would make that name ambiguous.
        var request = NewUnit("另一单位" + tag, "", "别名" + tag, $"“经发局 {tag}”");
        var refused = await RpcAssert.ThrowsOnFieldAsync(StatusCode.AlreadyExists, "aliases[1]", async () => await service.Office.CreateUnitAsync(request));
        Assert.Contains(holder.Name, refused.Status.Detail);
        Assert.Equal(0, await UnitsCalledAsync(request.Code));

        // Nor by adding it later.
        var other = await service.Office.CreateUnitAsync(NewUnit("另一单位" + tag));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.AlreadyExists, "unit.aliases[0]", async () =>
            await service.Office.UpdateUnitAsync(new UpdateUnitRequest
            {
                Unit = new Unit { Id = other.Id, Version = other.Version, Aliases = { text } }, UpdateMask = new FieldMask { Paths = { "aliases" } },
            }));

        var resolved = await service.Staff.ResolveUnitNamesAsync(new ResolveUnitNamesRequest { Names = { text } });
        Assert.Equal((Outcome.Matched, holder.Id), (resolved.Results.Single().Outcome, resolved.Results.Single().Unit.Id));
    }

    [Fact]
    public async Task A_new_or_renamed_unit_called_by_another_units_alias_is_refused()
    {
        var tag = Tag();
        var alias = "管委会" + tag;
        var holder = await service.Office.CreateUnitAsync(NewUnit("工业园区党工委、管委会" + tag, "", alias));

        await RpcAssert.ThrowsOnFieldAsync(StatusCode.AlreadyExists, "name", async () => await service.Office.CreateUnitAsync(NewUnit(alias)));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.AlreadyExists, "short_name", async () =>
            await service.Office.CreateUnitAsync(NewUnit("别处的管委会" + tag, $"管委会（{tag}）")));

        var other = await service.Office.CreateUnitAsync(NewUnit("别处的管委会" + tag));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.AlreadyExists, "unit.short_name", async () =>
            await service.Office.UpdateUnitAsync(new UpdateUnitRequest
            {
                Unit = new Unit { Id = other.Id, Version = other.Version, ShortName = alias }, UpdateMask = new FieldMask { Paths = { "short_name" } },
            }));

        // Names may still repeat between units: scopes tell those apart.
        await service.Office.CreateUnitAsync(NewUnit("别处的管委会" + tag));
        var resolved = await service.Staff.ResolveUnitNamesAsync(new ResolveUnitNamesRequest { Names = { alias } });
        Assert.Equal((Outcome.Matched, holder.Id), (resolved.Results.Single().Outcome, resolved.Results.Single().Unit.Id));
    }

    [Fact]
    public async Task Of_a_unit_created_and_an_alias_added_at_once_with_one_text_only_one_is_stored()
    {
        for (var round = 0; round < 6; round++)
        {
            var text = "并发单位" + Tag();
            var other = await service.Office.CreateUnitAsync(NewUnit("另一个" + text));
            var start = new TaskCompletionSource();
            async Task<StatusCode> StatusOf(Func<Task> call)
            {
                await start.Task;
                try
                {
                    await call();
                    return StatusCode.OK;
                }
                catch (RpcException ex)
                {
                    return ex.StatusCode;
                }
            }
            var named = StatusOf(async () => await service.Office.CreateUnitAsync(NewUnit(text)));
            var aliased = StatusOf(async () => await service.Office.UpdateUnitAsync(new UpdateUnitRequest
            {
                Unit = new Unit { Id = other.Id, Version = other.Version, Aliases = { text } }, UpdateMask = new FieldMask { Paths = { "aliases" } },
            }));
            start.SetResult();
            var outcomes = await Task.WhenAll(named, aliased);

            Assert.Equal([StatusCode.OK, StatusCode.AlreadyExists], outcomes.Order());
            var resolved = await service.Staff.ResolveUnitNamesAsync(new ResolveUnitNamesRequest { Names = { text } });
            Assert.Equal(Outcome.Matched, resolved.Results.Single().Outcome);
        }
    }
}
