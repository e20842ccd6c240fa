using Duban.ServiceDefaults.Auth;
using Duban.ServiceDefaults.Data;
using Duban.ServiceDefaults.Resilience;
using Duban.Supervision.Data;
using Duban.Supervision.Notices;
using Duban.Supervision.Notifications;
using Duban.Supervision.Projection;
using Duban.Supervision.Reviews;
using Duban.Supervision.Webhooks;
using Duban.Units.Client;
using Microsoft.EntityFrameworkCore;
using Contract = Duban.Contracts.Tasks.V1;

namespace Duban.Supervision;

public static class Extensions
{
    public static WebApplicationBuilder AddApplicationServices(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<SupervisionDb>("Supervision", options => options.UseSnakeCaseNamingConvention());
        builder.Services.AddUnitsDirectory(builder.Configuration);
        builder.Services.AddServiceClient<Contract.TasksService.TasksServiceClient>(builder.Configuration, "Tasks");
        builder.Services.AddOptions<Evidence.TasksClientOptions>().Bind(builder.Configuration.GetSection(Evidence.TasksClientOptions.Section))
            .Validate(o => o.TimeoutSeconds > 0, "Tasks:TimeoutSeconds must be positive").ValidateOnStart();
        builder.Services.AddSingleton<Evidence.EvidenceBinder.Pipeline>();
        builder.Services.AddScoped<Evidence.EvidenceBinder>();
        // The feed, recipients and scans call the other services on supervision's own behalf.
        builder.Services.AddServiceIdentityCheck();

        builder.Services.Configure<ProjectionOptions>(builder.Configuration.GetSection(ProjectionOptions.Section));
        builder.Services.AddScoped<ProjectionApplier>();
        builder.Services.AddSingleton<FeedFollower>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<FeedFollower>());
        builder.Services.AddHealthChecks().AddCheck<ProjectionHealthCheck>("projection", tags: [Duban.ServiceDefaults.HealthTags.Ready]);

        builder.Services.AddOptions<ScanOptions>().Bind(builder.Configuration.GetSection(ScanOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<ScanOptions>, ScanOptionsValidator>();
        builder.Services.AddScoped<NoticeScanner>();
        builder.Services.AddScoped<NoticeStore>();
        builder.Services.AddScoped<NoticeRecipients>();
        builder.Services.AddHostedService<RecipientNamer>();
        builder.Services.AddHostedService<ScanTimer>();
        builder.Services.AddScoped<WeeklyReviews>();
        builder.Services.Configure<Domain.Reviews.BulletinLimits>(builder.Configuration.GetSection(Domain.Reviews.BulletinLimits.Section));
        builder.Services.Configure<Domain.Assessments.AssessmentWeights>(builder.Configuration.GetSection("Assessment"));
        builder.Services.AddScoped<Assessments>();
        builder.Services.AddScoped<Documents.DocumentTemplates>();
        builder.Services.AddScoped<Documents.UrgingNotes>();
        builder.Services.AddScoped<Dashboard.Dashboards>();
        builder.Services.AddOptions<Dashboard.DashboardOptions>().Bind(builder.Configuration.GetSection(Dashboard.DashboardOptions.Section))
            .Validate(o => o.RefreshSeconds >= 0 && o.MaxStaleSeconds >= o.RefreshSeconds,
                "Dashboard:RefreshSeconds must be 0 or more and Dashboard:MaxStaleSeconds at least as long")
            .ValidateOnStart();
        builder.Services.AddSingleton<Dashboard.DashboardCache>();

        builder.Services.AddOptions<WebhookOptions>().Bind(builder.Configuration.GetSection(WebhookOptions.Section))
            .Validate(o => o.AllowedInternalTargets.All(Domain.Webhooks.WebhookTargetPolicy.IsValidEntry),
                "Webhooks:AllowedInternalTargets holds an entry that is neither a host name, an address nor a network (CIDR)")
            .ValidateOnStart();
        builder.Services.AddSingleton(provider =>
        {
            var o = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<WebhookOptions>>().Value;
            return new Domain.Webhooks.WebhookTargetPolicy(o.AllowHttp, o.AllowedInternalTargets);
        });
        builder.Services.AddSingleton<WebhookConnector>();
        builder.Services.AddScoped<WebhookSubscriptions>();
        builder.Services.AddScoped<WebhookQueue>();
        // No resilience handler on the client: WebhookSender's pipeline is the one retry layer, and it owns the timeouts.
        // Redirects are not followed: a POST redirected would arrive as a GET, or at a host nobody subscribed. Connections
        // are opened by WebhookConnector, which vets the addresses it connects to; no proxy, or it would connect to that.
        builder.Services.AddHttpClient(WebhookSender.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
            {
                AllowAutoRedirect = false, UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectCallback = provider.GetRequiredService<WebhookConnector>().ConnectAsync,
            });
        builder.Services.AddSingleton<WebhookSender>();
        builder.Services.AddHostedService<WebhookDispatcher>();
        builder.AddNotifications();
        return builder;
    }
}
