using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Duban.Supervision.Tests.Webhooks;

/// <summary>One POST as the receiver saw it, and what it answered.</summary>
public sealed record ReceivedWebhook(string Hook, string DeliveryId, string EventId, string ContentType, bool SignatureValid, int Answered, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}

/// <summary>
/// A webhook receiver on Kestrel loopback, as a customer would run one: POST /hooks/{hook} checks the HMAC-SHA256
/// signature with the hook's secret (computed here, not with the service's code), records every request, and answers
/// 200 — or whatever status it was told to fail with.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, string> _secrets = new();
    private readonly ConcurrentDictionary<string, int> _failWith = new();
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private WebApplication _app = null!;

    public Uri Address { get; private set; } = null!;

    /// <summary>Starts on <paramref name="port"/>, or on a free one (0).</summary>
    public static async Task<WebhookReceiver> StartAsync(int port = 0)
    {
        var receiver = new WebhookReceiver();
        var builder = WebApplication.CreateSlimBuilder();
        // The test folder holds the supervision service's appsettings.json, Kestrel endpoints included: read none of it.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        receiver._app = builder.Build();
        receiver._app.MapPost("/hooks/{hook}", receiver.ReceiveAsync);
        await receiver._app.StartAsync();
        receiver.Address = new Uri(receiver._app.Urls.First());
        return receiver;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public string UrlOf(string hook) => new Uri(Address, $"/hooks/{hook}").ToString();

    public void Expect(string hook, string secret) => _secrets[hook] = secret;

    /// <summary>Answer every request of the hook with <paramref name="status"/> (null: back to normal).</summary>
    public void FailWith(string hook, int? status)
    {
        if (status is { } code)
            _failWith[hook] = code;
        else
            _failWith.TryRemove(hook, out _);
    }

    public IReadOnlyList<ReceivedWebhook> Of(string hook) => _received.Where(r => r.Hook == hook).ToList();

    /// <summary>Polls until <paramref name="done"/> holds for the hook's requests, or fails after <paramref name="seconds"/>.</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitAsync(string hook, Func<IReadOnlyList<ReceivedWebhook>, bool> done, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var seen = Of(hook);
            if (done(seen))
                return seen;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"hook '{hook}': the condition did not hold in {seconds} s; {seen.Count} request(s) seen");
            await Task.Delay(25);
        }
    }

    private async Task<IResult> ReceiveAsync(string hook, HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        // As a receiver should check it: the signature over "timestamp.body", and a timestamp within five minutes of now.
        var timestamp = request.Headers["X-Duban-Timestamp"].ToString();
        var fresh = long.TryParse(timestamp, out var seconds) && Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) <= 300;
        var valid = fresh && _secrets.TryGetValue(hook, out var secret) && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret),
                (byte[])[.. Encoding.ASCII.GetBytes(timestamp + "."), .. body]))),
            Encoding.ASCII.GetBytes(request.Headers["X-Duban-Signature"].ToString()));
        var answer = _failWith.TryGetValue(hook, out var failing) ? failing : valid ? 200 : 401;
        _received.Enqueue(new ReceivedWebhook(hook, request.Headers["X-Duban-Delivery"].ToString(), request.Headers["X-Duban-Event"].ToString(),
            request.ContentType ?? "", valid, answer, Encoding.UTF8.GetString(body)));
        return Results.StatusCode(answer);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>
/// The usual three services, with a supervision instance that polls and backs off in milliseconds, and a receiver. The
/// receiver is plain http on 127.0.0.1, so this instance allows http and lists that one address as an allowed inside
/// target — nothing else inside, not even names that resolve to it.
/// </summary>
public sealed class WebhookFixture : SupervisionFixture
{
    protected override IReadOnlyDictionary<string, string> SupervisionSettings { get; } = new Dictionary<string, string>
    {
        ["Webhooks:PollMilliseconds"] = "50",
        ["Webhooks:TimeoutSeconds"] = "2",
        ["Webhooks:QuickRetries"] = "1",
        ["Webhooks:QuickRetryDelayMilliseconds"] = "20",
        ["Webhooks:RetryBaseSeconds"] = "0.2",
        ["Webhooks:RetryMaxSeconds"] = "0.5",
        ["Webhooks:AllowHttp"] = "true",
        ["Webhooks:AllowedInternalTargets:0"] = "127.0.0.1",
    };

    public WebhookReceiver Receiver { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}
