using Microsoft.Extensions.Options;

namespace Duban.Supervision.Notifications;

/// <summary>Notices to people: when they go out, where the workbench is, and how failures are retried.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>Queue and send in this instance. Every replica may: rows are claimed with SKIP LOCKED and a lease.</summary>
    public bool Enabled { get; set; } = true;
    public int PollMilliseconds { get; set; } = 1000;
    /// <summary>Recipients (people or robots) served per round; the round repeats at once while it finds a full batch.</summary>
    public int BatchSize { get; set; } = 50;
    public int MaxConcurrentSends { get; set; } = 8;
    /// <summary>The office's time zone, for the digest time and quiet hours.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";
    /// <summary>The daily digest, HH:mm local time, on working days of the China working calendar.</summary>
    public string DigestTime { get; set; } = "08:30";
    /// <summary>Escalations and 催办 sent in these hours wait until they end (HH:mm, local; equal times: no quiet hours).</summary>
    public string QuietHoursStart { get; set; } = "22:00";
    public string QuietHoursEnd { get; set; } = "07:00";
    /// <summary>The web workbench's address; messages link each notice to {url}/matters/{assignment_id}. Empty: no links.</summary>
    public string WorkbenchUrl { get; set; } = "";
    public double RetryBaseSeconds { get; set; } = 30;
    public double RetryMaxSeconds { get; set; } = 1800;
    public double GiveUpAfterHours { get; set; } = 48;
    /// <summary>How long a sender holds the rows it claimed; a sender that dies leaves them to others after this.</summary>
    public double LeaseSeconds { get; set; } = 120;
    /// <summary>At most one message per robot in this many seconds (钉钉 allows 20 a minute); notices due meanwhile wait and go together.</summary>
    public double RobotIntervalSeconds { get; set; } = 3;
    /// <summary>Notices listed in one robot message or one digest at most; more go in the next message.</summary>
    public int MaxNoticesPerMessage { get; set; } = 50;
    /// <summary>The deadline of each send (SMTP session, robot or gateway request).</summary>
    public double TimeoutSeconds { get; set; } = 15;

    public SmtpSettings Smtp { get; set; } = new();
    public SmsGatewaySettings Sms { get; set; } = new();
}

/// <summary>E-mail over SMTP. No host: e-mail is off.</summary>
public sealed class SmtpSettings
{
    public string Host { get; set; } = "";
    public int Port { get; set; } = 25;
    /// <summary>None, StartTls, StartTlsWhenAvailable or SslOnConnect.</summary>
    public string Security { get; set; } = "StartTlsWhenAvailable";
    public string UserName { get; set; } = "";
    public string Password { get; set; } = "";
    public string FromAddress { get; set; } = "";
    public string FromName { get; set; } = "督查督办";
    /// <summary>Messages sent over one SMTP session before it is closed and a new one opened (servers may cap it).</summary>
    public int MessagesPerConnection { get; set; } = 20;
}

/// <summary>
/// SMS through a provincial gateway's HTTP API: a POST to <see cref="Url"/> with one header for authentication and a
/// body from <see cref="BodyTemplate"/>, where {mobile} and {text} are replaced by the values JSON-escaped (for a JSON
/// body) or URL-encoded (for a form body). No URL: SMS is off.
/// </summary>
public sealed class SmsGatewaySettings
{
    public string Url { get; set; } = "";
    public string AuthHeaderName { get; set; } = "Authorization";
    public string AuthHeaderValue { get; set; } = "";
    public string ContentType { get; set; } = "application/json";
    public string BodyTemplate { get; set; } = """{"mobile":"{mobile}","content":"{text}"}""";
    /// <summary>SMS carries a short text: the notice lines cut to this length.</summary>
    public int MaxTextLength { get; set; } = 300;
}

public sealed class NotificationOptionsValidator : IValidateOptions<NotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationOptions o)
    {
        var failures = new List<string>();
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(o.TimeZone, out _))
            failures.Add($"Notifications:TimeZone '{o.TimeZone}' is not a known IANA time zone");
        foreach (var (key, value) in new[] { ("DigestTime", o.DigestTime), ("QuietHoursStart", o.QuietHoursStart), ("QuietHoursEnd", o.QuietHoursEnd) })
            if (!TimeOnly.TryParseExact(value, "HH:mm", out _))
                failures.Add($"Notifications:{key} '{value}' is not a time as HH:mm");
        if (o.WorkbenchUrl.Length > 0 && (!Uri.TryCreate(o.WorkbenchUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")))
            failures.Add($"Notifications:WorkbenchUrl '{o.WorkbenchUrl}' is not an absolute http(s) URL");
        if (o.BatchSize < 1 || o.MaxConcurrentSends < 1 || o.MaxNoticesPerMessage < 1 || o.PollMilliseconds < 10)
            failures.Add("Notifications:BatchSize, MaxConcurrentSends and MaxNoticesPerMessage must be at least 1, PollMilliseconds at least 10");
        if (o.RetryBaseSeconds <= 0 || o.RetryMaxSeconds < o.RetryBaseSeconds || o.GiveUpAfterHours <= 0 || o.LeaseSeconds <= o.TimeoutSeconds
            || o.TimeoutSeconds <= 0 || o.RobotIntervalSeconds < 0)
            failures.Add("Notifications: retry delays, give-up age and timeout must be positive, RetryMaxSeconds at least RetryBaseSeconds, LeaseSeconds above TimeoutSeconds");
        if (o.Smtp.Host.Length > 0)
        {
            if (!System.Net.Mail.MailAddress.TryCreate(o.Smtp.FromAddress, out _))
                failures.Add("Notifications:Smtp:FromAddress must be an e-mail address when Notifications:Smtp:Host is set");
            if (!Enum.TryParse<MailKit.Security.SecureSocketOptions>(o.Smtp.Security, out _) || o.Smtp.Security == "Auto")
                failures.Add("Notifications:Smtp:Security must be None, StartTls, StartTlsWhenAvailable or SslOnConnect");
            if (o.Smtp.Port is < 1 or > 65535)
                failures.Add("Notifications:Smtp:Port must be a port number");
            if (o.Smtp.MessagesPerConnection < 1)
                failures.Add("Notifications:Smtp:MessagesPerConnection must be at least 1");
        }
        if (o.Sms.Url.Length > 0)
        {
            if (!Uri.TryCreate(o.Sms.Url, UriKind.Absolute, out var sms) || sms.Scheme is not ("http" or "https"))
                failures.Add($"Notifications:Sms:Url '{o.Sms.Url}' is not an absolute http(s) URL");
            if (!o.Sms.BodyTemplate.Contains("{mobile}") || !o.Sms.BodyTemplate.Contains("{text}"))
                failures.Add("Notifications:Sms:BodyTemplate must contain {mobile} and {text}");
            if (o.Sms.MaxTextLength < 10)
                failures.Add("Notifications:Sms:MaxTextLength must be at least 10");
        }
        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
