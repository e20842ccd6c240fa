using Duban.ServiceDefaults.Auth;
using Duban.ServiceDefaults.Data;
using Duban.ServiceDefaults.Resilience;
using Duban.Tasks.Data;
using Duban.Tasks.Domain.Deadlines;
using Duban.Tasks.Events;
using Duban.Tasks.Importing;
using Duban.Tasks.Units;
using Microsoft.EntityFrameworkCore;
using Contract = Duban.Contracts.Units.V1;

namespace Duban.Tasks;

public sealed class CalendarOptions
{
    public const string Section = "Calendar";

    /// <summary>The folder of cn-YYYY.json files; relative paths are read from the service's folder.</summary>
    public string Folder { get; set; } = "Calendar";
}

public static class Extensions
{
    public static WebApplicationBuilder AddApplicationServices(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<TasksDb>("Tasks", options => options.UseSnakeCaseNamingConvention());
        builder.Services.AddSingleton<EventFeed>();
        builder.Services.AddSingleton<FeedNotifier>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<FeedNotifier>());
        builder.Services.AddScoped<AssignmentStore>();
        builder.Services.AddScoped<AssignmentQueries>();
        builder.Services.AddScoped<Decomposer>();
        builder.Services.AddScoped<BulkWriter>();
        builder.Services.AddScoped<PlanImporter>();

        var calendar = builder.Configuration.GetSection(CalendarOptions.Section).Get<CalendarOptions>() ?? new CalendarOptions();
        builder.Services.AddSingleton(_ => WorkingCalendar.LoadFolder(Path.Combine(AppContext.BaseDirectory, calendar.Folder)));

        builder.Services.Configure<UnitsClientOptions>(builder.Configuration.GetSection(UnitsClientOptions.Section));
        builder.Services.AddSingleton<UnitsDirectory.Pipeline>();
        builder.Services.AddScoped<UnitsDirectory>();
        builder.Services.AddServiceClient<Contract.UnitsService.UnitsServiceClient>(builder.Configuration, UnitsClientOptions.Section);
        builder.Services.PostConfigure<OutgoingCredentials>(credentials => credentials.ServiceName = "tasks");
        return builder;
    }
}
