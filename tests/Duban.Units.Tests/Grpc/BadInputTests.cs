using Duban.Contracts.Units.V1;
using Duban.Testing;
using Grpc.Core;

namespace Duban.Units.Tests.Grpc;

/// <summary>Every bad input gets its status, names the offending field, and stores nothing.</summary>
public class BadInputTests(UnitsServiceFixture service) : IClassFixture<UnitsServiceFixture>
{
    private async Task AssertRefusedAndNothingStored(StatusCode status, string field, CreateUnitRequest request)
    {
        var units = await service.CountAsync("SELECT count(*) FROM units");
        var names = await service.CountAsync("SELECT count(*) FROM unit_names");
        await RpcAssert.ThrowsOnFieldAsync(status, field, async () => await service.Office.CreateUnitAsync(request));
        Assert.Equal(units, await service.CountAsync("SELECT count(*) FROM units"));
        Assert.Equal(names, await service.CountAsync("SELECT count(*) FROM unit_names"));
    }

    private static CreateUnitRequest Valid(string parentId = "") => new()
    {
        Code = "bad-" + Guid.NewGuid().ToString("N")[..10],
        Name = "合规单位",
        LevelCode = parentId.Length == 0 ? "city" : "department",
        ParentId = parentId,
    };

    [Fact]
    public Task An_empty_name_is_refused()
    {
        var request = Valid();
        request.Name = "   ";
        return AssertRefusedAndNothingStored(StatusCode.InvalidArgument, "name", request);
    }

    [Fact]
    public Task An_over_long_name_is_refused()
    {
        var request = Valid();
        request.Name = new string('局', 101);
        return AssertRefusedAndNothingStored(StatusCode.InvalidArgument, "name", request);
    }

    [Theory]
    [InlineData("合规\0单位")]
    [InlineData("\u001b[31m合规单位\u001b[0m")]
    [InlineData("合规\n单位")]
    public Task A_name_with_nul_or_control_characters_is_refused(string name)
    {
        var request = Valid();
        request.Name = name;
        return AssertRefusedAndNothingStored(StatusCode.InvalidArgument, "name", request);
    }

    [Fact]
    public async Task A_hand_made_page_token_is_refused_on_page_token()
    {
        var forged = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes("units||||Active||False\nnot-a-key"));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "page_token", async () =>
            await service.Staff.ListUnitsAsync(new ListUnitsRequest { PageToken = forged }));
    }

    [Fact]
    public async Task A_page_token_still_leads_to_the_next_page()
    {
        var parent = await service.CreateUnitAsync("翻页园区", "district");
        for (var i = 0; i < 3; i++)
            await service.CreateUnitAsync("翻页部门" + i, "department", parent);
        var first = await service.Staff.ListUnitsAsync(new ListUnitsRequest { ParentId = parent.Id, PageSize = 2 });
        var second = await service.Staff.ListUnitsAsync(new ListUnitsRequest { ParentId = parent.Id, PageSize = 2, PageToken = first.NextPageToken });
        Assert.Equal(2, first.Units.Count);
        Assert.Single(second.Units);
        Assert.Empty(first.Units.Select(u => u.Id).Intersect(second.Units.Select(u => u.Id)));
    }

    [Fact]
    public async Task An_empty_or_malformed_id_is_invalid_argument_on_id()
    {
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "id", async () => await service.Staff.GetUnitAsync(new GetUnitRequest()));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "id", async () =>
            await service.Office.ArchiveUnitAsync(new ArchiveUnitRequest { Id = "x", Version = long.MaxValue }));
    }

    [Fact]
    public Task A_code_with_spaces_is_refused()
    {
        var request = Valid();
        request.Code = "not a code";
        return AssertRefusedAndNothingStored(StatusCode.InvalidArgument, "code", request);
    }

    [Fact]
    public Task An_unknown_level_is_refused()
    {
        var request = Valid();
        request.LevelCode = "galaxy";
        return AssertRefusedAndNothingStored(StatusCode.InvalidArgument, "level_code", request);
    }

    [Fact]
    public Task An_unknown_parent_is_refused() =>
        AssertRefusedAndNothingStored(StatusCode.InvalidArgument, "parent_id", Valid(Guid.NewGuid().ToString()));

    [Fact]
    public Task A_malformed_parent_id_is_refused() =>
        AssertRefusedAndNothingStored(StatusCode.InvalidArgument, "parent_id", Valid("not-an-id"));

    [Fact]
    public async Task A_level_at_or_above_the_parents_is_refused()
    {
        var park = await service.CreateUnitAsync("层级园区", "district");
        var request = Valid(park.Id);
        request.LevelCode = "city";
        await AssertRefusedAndNothingStored(StatusCode.InvalidArgument, "level_code", request);
        request.LevelCode = "district";
        await AssertRefusedAndNothingStored(StatusCode.InvalidArgument, "level_code", request);
    }

    [Fact]
    public async Task A_duplicate_code_is_refused()
    {
        var existing = await service.CreateUnitAsync("已有单位", "city");
        var request = Valid();
        request.Code = existing.Code;
        await AssertRefusedAndNothingStored(StatusCode.AlreadyExists, "code", request);
    }

    [Fact]
    public async Task A_duplicate_alias_is_refused_even_written_differently()
    {
        var alias = "别名" + Guid.NewGuid().ToString("N")[..6];
        await service.CreateUnitAsync("有别名的单位", "city", null, alias);
        var request = Valid();
        request.Aliases.Add("其他别名");
        request.Aliases.Add(" " + alias.Insert(2, " ") + " ");
        await AssertRefusedAndNothingStored(StatusCode.AlreadyExists, "aliases[1]", request);
    }

    [Fact]
    public Task An_unknown_time_zone_is_refused()
    {
        var request = Valid();
        request.TimeZone = "Mars/Olympus";
        return AssertRefusedAndNothingStored(StatusCode.InvalidArgument, "time_zone", request);
    }

    [Fact]
    public async Task Every_problem_of_a_request_is_reported_at_once()
    {
        var ex = await RpcAssert.ThrowsAsync(StatusCode.InvalidArgument, async () =>
            await service.Office.CreateUnitAsync(new CreateUnitRequest { Code = "", Name = "", LevelCode = "", ParentId = Guid.NewGuid().ToString() }));
        Assert.Equal(["code", "name", "level_code"], RpcAssert.FieldsOf(ex));
        // The shape of a request (here an id that is no id) is checked first, for every field at once.
        ex = await RpcAssert.ThrowsAsync(StatusCode.InvalidArgument, async () =>
            await service.Office.CreateUnitAsync(new CreateUnitRequest { Name = "a\0b", ParentId = "x", Aliases = { "\u0007" } }));
        Assert.Equal(["name", "aliases[0]", "parent_id"], RpcAssert.FieldsOf(ex));
    }

    [Fact]
    public async Task A_stale_version_on_archive_changes_nothing()
    {
        var unit = await service.CreateUnitAsync("版本单位", "city");
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.Aborted, "version", async () =>
            await service.Office.ArchiveUnitAsync(new ArchiveUnitRequest { Id = unit.Id, Version = unit.Version + 1 }));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "version", async () =>
            await service.Office.ArchiveUnitAsync(new ArchiveUnitRequest { Id = unit.Id }));
        Assert.Equal(UnitStatus.Active, (await service.Staff.GetUnitAsync(new GetUnitRequest { Id = unit.Id })).Status);
    }
}
