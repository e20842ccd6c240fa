using System.CommandLine;
using Duban.Cli.Commands;
using Duban.Cli.Output;
using Grpc.Core;

namespace Duban.Cli;

/// <summary>The `duban` command: its global options, its command groups, and how failures are told.</summary>
public static class CliApp
{
    public delegate Task<int> Handler(CliContext context, ParseResult parse, CancellationToken ct);

    private static readonly Option<string?> UnitsUrl = new("--units-url") { Recursive = true, Description = "单位服务（默认 http://127.0.0.1:5101）" };
    private static readonly Option<string?> TasksUrl = new("--tasks-url") { Recursive = true, Description = "任务服务（默认 http://127.0.0.1:5201）" };
    private static readonly Option<string?> SupervisionUrl = new("--supervision-url") { Recursive = true, Description = "督查服务（默认 http://127.0.0.1:5301）" };
    private static readonly Option<string?> Token = new("--token") { Recursive = true, Description = "访问令牌（默认：DUBAN_TOKEN，其次为登录时保存的）" };
    private static readonly Option<bool> Json = new("--json") { Recursive = true, Description = "输出 JSON，不输出表格" };

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken ct = default)
    {
        var root = new RootCommand("duban — 督办：计划、交办事项及督查督办");
        foreach (var option in new Option[] { UnitsUrl, TasksUrl, SupervisionUrl, Token, Json })
            root.Options.Add(option);
        foreach (var command in LoginCommands.Build().Concat(UnitCommands.Build()).Concat(PlanCommands.Build())
                     .Concat(AssignmentCommands.Build()).Concat(NoticeCommands.Build()).Concat(ReviewCommands.Build()))
            root.Subcommands.Add(command);

        try
        {
            var parse = root.Parse(args);
            // A mistake on the command line is the caller's, not the server's: one line, exit 2, as README says.
            if (parse.Errors.Count > 0)
            {
                error.WriteLine($"duban: {string.Join("; ", parse.Errors.Select(e => e.Message.TrimEnd('.')))} (duban --help)");
                return 2;
            }
            return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, ct);
        }
        catch (RpcException ex)
        {
            Errors.Write(error, ex);
            return 1;
        }
        catch (CliException ex)
        {
            error.WriteLine($"duban: {ex.Message}");
            return 2;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or HttpRequestException)
        {
            error.WriteLine($"duban: {ex.Message}");
            return 1;
        }
    }

    /// <summary>Sets a command's action, giving it the context built from the global options.</summary>
    public static Command With(this Command command, Handler handler)
    {
        command.SetAction(async (parse, ct) =>
        {
            var settings = Settings.Resolve(parse.GetValue(UnitsUrl), parse.GetValue(TasksUrl), parse.GetValue(SupervisionUrl), parse.GetValue(Token));
            if (settings.Token.Length == 0 && ClientCredentials.Configured)
                settings = settings with { Token = await ClientCredentials.TokenAsync(ct) };
            return await handler(new CliContext(settings, parse.GetValue(Json), parse.InvocationConfiguration.Output), parse, ct);
        });
        return command;
    }
}
