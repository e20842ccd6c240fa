using Duban.Bench;

var scenario = args.FirstOrDefault() ?? "help";
return scenario switch
{
    "units" => await UnitsBenchmark.RunAsync(args.Skip(1).ToArray()),
    "import" => await ImportBenchmark.RunAsync(args.Skip(1).ToArray()),
    "confirm" => await ConfirmBenchmark.RunAsync(args.Skip(1).ToArray()),
    "decompose" => await DecomposeBenchmark.RunAsync(args.Skip(1).ToArray()),
    "supervision" => await SupervisionBenchmark.RunAsync(args.Skip(1).ToArray()),
    "attachments" => await AttachmentsBenchmark.RunAsync(args.Skip(1).ToArray()),
    "notifications" => await NotificationsBenchmark.RunAsync(args.Skip(1).ToArray()),
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
          decompose [--clients 1,8] [--seconds 10] [--warmup 5] [--assignments 40000]
                Decompose calls by the departments' leads, each breaking one imported assignment into one for the
                department's 专班, beside pgbench running what a decomposition needs of the database at the least
          supervision [--scale 1000000 | --assignments 1000000 --overdue 100000 --units 5000] [--parts scan,review,latency,tasks,documents,web]
                      [--changes 300] [--writers 8] [--gap-ms 20] [--tasks-assignments 1000000] [--web-iterations 200]
                      [--explain] [--echo]
                the overdue scan (each notice once, also from two instances at once) and the weekly review over
                projection rows loaded by COPY; how soon a ReportProgress reaches the projection; each service's memory,
                tasks' after importing --tasks-assignments; web: the workbench's dashboard and ledger pages rendered
                on the server, beside the services' calls they make
                (--scale N: N assignments, a tenth overdue, one unit to 200, N imported into tasks; --explain: the
                plans of supervision's statements over 250 ms; --echo: the services' own output)
          attachments [--backends postgres,s3] [--big-mb 100] [--photos 1000] [--photo-kb 200]
                evidence files up and down through the tasks service's gRPC streams, one file of --big-mb and --photos
                JPEGs, beside a plain COPY / SELECT (PostgreSQL) or PutObject / GetObject (S3, s3rver) of the same bytes
          notifications [--notices 100000] [--people 20000] [--digest-in 60] [--concurrency 8] [--ceiling 2000] [--echo]
                one scan raising --notices OVERDUE notices for --people owners with e-mail addresses, their deliveries
                queued for a digest --digest-in seconds ahead (Notifications:DigestTime), the digest sent to smtp4dev,
                and every message received matched with the rows delivered by Message-ID; beside it, smtp4dev's own
                rate for --ceiling messages from MailKit over --concurrency connections (Notifications:MaxConcurrentSends)
        """);
    return 2;
}
