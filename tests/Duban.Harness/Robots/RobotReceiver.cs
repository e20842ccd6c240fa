using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Duban.Harness.Robots;

/// <summary>One request as a robot or the SMS gateway saw it.</summary>
public sealed record RobotMessage(string Robot, string Kind, string Body, string Authorization, DateTimeOffset At)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    /// <summary>What a person in the group reads: the markdown of a robot's message, the content of an SMS.</summary>
    public string Text
    {
        get
        {
            var json = Json;
            return Kind switch
            {
                "dingtalk" => json.GetProperty("markdown").GetProperty("text").GetString() ?? "",
                "wecom" => json.GetProperty("markdown").GetProperty("content").GetString() ?? "",
                _ => json.TryGetProperty("content", out var content) ? content.GetString() ?? "" : Body,
            };
        }
    }
}

/// <summary>
/// Local receivers implementing the robots' contracts, on Kestrel loopback, for the tests and the local run:
/// 钉钉 custom robot — POST /dingtalk?access_token=…&amp;timestamp=…&amp;sign=…: the access token must be a robot's,
/// the timestamp within an hour, and sign the Base64 HMAC-SHA256 of "timestamp\nsecret" keyed with the secret (as
/// 钉钉's documentation computes it, here, not with the service's code); more than 20 messages a minute answer
/// errcode 130101; a good message answers {"errcode":0}. 企业微信 group robot — POST /wecom?key=…. SMS gateway —
/// POST /sms with the configured header. GET /messages lists what was received, oldest first, as JSON.
/// </summary>
public sealed class RobotReceiver : IAsyncDisposable
{
    private static readonly JsonSerializerOptions ListJson = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
    };

    private readonly ConcurrentDictionary<string, string> _dingTalkSecrets = new();
    private readonly ConcurrentDictionary<string, string> _weComKeys = new();
    private readonly ConcurrentQueue<RobotMessage> _received = new();
    private readonly ConcurrentQueue<string> _refused = new();
    private WebApplication _app = null!;

    public Uri Address { get; private set; } = null!;
    public IReadOnlyList<RobotMessage> Received => _received.ToList();
    /// <summary>Why requests were refused (bad signature, unknown token, too fast).</summary>
    public IReadOnlyList<string> Refused => _refused.ToList();
    public int FailSmsWith { get; set; }

    /// <summary>Called with each message accepted (the local run prints them); and with each refusal's reason.</summary>
    public event Action<RobotMessage>? MessageReceived;
    public event Action<string>? MessageRefused;

    /// <summary>Starts on a free loopback port, or on <paramref name="port"/> when given (the local run).</summary>
    public static async Task<RobotReceiver> StartAsync(int port = 0)
    {
        var receiver = new RobotReceiver();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        receiver._app = builder.Build();
        receiver._app.MapPost("/dingtalk", (Delegate)receiver.DingTalkAsync);
        receiver._app.MapPost("/wecom", (Delegate)receiver.WeComAsync);
        receiver._app.MapPost("/sms", (Delegate)receiver.SmsAsync);
        receiver._app.MapGet("/messages", () => Results.Json(receiver._received.Select(m => new
        {
            m.Robot, m.Kind, m.At, m.Text, Body = JsonDocument.Parse(m.Body).RootElement,
        }), ListJson));
        await receiver._app.StartAsync();
        receiver.Address = new Uri(receiver._app.Urls.First());
        return receiver;
    }

    /// <summary>A new 钉钉 robot: its webhook URL (with access token) and its signing secret.</summary>
    public (string Url, string Secret, string Token) NewDingTalkRobot()
    {
        var token = Guid.NewGuid().ToString("N");
        var secret = "SEC" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        return (AddDingTalkRobot(token, secret), secret, token);
    }

    /// <summary>A 钉钉 robot known before (the local run keeps its token and secret): its webhook URL.</summary>
    public string AddDingTalkRobot(string token, string secret)
    {
        _dingTalkSecrets[token] = secret;
        return new Uri(Address, $"/dingtalk?access_token={token}").ToString();
    }

    public (string Url, string Key) NewWeComRobot()
    {
        var key = Guid.NewGuid().ToString();
        return (AddWeComRobot(key), key);
    }

    /// <summary>A 企业微信 robot known before: its webhook URL.</summary>
    public string AddWeComRobot(string key)
    {
        _weComKeys[key] = key;
        return new Uri(Address, $"/wecom?key={key}").ToString();
    }

    public string SmsUrl => new Uri(Address, "/sms").ToString();

    public IReadOnlyList<RobotMessage> For(string robot) => _received.Where(m => m.Robot == robot).ToList();

    private static string Sign(string timestamp, string secret) =>
        Convert.ToBase64String(new HMACSHA256(Encoding.UTF8.GetBytes(secret)).ComputeHash(Encoding.UTF8.GetBytes(timestamp + "\n" + secret)));

    private async Task<IResult> DingTalkAsync(HttpContext context)
    {
        var query = context.Request.Query;
        string token = query["access_token"].ToString(), timestamp = query["timestamp"].ToString(), sign = query["sign"].ToString();
        var body = await new StreamReader(context.Request.Body, Encoding.UTF8).ReadToEndAsync();
        if (!_dingTalkSecrets.TryGetValue(token, out var secret))
            return Refuse(300001, "token is not exist");
        if (!long.TryParse(timestamp, out var ms) || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - ms) > 3_600_000)
            return Refuse(310000, "invalid timestamp");
        // The query string is URL-decoded by the framework: compare with the plain Base64, as 钉钉 does after decoding.
        if (sign != Sign(timestamp, secret))
            return Refuse(310000, "sign not match");
        var now = DateTimeOffset.UtcNow;
        if (_received.Count(m => m.Robot == token && now - m.At < TimeSpan.FromMinutes(1)) >= 20)
            return Refuse(130101, "send too fast, exceed 20 times per minute");
        return Accept(new RobotMessage(token, "dingtalk", body, "", now), new { errcode = 0, errmsg = "ok" });
    }

    private async Task<IResult> WeComAsync(HttpContext context)
    {
        var key = context.Request.Query["key"].ToString();
        var body = await new StreamReader(context.Request.Body, Encoding.UTF8).ReadToEndAsync();
        if (!_weComKeys.ContainsKey(key))
            return Refuse(93000, "invalid webhook url");
        return Accept(new RobotMessage(key, "wecom", body, "", DateTimeOffset.UtcNow), new { errcode = 0, errmsg = "ok" });
    }

    private async Task<IResult> SmsAsync(HttpContext context)
    {
        var body = await new StreamReader(context.Request.Body, Encoding.UTF8).ReadToEndAsync();
        if (FailSmsWith != 0)
            return Results.StatusCode(FailSmsWith);
        var mobile = JsonDocument.Parse(body).RootElement.GetProperty("mobile").GetString()!;
        return Accept(new RobotMessage(mobile, "sms", body, context.Request.Headers.Authorization.ToString(), DateTimeOffset.UtcNow), new { code = "OK" });
    }

    private IResult Accept(RobotMessage message, object reply)
    {
        _received.Enqueue(message);
        MessageReceived?.Invoke(message);
        return Results.Json(reply);
    }

    private IResult Refuse(int errcode, string errmsg)
    {
        _refused.Enqueue($"{errcode} {errmsg}");
        MessageRefused?.Invoke($"{errcode} {errmsg}");
        return Results.Json(new { errcode, errmsg });
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
