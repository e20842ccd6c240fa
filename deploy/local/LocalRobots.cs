using System.Security.Cryptography;
using System.Text.Json;
using Duban.Harness.Processes;
using Duban.Harness.Robots;

namespace Duban.Local;

/// <summary>
/// The sample's group robots: a local 钉钉 custom robot (signed, checked as 钉钉 checks it) and a 企业微信 robot, both on
/// the receiver the tests use, at http://127.0.0.1:<see cref="LocalRun.RobotsPort"/>. Their token, secret and key are
/// kept in .data/robots.json, so the URLs stored in the units service on the first run still work on the next.
/// Each message received is printed in the run's log and listed at GET /messages.
/// </summary>
public sealed class LocalRobots : IAsyncDisposable
{
    /// <summary>The sample unit whose notices go to the robots: 经发局 (lead 陈志刚).</summary>
    public const string UnitCode = "park-jfj";

    private sealed record Keys(string DingTalkToken, string DingTalkSecret, string WeComKey);

    private LocalRobots(RobotReceiver receiver, string dingTalkUrl, string dingTalkSecret, string weComUrl)
    {
        Receiver = receiver;
        DingTalkUrl = dingTalkUrl;
        DingTalkSecret = dingTalkSecret;
        WeComUrl = weComUrl;
    }

    public RobotReceiver Receiver { get; }
    public string DingTalkUrl { get; }
    public string DingTalkSecret { get; }
    public string WeComUrl { get; }
    public string MessagesUrl => $"http://127.0.0.1:{LocalRun.RobotsPort}/messages";

    public static async Task<LocalRobots> StartAsync(LocalLayout layout)
    {
        var file = Path.Combine(layout.DataDirectory, "robots.json");
        Keys keys;
        if (File.Exists(file))
        {
            keys = JsonSerializer.Deserialize<Keys>(await File.ReadAllTextAsync(file))
                ?? throw new InvalidOperationException($"{file} is empty; delete it for new robots");
        }
        else
        {
            keys = new Keys(Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant(),
                "SEC" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant(), Guid.NewGuid().ToString());
            Directory.CreateDirectory(layout.DataDirectory);
            await File.WriteAllTextAsync(file, JsonSerializer.Serialize(keys));
        }
        var receiver = await RobotReceiver.StartAsync(LocalRun.RobotsPort);
        receiver.MessageReceived += message =>
        {
            var name = message.Kind == "dingtalk" ? "钉钉" : message.Kind == "wecom" ? "企业微信" : "短信";
            foreach (var line in message.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                ServiceProcess.Write("robots", $"{name}: {line}", ConsoleColor.Cyan);
        };
        receiver.MessageRefused += reason => ServiceProcess.Write("robots", $"refused: {reason}", ConsoleColor.Yellow);
        return new LocalRobots(receiver, receiver.AddDingTalkRobot(keys.DingTalkToken, keys.DingTalkSecret), keys.DingTalkSecret,
            receiver.AddWeComRobot(keys.WeComKey));
    }

    public ValueTask DisposeAsync() => Receiver.DisposeAsync();
}
