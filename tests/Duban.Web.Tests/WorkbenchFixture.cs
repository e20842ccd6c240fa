using Duban.Contracts.Tasks.V1;
using Duban.Contracts.Units.V1;
using Duban.Supervision.Data;
using Duban.Tasks.Data;
using Duban.Testing;
using Duban.Units.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Playwright;
using System.Net;
using System.Net.Sockets;

namespace Duban.Web.Tests;

/// <summary>
/// The three services on loopback ports, each on its own database, the workbench on another port calling them, and
/// Debian's Chromium driven by Playwright (the system browser: nothing is downloaded).
/// </summary>
public sealed class WorkbenchFixture : IAsyncLifetime
{
    public GrpcServiceFactory<UnitsDb> Units { get; } = new GrpcServiceFactory<UnitsDb>("units", "Units").OnKestrel();
    public GrpcServiceFactory<TasksDb> Tasks { get; private set; } = null!;
    public GrpcServiceFactory<SupervisionDb> Supervision { get; private set; } = null!;
    public WorkbenchFactory Web { get; private set; } = null!;
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public Unit Park { get; private set; } = null!;
    public Unit Office { get; private set; } = null!;
    public Unit Economy { get; private set; } = null!;
    public Unit Finance { get; private set; } = null!;
    /// <summary>招商专班, below 经发局: where its lead hands parts of the work.</summary>
    public Unit Investment { get; private set; } = null!;
    public Person OfficeHead { get; private set; } = null!;
    public Person EconomyLead { get; private set; } = null!;
    public Person FinanceLead { get; private set; } = null!;

    /// <summary>Where screenshots go: the test output, or DUBAN_SCREENSHOTS to keep them.</summary>
    public string Screenshots { get; } = Environment.GetEnvironmentVariable("DUBAN_SCREENSHOTS") is { Length: > 0 } kept
        ? kept
        : Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        await Units.StartAsync();
        Tasks = new GrpcServiceFactory<TasksDb>("tasks", "Tasks").OnKestrel().With("Units:Address", Units.GrpcAddress.ToString());
        await Tasks.StartAsync();
        Supervision = new GrpcServiceFactory<SupervisionDb>("supervision", "Supervision").OnKestrel()
            .With("Units:Address", Units.GrpcAddress.ToString()).With("Tasks:Address", Tasks.GrpcAddress.ToString())
            .With("Scan:IntervalSeconds", "0")
            // Each step shows on the next page at once; counts shared between requests are tested in supervision's own tests.
            .With("Dashboard:RefreshSeconds", "0");
        await Supervision.StartAsync();

        var office = new UnitsService.UnitsServiceClient(Units.Channel(TestTokens.Office()));
        async Task<Unit> Create(string code, string name, string shortName, string level, Unit? parent, string kind = "") =>
            await office.CreateUnitAsync(new CreateUnitRequest { Code = code, Name = name, ShortName = shortName, LevelCode = level, ParentId = parent?.Id ?? "", Kind = kind });
        Park = await Create("park", "试点工业园区管委会", "管委会", "district", null);
        Office = await Create("park-dcs", "工业园区党政办督查室", "督查室", "department", Park, Duban.Web.Signing.WorkbenchSignIn.OfficeKind);
        Economy = await Create("park-jfj", "工业园区经济发展局", "经发局", "department", Park);
        Finance = await Create("park-czj", "工业园区财政局", "财政局", "department", Park);
        Investment = await Create("park-jfj-zsk", "经济发展局招商专班", "招商专班", "working_group", Economy);
        async Task<Person> Hold(string name, Unit unit, UnitRole role, string title) =>
            await office.CreatePersonAsync(new CreatePersonRequest { Name = name, Roles = { new RoleInUnit { UnitId = unit.Id, Role = role, Title = title } } });
        OfficeHead = await Hold("周敏", Office, UnitRole.Lead, "督查室主任");
        EconomyLead = await Hold("陈志刚", Economy, UnitRole.Lead, "局长");
        FinanceLead = await Hold("孙丽", Finance, UnitRole.Lead, "局长");
        // 分管领导: a deputy of the park who oversees the economy and finance bureaus.
        var deputy = await Hold("李卫东", Park, UnitRole.Deputy, "管委会常务副主任");
        await office.SetOversightAsync(new SetOversightRequest { PersonId = deputy.Id, UnitIds = { Economy.Id, Finance.Id }, Version = deputy.Version });

        Web = new WorkbenchFactory(Units.GrpcAddress, Tasks.GrpcAddress, Supervision.GrpcAddress);
        Web.StartServer();

        Directory.CreateDirectory(Screenshots);
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await LaunchChromiumAsync(Playwright);
    }

    /// <summary>Debian's Chromium (or DUBAN_CHROMIUM), headless: the system browser, nothing downloaded.</summary>
    public static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = Environment.GetEnvironmentVariable("DUBAN_CHROMIUM") is { Length: > 0 } chromium ? chromium : "/usr/bin/chromium",
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu"],
    });

    /// <summary>A fresh browser (own cookies) signed in as the person, through the sign-in page as a person would.</summary>
    public async Task<IPage> SignedInAsync(string name)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Web.Address.ToString(), Locale = "zh-CN", ViewportSize = new ViewportSize { Width = 1440, Height = 960 },
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.Locator($"tr[data-person='{name}'] button").First.ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/signin"));
        return page;
    }

    public Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });

    /// <summary>Imports a plan as the office (the import screen is not part of the workbench yet) and waits for the projection.</summary>
    public async Task<IReadOnlyList<Assignment>> ImportAsync(string table)
    {
        var tasks = new TasksService.TasksServiceClient(Tasks.Channel(TestTokens.Office()));
        var response = await tasks.ImportPlanAsync(new ImportPlanRequest
        {
            Title = "工作台测试计划" + Guid.NewGuid().ToString("N")[..4], IssuingUnitId = Park.Id,
            IssueDate = new Google.Type.Date { Year = 2026, Month = 3, Day = 1 },
            TableText = "序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限\n" + table,
        });
        var list = await tasks.ListAssignmentsAsync(new ListAssignmentsRequest { PlanId = response.Plan.Id, PageSize = 1000 });
        await WaitForProjectionAsync(list.Assignments.Select(a => (a.Id, a.Version)));
        return list.Assignments;
    }

    public async Task WaitForProjectionAsync(IEnumerable<(string Id, long Version)> expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        await using var connection = new Npgsql.NpgsqlConnection(Supervision.ConnectionString);
        await connection.OpenAsync();
        foreach (var (id, version) in expected)
        {
            while (true)
            {
                await using var command = new Npgsql.NpgsqlCommand("SELECT coalesce(max(version), 0) FROM assignments WHERE id = $1", connection)
                {
                    Parameters = { new() { Value = Guid.Parse(id) } },
                };
                if ((long)(await command.ExecuteScalarAsync())! >= version)
                    break;
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"assignment {id} v{version} did not reach the projection in 20 s");
                await Task.Delay(50);
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        Playwright?.Dispose();
        if (Web is not null)
            await Web.DisposeAsync();
        await Supervision.DisposeAsync();
        await Tasks.DisposeAsync();
        await Units.DisposeAsync();
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The workbench on a loopback port with the test signing key (the local sign-in, as in the local run), or as the overrides say.</summary>
public sealed class WorkbenchFactory : WebApplicationFactory<Duban.Web.Backends.Directory>
{
    private readonly Dictionary<string, string> _settings;

    public WorkbenchFactory(Uri units, Uri tasks, Uri supervision, Dictionary<string, string>? overrides = null)
    {
        Address = new Uri($"http://127.0.0.1:{WorkbenchFixture.FreePort()}");
        _settings = new()
        {
            ["Units:Address"] = units.ToString(),
            ["Tasks:Address"] = tasks.ToString(),
            ["Supervision:Address"] = supervision.ToString(),
            ["Auth:SigningKey"] = TestTokens.KeyBase64,
            ["Auth:Authority"] = "",
            ["Kestrel:Endpoints:Http:Url"] = Address.ToString(),
        };
        foreach (var (key, value) in overrides ?? [])
            _settings[key] = value;
        UseKestrel();
    }

    public Uri Address { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Development serves the component library's files from the package, as `dotnet run` does.
        builder.UseEnvironment("Development");
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
    }
}
