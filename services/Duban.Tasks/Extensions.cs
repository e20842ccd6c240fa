using Duban.ServiceDefaults.Data;
using Duban.Tasks.Attachments;
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
    /// <summary>Evidence files: the storage backend Attachments:Storage names, the uploads and reads over it, and the janitor.</summary>
    private static void AddEvidenceStorage(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AttachmentOptions>().Bind(builder.Configuration.GetSection(AttachmentOptions.Section))
            .Validate(o => o.Storage is "postgres" or "s3", "Attachments:Storage must be \"postgres\" or \"s3\"")
            .Validate(o => o.Storage != "s3" || o.S3.Bucket.Length > 0, "Attachments:S3:Bucket must be set when Attachments:Storage is \"s3\"")
            .Validate(o => o.MaxFileMegabytes > 0 && o.MaxFilesPerAssignment > 0 && o.MaxMegabytesPerAssignment > 0,
                "Attachments:MaxFileMegabytes, MaxFilesPerAssignment and MaxMegabytesPerAssignment must be positive")
            .Validate(o => o.PendingTimeout > TimeSpan.Zero && o.UploadTimeout > TimeSpan.Zero && o.CleanupInterval > TimeSpan.Zero,
                "Attachments:PendingTimeout, UploadTimeout and CleanupInterval must be positive")
            .ValidateOnStart();
        var storage = builder.Configuration[$"{AttachmentOptions.Section}:Storage"] ?? "postgres";
        if (storage == "s3")
        {
            builder.Services.AddSingleton<S3EvidenceStorage>();
            builder.Services.AddSingleton<IEvidenceStorage>(provider => provider.GetRequiredService<S3EvidenceStorage>());
            builder.Services.AddHostedService<S3BucketCheck>();
        }
        else
            builder.Services.AddSingleton<IEvidenceStorage, PostgresEvidenceStorage>();
        builder.Services.AddScoped<EvidenceFiles>();
        builder.Services.AddSingleton<AttachmentJanitor>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<AttachmentJanitor>());
    }

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
        builder.AddEvidenceStorage();
        return builder;
    }
}
