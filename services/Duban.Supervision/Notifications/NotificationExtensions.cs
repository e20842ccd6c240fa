using Duban.Deadlines;
using Duban.Supervision.Domain.Notifications;
using Microsoft.Extensions.Options;

namespace Duban.Supervision.Notifications;

public static class NotificationExtensions
{
    /// <summary>Notices to people: options, the working calendar, the four channels, the queue and its dispatcher.</summary>
    public static WebApplicationBuilder AddNotifications(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<NotificationOptions>().Bind(builder.Configuration.GetSection(NotificationOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<NotificationOptions>, NotificationOptionsValidator>();
        var calendarFolder = builder.Configuration["Calendar:Folder"] is { Length: > 0 } folder ? folder : "Calendar";
        builder.Services.AddSingleton(provider =>
        {
            var o = provider.GetRequiredService<IOptions<NotificationOptions>>().Value;
            return new NotificationClock(TimeZoneInfo.FindSystemTimeZoneById(o.TimeZone), TimeOnly.ParseExact(o.DigestTime, "HH:mm"),
                TimeOnly.ParseExact(o.QuietHoursStart, "HH:mm"), TimeOnly.ParseExact(o.QuietHoursEnd, "HH:mm"),
                WorkingCalendar.LoadFolder(Path.Combine(AppContext.BaseDirectory, calendarFolder)));
        });
        builder.Services.AddScoped<NotificationFanoutWriter>();
        builder.Services.AddScoped<NotificationQueue>();
        builder.Services.AddScoped<NotificationTemplates>();
        builder.Services.AddScoped<NotificationDeliveries>();
        // No resilience handler: the dispatcher's backoff in the database is the one retry layer; redirects not followed.
        builder.Services.AddHttpClient(HttpChannel.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        builder.Services.AddSingleton<INotificationChannel, EmailChannel>();
        builder.Services.AddSingleton<INotificationChannel, SmsChannel>();
        builder.Services.AddSingleton<INotificationChannel, DingTalkChannel>();
        builder.Services.AddSingleton<INotificationChannel, WeComChannel>();
        builder.Services.AddSingleton<NotificationDispatcher>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<NotificationDispatcher>());
        return builder;
    }
}
