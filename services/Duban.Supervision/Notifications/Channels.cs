using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Duban.Supervision.Data;
using Duban.Supervision.Domain.Notifications;
using Duban.Supervision.Webhooks;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using UnitsContract = Duban.Contracts.Units.V1;

namespace Duban.Supervision.Notifications;

/// <summary>One message to one recipient: a person's e-mail or mobile, or a unit's robot (its URLs read just before sending).</summary>
public sealed record OutgoingMessage(Guid MessageId, DeliveryChannel Channel, string RecipientName, string Address, IReadOnlyList<string> Mentions,
    RenderedMessage Content, UnitsContract.UnitRobotTargets? Robot);

/// <summary>A way out. An outcome names what went wrong in a few words, never the server's own text.</summary>
public interface INotificationChannel
{
    DeliveryChannel Channel { get; }
    Task<SendOutcome> SendAsync(OutgoingMessage message, CancellationToken ct);
}

/// <summary>
/// E-mail over SMTP: HTML and plain text in one multipart/alternative message, UTF-8. Connections are kept open and
/// reused for the next messages (at most Notifications:Smtp:MessagesPerConnection each, one per concurrent send): a
/// session's connect, EHLO, STARTTLS and AUTH cost more than the message itself. A connection that failed is closed,
/// never reused; one idle for a while is checked with NOOP first, and one idle too long is closed.
/// </summary>
public sealed class EmailChannel(IOptions<NotificationOptions> options, TimeProvider time) : INotificationChannel, IDisposable
{
    /// <summary>Idle longer than this: asked with NOOP whether it is still open before a message goes on it.</summary>
    private static readonly TimeSpan CheckAfter = TimeSpan.FromSeconds(5);
    /// <summary>Idle longer than this: closed (servers drop idle sessions after a minute or more).</summary>
    private static readonly TimeSpan CloseAfter = TimeSpan.FromSeconds(30);

    private sealed record Connection(SmtpClient Client, int Sent, long IdleSince);

    private readonly ConcurrentBag<Connection> _idle = [];

    public DeliveryChannel Channel => DeliveryChannel.Email;

    public async Task<SendOutcome> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        var o = options.Value;
        var mail = new MimeMessage { Subject = message.Content.Subject, MessageId = $"{message.MessageId:N}@duban" };
        mail.From.Add(new MailboxAddress(o.Smtp.FromName, o.Smtp.FromAddress));
        mail.To.Add(new MailboxAddress(message.RecipientName, message.Address));
        mail.Body = new BodyBuilder { TextBody = message.Content.Text, HtmlBody = message.Content.Html }.ToMessageBody();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(o.TimeoutSeconds));
        Connection? connection = null;
        try
        {
            connection = await TakeAsync(o, timeout.Token);
            await connection.Client.SendAsync(mail, timeout.Token);
            connection = connection with { Sent = connection.Sent + 1 };
            if (connection.Sent < o.Smtp.MessagesPerConnection)
            {
                _idle.Add(connection with { IdleSince = time.GetTimestamp() });
                connection = null;
            }
            else
            {
                await connection.Client.DisconnectAsync(true, CancellationToken.None);
            }
            return new SendOutcome(true, null, "");
        }
        catch (SmtpCommandException ex)
        {
            return new SendOutcome(false, (int)ex.StatusCode, $"smtp refused ({(int)ex.StatusCode})");
        }
        catch (AuthenticationException)
        {
            return new SendOutcome(false, null, "smtp authentication failed");
        }
        catch (Exception ex) when (ex is TimeoutException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return new SendOutcome(false, null, "timeout");
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or SmtpProtocolException or SslHandshakeException
                                       or MailKit.ServiceNotConnectedException)
        {
            return new SendOutcome(false, null, "smtp connection failed");
        }
        finally
        {
            connection?.Client.Dispose();
        }
    }

    /// <summary>An open session: an idle one that is still good, or a new one.</summary>
    private async Task<Connection> TakeAsync(NotificationOptions o, CancellationToken ct)
    {
        while (_idle.TryTake(out var idle))
        {
            var idleFor = time.GetElapsedTime(idle.IdleSince);
            if (idle.Client.IsConnected && idleFor < CloseAfter)
            {
                if (idleFor < CheckAfter)
                    return idle;
                try
                {
                    await idle.Client.NoOpAsync(ct);
                    return idle;
                }
                catch (Exception ex) when (ex is IOException or SmtpCommandException or SmtpProtocolException or MailKit.ServiceNotConnectedException)
                {
                }
            }
            idle.Client.Dispose();
        }
        var client = new SmtpClient { Timeout = (int)TimeSpan.FromSeconds(o.TimeoutSeconds).TotalMilliseconds };
        try
        {
            await client.ConnectAsync(o.Smtp.Host, o.Smtp.Port, Enum.Parse<SecureSocketOptions>(o.Smtp.Security), ct);
            if (o.Smtp.UserName.Length > 0)
                await client.AuthenticateAsync(o.Smtp.UserName, o.Smtp.Password, ct);
            return new Connection(client, 0, time.GetTimestamp());
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        while (_idle.TryTake(out var idle))
            idle.Client.Dispose();
    }
}

/// <summary>Shared by the HTTP channels: a POST with a deadline, 2xx and the robot's own errcode 0 meaning delivered.</summary>
public abstract class HttpChannel(IHttpClientFactory clients, IOptions<NotificationOptions> options)
{
    protected NotificationOptions Options => options.Value;

    public const string ClientName = "notifications";

    protected static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    protected async Task<SendOutcome> PostAsync(string url, HttpContent content, bool robotReply, CancellationToken ct,
        Action<HttpRequestMessage>? prepare = null)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.TimeoutSeconds));
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        prepare?.Invoke(request);
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, timeout.Token);
            var code = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
                return new SendOutcome(false, code, $"status {code}");
            if (!robotReply)
                return new SendOutcome(true, code, "");
            // Robots answer 200 with {"errcode":…,"errmsg":…}; only errcode 0 is a message posted to the group.
            using var reply = JsonDocument.Parse(await response.Content.ReadAsStringAsync(timeout.Token));
            var errcode = reply.RootElement.TryGetProperty("errcode", out var e) && e.TryGetInt32(out var n) ? n : -1;
            return errcode == 0 ? new SendOutcome(true, code, "") : new SendOutcome(false, code, $"robot errcode {errcode}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new SendOutcome(false, null, "timeout");
        }
        catch (HttpRequestException)
        {
            return new SendOutcome(false, null, "connection failed");
        }
        catch (JsonException)
        {
            return new SendOutcome(false, null, "robot reply is not JSON");
        }
    }
}

/// <summary>
/// 钉钉 custom robot: a markdown message to the signed webhook URL, mentioning the people concerned by mobile
/// (at.atMobiles, and "@mobile" in the text, which 钉钉 needs to show the mention).
/// </summary>
public sealed class DingTalkChannel(IHttpClientFactory clients, IOptions<NotificationOptions> options, TimeProvider time)
    : HttpChannel(clients, options), INotificationChannel
{
    public DeliveryChannel Channel => DeliveryChannel.DingTalk;

    public Task<SendOutcome> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        if (message.Robot is not { DingtalkWebhookUrl.Length: > 0 } robot)
            return Task.FromResult(new SendOutcome(false, null, "the unit has no 钉钉 robot"));
        var text = message.Content.Markdown + (message.Mentions.Count > 0 ? "\n\n" + string.Join(' ', message.Mentions.Select(m => "@" + m)) : "");
        var body = JsonSerializer.Serialize(new
        {
            msgtype = "markdown",
            markdown = new { title = message.Content.Subject, text },
            at = new { atMobiles = message.Mentions, isAtAll = false },
        }, Json);
        var url = robot.DingtalkSecret.Length > 0
            ? DingTalkSignature.SignedUrl(robot.DingtalkWebhookUrl, robot.DingtalkSecret, time.GetUtcNow().ToUnixTimeMilliseconds())
            : robot.DingtalkWebhookUrl;
        return PostAsync(url, new StringContent(body, Encoding.UTF8, "application/json"), robotReply: true, ct);
    }
}

/// <summary>企业微信 group robot: a markdown message to the robot's key URL.</summary>
public sealed class WeComChannel(IHttpClientFactory clients, IOptions<NotificationOptions> options) : HttpChannel(clients, options), INotificationChannel
{
    public DeliveryChannel Channel => DeliveryChannel.WeCom;

    public Task<SendOutcome> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        if (message.Robot is not { WecomWebhookUrl.Length: > 0 } robot)
            return Task.FromResult(new SendOutcome(false, null, "the unit has no 企业微信 robot"));
        var body = JsonSerializer.Serialize(new { msgtype = "markdown", markdown = new { content = message.Content.Markdown } }, Json);
        return PostAsync(robot.WecomWebhookUrl, new StringContent(body, Encoding.UTF8, "application/json"), robotReply: true, ct);
    }
}

/// <summary>SMS through the configured HTTP gateway: the plain text, cut to the gateway's length, in the configured body.</summary>
public sealed class SmsChannel(IHttpClientFactory clients, IOptions<NotificationOptions> options) : HttpChannel(clients, options), INotificationChannel
{
    public DeliveryChannel Channel => DeliveryChannel.Sms;

    public Task<SendOutcome> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        var sms = Options.Sms;
        var text = message.Content.Text.ReplaceLineEndings(" ").Trim();
        if (text.Length > sms.MaxTextLength)
            text = text[..(sms.MaxTextLength - 1)] + "…";
        var body = sms.BodyTemplate.Replace("{mobile}", Encode(message.Address, sms.ContentType)).Replace("{text}", Encode(text, sms.ContentType));
        return PostAsync(sms.Url, new StringContent(body, Encoding.UTF8, sms.ContentType), robotReply: false, ct, request =>
        {
            if (sms.AuthHeaderValue.Length > 0)
                request.Headers.TryAddWithoutValidation(sms.AuthHeaderName, sms.AuthHeaderValue);
        });
    }

    /// <summary>The value as it may stand inside the body: JSON string content, or a form value.</summary>
    public static string Encode(string value, string contentType) =>
        contentType.Contains("json", StringComparison.OrdinalIgnoreCase) ? JsonSerializer.Serialize(value, Json)[1..^1] : WebUtility.UrlEncode(value);
}
