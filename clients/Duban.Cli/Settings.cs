using System.Text.Json;

namespace Duban.Cli;

/// <summary>
/// Where the services are and who is calling. Flags win over environment variables (DUBAN_UNITS_URL,
/// DUBAN_TASKS_URL, DUBAN_SUPERVISION_URL, DUBAN_TOKEN), which win over the config file
/// (DUBAN_CONFIG, else ~/.config/duban/config.json, written by `duban login`), which wins over the local defaults.
/// Without a token flag or DUBAN_TOKEN, a configured client (<see cref="ClientCredentials"/>) gets the token.
/// </summary>
public sealed record Settings(string UnitsUrl, string TasksUrl, string SupervisionUrl, string Token)
{
    public const string DefaultUnitsUrl = "http://127.0.0.1:5101";
    public const string DefaultTasksUrl = "http://127.0.0.1:5201";
    public const string DefaultSupervisionUrl = "http://127.0.0.1:5301";

    public static string ConfigPath =>
        Environment.GetEnvironmentVariable("DUBAN_CONFIG") is { Length: > 0 } path
            ? path
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config", "duban", "config.json");

    public static Settings Resolve(string? units, string? tasks, string? supervision, string? token)
    {
        var file = Load();
        static string Pick(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v)) ?? "";
        return new Settings(
            Pick(units, Environment.GetEnvironmentVariable("DUBAN_UNITS_URL"), file?.UnitsUrl, DefaultUnitsUrl),
            Pick(tasks, Environment.GetEnvironmentVariable("DUBAN_TASKS_URL"), file?.TasksUrl, DefaultTasksUrl),
            Pick(supervision, Environment.GetEnvironmentVariable("DUBAN_SUPERVISION_URL"), file?.SupervisionUrl, DefaultSupervisionUrl),
            // A client of its own (cron on a server) is asked for a token instead of using a saved login.
            Pick(token, Environment.GetEnvironmentVariable("DUBAN_TOKEN"), ClientCredentials.Configured ? "" : file?.Token, ""));
    }

    public void Save()
    {
        var path = ConfigPath;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, JsonSerializer.Serialize(this, JsonSerializerOptions.Web));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private static Settings? Load() =>
        File.Exists(ConfigPath) ? JsonSerializer.Deserialize<Settings>(File.ReadAllText(ConfigPath), JsonSerializerOptions.Web) : null;
}
