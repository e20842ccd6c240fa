using Duban.Local;

// duban-local: `up` (default) runs the system; `token` mints a local token.
var command = args.FirstOrDefault() ?? "up";
var layout = LocalLayout.Find();
try
{
    return command switch
    {
        "up" => await LocalRun.UpAsync(layout),
        "token" => await TokenCommand.RunAsync(layout, args[1..]),
        "-h" or "--help" or "help" => Usage(),
        _ => Usage(1),
    };
}
catch (InvalidOperationException ex)
{
    Console.Error.WriteLine($"duban-local: {ex.Message}");
    return 1;
}

static int Usage(int exitCode = 0)
{
    Console.WriteLine("""
        usage: dotnet run --project deploy/local [-- up]
               dotnet run --project deploy/local -- token --as NAME [--roles office,lead] [--hours 12]
               dotnet run --project deploy/local -- token --person ID --unit ID --roles office

          up      start PostgreSQL (.data/postgres) and the services; Ctrl+C stops everything
          token   print a bearer token signed with the local key (.data/auth/signing-key)
        """);
    return exitCode;
}
