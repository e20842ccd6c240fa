using Duban.Contracts.Units.V1;
using Duban.Testing;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Outcome = Duban.Contracts.Units.V1.ResolvedName.Types.Outcome;

namespace Duban.Units.Tests.Grpc;

/// <summary>Collectives (集体名称): named groups of units, written by the office, expanded and resolved like unit names.</summary>
public class CollectiveTests(UnitsServiceFixture service) : IClassFixture<UnitsServiceFixture>
{
    private static string Tag() => Guid.NewGuid().ToString("N")[..4];

    private async Task<Unit> UnitAsync(string name, string level, Unit? parent, string kind = "部门", string shortName = "") =>
        await service.Office.CreateUnitAsync(new CreateUnitRequest
        {
            Code = "c-" + Guid.NewGuid().ToString("N")[..10], Name = name, ShortName = shortName, LevelCode = level, ParentId = parent?.Id ?? "", Kind = kind,
        });

    private static CollectiveMember Member(Unit unit) => new() { UnitId = unit.Id };
    private static CollectiveMember Member(Collective collective) => new() { CollectiveId = collective.Id };
    private static CollectiveMember ChildrenOf(Unit parent, string level = "", string kind = "") =>
        new() { Children = new ChildrenRule { ParentUnitId = parent.Id, LevelCode = level, Kind = kind } };

    private async Task<Collective> CollectiveAsync(string name, Unit scope, params CollectiveMember[] members) =>
        await service.Office.CreateCollectiveAsync(new CreateCollectiveRequest { Name = name, ScopeUnitId = scope.Id, Members = { members } });

    private static string[] Names(IEnumerable<Unit> units) => units.Select(u => u.Name).ToArray();

    [Fact]
    public async Task A_one_character_slip_in_a_collectives_name_suggests_the_collective_to_its_scope_only()
    {
        var tag = Tag();
        var park = await UnitAsync($"建议园区{tag}", "district", null);
        var otherPark = await UnitAsync($"别的园区{tag}", "district", null);
        var area = await UnitAsync($"东片{tag}", "department", park);
        var collective = await CollectiveAsync($"一市四园{tag}", park, Member(area));

        var slip = await service.Staff.ResolveUnitNamesAsync(new ResolveUnitNamesRequest { Names = { $"一市四圆{tag}" }, ScopeUnitId = park.Id });
        Assert.Equal(Outcome.NotFound, slip.Results[0].Outcome);
        var suggestion = Assert.Single(slip.Results[0].Suggestions, s => s.Collective is not null);
        Assert.Equal((collective.Id, $"一市四园{tag}"), (suggestion.Collective.Id, suggestion.Collective.Name));
        Assert.Null(suggestion.Unit);

        // Another park's documents cannot mean this park's collective.
        var elsewhere = await service.Staff.ResolveUnitNamesAsync(new ResolveUnitNamesRequest { Names = { $"一市四圆{tag}" }, ScopeUnitId = otherPark.Id });
        Assert.DoesNotContain(elsewhere.Results[0].Suggestions, s => s.Collective is not null);
    }

    [Fact]
    public async Task A_collective_is_created_read_listed_updated_and_deleted_by_the_office()
    {
        var tag = Tag();
        var park = await UnitAsync($"集体园区{tag}", "district", null);
        var city = await UnitAsync($"一市{tag}", "department", park);
        var port = await UnitAsync($"临港园{tag}", "department", park);
        var bio = await UnitAsync($"生物园{tag}", "department", park);

        var request = new CreateCollectiveRequest
        {
            Name = $"一市两园{tag}", Aliases = { $"各园{tag}" }, ScopeUnitId = park.Id, Members = { Member(city), Member(port), Member(bio) },
            RequestId = "collective-" + tag,
        };
        var created = await service.Office.CreateCollectiveAsync(request);
        Assert.Equal(1, created.Version);
        Assert.Equal(park.Id, created.ScopeUnitId);
        Assert.Equal([$"各园{tag}"], created.Aliases);
        Assert.Equal([city.Name, port.Name, bio.Name], Names(created.ExpandedUnits));
        // The same request id returns the first collective and creates nothing more.
        Assert.Equal(created.Id, (await service.Office.CreateCollectiveAsync(request)).Id);
        Assert.Equal(1, await service.CountAsync($"SELECT count(*) FROM collectives WHERE scope_unit_id = '{park.Id}'"));

        var read = await service.Staff.GetCollectiveAsync(new GetCollectiveRequest { Id = created.Id });
        Assert.Equal(created.Members, read.Members);
        Assert.Equal(3, read.ExpandedUnits.Count);

        var second = await CollectiveAsync($"两园{tag}", park, Member(port), Member(bio));
        var first = await service.Staff.ListCollectivesAsync(new ListCollectivesRequest { ScopeUnitId = park.Id, PageSize = 1 });
        Assert.Equal([created.Id], first.Collectives.Select(c => c.Id));
        Assert.Empty(first.Collectives[0].ExpandedUnits);
        var rest = await service.Staff.ListCollectivesAsync(new ListCollectivesRequest { ScopeUnitId = park.Id, PageSize = 1, PageToken = first.NextPageToken });
        Assert.Equal([second.Id], rest.Collectives.Select(c => c.Id));
        Assert.Equal("", rest.NextPageToken);
        // Those of the scope's ancestors come with include_inherited; a unit below the park owns none itself.
        Assert.Empty((await service.Staff.ListCollectivesAsync(new ListCollectivesRequest { ScopeUnitId = city.Id })).Collectives);
        Assert.Equal(2, (await service.Staff.ListCollectivesAsync(new ListCollectivesRequest { ScopeUnitId = city.Id, IncludeInherited = true })).Collectives.Count);
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "page_token", async () =>
            await service.Staff.ListCollectivesAsync(new ListCollectivesRequest { ScopeUnitId = city.Id, PageToken = first.NextPageToken }));

        var update = new UpdateCollectiveRequest
        {
            Collective = new Collective { Id = created.Id, Version = created.Version, Name = $"一市三园{tag}", Aliases = { $"“一市三园”各单位{tag}" }, Members = { Member(bio), Member(city) } },
            UpdateMask = new FieldMask { Paths = { "name", "aliases", "members" } },
        };
        var updated = await service.Office.UpdateCollectiveAsync(update);
        Assert.Equal(2, updated.Version);
        Assert.Equal($"一市三园{tag}", updated.Name);
        Assert.Equal([bio.Name, city.Name], Names(updated.ExpandedUnits));
        var resolved = await service.Staff.ResolveUnitNamesAsync(new ResolveUnitNamesRequest { Names = { $"一市三园各单位{tag}", $"一市两园{tag}" }, ScopeUnitId = park.Id });
        Assert.Equal(Outcome.Collective, resolved.Results[0].Outcome);
        Assert.Equal(Outcome.NotFound, resolved.Results[1].Outcome); // the old name is gone

        // A stale version is refused, a scope cannot be changed.
        await RpcAssert.ThrowsAsync(StatusCode.Aborted, async () => await service.Office.UpdateCollectiveAsync(update));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "update_mask", async () => await service.Office.UpdateCollectiveAsync(
            new UpdateCollectiveRequest { Collective = new Collective { Id = created.Id, Version = 2, ScopeUnitId = city.Id }, UpdateMask = new FieldMask { Paths = { "scope_unit_id" } } }));

        await RpcAssert.ThrowsAsync(StatusCode.Aborted, async () =>
            await service.Office.DeleteCollectiveAsync(new DeleteCollectiveRequest { Id = created.Id, Version = 1 }));
        await service.Office.DeleteCollectiveAsync(new DeleteCollectiveRequest { Id = created.Id, Version = 2 });
        await RpcAssert.ThrowsAsync(StatusCode.NotFound, async () => await service.Staff.GetCollectiveAsync(new GetCollectiveRequest { Id = created.Id }));
        Assert.Equal(0, await service.CountAsync($"SELECT count(*) FROM collective_names WHERE collective_id = '{created.Id}'"));
    }

    [Fact]
    public async Task Only_the_office_writes_collectives_and_everyone_with_a_token_reads_them()
    {
        var tag = Tag();
        var park = await UnitAsync($"权限园区{tag}", "district", null);
        var bureau = await UnitAsync($"权限局{tag}", "department", park);
        var staff = service.Staff;
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () => await staff.CreateCollectiveAsync(
            new CreateCollectiveRequest { Name = $"各局{tag}", ScopeUnitId = park.Id, Members = { Member(bureau) } }));
        var lead = service.As(Guid.NewGuid().ToString(), park.Id, "lead");
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () => await lead.CreateCollectiveAsync(
            new CreateCollectiveRequest { Name = $"各局{tag}", ScopeUnitId = park.Id, Members = { Member(bureau) } }));

        var collective = await CollectiveAsync($"各局{tag}", park, Member(bureau));
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () => await lead.UpdateCollectiveAsync(new UpdateCollectiveRequest
        {
            Collective = new Collective { Id = collective.Id, Version = 1, Name = "改名" }, UpdateMask = new FieldMask { Paths = { "name" } },
        }));
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
            await lead.DeleteCollectiveAsync(new DeleteCollectiveRequest { Id = collective.Id, Version = 1 }));
        Assert.Equal([bureau.Id], (await lead.GetCollectiveAsync(new GetCollectiveRequest { Id = collective.Id })).ExpandedUnits.Select(u => u.Id));
    }

    [Fact]
    public async Task A_rule_takes_the_children_at_a_level_or_of_a_kind_as_they_are_when_expanded()
    {
        var tag = Tag();
        var park = await UnitAsync($"规则园区{tag}", "district", null);
        var economy = await UnitAsync($"经发局{tag}", "department", park);
        var finance = await UnitAsync($"财政局{tag}", "department", park);
        var east = await UnitAsync($"东城街道{tag}", "department", park, "街道");
        var west = await UnitAsync($"西城街道{tag}", "department", park, "街道");
        var team = await UnitAsync($"经发局专班{tag}", "working_group", economy, "专班");

        var departments = await CollectiveAsync($"区直各部门{tag}", park, ChildrenOf(park, level: "department", kind: "部门"));
        Assert.Equal(new[] { economy.Id, finance.Id }.Order(), departments.ExpandedUnits.Select(u => u.Id).Order());
        var streets = await CollectiveAsync($"各街道{tag}", park, ChildrenOf(park, kind: "街道"));
        Assert.Equal(new[] { east.Id, west.Id }.Order(), streets.ExpandedUnits.Select(u => u.Id).Order());
        Assert.DoesNotContain(team.Id, (await CollectiveAsync($"园区各单位{tag}", park, ChildrenOf(park))).ExpandedUnits.Select(u => u.Id));

        // A street added later belongs at once; an archived one drops out.
        var north = await UnitAsync($"北城街道{tag}", "department", park, "街道");
        var current = await service.Staff.GetUnitAsync(new GetUnitRequest { Id = east.Id });
        await service.Office.ArchiveUnitAsync(new ArchiveUnitRequest { Id = east.Id, Version = current.Version });
        var now = await service.Staff.GetCollectiveAsync(new GetCollectiveRequest { Id = streets.Id });
        Assert.Equal(new[] { west.Id, north.Id }.Order(), now.ExpandedUnits.Select(u => u.Id).Order());
        Assert.Equal("街道", now.Members.Single().Children.Kind);
    }

    [Fact]
    public async Task Explicit_members_keep_their_order_and_archived_ones_drop_out()
    {
        var tag = Tag();
        var park = await UnitAsync($"显式园区{tag}", "district", null);
        var a = await UnitAsync($"甲单位{tag}", "department", park);
        var b = await UnitAsync($"乙单位{tag}", "department", park);
        var c = await UnitAsync($"丙单位{tag}", "department", park);
        var collective = await CollectiveAsync($"三单位{tag}", park, Member(c), Member(a), Member(b));
        Assert.Equal([c.Name, a.Name, b.Name], Names(collective.ExpandedUnits));

        await service.Office.ArchiveUnitAsync(new ArchiveUnitRequest { Id = a.Id, Version = a.Version });
        var read = await service.Staff.GetCollectiveAsync(new GetCollectiveRequest { Id = collective.Id });
        Assert.Equal([c.Name, b.Name], Names(read.ExpandedUnits));
        Assert.Equal(3, read.Members.Count);
        var resolved = await service.Staff.ResolveUnitNamesAsync(new ResolveUnitNamesRequest { Names = { $"三单位{tag}" }, ScopeUnitId = park.Id });
        Assert.Equal([c.Name, b.Name], Names(resolved.Results[0].Collective.ExpandedUnits));

        // Listing an archived unit anew is refused: it would stand for nothing.
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "members[1].unit_id", async () =>
            await CollectiveAsync($"含撤销单位{tag}", park, Member(b), Member(a)));
    }

    [Fact]
    public async Task Collectives_nest_each_unit_counts_once_and_a_cycle_is_refused()
    {
        var tag = Tag();
        var park = await UnitAsync($"嵌套园区{tag}", "district", null);
        var economy = await UnitAsync($"嵌套经发局{tag}", "department", park);
        var finance = await UnitAsync($"嵌套财政局{tag}", "department", park);
        var area = await UnitAsync($"嵌套片区{tag}", "department", park, "片区");
        var departments = await CollectiveAsync($"区直各部门{tag}", park, ChildrenOf(park, kind: "部门"));
        var areas = await CollectiveAsync($"一市三园{tag}", park, Member(area));
        var everyone = await CollectiveAsync($"各部门各单位{tag}", park, Member(departments), Member(areas), Member(economy));
        // In the members' order: the departments (a rule's children by code), then the area; 经发局 once.
        Assert.Equal(3, everyone.ExpandedUnits.Count);
        Assert.Equal(new[] { economy.Id, finance.Id }.Order(), everyone.ExpandedUnits.Take(2).Select(u => u.Id).Order());
        Assert.Equal(area.Id, everyone.ExpandedUnits[2].Id);

        var outer = await CollectiveAsync($"最外层{tag}", park, Member(everyone));
        Assert.Equal(3, outer.ExpandedUnits.Count);

        // 区直各部门 ⊂ 各部门各单位 ⊂ 最外层: making 区直各部门 contain 最外层 would close a cycle.
        var ex = await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "collective.members[1].collective_id", async () =>
            await service.Office.UpdateCollectiveAsync(new UpdateCollectiveRequest
            {
                Collective = new Collective { Id = departments.Id, Version = departments.Version, Members = { ChildrenOf(park, kind: "部门"), Member(outer) } },
                UpdateMask = new FieldMask { Paths = { "members" } },
            }));
        Assert.Contains("cycle", ex.Status.Detail);
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "collective.members[0].collective_id", async () =>
            await service.Office.UpdateCollectiveAsync(new UpdateCollectiveRequest
            {
                Collective = new Collective { Id = areas.Id, Version = areas.Version, Members = { Member(areas) } },
                UpdateMask = new FieldMask { Paths = { "members" } },
            }));
        Assert.Equal(1, (await service.Staff.GetCollectiveAsync(new GetCollectiveRequest { Id = departments.Id })).Version);

        // A collective another one contains cannot be deleted from under it.
        await RpcAssert.ThrowsAsync(StatusCode.FailedPrecondition, async () =>
            await service.Office.DeleteCollectiveAsync(new DeleteCollectiveRequest { Id = areas.Id, Version = areas.Version }));
    }

    [Fact]
    public async Task Bad_collectives_are_refused_with_every_field_named()
    {
        var tag = Tag();
        var park = await UnitAsync($"校验园区{tag}", "district", null);
        var bureau = await UnitAsync($"校验局{tag}", "department", park, shortName: $"校验{tag}");

        var ex = await RpcAssert.ThrowsAsync(StatusCode.InvalidArgument, async () => await service.Office.CreateCollectiveAsync(new CreateCollectiveRequest
        {
            Name = " ", ScopeUnitId = park.Id, Aliases = { "“”" },
            Members =
            {
                new CollectiveMember { UnitId = Guid.NewGuid().ToString() },
                new CollectiveMember { CollectiveId = Guid.NewGuid().ToString() },
                ChildrenOf(bureau, level: "no-such-level"),
                new CollectiveMember { Children = new ChildrenRule { ParentUnitId = Guid.NewGuid().ToString() } },
                new CollectiveMember(),
                Member(bureau),
                Member(bureau),
            },
        }));
        Assert.Equal(
            ["aliases[0]", "members[0].unit_id", "members[1].collective_id", "members[2].children.level_code", "members[3].children.parent_unit_id", "members[4]", "members[6]", "name"],
            RpcAssert.FieldsOf(ex).Order(StringComparer.Ordinal));

        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "members", async () => await CollectiveAsync($"空集体{tag}", park));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "scope_unit_id", async () => await service.Office.CreateCollectiveAsync(
            new CreateCollectiveRequest { Name = $"无主{tag}", ScopeUnitId = Guid.NewGuid().ToString(), Members = { Member(bureau) } }));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "aliases[0]", async () => await service.Office.CreateCollectiveAsync(
            new CreateCollectiveRequest { Name = $"各局{tag}", Aliases = { $"“各局{tag}”" }, ScopeUnitId = park.Id, Members = { Member(bureau) } }));
        Assert.Equal(0, await service.CountAsync($"SELECT count(*) FROM collectives WHERE scope_unit_id = '{park.Id}'"));
    }

    [Fact]
    public async Task A_name_or_alias_of_a_unit_or_of_another_collective_of_the_scope_is_taken()
    {
        var tag = Tag();
        var park = await UnitAsync($"重名园区{tag}", "district", null);
        var otherPark = await UnitAsync($"另一园区{tag}", "district", null);
        var bureau = await UnitAsync($"重名局{tag}", "department", park, shortName: $"重名{tag}");
        var otherBureau = await UnitAsync($"另一局{tag}", "department", otherPark);

        // A unit's short name, in whatever spelling resolution reads alike, and even in another scope.
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.AlreadyExists, "name", async () => await CollectiveAsync($"“重名 {tag}”", park, Member(bureau)));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.AlreadyExists, "aliases[1]", async () => await service.Office.CreateCollectiveAsync(new CreateCollectiveRequest
        {
            Name = $"各局{tag}", Aliases = { $"诸局{tag}", $"另一局{tag}" }, ScopeUnitId = park.Id, Members = { Member(bureau) },
        }));

        var first = await service.Office.CreateCollectiveAsync(new CreateCollectiveRequest
        {
            Name = $"各局{tag}", Aliases = { $"诸局{tag}" }, ScopeUnitId = park.Id, Members = { Member(bureau) },
        });
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.AlreadyExists, "name", async () => await CollectiveAsync($"「诸局{tag}」", park, Member(bureau)));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.AlreadyExists, "aliases[0]", async () => await service.Office.CreateCollectiveAsync(new CreateCollectiveRequest
        {
            Name = $"全部局{tag}", Aliases = { $"各局{tag}" }, ScopeUnitId = park.Id, Members = { Member(bureau) },
        }));
        var second = await CollectiveAsync($"全部局{tag}", park, Member(bureau));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.AlreadyExists, "collective.aliases[0]", async () => await service.Office.UpdateCollectiveAsync(new UpdateCollectiveRequest
        {
            Collective = new Collective { Id = second.Id, Version = second.Version, Aliases = { $"诸局{tag}" } }, UpdateMask = new FieldMask { Paths = { "aliases" } },
        }));

        // Another scope may use the same name for its own group.
        var elsewhere = await CollectiveAsync($"各局{tag}", otherPark, Member(otherBureau));
        Assert.NotEqual(first.Id, elsewhere.Id);
    }

    [Fact]
    public async Task A_collective_resolves_with_or_without_quotation_marks_for_its_scope_and_below_with_its_active_members()
    {
        var tag = Tag();
        var city = await UnitAsync($"解析市{tag}", "city", null);
        var park = await UnitAsync($"解析园区{tag}", "district", city);
        var area = await UnitAsync($"解析片区{tag}", "department", park, "片区");
        var port = await UnitAsync($"解析临港{tag}", "department", park, "片区");
        var team = await UnitAsync($"解析专班{tag}", "working_group", area, "专班");
        var outside = await UnitAsync($"外市{tag}", "city", null);
        var areas = await service.Office.CreateCollectiveAsync(new CreateCollectiveRequest
        {
            Name = $"一市三园{tag}", Aliases = { $"各片区{tag}" }, ScopeUnitId = park.Id, Members = { ChildrenOf(park, kind: "片区") },
        });

        var names = new[] { $"一市三园{tag}", $"“一市三园{tag}”", $"「一市三园{tag}」", $"\"一市三园{tag}\"", $"各片区{tag}", $"“各 片 区{tag}”" };
        foreach (var scope in new[] { park, team })
        {
            var response = await service.Staff.ResolveUnitNamesAsync(new ResolveUnitNamesRequest { Names = { names }, ScopeUnitId = scope.Id });
            Assert.All(response.Results, r =>
            {
                Assert.Equal(Outcome.Collective, r.Outcome);
                Assert.Equal(areas.Id, r.Collective.Id);
                Assert.Equal($"一市三园{tag}", r.Collective.Name);
                Assert.Equal(new[] { area.Id, port.Id }.Order(), r.Collective.ExpandedUnits.Select(u => u.Id).Order());
                Assert.Null(r.Unit);
            });
            Assert.Equal(names, response.Results.Select(r => r.Name));
        }

        // Above its owner or beside it, the name means nothing; asked without a scope, the one collective of that name.
        foreach (var scope in new[] { city, outside })
            Assert.Equal(Outcome.NotFound, (await service.Staff.ResolveUnitNamesAsync(new ResolveUnitNamesRequest { Names = { $"一市三园{tag}" }, ScopeUnitId = scope.Id }))
                .Results[0].Outcome);
        Assert.Equal(Outcome.Collective, (await service.Staff.ResolveUnitNamesAsync(new ResolveUnitNamesRequest { Names = { $"一市三园{tag}" } })).Results[0].Outcome);

        // Unit names in the same batch resolve as they always did.
        var mixed = await service.Staff.ResolveUnitNamesAsync(new ResolveUnitNamesRequest { Names = { area.Name, $"一市三园{tag}", "完全无关" }, ScopeUnitId = park.Id });
        Assert.Equal([Outcome.Matched, Outcome.Collective, Outcome.NotFound], mixed.Results.Select(r => r.Outcome));
    }

    [Fact]
    public async Task The_nearest_owner_decides_a_unit_in_scope_wins_and_without_a_scope_two_owners_are_ambiguous()
    {
        var tag = Tag();
        var city = await UnitAsync($"近者市{tag}", "city", null);
        var park = await UnitAsync($"近者园区{tag}", "district", city);
        var cityBureau = await UnitAsync($"市局{tag}", "department", city);
        var parkBureau = await UnitAsync($"园区局{tag}", "department", park);
        var cityDepartments = await CollectiveAsync($"各部门{tag}", city, Member(cityBureau));
        var parkDepartments = await CollectiveAsync($"各部门{tag}", park, Member(parkBureau));

        var fromPark = await service.Staff.ResolveUnitNamesAsync(new ResolveUnitNamesRequest { Names = { $"各部门{tag}" }, ScopeUnitId = parkBureau.Id });
        Assert.Equal(parkDepartments.Id, fromPark.Results[0].Collective.Id);
        var fromCity = await service.Staff.ResolveUnitNamesAsync(new ResolveUnitNamesRequest { Names = { $"各部门{tag}" }, ScopeUnitId = cityBureau.Id });
        Assert.Equal(cityDepartments.Id, fromCity.Results[0].Collective.Id);

        var unscoped = await service.Staff.ResolveUnitNamesAsync(new ResolveUnitNamesRequest { Names = { $"各部门{tag}" } });
        Assert.Equal(Outcome.Ambiguous, unscoped.Results[0].Outcome);
        Assert.Equal([city.Id, park.Id], unscoped.Results[0].Candidates.Select(c => c.Id));

        // A unit that takes the name later is what the name means wherever it is in scope; outside its scope the collective still is.
        var unit = await UnitAsync($"各部门{tag}", "department", park, "部门");
        var again = await service.Staff.ResolveUnitNamesAsync(new ResolveUnitNamesRequest { Names = { $"各部门{tag}" }, ScopeUnitId = park.Id });
        Assert.Equal(Outcome.Matched, again.Results[0].Outcome);
        Assert.Equal(unit.Id, again.Results[0].Unit.Id);
        Assert.Null(again.Results[0].Collective);
        var cityScope = await service.Staff.ResolveUnitNamesAsync(new ResolveUnitNamesRequest { Names = { $"各部门{tag}" }, ScopeUnitId = cityBureau.Id });
        Assert.Equal(Outcome.Collective, cityScope.Results[0].Outcome);
    }
}
