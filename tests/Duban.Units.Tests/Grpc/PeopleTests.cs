using Duban.Contracts.Units.V1;
using Duban.ServiceDefaults.Auth;
using Duban.Testing;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Duban.Units.Tests.Grpc;

public class PeopleTests(UnitsServiceFixture service) : IClassFixture<UnitsServiceFixture>
{
    private Task<Person> CreatePersonAsync(string name, params RoleInUnit[] roles) =>
        service.Office.CreatePersonAsync(new CreatePersonRequest
        {
            Name = name, Phone = "0317-5550000", Email = $"{Guid.NewGuid():N}@park.example.cn", Roles = { roles },
        }).ResponseAsync;

    private static RoleInUnit Role(Unit unit, UnitRole role, string title = "") => new() { UnitId = unit.Id, Role = role, Title = title };

    [Fact]
    public async Task Responsibility_names_the_lead_deputies_contacts_and_the_overseeing_leader_of_the_nearest_unit()
    {
        var park = await service.CreateUnitAsync("责任园区", "district");
        var bureau = await service.CreateUnitAsync("责任局", "department", park);
        var team = await service.CreateUnitAsync("责任专班", "working_group", bureau);

        var lead = await CreatePersonAsync("陈局长", Role(bureau, UnitRole.Lead, "局长"));
        var deputy = await CreatePersonAsync("副局长", Role(bureau, UnitRole.Deputy, "副局长"));
        var contact = await CreatePersonAsync("联络员", Role(bureau, UnitRole.Contact), Role(bureau, UnitRole.Staff));
        var leader = await CreatePersonAsync("分管领导", Role(park, UnitRole.Deputy, "副主任"));
        await service.Office.SetOversightAsync(new SetOversightRequest { PersonId = leader.Id, UnitIds = { bureau.Id }, Version = leader.Version });

        var direct = await service.Staff.GetResponsibilityAsync(new GetResponsibilityRequest { UnitId = bureau.Id });
        Assert.Equal(lead.Id, direct.Leads.Single().Id);
        Assert.Equal("局长", direct.Leads.Single().Roles.Single().Title);
        Assert.Equal(deputy.Id, direct.Deputies.Single().Id);
        Assert.Equal(contact.Id, direct.Contacts.Single().Id);
        Assert.Equal(leader.Id, direct.OverseeingLeaders.Single().Id);
        Assert.Equal(bureau.Id, direct.OversightFromUnitId);

        // The working group has no leader of its own: oversight comes from its bureau.
        var inherited = await service.Staff.GetResponsibilityAsync(new GetResponsibilityRequest { UnitId = team.Id });
        Assert.Empty(inherited.Leads);
        Assert.Equal(leader.Id, inherited.OverseeingLeaders.Single().Id);
        Assert.Equal(bureau.Id, inherited.OversightFromUnitId);
    }

    [Fact]
    public async Task Responsibility_for_many_units_comes_in_one_call_in_the_order_asked()
    {
        var park = await service.CreateUnitAsync("批量园区", "district");
        var first = await service.CreateUnitAsync("批量甲局", "department", park);
        var second = await service.CreateUnitAsync("批量乙局", "department", park);
        var lead = await CreatePersonAsync("甲局长", Role(first, UnitRole.Lead));
        var leader = await CreatePersonAsync("批量分管", Role(park, UnitRole.Deputy));
        await service.Office.SetOversightAsync(new SetOversightRequest { PersonId = leader.Id, UnitIds = { park.Id }, Version = leader.Version });

        var batch = await service.Staff.BatchGetResponsibilityAsync(new BatchGetResponsibilityRequest { UnitIds = { second.Id, first.Id } });
        Assert.Equal([second.Id, first.Id], batch.Responsibilities.Select(r => r.Unit.Id));
        Assert.Empty(batch.Responsibilities[0].Leads);
        Assert.Equal(lead.Id, batch.Responsibilities[1].Leads.Single().Id);
        Assert.All(batch.Responsibilities, r => Assert.Equal(leader.Id, r.OverseeingLeaders.Single().Id));

        await RpcAssert.ThrowsAsync(StatusCode.NotFound, async () =>
            await service.Staff.BatchGetResponsibilityAsync(new BatchGetResponsibilityRequest { UnitIds = { first.Id, Guid.NewGuid().ToString() } }));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "unit_ids[1]", async () =>
            await service.Staff.BatchGetResponsibilityAsync(new BatchGetResponsibilityRequest { UnitIds = { first.Id, "x" } }));
    }

    [Fact]
    public async Task Many_people_come_in_one_call_in_the_order_asked_with_the_missing_ids_listed()
    {
        var unit = await service.CreateUnitAsync("批量人员局", "department");
        var first = await CreatePersonAsync("批量甲", Role(unit, UnitRole.Lead));
        var second = await CreatePersonAsync("批量乙", Role(unit, UnitRole.Staff));
        var nobody = Guid.NewGuid().ToString();
        var alsoNobody = Guid.NewGuid().ToString();

        var batch = await service.Staff.BatchGetPeopleAsync(new BatchGetPeopleRequest { Ids = { second.Id, nobody, first.Id, alsoNobody } });
        Assert.Equal([second.Id, first.Id], batch.People.Select(p => p.Id));
        Assert.Equal([nobody, alsoNobody], batch.MissingIds);
        Assert.Equal(unit.Id, batch.People[1].Roles.Single().UnitId);
        Assert.Equal("", batch.People[0].Phone);

        var none = await service.Staff.BatchGetPeopleAsync(new BatchGetPeopleRequest { Ids = { nobody } });
        Assert.Empty(none.People);
        Assert.Equal([nobody], none.MissingIds);

        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "ids[1]", async () =>
            await service.Staff.BatchGetPeopleAsync(new BatchGetPeopleRequest { Ids = { first.Id, "not-an-id" } }));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "ids", async () =>
            await service.Staff.BatchGetPeopleAsync(new BatchGetPeopleRequest { Ids = { Enumerable.Range(0, 1001).Select(_ => Guid.NewGuid().ToString()) } }));
    }

    [Fact]
    public async Task Personal_data_is_shown_only_to_the_office_and_the_person()
    {
        var unit = await service.CreateUnitAsync("隐私局", "city");
        var person = await CreatePersonAsync("隐私人", Role(unit, UnitRole.Lead));
        Assert.NotEmpty(person.Phone);

        var asOffice = await service.Office.GetPersonAsync(new GetPersonRequest { Id = person.Id });
        Assert.Equal(person.Email, asOffice.Email);

        var asSelf = await service.As(person.Id, unit.Id, DubanRoles.Lead).GetPersonAsync(new GetPersonRequest { Id = person.Id });
        Assert.Equal(person.Phone, asSelf.Phone);

        var asOther = await service.As(Guid.NewGuid().ToString(), unit.Id, DubanRoles.Lead).GetPersonAsync(new GetPersonRequest { Id = person.Id });
        Assert.Equal("", asOther.Phone);
        Assert.Equal("", asOther.Email);
        Assert.Equal(person.Name, asOther.Name);

        var responsibility = await service.Staff.GetResponsibilityAsync(new GetResponsibilityRequest { UnitId = unit.Id });
        Assert.Equal("", responsibility.Leads.Single().Phone);
    }

    [Fact]
    public async Task Roles_are_assigned_and_revoked_with_versions()
    {
        var unit = await service.CreateUnitAsync("角色局", "city");
        var person = await CreatePersonAsync("角色人");

        var withRole = await service.Office.AssignRoleAsync(new AssignRoleRequest { PersonId = person.Id, Role = Role(unit, UnitRole.Contact, "科长"), Version = person.Version });
        Assert.Equal(UnitRole.Contact, withRole.Roles.Single().Role);

        await RpcAssert.ThrowsOnFieldAsync(StatusCode.AlreadyExists, "role", async () =>
            await service.Office.AssignRoleAsync(new AssignRoleRequest { PersonId = person.Id, Role = Role(unit, UnitRole.Contact), Version = withRole.Version }));
        await RpcAssert.ThrowsAsync(StatusCode.Aborted, async () =>
            await service.Office.AssignRoleAsync(new AssignRoleRequest { PersonId = person.Id, Role = Role(unit, UnitRole.Staff), Version = person.Version }));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "role.unit_id", async () =>
            await service.Office.AssignRoleAsync(new AssignRoleRequest { PersonId = person.Id, Role = new RoleInUnit { UnitId = Guid.NewGuid().ToString(), Role = UnitRole.Staff }, Version = withRole.Version }));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "role.role", async () =>
            await service.Office.AssignRoleAsync(new AssignRoleRequest { PersonId = person.Id, Role = new RoleInUnit { UnitId = unit.Id }, Version = withRole.Version }));

        var revoked = await service.Office.RevokeRoleAsync(new RevokeRoleRequest { PersonId = person.Id, UnitId = unit.Id, Role = UnitRole.Contact, Version = withRole.Version });
        Assert.Empty(revoked.Roles);
        await RpcAssert.ThrowsAsync(StatusCode.NotFound, async () =>
            await service.Office.RevokeRoleAsync(new RevokeRoleRequest { PersonId = person.Id, UnitId = unit.Id, Role = UnitRole.Contact, Version = revoked.Version }));
        Assert.Equal(0, await service.CountAsync($"SELECT count(*) FROM person_roles WHERE person_id = '{person.Id}'"));
    }

    [Fact]
    public async Task People_are_listed_by_unit_and_role_and_updated_by_mask()
    {
        var unit = await service.CreateUnitAsync("名单局", "city");
        var lead = await CreatePersonAsync("名单局长", Role(unit, UnitRole.Lead));
        await CreatePersonAsync("名单员工甲", Role(unit, UnitRole.Staff));
        await CreatePersonAsync("名单员工乙", Role(unit, UnitRole.Staff));

        var staff = await service.Staff.ListPeopleAsync(new ListPeopleRequest { UnitId = unit.Id, Role = UnitRole.Staff, PageSize = 1 });
        var more = await service.Staff.ListPeopleAsync(new ListPeopleRequest { UnitId = unit.Id, Role = UnitRole.Staff, PageSize = 1, PageToken = staff.NextPageToken });
        Assert.Equal(new[] { "名单员工甲", "名单员工乙" }.Order(StringComparer.Ordinal), staff.People.Concat(more.People).Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.NotEmpty(staff.NextPageToken);
        Assert.Empty(more.NextPageToken);

        var updated = await service.Office.UpdatePersonAsync(new UpdatePersonRequest
        {
            Person = new Person { Id = lead.Id, Version = lead.Version, Phone = "13800000000", Name = "not changed" },
            UpdateMask = new FieldMask { Paths = { "phone" } },
        });
        Assert.Equal("13800000000", updated.Phone);
        Assert.Equal("名单局长", updated.Name);

        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "person.email", async () =>
            await service.Office.UpdatePersonAsync(new UpdatePersonRequest
            {
                Person = new Person { Id = lead.Id, Version = updated.Version, Email = "no-at-sign" },
                UpdateMask = new FieldMask { Paths = { "email" } },
            }));
    }

    [Fact]
    public async Task A_person_with_bad_fields_is_not_stored()
    {
        var before = await service.CountAsync("SELECT count(*) FROM people");
        var ex = await RpcAssert.ThrowsAsync(StatusCode.InvalidArgument, async () =>
            await service.Office.CreatePersonAsync(new CreatePersonRequest
            {
                Name = "", Phone = "call me", Email = "x",
                Roles = { new RoleInUnit { UnitId = Guid.NewGuid().ToString(), Role = UnitRole.Lead } },
            }));
        Assert.Equal(["name", "phone", "email", "roles[0].unit_id"], RpcAssert.FieldsOf(ex));
        Assert.Equal(before, await service.CountAsync("SELECT count(*) FROM people"));
    }
}
