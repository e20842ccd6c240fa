using Duban.ServiceDefaults.Data;
using Duban.Tasks.Data;
using Duban.Tasks.Domain.Deadlines;
using Duban.Tasks.Events;
using Duban.Tasks.Importing;
using Duban.Units.Client;
using Microsoft.EntityFrameworkCore;

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
        builder.Services.AddScoped<Exporting.AssignmentLedger>();
        builder.Services.AddScoped<ReadAccess>();
        builder.Services.AddScoped<Decomposer>();
        builder.Services.AddScoped<PlanWithdrawal>();
        builder.Services.AddScoped<BulkWriter>();
        builder.Services.AddScoped<PlanImporter>();

        var calendar = builder.Configuration.GetSection(CalendarOptions.Section).Get<CalendarOptions>() ?? new CalendarOptions();
        builder.Services.AddSingleton(_ => WorkingCalendar.LoadFolder(Path.Combine(AppContext.BaseDirectory, calendar.Folder)));

        builder.Services.AddUnitsDirectory(builder.Configuration);
        return builder;
    }
}
