using Duban.ServiceDefaults.Data;
using Duban.ServiceDefaults.Resilience;
using Duban.Supervision.Data;
using Duban.Supervision.Notices;
using Duban.Supervision.Projection;
using Duban.Supervision.Reviews;
using Duban.Units.Client;
using Microsoft.EntityFrameworkCore;
using Contract = Duban.Contracts.Tasks.V1;

namespace Duban.Supervision;

public static class Extensions
{
    public static WebApplicationBuilder AddApplicationServices(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<SupervisionDb>("Supervision", options => options.UseSnakeCaseNamingConvention());
        builder.Services.AddUnitsDirectory(builder.Configuration, "supervision");
        builder.Services.AddServiceClient<Contract.TasksService.TasksServiceClient>(builder.Configuration, "Tasks");

        builder.Services.Configure<ProjectionOptions>(builder.Configuration.GetSection(ProjectionOptions.Section));
        builder.Services.AddScoped<ProjectionApplier>();
        builder.Services.AddSingleton<FeedFollower>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<FeedFollower>());

        builder.Services.Configure<ScanOptions>(builder.Configuration.GetSection(ScanOptions.Section));
        builder.Services.AddScoped<NoticeScanner>();
        builder.Services.AddScoped<NoticeStore>();
        builder.Services.AddHostedService<ScanTimer>();
        builder.Services.AddScoped<WeeklyReviews>();
        builder.Services.Configure<Domain.Assessments.AssessmentWeights>(builder.Configuration.GetSection("Assessment"));
        builder.Services.AddScoped<Assessments>();
        return builder;
    }
}
