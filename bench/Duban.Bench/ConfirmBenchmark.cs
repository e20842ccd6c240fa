using Duban.Contracts.Tasks.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Npgsql;
using NpgsqlTypes;

namespace Duban.Bench;

/// <summary>
/// ConfirmCompletion under load: many clients, each call by the lead of the assignment's lead unit on an
/// assignment of its own, beside pgbench running the statements the service runs for it at the same concurrency.
/// </summary>
/// <remarks>
/// Both sides get their own imported plan, set Accepted by SQL (status 2, version 2, as an acceptance leaves
/// it) and vacuumed, so each confirms fresh assignments in the same state, in a shuffled order.
/// </remarks>
public static class ConfirmBenchmark
{
    private const string Evidence = "已按期完成，成果文件已印发";
    private const string Link = "https://park.example.cn/docs/1";
    private const int AcceptedVersion = 2;

    public static async Task<int> RunAsync(string[] args)
    {
        var clients = TasksSetup.IntOption(args, "--clients", 16);
        var seconds = TasksSetup.IntOption(args, "--seconds", 20);
        // Untimed calls first, until tiered JIT has compiled the hot path; on two busy cores that takes seconds.
        var warmup = TimeSpan.FromSeconds(TasksSetup.IntOption(args, "--warmup", 10));
        // Per side; more than either side confirms in the time given, so neither runs out.
        var perSide = TasksSetup.IntOption(args, "--assignments", 100_000);

        await using var env = await BenchEnvironment.StartAsync();
        var setup = await TasksSetup.StartAsync(env);
        Console.WriteLine($"importing 2 × {perSide:N0} assignments ...");
        var grpcPlan = await setup.ImportAsync("确认办结压力测试（gRPC）", perSide, seed: 11);
        var sqlPlan = await setup.ImportAsync("确认办结压力测试（pgbench）", perSide, seed: 12);
        await BenchSql.ExecuteAsync(setup.TasksConnectionString, $"""
            UPDATE assignments SET status = 2, version = {AcceptedVersion} WHERE plan_id IN ('{grpcPlan.Id}', '{sqlPlan.Id}');
            CREATE TABLE bench_confirm (n int PRIMARY KEY, id uuid NOT NULL, person_id uuid NOT NULL, snapshot bytea NOT NULL);
            """);
        await PrepareScriptTableAsync(setup, sqlPlan.Id);
        await BenchSql.ExecuteAsync(setup.TasksConnectionString, "VACUUM ANALYZE assignments, assignment_history, task_events, bench_confirm");

        var grpc = await RunGrpcAsync(setup, grpcPlan.Id, clients, warmup, TimeSpan.FromSeconds(seconds));
        var confirmed = await BenchSql.ScalarAsync(setup.TasksConnectionString, $"SELECT count(*) FROM assignments WHERE plan_id = '{grpcPlan.Id}' AND status = 4");
        TasksSetup.Expect(confirmed == grpc.Ok, $"every OK call confirmed one assignment ({grpc.Ok} calls, {confirmed} confirmed)");

        await BenchSql.ExecuteAsync(setup.TasksConnectionString, "VACUUM ANALYZE assignments, assignment_history, task_events");
        var sql = await Pgbench.RunAsync(env, "bench_tasks", Script, clients, seconds,
            new Dictionary<string, string> { ["clients"] = $"{clients}", ["i"] = "0" });
        confirmed = await BenchSql.ScalarAsync(setup.TasksConnectionString, $"SELECT count(*) FROM assignments WHERE plan_id = '{sqlPlan.Id}' AND status = 4");
        TasksSetup.Expect(confirmed == sql.Transactions, $"every pgbench transaction confirmed one assignment ({sql.Transactions} transactions, {confirmed} confirmed)");

        Console.WriteLine();
        Console.WriteLine($"ConfirmCompletion, {clients} concurrent clients, {seconds} s (after {warmup.TotalSeconds:0} s of warm-up for gRPC):");
        // done: calls in the timed part; non-OK: over warm-up and timed part alike.
        Console.WriteLine("                                   per s     p50 ms    p99 ms    max ms      done   non-OK");
        Console.WriteLine($"  gRPC, tasks service             {grpc.PerSecond,7:N0}   {grpc.Latency.Percentile(50),8:0.00}  {grpc.Latency.Percentile(99),8:0.00}  {grpc.Latency.Percentile(100),8:0.00}  {grpc.Latency.Count,8:N0}   {grpc.Failed.Values.Sum(),6}");
        Console.WriteLine($"  pgbench, the same statements    {sql.Tps,7:N0}   {sql.Latency.Percentile(50),8:0.00}  {sql.Latency.Percentile(99),8:0.00}  {sql.Latency.Percentile(100),8:0.00}  {sql.Transactions,8:N0}   {sql.Failed,6}");
        foreach (var (code, count) in grpc.Failed)
            Console.WriteLine($"  gRPC {code}: {count} (first: {grpc.FirstError})");
        Console.WriteLine($"  CPU per call, gRPC:        {grpc.Cpu}");
        Console.WriteLine($"  CPU per call, pgbench:     {sql.Cpu}   (bench = pgbench itself)");
        var ratio = grpc.PerSecond / sql.Tps;
        Console.WriteLine($"  gRPC ÷ pgbench {ratio:P0} (target ≥ 50%: {(ratio >= 0.5 ? "met" : "MISSED")}); gRPC p99 {grpc.Latency.Percentile(99):0.00} ms (target < 20 ms: {(grpc.Latency.Percentile(99) < 20 ? "met" : "MISSED")})");
        return grpc.Failed.Count == 0 ? 0 : 1;
    }

    private static async Task<GrpcLoadResult> RunGrpcAsync(TasksSetup setup, string planId, int clients, TimeSpan warmup, TimeSpan duration)
    {
        var work = new List<(string Id, Metadata Headers)>();
        var headers = setup.LeadHeaders();
        await using (var connection = new NpgsqlConnection(setup.TasksConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT id, lead_unit_id FROM assignments WHERE plan_id = $1 ORDER BY md5(id::text)", connection)
            {
                Parameters = { new() { Value = Guid.Parse(planId) } },
            };
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                work.Add((reader.GetGuid(0).ToString(), headers[reader.GetGuid(1)]));
        }

        var next = -1;
        return await GrpcLoad.RunAsync(setup, clients, warmup, duration, work.Count, () => Interlocked.Increment(ref next), async (client, i) =>
        {
            var a = await client.ConfirmCompletionAsync(
                new ConfirmCompletionRequest { Id = work[i].Id, Version = AcceptedVersion, Evidence = Evidence, Links = { Link } },
                work[i].Headers, DateTime.UtcNow.AddSeconds(30));
            TasksSetup.Expect(a.Status == AssignmentStatus.CompletionRequested && a.Version == AcceptedVersion + 1, "the assignment waits for verification");
        }, "assignments");
    }

    /// <summary>
    /// Numbers the pgbench side's assignments in a shuffled order, with the person confirming and the feed
    /// facts the service would write (the stored ones, moved on to CompletionRequested) — pgbench cannot encode protobuf.
    /// </summary>
    private static async Task PrepareScriptTableAsync(TasksSetup setup, string planId)
    {
        var leads = setup.Departments.ToDictionary(d => d.Id, d => Guid.Parse(d.LeadPersonId));
        var now = Timestamp.FromDateTime(DateTime.UtcNow);
        await using var read = new NpgsqlConnection(setup.TasksConnectionString);
        await using var write = new NpgsqlConnection(setup.TasksConnectionString);
        await read.OpenAsync();
        await write.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT e.facts FROM assignments a JOIN task_events e ON e.assignment_id = a.id
            WHERE a.plan_id = $1 ORDER BY md5(a.id::text)
            """, read) { Parameters = { new() { Value = Guid.Parse(planId) } } };
        await using var reader = await command.ExecuteReaderAsync();
        await using var copy = await write.BeginBinaryImportAsync("COPY bench_confirm (n, id, person_id, snapshot) FROM STDIN (FORMAT BINARY)");
        for (var n = 1; await reader.ReadAsync(); n++)
        {
            var snapshot = Contracts.Tasks.V1.AssignmentFacts.Parser.ParseFrom(reader.GetFieldValue<byte[]>(0));
            snapshot.Status = AssignmentStatus.CompletionRequested;
            snapshot.Version = AcceptedVersion + 1;
            snapshot.UpdateTime = now;
            snapshot.CompletionRequestedTime = now;
            await copy.StartRowAsync();
            await copy.WriteAsync(n, NpgsqlDbType.Integer);
            await copy.WriteAsync(Guid.Parse(snapshot.Id), NpgsqlDbType.Uuid);
            await copy.WriteAsync(leads[snapshot.LeadUnitId], NpgsqlDbType.Uuid);
            await copy.WriteAsync(snapshot.ToByteArray(), NpgsqlDbType.Bytea);
        }
        await copy.CompleteAsync();
    }

    /// <summary>
    /// What ConfirmCompletion runs: read the assignment by id, update it under the version the caller read,
    /// add the history entry and the feed event (its trigger notifies watchers). Transaction i of client c takes
    /// assignment c + clients·i + 1, so no two transactions share one. Prepared, as the service prepares its statements.
    /// </summary>
    private const string Script = """
        \set n :client_id + :clients * :i + 1
        \set i :i + 1
        BEGIN;
        SELECT c.person_id AS person, c.snapshot AS snap, a.* FROM bench_confirm c JOIN assignments a ON a.id = c.id WHERE c.n = :n \gset
        UPDATE assignments SET status = 4, completion_requested_time = now(), update_time = now(), version = :version + 1
            WHERE id = :id AND version = :version;
        INSERT INTO assignment_history (assignment_id, type, time, person_id, unit_id, status_after, progress_percent, text, links, due_date, version)
            VALUES (:id, 'COMPLETION_CONFIRMED', now(), :person, :lead_unit_id, 4, :progress_percent, '已按期完成，成果文件已印发',
                    '{https://park.example.cn/docs/1}', NULL, :version + 1) RETURNING id;
        INSERT INTO task_events (assignment_id, type, version, time, facts)
            VALUES (:id, 'COMPLETION_CONFIRMED', :version + 1, now(), :snap) RETURNING sequence, transaction_id;
        COMMIT;
        """;
}
