using Duban.Contracts.Supervision.V1;
using Duban.Contracts.Tasks.V1;
using Duban.Contracts.Units.V1;
using Duban.ServiceDefaults.Auth;
using Duban.Supervision.Data;
using Duban.Tasks.Data;
using Duban.Testing;
using Duban.Units.Data;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Duban.Supervision.Tests;

/// <summary>
/// The three services on test servers, each with its own database, calling each other over gRPC: supervision
/// follows the tasks feed and asks the units service; tasks asks the units service.
/// </summary>
public class SupervisionFixture : IAsyncLifetime
{
    public GrpcServiceFactory<UnitsDb> Units { get; } = new("units", "Units");
    public GrpcServiceFactory<TasksDb> Tasks { get; private set; } = null!;
    public GrpcServiceFactory<SupervisionDb> Supervision { get; private set; } = null!;

    public Unit Park { get; private set; } = null!;
    public Unit Economy { get; private set; } = null!;
    public Unit Finance { get; private set; } = null!;
    public Unit OtherPark { get; private set; } = null!;
    public Person EconomyLead { get; private set; } = null!;
    public Person EconomyContact { get; private set; } = null!;
    public Person ParkLead { get; private set; } = null!;
    public Person Overseer { get; private set; } = null!;

    /// <summary>Settings every supervision instance of this fixture starts with, on top of the defaults below.</summary>
    protected virtual IReadOnlyDictionary<string, string> SupervisionSettings { get; } = new Dictionary<string, string>();

    public virtual async Task InitializeAsync()
    {
        await Units.StartAsync();
        Tasks = new GrpcServiceFactory<TasksDb>("tasks", "Tasks")
            .With("Units:Address", Units.GrpcAddress.ToString())
            .WithServices(services => services.AddGrpcClient<UnitsService.UnitsServiceClient>("Units").ConfigurePrimaryHttpMessageHandler(() => Units.CreateHandler()));
        await Tasks.StartAsync();
        Supervision = NewSupervision(database: null);
        await Supervision.StartAsync();

        var office = new UnitsService.UnitsServiceClient(Units.Channel(TestTokens.Office()));
        async Task<Unit> Create(string code, string name, string shortName, string level, Unit? parent) =>
            await office.CreateUnitAsync(new CreateUnitRequest { Code = code, Name = name, ShortName = shortName, LevelCode = level, ParentId = parent?.Id ?? "" });
        Park = await Create("park", "试点工业园区管委会", "管委会", "district", null);
        Economy = await Create("park-jfj", "工业园区经济发展局", "经发局", "department", Park);
        Finance = await Create("park-czj", "工业园区财政局", "财政局", "department", Park);
        OtherPark = await Create("other", "外区管委会", "外区", "district", null);

        async Task<Person> Hold(string name, Unit unit, UnitRole role, string phone = "") =>
            await office.CreatePersonAsync(new CreatePersonRequest { Name = name, Phone = phone, Roles = { new RoleInUnit { UnitId = unit.Id, Role = role } } });
        EconomyLead = await Hold("陈志刚", Economy, UnitRole.Lead);
        EconomyContact = await Hold("刘洋", Economy, UnitRole.Contact, phone: "0571-86001234");
        ParkLead = await Hold("王建国", Park, UnitRole.Lead);
        Overseer = await Hold("李卫东", Park, UnitRole.Deputy);
        Overseer = await office.SetOversightAsync(new SetOversightRequest { PersonId = Overseer.Id, UnitIds = { Economy.Id }, Version = Overseer.Version });
    }

    /// <summary>Another supervision instance: on its own database, or on <paramref name="database"/> beside an existing one.</summary>
    public GrpcServiceFactory<SupervisionDb> NewSupervision(string? database, bool followFeed = true)
    {
        var factory = new GrpcServiceFactory<SupervisionDb>("supervision", "Supervision")
            .With("Units:Address", Units.GrpcAddress.ToString())
            .With("Tasks:Address", Tasks.GrpcAddress.ToString())
            .With("Scan:IntervalSeconds", "0")
            .With("Projection:Enabled", followFeed ? "true" : "false")
            // The fixture's few units collect overdue items from many tests; its bulletins name them all.
            .With("Bulletin:OverdueItemsPerUnit", "10000")
            // Tests count right after they write; counts shared between requests have a test of their own.
            .With("Dashboard:RefreshSeconds", "0")
            .WithServices(services =>
            {
                services.AddGrpcClient<UnitsService.UnitsServiceClient>("Units").ConfigurePrimaryHttpMessageHandler(() => Units.CreateHandler());
                services.AddGrpcClient<TasksService.TasksServiceClient>("Tasks").ConfigurePrimaryHttpMessageHandler(() => Tasks.CreateHandler());
            });
        foreach (var (key, value) in SupervisionSettings)
            factory.With(key, value);
        return database is null ? factory : factory.UseDatabase(database);
    }

    public virtual async Task DisposeAsync()
    {
        await Supervision.DisposeAsync();
        await Tasks.DisposeAsync();
        await Units.DisposeAsync();
    }

    public static string Token(string role, Unit? unit = null) =>
        LocalTokens.Mint(TestTokens.Key, Guid.NewGuid().ToString(), unit?.Id ?? "", [role], TimeSpan.FromDays(30));

    public SupervisionService.SupervisionServiceClient SupervisionAs(string role, Unit? unit = null, GrpcServiceFactory<SupervisionDb>? instance = null) =>
        new((instance ?? Supervision).Channel(Token(role, unit)));

    public TasksService.TasksServiceClient TasksAs(string role, Unit? unit = null) => new(Tasks.Channel(Token(role, unit)));

    public SupervisionService.SupervisionServiceClient Office => SupervisionAs(DubanRoles.Office);

    /// <summary>Imports a plan and waits until supervision's projection holds all of its assignments.</summary>
    public async Task<IReadOnlyList<Duban.Contracts.Tasks.V1.Assignment>> ImportAsync(string table)
    {
        var response = await TasksAs(DubanRoles.Office).ImportPlanAsync(new ImportPlanRequest
        {
            Title = "督办测试" + Guid.NewGuid().ToString("N")[..6], IssuingUnitId = Park.Id, IssueDate = new Google.Type.Date { Year = 2026, Month = 3, Day = 1 },
            TableText = "序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限\n" + table,
        });
        var list = await TasksAs(DubanRoles.Office).ListAssignmentsAsync(new ListAssignmentsRequest { PlanId = response.Plan.Id, PageSize = 1000 });
        await WaitForProjectionAsync(list.Assignments.Select(a => (a.Id, a.Version)));
        return list.Assignments;
    }

    /// <summary>Polls supervision's database until every (assignment, version) given has arrived.</summary>
    public async Task WaitForProjectionAsync(IEnumerable<(string Id, long Version)> expected, string? database = null)
    {
        var wanted = expected.ToList();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        await using var connection = new NpgsqlConnection(database ?? Supervision.ConnectionString);
        await connection.OpenAsync();
        while (true)
        {
            var missing = 0;
            foreach (var (id, version) in wanted)
            {
                await using var command = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM assignments WHERE id = $1", connection)
                {
                    Parameters = { new() { Value = Guid.Parse(id) } },
                };
                if ((long)(await command.ExecuteScalarAsync())! < version)
                    missing++;
            }
            if (missing == 0)
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{missing} assignment change(s) did not reach the projection in 20 s");
            await Task.Delay(50);
        }
    }

    public async Task<long> CountAsync(string sql, string? database = null)
    {
        await using var connection = new NpgsqlConnection(database ?? Supervision.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
