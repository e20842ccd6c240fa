using Duban.Bench;

var scenario = args.FirstOrDefault() ?? "help";
return scenario switch
{
    "units" => await UnitsBenchmark.RunAsync(args.Skip(1).ToArray()),
    "import" => await ImportBenchmark.RunAsync(args.Skip(1).ToArray()),
    "confirm" => await ConfirmBenchmark.RunAsync(args.Skip(1).ToArray()),
    _ => Usage(),
};

static int Usage()
{
    Console.WriteLine("""
        usage: dotnet run -c Release --project bench/Duban.Bench -- SCENARIO [options]

          units [--units 50000] [--iterations 300]
                ancestors, descendants and name resolution over a generated unit tree
          import [--items 10000,100000]
                one ImportPlan call per size (a generated 任务分解表), beside binary COPY of the same rows
          confirm [--clients 16] [--seconds 20] [--warmup 10] [--assignments 100000]
                concurrent ConfirmCompletion calls by the lead units' leads (--assignments prepared per side),
                beside pgbench running the same statements at the same concurrency
        """);
    return 2;
}
