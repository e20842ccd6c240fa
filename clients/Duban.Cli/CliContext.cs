using System.CommandLine;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Supervision = Duban.Contracts.Supervision.V1;
using Tasks = Duban.Contracts.Tasks.V1;
using Units = Duban.Contracts.Units.V1;

namespace Duban.Cli;

/// <summary>What a command needs: the settings, authenticated clients and where to write.</summary>
public sealed class CliContext(Settings settings, bool json, TextWriter output)
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(false).WithIndentation());

    public Settings Settings { get; } = settings;
    public bool Json { get; } = json;
    public TextWriter Output { get; } = output;

    public Units.UnitsService.UnitsServiceClient Units => new(Channel(Settings.UnitsUrl));
    public Tasks.TasksService.TasksServiceClient Tasks => new(Channel(Settings.TasksUrl));
    public Supervision.SupervisionService.SupervisionServiceClient Supervision => new(Channel(Settings.SupervisionUrl));

    /// <summary>Per-call options: the bearer token and a deadline.</summary>
    public CallOptions Call(CancellationToken ct, int seconds = 60) =>
        new(new Metadata { { "Authorization", "Bearer " + Settings.Token } }, DateTime.UtcNow.AddSeconds(seconds), ct);

    public void WriteJson(IMessage message) => Output.WriteLine(Formatter.Format(message));

    public void WriteJson<T>(IEnumerable<T> messages) where T : IMessage =>
        Output.WriteLine("[" + string.Join(",\n", messages.Select(m => Formatter.Format(m))) + "]");

    private readonly Dictionary<string, GrpcChannel> _channels = [];

    private GrpcChannel Channel(string url)
    {
        if (!_channels.TryGetValue(url, out var channel))
            _channels[url] = channel = GrpcChannel.ForAddress(url, new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024, MaxSendMessageSize = 64 * 1024 * 1024 });
        return channel;
    }

    public static string Date(Google.Type.Date? date) => date is null || date.Year == 0 ? "" : $"{date.Year:0000}-{date.Month:00}-{date.Day:00}";

    public static Google.Type.Date? ParseDate(string? text, string option) =>
        string.IsNullOrWhiteSpace(text) ? null
        : DateOnly.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var d) ? new Google.Type.Date { Year = d.Year, Month = d.Month, Day = d.Day }
        : throw new CliException($"{option}：“{text}”不是有效日期（yyyy-mm-dd）");
}

/// <summary>A mistake on the command line itself; printed as one line, exit code 2.</summary>
public sealed class CliException(string message) : Exception(message);
