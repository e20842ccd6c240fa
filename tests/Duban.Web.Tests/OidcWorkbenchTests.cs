using Duban.Contracts.Tasks.V1;
using Duban.Contracts.Units.V1;
using Duban.Supervision.Data;
using Duban.Tasks.Data;
using Duban.TestIdentity;
using Duban.Testing;
using Duban.Units.Data;
using Microsoft.Playwright;

namespace Duban.Web.Tests;

/// <summary>
/// Production sign-in: the three services and the workbench against a real OpenID Connect provider, no local key
/// anywhere. The workbench signs people in with the code flow (PKCE) and calls the services with the access token.
/// </summary>
public sealed class OidcWorkbenchFixture : IAsyncLifetime
{
    public static readonly IdentityClient TasksClient = new("duban-tasks", "tasks-" + Guid.NewGuid().ToString("N"), "service");
    public static readonly IdentityClient SupervisionClient = new("duban-supervision", "supervision-" + Guid.NewGuid().ToString("N"), "service");
    public static readonly IdentityClient WebClient = new("duban-web", "web-" + Guid.NewGuid().ToString("N"));

    public TestIdentityProvider Identity { get; private set; } = null!;
    public GrpcServiceFactory<UnitsDb> Units { get; private set; } = null!;
    public GrpcServiceFactory<TasksDb> Tasks { get; private set; } = null!;
    public GrpcServiceFactory<SupervisionDb> Supervision { get; private set; } = null!;
    public WorkbenchFactory Web { get; private set; } = null!;
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public Unit Park { get; private set; } = null!;
    public Unit Office { get; private set; } = null!;
    public Unit Finance { get; private set; } = null!;
    public Person OfficeHead { get; private set; } = null!;
    public Person FinanceLead { get; private set; } = null!;

    private GrpcServiceFactory<T> Production<T>(GrpcServiceFactory<T> factory, IdentityClient? client) where T : class
    {
        factory.OnKestrel().With("Auth:SigningKey", "").With("Auth:SigningKeyFile", "").With("Auth:Authority", Identity.Authority.ToString())
            .With("Auth:RequireHttpsMetadata", "false");
        if (client is not null)
            factory.With("Auth:ClientId", client.Id).With("Auth:ClientSecret", client.Secret);
        return factory;
    }

    public async Task InitializeAsync()
    {
        Identity = await TestIdentityProvider.StartAsync([TasksClient, SupervisionClient, WebClient], [TestIdentityProvider.NewSigningKey(TimeSpan.FromDays(30))]);
        Units = Production(new GrpcServiceFactory<UnitsDb>("units", "Units"), null);
        await Units.StartAsync();
        Tasks = Production(new GrpcServiceFactory<TasksDb>("tasks", "Tasks"), TasksClient).With("Units:Address", Units.GrpcAddress.ToString());
        await Tasks.StartAsync();
        Supervision = Production(new GrpcServiceFactory<SupervisionDb>("supervision", "Supervision"), SupervisionClient)
            .With("Units:Address", Units.GrpcAddress.ToString()).With("Tasks:Address", Tasks.GrpcAddress.ToString()).With("Scan:IntervalSeconds", "0");
        await Supervision.StartAsync();

        var office = new UnitsService.UnitsServiceClient(Units.Channel(await Identity.PersonTokenAsync("setup", "", ["office"])));
        async Task<Unit> Create(string code, string name, string shortName, string level, Unit? parent, string kind = "") =>
            await office.CreateUnitAsync(new CreateUnitRequest { Code = code, Name = name, ShortName = shortName, LevelCode = level, ParentId = parent?.Id ?? "", Kind = kind });
        Park = await Create("park", "试点工业园区管委会", "管委会", "district", null);
        Office = await Create("park-dcs", "工业园区党政办督查室", "督查室", "department", Park, Duban.Web.Signing.WorkbenchSignIn.OfficeKind);
        Finance = await Create("park-czj", "工业园区财政局", "财政局", "department", Park);
        OfficeHead = await office.CreatePersonAsync(new CreatePersonRequest { Name = "周敏", Roles = { new RoleInUnit { UnitId = Office.Id, Role = UnitRole.Lead } } });
        FinanceLead = await office.CreatePersonAsync(new CreatePersonRequest { Name = "孙丽", Roles = { new RoleInUnit { UnitId = Finance.Id, Role = UnitRole.Lead } } });

        Web = new WorkbenchFactory(Units.GrpcAddress, Tasks.GrpcAddress, Supervision.GrpcAddress, new()
        {
            ["Auth:SigningKey"] = "", ["Auth:Authority"] = Identity.Authority.ToString(), ["Auth:RequireHttpsMetadata"] = "false",
            ["Auth:ClientId"] = WebClient.Id, ["Auth:ClientSecret"] = WebClient.Secret,
        });
        Web.StartServer();
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await WorkbenchFixture.LaunchChromiumAsync(Playwright);
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
        await Identity.DisposeAsync();
    }
}

public class OidcWorkbenchTests(OidcWorkbenchFixture fixture) : IClassFixture<OidcWorkbenchFixture>
{
    /// <summary>Opens the workbench, is sent to the provider's sign-in page, names the person there and comes back signed in.</summary>
    private async Task<IPage> SignInAsync(Person person, Unit unit, string roles)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = fixture.Web.Address.ToString(), Locale = "zh-CN" });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/ledger");
        Assert.StartsWith(fixture.Identity.Authority + "connect/authorize", page.Url);
        Assert.Contains("code_challenge=", page.Url);
        await page.Locator("#login input[name=person]").FillAsync(person.Id);
        await page.Locator("#login input[name=unit]").FillAsync(unit.Id);
        await page.Locator("#login input[name=roles]").FillAsync(roles);
        await page.Locator("#login input[name=name]").FillAsync(person.Name);
        await page.Locator("#login button").ClickAsync();
        await page.WaitForURLAsync(url => url.StartsWith(fixture.Web.Address.ToString()) && url.Contains("/ledger"));
        return page;
    }

    [Fact]
    public async Task People_sign_in_at_the_identity_provider_and_the_services_accept_their_tokens_with_no_local_key()
    {
        var tasks = new TasksService.TasksServiceClient(fixture.Tasks.Channel(await fixture.Identity.PersonTokenAsync(fixture.OfficeHead.Id, fixture.Office.Id, ["office"])));
        var tag = Guid.NewGuid().ToString("N")[..4];
        var plan = await tasks.ImportPlanAsync(new ImportPlanRequest
        {
            Title = "单点登录测试计划" + tag, IssuingUnitId = fixture.Park.Id, IssueDate = new Google.Type.Date { Year = 2026, Month = 3, Day = 1 },
            TableText = $"序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限\n1,资金保障,拨付专项资金{tag},财政局,,孙丽,2099年5月20日前",
        });
        var assignment = (await tasks.ListAssignmentsAsync(new ListAssignmentsRequest { PlanId = plan.Plan.Id })).Assignments.Single();

        var lead = await SignInAsync(fixture.FinanceLead, fixture.Finance, "lead");
        Assert.Equal("孙丽 · 单位负责人", (await lead.Locator("[data-test=who]").InnerTextAsync()).Trim());
        Assert.Equal(1, await lead.Locator($"[data-test=ledger] tr[data-assignment='{assignment.Id}']").CountAsync());
        await lead.GotoAsync($"/matters/{assignment.Id}");
        await lead.Locator("[data-test=accept] button").ClickAsync();
        await lead.WaitForURLAsync(url => url.Contains("done="));
        await lead.Locator("[data-test=status]").WaitForAsync();
        Assert.Equal("已签收", (await lead.Locator("[data-test=status]").InnerTextAsync()).Trim());
        Assert.Equal(assignment.Version + 1, (await tasks.GetAssignmentAsync(new GetAssignmentRequest { Id = assignment.Id })).Version);

        // No local sign-in in production: the page lists nobody and its form is gone.
        using var http = new HttpClient { BaseAddress = fixture.Web.Address };
        var local = await http.PostAsync("/signin/local", new FormUrlEncodedContent(new Dictionary<string, string> { ["personId"] = fixture.OfficeHead.Id }));
        Assert.False(local.IsSuccessStatusCode && local.RequestMessage!.RequestUri!.AbsolutePath == "/", $"local sign-in answered {(int)local.StatusCode}");
        Assert.DoesNotContain(fixture.OfficeHead.Id, await http.GetStringAsync("/signin"));

        // The office signs in the same way and sees the office's menu.
        var office = await SignInAsync(fixture.OfficeHead, fixture.Office, "office lead");
        Assert.Equal("周敏 · 督查室", (await office.Locator("[data-test=who]").InnerTextAsync()).Trim());
        Assert.Equal(1, await office.Locator("nav a[href='/todo']").CountAsync());
        Assert.True(fixture.Identity.Issued(fixture.FinanceLead.Id) >= 1, "the lead's token came from the provider's code exchange");

        // Signing out passes through the provider's end of session and back; the workbench then asks to sign in again.
        await office.Locator("form.wb-signout button").ClickAsync();
        await office.WaitForURLAsync(url => url.StartsWith(fixture.Identity.Authority + "connect/authorize"));
        await office.GotoAsync(fixture.Web.Address + "todo");
        Assert.StartsWith(fixture.Identity.Authority + "connect/authorize", office.Url);
    }
}
