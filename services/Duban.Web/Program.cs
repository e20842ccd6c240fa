using Duban.ServiceDefaults.Telemetry;
using Duban.Web.Backends;
using Duban.Web.Components;
using Duban.Web.Importing;
using Duban.Web.Reviews;
using Duban.Web.Localization;
using Duban.Web.Ledger;
using Duban.Web.Signing;
using MudBlazor;
using MudBlazor.Services;

var builder = WebApplication.CreateBuilder(args);
builder.AddDubanTelemetry("duban-web");
builder.Services.AddRazorComponents();
builder.Services.AddMudServices();
builder.Services.AddTransient<MudLocalizer, ChineseMudLocalizer>();
builder.Services.AddHttpContextAccessor();
builder.Services.AddHealthChecks();
builder.AddWorkbenchSignIn();
builder.Services.AddWorkbenchBackends(builder.Configuration);
builder.Services.AddDistributedMemoryCache();
builder.Services.AddOptions<ImportOptions>().Bind(builder.Configuration.GetSection(ImportOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddScoped<ImportDrafts>();

var app = builder.Build();
if (!app.Environment.IsDevelopment())
    app.UseExceptionHandler("/error", createScopeForErrors: true);
app.UseStatusCodePagesWithReExecute("/not-found");
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapHealthChecks("/healthz").AllowAnonymous();
app.MapHealthChecks("/readyz").AllowAnonymous();
app.MapSignInEndpoints();
app.MapLedgerExport();
app.MapImportEndpoints();
app.MapBulletinDownload();
// Every page needs a signed-in person but the sign-in page itself; the services decide what each may see and do.
app.MapRazorComponents<App>().RequireAuthorization();
app.Run();
