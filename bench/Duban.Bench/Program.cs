using Duban.Bench;

var scenario = args.FirstOrDefault() ?? "help";
return scenario switch
{
    "units" => await UnitsBenchmark.RunAsync(args.Skip(1).ToArray()),
    _ => Usage(),
};

static int Usage()
{
    Console.WriteLine("""
        usage: dotnet run -c Release --project bench/Duban.Bench -- SCENARIO [options]

          units [--units 50000] [--iterations 300]
                ancestors, descendants and name resolution over a generated unit tree
        """);
    return 2;
}
