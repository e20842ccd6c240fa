using Duban.Contracts.Tasks.V1;
using Duban.Contracts.Units.V1;
using Duban.ServiceDefaults.Auth;
using Duban.Tasks.Data;
using Duban.Testing;
using Duban.Units.Data;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Duban.Tasks.Tests;

/// <summary>
/// The tasks service and the units service it asks, both on test servers with databases of their own,
/// and a small unit tree: a park with bureaus, streets and a working group, and a park outside it.
/// </summary>
public class TasksServiceFixture : IAsyncLifetime
{
    private readonly bool _sampleUnits;

    public TasksServiceFixture() : this(unitsOnKestrel: false) { }

    /// <param name="unitsOnKestrel">Serve the units service on loopback ports, so a test can stop it.</param>
    /// <param name="sampleUnits">Load the sample units of the speech instead of the small test tree.</param>
    protected TasksServiceFixture(bool unitsOnKestrel, bool sampleUnits = false)
    {
        UnitsOnKestrel = unitsOnKestrel;
        _sampleUnits = sampleUnits;
    }

    public GrpcServiceFactory<UnitsDb> Units { get; } = new("units", "Units");
    public GrpcServiceFactory<TasksDb> Tasks { get; private set; } = null!;
    public SampleTree Tree { get; private set; } = null!;

    public bool UnitsOnKestrel { get; }

    public async Task InitializeAsync()
    {
        if (UnitsOnKestrel)
            Units.OnKestrel();
        if (_sampleUnits)
            Units.With("Seed:UnitsFile", Path.Combine(AppContext.BaseDirectory, "Seed", "sample-units.json"));
        await Units.StartAsync();
        Tasks = new GrpcServiceFactory<TasksDb>("tasks", "Tasks")
            .With("Units:Address", Units.GrpcAddress.ToString())
            .With("Units:TimeoutSeconds", "3")
            .WithServices(services => services.AddGrpcClient<UnitsService.UnitsServiceClient>("Units")
                .ConfigurePrimaryHttpMessageHandler(() => Units.CreateHandler()));
        await ConfigureTasksAsync(Tasks);
        await Tasks.StartAsync();
        if (!_sampleUnits)
            Tree = await SampleTree.CreateAsync(new UnitsService.UnitsServiceClient(Units.Channel(TestTokens.Office())));
    }

    /// <summary>More settings for the tasks service before it starts (e.g. its evidence storage).</summary>
    protected virtual Task ConfigureTasksAsync(GrpcServiceFactory<TasksDb> tasks) => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        await Tasks.DisposeAsync();
        await Units.DisposeAsync();
    }

    public TasksService.TasksServiceClient Client(string token) => new(Tasks.Channel(token));

    public TasksService.TasksServiceClient Office => Client(TestTokens.Office());

    public TasksService.TasksServiceClient LeadOf(Unit unit, string? personId = null) =>
        Client(TestTokens.For(personId ?? Guid.NewGuid().ToString(), unit.Id, DubanRoles.Lead));

    public TasksService.TasksServiceClient StaffOf(Unit unit) => Client(TestTokens.For(Guid.NewGuid().ToString(), unit.Id, DubanRoles.Staff));

    public async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Tasks.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}

/// <summary>The same, with the units service on real loopback ports: it can be stopped mid-test.</summary>
public sealed class StoppableUnitsFixture() : TasksServiceFixture(unitsOnKestrel: true);

/// <summary>The sample units of the "Implementation Plan" speech, as the local run loads them.</summary>
public sealed class SampleUnitsFixture() : TasksServiceFixture(unitsOnKestrel: false, sampleUnits: true)
{
    public UnitsService.UnitsServiceClient UnitsOffice => new(Units.Channel(TestTokens.Office()));
}

/// <summary>
/// The units a test plan assigns work to, and the park's collectives: 各街道 (its children of kind 街道), “一市两局”
/// (经发局 and 财政局, listed), and 跨区单位 (经发局 and the other park's 财政局, one outside the park).
/// </summary>
public sealed record SampleTree(Unit Park, Unit Economy, Unit Finance, Unit Organisation, Unit EastStreet, Unit WestStreet, Unit EconomyTeam,
    Unit OtherPark, Unit OtherFinance, Person EconomyLead, Person EconomyStaff, Person FinanceLead, string OfficePersonId)
{
    public static async Task<SampleTree> CreateAsync(UnitsService.UnitsServiceClient office)
    {
        async Task<Unit> Unit(string code, string name, string shortName, string level, Unit? parent, string kind = "部门") =>
            await office.CreateUnitAsync(new CreateUnitRequest { Code = code, Name = name, ShortName = shortName, LevelCode = level, ParentId = parent?.Id ?? "", Kind = kind });
        async Task<Person> Person(string name, Unit unit, UnitRole role) =>
            await office.CreatePersonAsync(new CreatePersonRequest { Name = name, Roles = { new RoleInUnit { UnitId = unit.Id, Role = role } } });

        var park = await Unit("park", "试点工业园区管委会", "管委会", "district", null, "管委会");
        var economy = await Unit("park-jfj", "工业园区经济发展局", "经发局", "department", park);
        var finance = await Unit("park-czj", "工业园区财政局", "财政局", "department", park);
        var organisation = await Unit("park-zrb", "工业园区组织人事部", "组人部", "department", park);
        var east = await Unit("park-dc", "东城街道办事处", "东城街道", "department", park, "街道");
        var west = await Unit("park-xc", "西城街道办事处", "西城街道", "department", park, "街道");
        var team = await Unit("park-jfj-cj", "经发局产业承接专班", "产业承接专班", "working_group", economy, "专班");
        var otherPark = await Unit("other", "外区管委会", "外区", "district", null, "管委会");
        var otherFinance = await Unit("other-czj", "外区财政局", "外区财政局", "department", otherPark);
        async Task Collective(string name, Unit scope, params CollectiveMember[] members) =>
            await office.CreateCollectiveAsync(new CreateCollectiveRequest { Name = name, ScopeUnitId = scope.Id, Members = { members } });
        await Collective("各街道", park, new CollectiveMember { Children = new ChildrenRule { ParentUnitId = park.Id, Kind = "街道" } });
        await Collective("一市两局", park, new CollectiveMember { UnitId = economy.Id }, new CollectiveMember { UnitId = finance.Id });
        await Collective("跨区单位", park, new CollectiveMember { UnitId = economy.Id }, new CollectiveMember { UnitId = otherFinance.Id });
        return new SampleTree(park, economy, finance, organisation, east, west, team, otherPark, otherFinance,
            await Person("陈志刚", economy, UnitRole.Lead), await Person("刘洋", economy, UnitRole.Staff), await Person("杨帆", finance, UnitRole.Lead),
            Guid.NewGuid().ToString());
    }
}
