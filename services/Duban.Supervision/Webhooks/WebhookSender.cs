using System.Net;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using Duban.Supervision.Data;
using Duban.Supervision.Domain.Webhooks;
using Google.Protobuf.Reflection;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Contract = Duban.Contracts.Supervision.V1;

namespace Duban.Supervision.Webhooks;

/// <summary>A delivery claimed for sending, with what the body and the signature need.</summary>
public sealed record ClaimedDelivery(Guid Id, Guid SubscriptionId, int AttemptCount, DateTimeOffset CreatedAt, string Url, string Secret, Notice Notice);

/// <summary>
/// How one round of sending ended: delivered (2xx), or the last status code or a category of error ("connection
/// refused", "timeout", "refused: private address"). Never exception text or what the receiver said: the log is read by
/// whoever manages subscriptions, and must not tell them what answers on some port.
/// </summary>
public sealed record SendOutcome(bool Delivered, int? StatusCode, string Error);

/// <summary>
/// POSTs one delivery: the JSON body, signed with the subscription's secret over the exact bytes sent. The Polly
/// pipeline here is the only retry layer (the HTTP client has none): a couple of quick retries with exponential backoff
/// and jitter on transport errors, timeouts, 408, 429 and 5xx, each attempt under its own timeout. Anything longer is
/// the dispatcher's rescheduling, which survives restarts because it lives in the database.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory clients, WebhookTargetPolicy policy, IOptions<WebhookOptions> options, TimeProvider time)
{
    public const string ClientName = "webhooks";
    public const string SignatureHeader = "X-Duban-Signature";
    public const string DeliveryHeader = "X-Duban-Delivery";
    public const string EventHeader = "X-Duban-Event";
    public const string TimestampHeader = "X-Duban-Timestamp";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        // Titles and messages are Chinese: send them as text, not \u escapes (the body is JSON, never HTML).
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly EnumDescriptor KindNames = Contract.SupervisionReflection.Descriptor.EnumTypes.Single(e => e.Name == "NoticeKind");
    private static readonly EnumDescriptor StatusNames = Contract.SupervisionReflection.Descriptor.EnumTypes.Single(e => e.Name == "NoticeStatus");

    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline = BuildPipeline(options.Value);

    public async Task<SendOutcome> SendAsync(ClaimedDelivery delivery, CancellationToken ct)
    {
        if (!Uri.TryCreate(delivery.Url, UriKind.Absolute, out var url))
            return new SendOutcome(false, null, "refused: not a URL");
        // Subscriptions stored before a policy change are held to the policy of today.
        if (policy.CheckDelivery(url) is { } refused)
            return new SendOutcome(false, null, refused);
        var body = Body(delivery);
        var client = clients.CreateClient(ClientName);
        try
        {
            using var response = await _pipeline.ExecuteAsync(async token =>
            {
                // A request message cannot be sent twice: every attempt builds its own, from the same bytes.
                // HTTP/1.1 over TCP, pinned: HTTP/3 would open QUIC connections without WebhookConnector's checks.
                using var request = new HttpRequestMessage(HttpMethod.Post, url)
                {
                    Content = new ByteArrayContent(body), Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
                };
                request.Content.Headers.ContentType = new("application/json");
                // Signed afresh at each attempt, so a receiver can refuse a request replayed long after it was sent.
                var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
                request.Headers.Add(TimestampHeader, timestamp);
                request.Headers.Add(SignatureHeader, "sha256=" + Sign(delivery.Secret, timestamp, body));
                request.Headers.Add(DeliveryHeader, delivery.Id.ToString());
                request.Headers.Add(EventHeader, delivery.Notice.Id.ToString());
                return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
            }, ct);
            var code = (int)response.StatusCode;
            // The status code only: the reason phrase and the body are the receiver's words, not ours to keep.
            return response.IsSuccessStatusCode ? new SendOutcome(true, code, "") : new SendOutcome(false, code, $"HTTP {code}");
        }
        catch (HttpRequestException ex)
        {
            return new SendOutcome(false, null, Category(ex));
        }
        catch (TimeoutRejectedException)
        {
            return new SendOutcome(false, null, "timeout");
        }
    }

    /// <summary>What went wrong, in a few fixed words.</summary>
    public static string Category(HttpRequestException ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
            switch (e)
            {
                case WebhookTargetRefusedException refused:
                    return refused.Message;
                case System.Net.Sockets.SocketException socket:
                    return socket.SocketErrorCode switch
                    {
                        System.Net.Sockets.SocketError.ConnectionRefused => "connection refused",
                        System.Net.Sockets.SocketError.TimedOut => "timeout",
                        System.Net.Sockets.SocketError.HostNotFound or System.Net.Sockets.SocketError.NoData or System.Net.Sockets.SocketError.TryAgain
                            => "name not resolved",
                        System.Net.Sockets.SocketError.HostUnreachable or System.Net.Sockets.SocketError.NetworkUnreachable => "unreachable",
                        System.Net.Sockets.SocketError.ConnectionReset or System.Net.Sockets.SocketError.ConnectionAborted => "connection reset",
                        _ => "connection failed",
                    };
                case System.Security.Authentication.AuthenticationException:
                    return "TLS handshake failed";
            }
        return ex.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "name not resolved",
            HttpRequestError.SecureConnectionError => "TLS handshake failed",
            HttpRequestError.ResponseEnded => "connection closed before an answer",
            HttpRequestError.InvalidResponse or HttpRequestError.HttpProtocolError => "invalid response",
            _ => "connection failed",
        };
    }

    private static bool IsRefusal(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
            if (e is WebhookTargetRefusedException)
                return true;
        return false;
    }

    /// <summary>Lowercase hex of HMAC-SHA256(secret as UTF-8, the timestamp's digits, a '.', then the body's bytes).</summary>
    public static string Sign(string secret, string timestamp, byte[] body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret),
            (byte[])[.. System.Text.Encoding.ASCII.GetBytes(timestamp + "."), .. body]));

    public static byte[] Body(ClaimedDelivery delivery)
    {
        var n = delivery.Notice;
        return JsonSerializer.SerializeToUtf8Bytes(new WebhookBody(delivery.Id, n.Id, delivery.SubscriptionId, new WebhookNotice(
            n.Id, KindNames.FindValueByNumber((int)n.Kind)?.Name ?? n.Kind.ToString(), n.Level,
            StatusNames.FindValueByNumber((int)n.Status)?.Name ?? n.Status.ToString(), n.AssignmentId, n.PlanId, n.LeadUnitId,
            n.Title, n.DueDate, n.Message, n.RaisedAt)), Json);
    }

    /// <summary>The longest one round can take: every attempt timing out, plus the waits between them.</summary>
    public TimeSpan RoundCeiling()
    {
        var o = options.Value;
        var waits = Enumerable.Range(0, Math.Max(o.QuickRetries, 0)).Sum(i => o.QuickRetryDelayMilliseconds * Math.Pow(2, i) * 1.5);
        return TimeSpan.FromSeconds(o.TimeoutSeconds * (Math.Max(o.QuickRetries, 0) + 1)) + TimeSpan.FromMilliseconds(waits);
    }

    private static ResiliencePipeline<HttpResponseMessage> BuildPipeline(WebhookOptions o)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (o.QuickRetries > 0)
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    // A refused target stays refused for the moment: no quick retry, the next round tries again.
                    .Handle<HttpRequestException>(ex => !IsRefusal(ex))
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => r.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)r.StatusCode >= 500),
                MaxRetryAttempts = o.QuickRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(o.QuickRetryDelayMilliseconds),
            });
        return builder.AddTimeout(TimeSpan.FromSeconds(o.TimeoutSeconds)).Build();
    }
}

/// <summary>The body receivers get (camelCase JSON). The delivery id changes per replay; the event id is the notice's.</summary>
public sealed record WebhookBody(Guid DeliveryId, Guid EventId, Guid SubscriptionId, WebhookNotice Notice);

/// <summary>The notice as it stands when sent; kind and status carry the API's enum names (NOTICE_KIND_OVERDUE).</summary>
public sealed record WebhookNotice(Guid Id, string Kind, int Level, string Status, Guid AssignmentId, Guid PlanId, Guid LeadUnitId,
    string Title, DateOnly? DueDate, string Message, DateTimeOffset RaiseTime);
