using Duban.Contracts.Units.V1;
using Duban.Testing;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Duban.Units.Tests.Grpc;

public class UnitTreeTests(UnitsServiceFixture service) : IClassFixture<UnitsServiceFixture>
{
    [Fact]
    public async Task A_unit_is_created_read_and_batch_read()
    {
        var city = await service.CreateUnitAsync("X市委、市政府", "city", null, "市委市政府");
        var park = await service.CreateUnitAsync("XX工业园区管委会", "district", city);

        Assert.Equal(1, city.Version);
        Assert.Equal(city.Id, park.ParentId);
        Assert.Equal(1, park.Depth);
        Assert.Equal("Asia/Shanghai", park.TimeZone);
        Assert.Equal(["市委市政府"], city.Aliases);

        var read = await service.Staff.GetUnitAsync(new GetUnitRequest { Id = park.Id });
        Assert.Equal(park, read);

        var batch = await service.Staff.BatchGetUnitsAsync(new BatchGetUnitsRequest { Ids = { park.Id, city.Id } });
        Assert.Equal([park.Id, city.Id], batch.Units.Select(u => u.Id));

        await RpcAssert.ThrowsAsync(StatusCode.NotFound,
            async () => await service.Staff.GetUnitAsync(new GetUnitRequest { Id = Guid.NewGuid().ToString() }));
        await RpcAssert.ThrowsAsync(StatusCode.NotFound,
            async () => await service.Staff.BatchGetUnitsAsync(new BatchGetUnitsRequest { Ids = { park.Id, Guid.NewGuid().ToString() } }));

        // Allowing missing ids, they come back as a list instead of NotFound.
        var nobody = Guid.NewGuid().ToString();
        var partial = await service.Staff.BatchGetUnitsAsync(new BatchGetUnitsRequest { Ids = { nobody, city.Id }, AllowMissing = true });
        Assert.Equal([city.Id], partial.Units.Select(u => u.Id));
        Assert.Equal([nobody], partial.MissingIds);
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "ids[0]",
            async () => await service.Staff.BatchGetUnitsAsync(new BatchGetUnitsRequest { Ids = { "x", city.Id }, AllowMissing = true }));
    }

    [Fact]
    public async Task Repeating_a_create_with_the_same_request_id_returns_the_first_unit()
    {
        var request = new CreateUnitRequest { Code = "dup-" + Guid.NewGuid().ToString("N")[..8], Name = "某市", LevelCode = "city", RequestId = Guid.NewGuid().ToString() };
        var first = await service.Office.CreateUnitAsync(request);
        var second = await service.Office.CreateUnitAsync(request);
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(1, await service.CountAsync($"SELECT count(*) FROM units WHERE code = '{request.Code}'"));
    }

    [Fact]
    public async Task Lists_filter_by_parent_level_name_and_status_and_page_through()
    {
        var root = await service.CreateUnitAsync("列表测试市", "city");
        var tag = Guid.NewGuid().ToString("N")[..6];
        for (var i = 0; i < 5; i++)
            await service.CreateUnitAsync($"第{i}局{tag}", "department", root);
        var park = await service.CreateUnitAsync($"园区{tag}", "district", root);

        var byParent = await service.Staff.ListUnitsAsync(new ListUnitsRequest { ParentId = root.Id, PageSize = 4 });
        Assert.Equal(4, byParent.Units.Count);
        Assert.NotEmpty(byParent.NextPageToken);
        var rest = await service.Staff.ListUnitsAsync(new ListUnitsRequest { ParentId = root.Id, PageSize = 4, PageToken = byParent.NextPageToken });
        Assert.Equal(2, rest.Units.Count);
        Assert.Empty(rest.NextPageToken);
        Assert.Equal(6, byParent.Units.Concat(rest.Units).Select(u => u.Id).Distinct().Count());

        var departments = await service.Staff.ListUnitsAsync(new ListUnitsRequest { ParentId = root.Id, LevelCode = "department" });
        Assert.Equal(5, departments.Units.Count);

        var byName = await service.Staff.ListUnitsAsync(new ListUnitsRequest { NameContains = $"第3局{tag}" });
        Assert.Equal($"第3局{tag}", byName.Units.Single().Name);

        await service.Office.ArchiveUnitAsync(new ArchiveUnitRequest { Id = park.Id, Version = park.Version });
        var active = await service.Staff.ListUnitsAsync(new ListUnitsRequest { ParentId = root.Id });
        Assert.DoesNotContain(active.Units, u => u.Id == park.Id);
        var archived = await service.Staff.ListUnitsAsync(new ListUnitsRequest { ParentId = root.Id, Status = UnitStatus.Archived });
        Assert.Equal(park.Id, archived.Units.Single().Id);

        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "page_token", async () =>
            await service.Staff.ListUnitsAsync(new ListUnitsRequest { LevelCode = "city", PageToken = byParent.NextPageToken }));
    }

    [Fact]
    public async Task Ancestors_run_from_the_parent_to_the_root_and_descendants_cover_the_subtree()
    {
        var province = await service.CreateUnitAsync("某省", "province");
        var city = await service.CreateUnitAsync("某市", "city", province);
        var park = await service.CreateUnitAsync("某园区", "district", city);
        var bureau = await service.CreateUnitAsync("某局", "department", park);
        var team = await service.CreateUnitAsync("某专班", "working_group", bureau);
        var otherBureau = await service.CreateUnitAsync("另一局", "department", park);

        var ancestors = await service.Staff.ListAncestorsAsync(new ListAncestorsRequest { Id = team.Id });
        Assert.Equal([bureau.Id, park.Id, city.Id, province.Id], ancestors.Units.Select(u => u.Id));
        Assert.Equal([province.Id, city.Id, park.Id, bureau.Id], team.AncestorIds);

        var first = await service.Staff.ListDescendantsAsync(new ListDescendantsRequest { Id = city.Id, PageSize = 2 });
        Assert.Equal(4, first.TotalSize);
        var second = await service.Staff.ListDescendantsAsync(new ListDescendantsRequest { Id = city.Id, PageSize = 2, PageToken = first.NextPageToken });
        var all = first.Units.Concat(second.Units).Select(u => u.Id).ToList();
        Assert.Equal(new[] { park.Id, bureau.Id, team.Id, otherBureau.Id }.Order(), all.Order());
        Assert.True(all.IndexOf(park.Id) < all.IndexOf(bureau.Id) && all.IndexOf(bureau.Id) < all.IndexOf(team.Id), "depth first");
        Assert.Empty(second.NextPageToken);
    }

    [Fact]
    public async Task The_basic_view_of_a_subtree_has_the_units_own_columns_and_leaves_names_ancestors_and_times_out()
    {
        var city = await service.CreateUnitAsync("概览市", "city");
        var park = await service.CreateUnitAsync("概览园区", "district", city, "概览区");
        var bureau = await service.CreateUnitAsync("概览局", "department", park);

        var full = await service.Staff.ListDescendantsAsync(new ListDescendantsRequest { Id = city.Id });
        var basic = await service.Staff.ListDescendantsAsync(new ListDescendantsRequest { Id = city.Id, View = UnitView.Basic, PageSize = 1 });
        var rest = await service.Staff.ListDescendantsAsync(new ListDescendantsRequest { Id = city.Id, View = UnitView.Basic, PageToken = basic.NextPageToken });
        Assert.Equal(2, basic.TotalSize);
        Assert.Equal(full.Units.Select(u => u.Id), basic.Units.Concat(rest.Units).Select(u => u.Id));
        Assert.Equal(["概览区"], full.Units[0].Aliases);
        Assert.Equal([city.Id], full.Units[0].AncestorIds);

        foreach (var (whole, outline) in full.Units.Zip(basic.Units.Concat(rest.Units)))
        {
            // Everything of the unit's own but its aliases, ancestors, times and robots.
            var expected = whole.Clone();
            expected.Aliases.Clear();
            expected.AncestorIds.Clear();
            expected.CreateTime = null;
            expected.UpdateTime = null;
            expected.DingtalkRobot = null;
            expected.WecomRobot = null;
            Assert.Equal(expected, outline);
        }
        Assert.Equal([park.Id, bureau.Id], basic.Units.Concat(rest.Units).Select(u => u.Id));
        Assert.Equal(park.Id, rest.Units.Single().ParentId);

        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "view", async () =>
            await service.Staff.ListDescendantsAsync(new ListDescendantsRequest { Id = city.Id, View = (UnitView)7 }));
    }

    [Fact]
    public async Task Moving_a_unit_carries_its_subtree_and_rechecks_levels_and_cycles()
    {
        var city = await service.CreateUnitAsync("搬迁市", "city");
        var parkA = await service.CreateUnitAsync("甲园区", "district", city);
        var parkB = await service.CreateUnitAsync("乙园区", "district", city);
        var bureau = await service.CreateUnitAsync("搬迁局", "department", parkA);
        var team = await service.CreateUnitAsync("搬迁专班", "working_group", bureau);

        var moved = await service.Office.MoveUnitAsync(new MoveUnitRequest { Id = bureau.Id, NewParentId = parkB.Id, Version = bureau.Version });
        Assert.Equal(parkB.Id, moved.ParentId);
        Assert.Equal(bureau.Version + 1, moved.Version);
        var chain = await service.Staff.ListAncestorsAsync(new ListAncestorsRequest { Id = team.Id });
        Assert.Equal([bureau.Id, parkB.Id, city.Id], chain.Units.Select(u => u.Id));
        Assert.Equal([city.Id, parkB.Id, bureau.Id], (await service.Staff.GetUnitAsync(new GetUnitRequest { Id = team.Id })).AncestorIds);
        Assert.Equal(0, (await service.Staff.ListDescendantsAsync(new ListDescendantsRequest { Id = parkA.Id })).TotalSize);
        Assert.Equal(2, (await service.Staff.ListDescendantsAsync(new ListDescendantsRequest { Id = parkB.Id })).TotalSize);

        // Under its own descendant: a cycle.
        var current = await service.Staff.GetUnitAsync(new GetUnitRequest { Id = bureau.Id });
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "new_parent_id", async () =>
            await service.Office.MoveUnitAsync(new MoveUnitRequest { Id = bureau.Id, NewParentId = team.Id, Version = current.Version }));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "new_parent_id", async () =>
            await service.Office.MoveUnitAsync(new MoveUnitRequest { Id = bureau.Id, NewParentId = bureau.Id, Version = current.Version }));
        // A department under a working group: level rank violation.
        var otherTeam = await service.CreateUnitAsync("另一专班", "working_group", parkA);
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "new_parent_id", async () =>
            await service.Office.MoveUnitAsync(new MoveUnitRequest { Id = bureau.Id, NewParentId = otherTeam.Id, Version = current.Version }));
        // A stale version.
        await RpcAssert.ThrowsAsync(StatusCode.Aborted, async () =>
            await service.Office.MoveUnitAsync(new MoveUnitRequest { Id = bureau.Id, NewParentId = parkA.Id, Version = bureau.Version }));

        var after = await service.Staff.GetUnitAsync(new GetUnitRequest { Id = bureau.Id });
        Assert.Equal(parkB.Id, after.ParentId);
        Assert.Equal(current.Version, after.Version);
    }

    [Fact]
    public async Task A_unit_with_active_children_cannot_be_archived()
    {
        var city = await service.CreateUnitAsync("归档市", "city");
        var bureau = await service.CreateUnitAsync("归档局", "department", city);

        var ex = await RpcAssert.ThrowsAsync(StatusCode.FailedPrecondition, async () =>
            await service.Office.ArchiveUnitAsync(new ArchiveUnitRequest { Id = city.Id, Version = city.Version }));
        Assert.Contains("归档局", ex.Status.Detail);
        Assert.Equal(UnitStatus.Active, (await service.Staff.GetUnitAsync(new GetUnitRequest { Id = city.Id })).Status);

        var archivedBureau = await service.Office.ArchiveUnitAsync(new ArchiveUnitRequest { Id = bureau.Id, Version = bureau.Version });
        Assert.Equal(UnitStatus.Archived, archivedBureau.Status);
        var archivedCity = await service.Office.ArchiveUnitAsync(new ArchiveUnitRequest { Id = city.Id, Version = city.Version });
        Assert.Equal(UnitStatus.Archived, archivedCity.Status);

        await RpcAssert.ThrowsAsync(StatusCode.FailedPrecondition, async () =>
            await service.CreateUnitAsync("归档后新局", "department", archivedCity));
    }

    [Fact]
    public async Task An_update_changes_only_the_masked_fields_and_refuses_a_stale_version()
    {
        var city = await service.CreateUnitAsync("更新市", "city");
        var bureau = await service.CreateUnitAsync("更新局", "department", city);

        var updated = await service.Office.UpdateUnitAsync(new UpdateUnitRequest
        {
            Unit = new Unit { Id = bureau.Id, Version = bureau.Version, Name = "更新后的局", ShortName = "新局", Kind = "ignored", Aliases = { "更新局别名" } },
            UpdateMask = new FieldMask { Paths = { "name", "short_name", "aliases" } },
        });
        Assert.Equal("更新后的局", updated.Name);
        Assert.Equal("新局", updated.ShortName);
        Assert.Equal("", updated.Kind);
        Assert.Equal(["更新局别名"], updated.Aliases);
        Assert.Equal(bureau.Version + 1, updated.Version);

        await RpcAssert.ThrowsOnFieldAsync(StatusCode.Aborted, "version", async () =>
            await service.Office.UpdateUnitAsync(new UpdateUnitRequest
            {
                Unit = new Unit { Id = bureau.Id, Version = bureau.Version, Name = "过期写入" },
                UpdateMask = new FieldMask { Paths = { "name" } },
            }));
        Assert.Equal("更新后的局", (await service.Staff.GetUnitAsync(new GetUnitRequest { Id = bureau.Id })).Name);

        // The city cannot drop to a level at or below its department child.
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "unit.level_code", async () =>
            await service.Office.UpdateUnitAsync(new UpdateUnitRequest
            {
                Unit = new Unit { Id = city.Id, Version = city.Version, LevelCode = "department" },
                UpdateMask = new FieldMask { Paths = { "level_code" } },
            }));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "update_mask", async () =>
            await service.Office.UpdateUnitAsync(new UpdateUnitRequest
            {
                Unit = new Unit { Id = city.Id, Version = city.Version, ParentId = bureau.Id },
                UpdateMask = new FieldMask { Paths = { "parent_id" } },
            }));
    }

    [Fact]
    public async Task Levels_are_data_and_new_ones_can_sit_between_existing_ranks()
    {
        var code = "subarea" + Guid.NewGuid().ToString("N")[..4];
        var rank = 30 + Random.Shared.Next(1, 9);
        var level = await service.Office.CreateLevelAsync(new CreateLevelRequest { Level = new Level { Code = code, Name = "片区", Rank = rank } });
        Assert.Equal(rank, level.Rank);

        var park = await service.CreateUnitAsync("片区上级园区", "district");
        var area = await service.CreateUnitAsync("某片区", code, park);
        await service.CreateUnitAsync("片区指挥部", "working_group", area);

        await RpcAssert.ThrowsOnFieldAsync(StatusCode.AlreadyExists, "level.rank", async () =>
            await service.Office.CreateLevelAsync(new CreateLevelRequest { Level = new Level { Code = code + "x", Name = "重复", Rank = rank } }));
    }
}
