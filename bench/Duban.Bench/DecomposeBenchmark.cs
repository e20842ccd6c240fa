using Duban.Contracts.Tasks.V1;
using Duban.Contracts.Units.V1;
using Duban.ServiceDefaults.Auth;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Npgsql;
using NpgsqlTypes;

namespace Duban.Bench;

/// <summary>
/// Decompose, the everyday write of a lead: each call is a department's lead breaking one of the department's imported
/// assignments into one assignment for its 专班, with the parent's deadline. Beside it, pgbench runs at the same
/// concurrency what a decomposition needs of the database at the least — the child, its history entry and feed event,
/// and the parent's roll-up with its history entry and feed event, each statement once — in one transaction.
/// </summary>
/// <remarks>
/// Every call and every pgbench transaction decomposes a parent of its own, so none waits on another's row lock.
/// </remarks>
public static class DecomposeBenchmark
{
    private const string ChildTitle = "专班细化落实，按周报送推进情况";

    public static async Task<int> RunAsync(string[] args)
    {
        var clientCounts = (TasksSetup.Option(args, "--clients") ?? "1,8").Split(',').Select(int.Parse).ToArray();
        var seconds = TasksSetup.IntOption(args, "--seconds", 10);
        var warmup = TimeSpan.FromSeconds(TasksSetup.IntOption(args, "--warmup", 5));
        // Per side: more parents than either side decomposes in all its runs.
        var perSide = TasksSetup.IntOption(args, "--assignments", 80_000);

        await using var env = await BenchEnvironment.StartAsync();
        var setup = await TasksSetup.StartAsync(env);
        var teams = await CreateTeamsAsync(env, setup);
        Console.WriteLine($"importing 2 × {perSide:N0} assignments ...");
        var grpcPlan = await setup.ImportAsync("分解压力测试（gRPC）", perSide, seed: 31);
        var sqlPlan = await setup.ImportAsync("分解压力测试（pgbench）", perSide, seed: 32);
        await BenchSql.ExecuteAsync(setup.TasksConnectionString, """
            CREATE TABLE bench_decompose (n int PRIMARY KEY, parent_id uuid NOT NULL, team_id uuid NOT NULL, person_id uuid NOT NULL,
                                          child_id uuid NOT NULL, child_facts bytea NOT NULL, parent_facts bytea NOT NULL)
            """);
        await PrepareScriptTableAsync(setup, sqlPlan.Id, teams);
        await BenchSql.ExecuteAsync(setup.TasksConnectionString, "VACUUM ANALYZE assignments, assignment_history, task_events, bench_decompose");
        var work = await GrpcWorkAsync(setup, grpcPlan.Id, teams);

        var rows = new List<string>();
        var failed = false;
        var okCalls = 0;
        var nextWork = 0;
        var nextRow = 0L;
        foreach (var clients in clientCounts)
        {
            var grpc = await RunGrpcAsync(setup, work, clients, warmup, TimeSpan.FromSeconds(seconds), () => Interlocked.Increment(ref nextWork) - 1);
            okCalls += grpc.Ok;
            await BenchSql.ExecuteAsync(setup.TasksConnectionString, "VACUUM ANALYZE assignments, assignment_history, task_events");
            var sql = await Pgbench.RunAsync(env, "bench_tasks", Script, clients, seconds,
                new Dictionary<string, string> { ["clients"] = $"{clients}", ["i"] = "0", ["base"] = $"{nextRow}" });
            nextRow = await LastParentUsedAsync(setup);
            await BenchSql.ExecuteAsync(setup.TasksConnectionString, "VACUUM ANALYZE assignments, assignment_history, task_events");
            // The same statements unprepared, as the services ran them until they prepared theirs: the ceiling of earlier figures.
            var unprepared = await Pgbench.RunAsync(env, "bench_tasks", Script, clients, seconds,
                new Dictionary<string, string> { ["clients"] = $"{clients}", ["i"] = "0", ["base"] = $"{nextRow}" }, "extended");
            nextRow = await LastParentUsedAsync(setup);
            failed |= grpc.Failed.Count > 0 || sql.Failed > 0 || unprepared.Failed > 0;
            var ratio = grpc.PerSecond / sql.Tps;
            rows.Add($"  {clients,2} client{(clients == 1 ? " " : "s")}  gRPC, tasks service     {grpc.PerSecond,7:N0}   {grpc.Latency.Percentile(50),8:0.00}  {grpc.Latency.Percentile(99),8:0.00}  {grpc.Latency.Percentile(100),8:0.00}  {grpc.Latency.Count,8:N0}   {grpc.Failed.Values.Sum(),6}");
            rows.Add($"             pgbench, the statements {sql.Tps,7:N0}   {sql.Latency.Percentile(50),8:0.00}  {sql.Latency.Percentile(99),8:0.00}  {sql.Latency.Percentile(100),8:0.00}  {sql.Transactions,8:N0}   {sql.Failed,6}");
            rows.Add($"             pgbench, unprepared     {unprepared.Tps,7:N0}   {unprepared.Latency.Percentile(50),8:0.00}  {unprepared.Latency.Percentile(99),8:0.00}  {unprepared.Latency.Percentile(100),8:0.00}  {unprepared.Transactions,8:N0}   {unprepared.Failed,6}");
            foreach (var (code, count) in grpc.Failed)
                rows.Add($"             gRPC {code}: {count} (first: {grpc.FirstError})");
            rows.Add($"             CPU per call, gRPC:    {grpc.Cpu}");
            rows.Add($"             CPU per call, pgbench: {sql.Cpu}   (bench = pgbench itself)");
            rows.Add($"             gRPC ÷ pgbench {ratio:P0} (target ≥ 50%: {(ratio >= 0.5 ? "met" : "MISSED")}); p99 {grpc.Latency.Percentile(99) / sql.Latency.Percentile(99):0.0}× pgbench's;"
                + $" ÷ unprepared pgbench {grpc.PerSecond / unprepared.Tps:P0}");
        }

        var children = await BenchSql.ScalarAsync(setup.TasksConnectionString,
            $"SELECT count(*) FROM assignments c JOIN assignments p ON p.id = c.parent_assignment_id WHERE p.plan_id = '{grpcPlan.Id}'");
        TasksSetup.Expect(children == okCalls, $"every OK call created one child ({okCalls} calls, {children} children)");
        var sqlChildren = await BenchSql.ScalarAsync(setup.TasksConnectionString,
            $"SELECT count(*) FROM assignments c JOIN assignments p ON p.id = c.parent_assignment_id WHERE p.plan_id = '{sqlPlan.Id}'");
        var sqlParents = await BenchSql.ScalarAsync(setup.TasksConnectionString,
            $"SELECT count(*) FROM assignments WHERE plan_id = '{sqlPlan.Id}' AND child_count = 1");
        TasksSetup.Expect(sqlChildren == sqlParents, $"every pgbench transaction created one child and rolled its parent up ({sqlChildren} children, {sqlParents} parents)");

        Console.WriteLine();
        Console.WriteLine($"Decompose into one assignment, {seconds} s per concurrency (after {warmup.TotalSeconds:0} s of warm-up for gRPC):");
        Console.WriteLine("                                         per s     p50 ms    p99 ms    max ms      done   non-OK");
        foreach (var row in rows)
            Console.WriteLine(row);
        return failed ? 1 : 0;
    }

    /// <summary>
    /// The highest parent number a pgbench run decomposed: its clients need not run as many transactions each, so the next
    /// run starts above the highest one taken, not above the count.
    /// </summary>
    private static async Task<long> LastParentUsedAsync(TasksSetup setup) => await BenchSql.ScalarAsync(setup.TasksConnectionString,
        "SELECT coalesce(max(d.n), 0) FROM bench_decompose d WHERE EXISTS (SELECT FROM assignments c WHERE c.id = d.child_id)");

    /// <summary>One 专班 (working group) under each department, the unit its lead decomposes to.</summary>
    private static async Task<Dictionary<string, string>> CreateTeamsAsync(BenchEnvironment env, TasksSetup setup)
    {
        var units = new UnitsService.UnitsServiceClient(env.Channel(TasksSetup.UnitsGrpcPort, DubanRoles.Office));
        var teams = new Dictionary<string, string>();
        for (var i = 0; i < setup.Departments.Count; i++)
        {
            var department = setup.Departments[i];
            var team = await units.CreateUnitAsync(new CreateUnitRequest
            {
                Code = $"bench-t{i:00}", Name = department.Name + "工作专班", LevelCode = "working_group", ParentId = department.Id, Kind = "专班",
            });
            teams[department.Id] = team.Id;
        }
        return teams;
    }

    private sealed record Work(string ParentId, long Version, string DeadlineText, string TeamId, Metadata Headers);

    private static async Task<List<Work>> GrpcWorkAsync(TasksSetup setup, string planId, Dictionary<string, string> teams)
    {
        var headers = setup.LeadHeaders();
        var work = new List<Work>();
        await using var connection = new NpgsqlConnection(setup.TasksConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT id, lead_unit_id, version, deadline_text FROM assignments WHERE plan_id = $1 ORDER BY md5(id::text)", connection)
        {
            Parameters = { new() { Value = Guid.Parse(planId) } },
        };
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var lead = reader.GetGuid(1);
            work.Add(new Work(reader.GetGuid(0).ToString(), reader.GetInt64(2), reader.GetString(3), teams[lead.ToString()], headers[lead]));
        }
        return work;
    }

    private static Task<GrpcLoadResult> RunGrpcAsync(TasksSetup setup, List<Work> work, int clients, TimeSpan warmup, TimeSpan duration, Func<int> take) =>
        GrpcLoad.RunAsync(setup, clients, warmup, duration, work.Count, take, async (client, i) =>
        {
            var w = work[i];
            var response = await client.DecomposeAsync(new DecomposeRequest
            {
                AssignmentId = w.ParentId, ParentVersion = w.Version,
                Assignments = { new NewAssignment { Title = ChildTitle, LeadUnitId = w.TeamId, DeadlineText = w.DeadlineText } },
            }, w.Headers, DateTime.UtcNow.AddSeconds(30));
            TasksSetup.Expect(response.Assignments.Count == 1 && response.Assignments[0].ParentAssignmentId == w.ParentId, "one child under the parent");
        }, "parents");

    /// <summary>
    /// Numbers the pgbench side's parents in a shuffled order, each with its department's 专班 and lead, the child's id and
    /// the feed facts the service would write for the child and the rolled-up parent — pgbench cannot encode protobuf.
    /// </summary>
    private static async Task PrepareScriptTableAsync(TasksSetup setup, string planId, Dictionary<string, string> teams)
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
        await using var copy = await write.BeginBinaryImportAsync(
            "COPY bench_decompose (n, parent_id, team_id, person_id, child_id, child_facts, parent_facts) FROM STDIN (FORMAT BINARY)");
        for (var n = 1; await reader.ReadAsync(); n++)
        {
            var parent = AssignmentFacts.Parser.ParseFrom(reader.GetFieldValue<byte[]>(0));
            var team = teams[parent.LeadUnitId];
            var child = parent.Clone();
            child.Id = Guid.CreateVersion7().ToString();
            child.ParentAssignmentId = parent.Id;
            child.AssigningUnitId = parent.LeadUnitId;
            child.LeadUnitId = team;
            child.CoUnitIds.Clear();
            child.OwnerPersonId = "";
            child.OwnerName = "";
            child.Title = ChildTitle;
            child.Status = AssignmentStatus.Assigned;
            child.ProgressPercent = 0;
            child.Version = 1;
            child.CreateTime = now;
            child.UpdateTime = now;
            parent.Version += 1;
            parent.ChildCount += 1;
            parent.OpenChildCount += 1;
            parent.ProgressPercent = 0;
            parent.UpdateTime = now;
            await copy.StartRowAsync();
            await copy.WriteAsync(n, NpgsqlDbType.Integer);
            await copy.WriteAsync(Guid.Parse(parent.Id), NpgsqlDbType.Uuid);
            await copy.WriteAsync(Guid.Parse(team), NpgsqlDbType.Uuid);
            await copy.WriteAsync(leads[parent.LeadUnitId], NpgsqlDbType.Uuid);
            await copy.WriteAsync(Guid.Parse(child.Id), NpgsqlDbType.Uuid);
            await copy.WriteAsync(child.ToByteArray(), NpgsqlDbType.Bytea);
            await copy.WriteAsync(parent.ToByteArray(), NpgsqlDbType.Bytea);
        }
        await copy.CompleteAsync();
    }

    /// <summary>
    /// What a decomposition into one assignment needs: read the parent, insert the child (its fields from the parent and
    /// the 专班), update the parent under the version the caller read — one more open child, progress rolled up from its
    /// children — and add both history entries and both feed events (the trigger notifies watchers). Transaction i of
    /// client c takes parent base + c + clients·i + 1, so no two transactions share one.
    /// </summary>
    private const string Script = """
        \set n :base + :client_id + :clients * :i + 1
        \set i :i + 1
        BEGIN;
        SELECT d.child_id AS child, d.team_id AS team, d.person_id AS person, d.child_facts AS cfacts, d.parent_facts AS pfacts, p.*
            FROM bench_decompose d JOIN assignments p ON p.id = d.parent_id WHERE d.n = :n \gset
        INSERT INTO assignments (id, plan_id, item_id, parent_assignment_id, assigning_unit_id, lead_unit_id, co_unit_ids, owner_name, title,
                                 deadline_kind, deadline_text, due_date, due_precision, milestones, original_due_date, deadline_context_date,
                                 deadline_version, source, time_zone, status, progress_percent, child_count, open_child_count, lead_collective,
                                 create_time, update_time, version)
            SELECT :child::uuid, p.plan_id, p.item_id, p.id, p.lead_unit_id, :team::uuid, '{}', '', '专班细化落实，按周报送推进情况',
                   p.deadline_kind, p.deadline_text, p.due_date, p.due_precision, p.milestones, p.due_date, p.deadline_context_date,
                   1, p.source, p.time_zone, 1, 0, 0, 0, '', now(), now(), 1
            FROM assignments p WHERE p.id = :id::uuid;
        UPDATE assignments SET child_count = child_count + 1, open_child_count = open_child_count + 1, update_time = now(), version = :version + 1,
                               progress_percent = (SELECT avg(progress_percent)::int FROM assignments WHERE parent_assignment_id = :id::uuid)
            WHERE id = :id::uuid AND version = :version;
        INSERT INTO assignment_history (assignment_id, type, time, person_id, unit_id, status_after, progress_percent, text, links, due_date, version)
            VALUES (:child::uuid, 'ASSIGNED', now(), :person::uuid, :lead_unit_id::uuid, 1, 0, '专班细化落实，按周报送推进情况', '{}', NULL, 1),
                   (:id::uuid, 'DECOMPOSED', now(), :person::uuid, :lead_unit_id::uuid, :status::int, 0, '分解为 1 项', '{}', NULL, :version + 1);
        INSERT INTO task_events (assignment_id, type, version, time, facts)
            VALUES (:child::uuid, 'ASSIGNED', 1, now(), :cfacts::bytea), (:id::uuid, 'DECOMPOSED', :version + 1, now(), :pfacts::bytea);
        COMMIT;
        """;
}
