using System.Diagnostics;
using Duban.Contracts.Supervision.V1;
using Duban.Contracts.Tasks.V1;
using Duban.Harness.Processes;
using Duban.ServiceDefaults.Auth;
using Duban.ServiceDefaults.Memory;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Npgsql;
using NpgsqlTypes;

namespace Duban.Bench;

/// <summary>
/// The supervision service's targets: the overdue scan over 1,000,000 open assignments raising 100,000 notices
/// exactly once, the weekly review over 1,000,000 assignments led by 5,000 units, how soon a change in the tasks
/// service reaches the projection, and each service's resident memory.
/// </summary>
/// <remarks>
/// <para>
/// The units service gets a scope unit (a city) with 5,000 units below it by COPY, as the units scenario loads its
/// tree. A supervision instance that does not follow the feed (Projection:Enabled=false) gets 1,000,000 projection
/// rows by COPY, led by those 5,000 units, all open (Assigned, Accepted, In progress): 100,000 chosen at random are
/// due on 18 or 19 November 2026, so as of the scan's instant (Friday 20 November 10:00, Asia/Shanghai) they are 1 or 2
/// days overdue — OVERDUE level 0 and no escalation (3 days); the rest are due from 23 November 2026 to 30 June 2027
/// (after as-of + 3 days, so nothing is due soon; BEHIND_SCHEDULE looks only at those) or have no deadline (1 in 20, 长期坚持).
/// So one scan must raise exactly 100,000 OVERDUE notices and nothing else, and a second scan nothing.
/// </para>
/// <para>
/// The review is of 2026-W47 (16–22 November), frozen as of Monday 23 November 00:00: all 1,000,000 assigned
/// and 100,000 overdue (newly, this week). Projection latency runs on a third instance that follows the tasks feed,
/// with ReportProgress calls by the lead unit's lead on imported, accepted assignments. Last, the tasks service
/// imports 1,000,000 assignments (plans of 100,000 measures), so its memory is read with as many stored.
/// </para>
/// </remarks>
public static class SupervisionBenchmark
{
    private static readonly DateTimeOffset ScanAsOf = new(2026, 11, 20, 10, 0, 0, TimeSpan.FromHours(8));
    private const string ReviewWeek = "2026-W47";
    private static readonly DateOnly[] OverdueDates = [new(2026, 11, 18), new(2026, 11, 19)];
    private static readonly DateOnly FirstLaterDate = new(2026, 11, 23);
    private static readonly DateOnly LastDate = new(2027, 6, 30);
    private const double MemoryTargetMb = 300;

    private static readonly string[] Bureaus =
    [
        "财政局", "发展和改革局", "组织部", "金融工作办公室", "宣传部", "交通运输局", "住房和城乡建设局", "自然资源局",
        "生态环境局", "应急管理局", "商务局", "科技局", "教育局", "卫生健康委员会", "民政局", "人力资源和社会保障局",
        "农业农村局", "水务局", "市场监督管理局", "审计局",
    ];

    private static readonly string[] Topics =
    [
        "招商引资", "项目建设", "安全生产", "环境整治", "营商环境", "乡村振兴", "数字化转型", "民生实事", "审批改革", "园区开发",
        "人才引进", "债务化解", "城市更新", "产业升级", "河湖长制", "文明创建", "老旧小区改造", "防汛抗旱", "信访维稳", "金融服务",
    ];

    private static readonly string[] MeasureForms =
    [
        "梳理{0}支持政策，形成专门请示报市政府审定",
        "到省有关部门对接跑办{0}事项，逐项建立台账",
        "制定{0}年度工作方案，明确时间表和路线图",
        "组织开展{0}督导检查，发现问题限期整改",
        "建立{0}月调度机制，按月报送进展情况",
        "拿出{0}承接方案，落实责任单位和责任人",
        "完善{0}考核办法，纳入年度综合考核",
    ];

    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭"];
    private static readonly string[] GivenNames = ["建国", "志刚", "海涛", "丽华", "晓东", "明", "伟", "静", "敏", "立新", "文博", "国栋", "雪梅", "磊", "宏", "帆"];
    private static readonly char[] Syllables = "临江东西南北新城港海山河湖华安宁平康阳泉".ToCharArray();

    public static async Task<int> RunAsync(string[] args)
    {
        // --scale N keeps the default run's proportions: a tenth overdue, one unit to 200 assignments.
        var scale = TasksSetup.IntOption(args, "--scale", 1_000_000);
        var total = TasksSetup.IntOption(args, "--assignments", scale);
        var overdue = TasksSetup.IntOption(args, "--overdue", scale / 10);
        var unitCount = TasksSetup.IntOption(args, "--units", scale / 200);
        // Five minutes a call per million assignments: a scan or review of ten million takes ten times one of a million.
        DateTime Deadline() => DateTime.UtcNow.AddMinutes(5 * Math.Max(1, total / 1_000_000));
        var changes = TasksSetup.IntOption(args, "--changes", 300);
        var writers = TasksSetup.IntOption(args, "--writers", 8);
        var gapMs = TasksSetup.IntOption(args, "--gap-ms", 20);
        var parts = (TasksSetup.Option(args, "--parts") ?? "scan,review,latency,tasks").Split(',').ToHashSet();
        // The office documents are exports of the review: they need it run first.
        if (parts.Contains("documents"))
            parts.Add("review");
        var tasksTotal = TasksSetup.IntOption(args, "--tasks-assignments", scale);
        TasksSetup.Expect(overdue <= total && unitCount > 1_100, "--overdue ≤ --assignments and --units > 1,100");

        BenchEnvironment.EchoServiceOutput = args.Contains("--echo");
        await using var env = await BenchEnvironment.StartAsync();
        var setup = await TasksSetup.StartAsync(env);
        var unitsDb = env.Cluster.ConnectionString("bench_units");

        var supervisionSettings = new Dictionary<string, string>
        {
            ["Units:Address"] = $"http://127.0.0.1:{TasksSetup.UnitsGrpcPort}",
            ["Tasks:Address"] = $"http://127.0.0.1:{TasksSetup.TasksGrpcPort}",
            ["Scan:IntervalSeconds"] = "0",
            ["Projection:Enabled"] = "false",
        };
        var explain = args.Contains("--explain");
        if (explain)
        {
            // Diagnostics only: the plans of the service's slow statements (auto_explain, with timing) go to the cluster's log.
            await env.Cluster.CreateDatabaseAsync("bench_supervision");
            await BenchSql.ExecuteAsync(env.Cluster.ConnectionString("postgres"), """
                ALTER DATABASE bench_supervision SET session_preload_libraries = 'auto_explain';
                ALTER DATABASE bench_supervision SET auto_explain.log_min_duration = '250ms';
                ALTER DATABASE bench_supervision SET auto_explain.log_analyze = on;
                ALTER DATABASE bench_supervision SET auto_explain.log_buffers = on;
                """);
        }
        var scanHttp = TasksSetup.FreePorts(15300);
        var (_, supervisionDb) = await env.StartServiceProcessAsync("supervision", "Duban.Supervision", "Supervision", "bench_supervision",
            scanHttp, scanHttp + 1, supervisionSettings);
        var office = new SupervisionService.SupervisionServiceClient(env.Channel(scanHttp + 1, DubanRoles.Office));

        Console.WriteLine($"loading {unitCount:N0} units and {total:N0} projected assignments (COPY) ...");
        var tree = GenerateUnits(unitCount);
        var started = Stopwatch.GetTimestamp();
        await BenchSql.LoadUnitsAsync(unitsDb, tree.Select(u => new UnitRow(u.Id, u.Code, u.Name, u.Level, u.Parent?.Id, u.Path, u.Depth,
            u.Level is "department" or "working_group" ? "部门" : "政府")).ToList());
        var unitsLoadSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var scope = tree[0];
        var below = tree.Skip(1).ToArray();

        started = Stopwatch.GetTimestamp();
        var expectedOverdue = await LoadAssignmentsAsync(supervisionDb, below, total, overdue);
        var copySeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        started = Stopwatch.GetTimestamp();
        // And a checkpoint: the load leaves much of the table in dirty buffers, which the first statement to read it would
        // otherwise write out itself (the review did, at the first run); a database in use has long flushed them.
        await BenchSql.ExecuteAsync(supervisionDb, "VACUUM ANALYZE assignments");
        await BenchSql.ExecuteAsync(supervisionDb, "CHECKPOINT");
        var vacuumSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        TasksSetup.Expect(expectedOverdue == overdue, $"{overdue} overdue rows generated (got {expectedOverdue})");
        TasksSetup.Expect(await BenchSql.ScalarAsync(supervisionDb, "SELECT count(*) FROM assignments WHERE status IN (1, 2, 3)") == total,
            $"{total} open assignments stored");
        var memoryLoaded = ResidentMemory.Take(env);

        var summary = new List<string>();
        var failed = false;

        if (parts.Contains("scan"))
        {
            // The first scan after loading reads every row and stores when each must be read next; as of 2026-01-01 nothing applies.
            started = Stopwatch.GetTimestamp();
            var warm = await office.ScanNowAsync(new ScanNowRequest { AsOf = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)) },
                deadline: Deadline());
            var warmSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            TasksSetup.Expect(Raised(warm) == 0 && warm.ReadAll && warm.AssignmentsRead == total,
                $"the first scan (as of 2026-01-01) reads all {total} rows and raises nothing (read {warm.AssignmentsRead}, raised {Raised(warm)})");

            Console.WriteLine($"ScanNow as of {ScanAsOf:yyyy-MM-dd HH:mm zzz} over {total:N0} open assignments ...");
            var request = new ScanNowRequest { AsOf = Timestamp.FromDateTimeOffset(ScanAsOf) };
            var cpu = CpuUsage.Take(env);
            started = Stopwatch.GetTimestamp();
            var first = await office.ScanNowAsync(request, deadline: Deadline());
            var firstSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var firstCpu = CpuUsage.Take(env).Since(cpu, 1, "s", 1000);
            TasksSetup.Expect(first.Overdue == overdue && Raised(first) == overdue && first.Resolved == 0,
                $"the first scan raised {overdue} OVERDUE notices and nothing else (overdue {first.Overdue}, due soon {first.DueSoon}, escalated {first.Escalated}, "
                + $"behind schedule {first.BehindSchedule}, milestone {first.MilestoneOverdue}, resolved {first.Resolved})");
            await CheckNoticesAsync(supervisionDb, overdue);

            started = Stopwatch.GetTimestamp();
            var second = await office.ScanNowAsync(request, deadline: Deadline());
            var secondSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            TasksSetup.Expect(Raised(second) == 0 && second.Resolved == 0, $"the second scan raised nothing (got {Raised(second)}, resolved {second.Resolved})");
            await CheckNoticesAsync(supervisionDb, overdue);

            // Two instances on the same database scanning the same rows at once: still each notice once.
            var otherHttp = TasksSetup.FreePorts(15320);
            var (other, _) = await env.StartServiceProcessAsync("supervision-2", "Duban.Supervision", "Supervision", "bench_supervision",
                otherHttp, otherHttp + 1, supervisionSettings);
            var office2 = new SupervisionService.SupervisionServiceClient(env.Channel(otherHttp + 1, DubanRoles.Office));
            TasksSetup.Expect(Raised(await office2.ScanNowAsync(request, deadline: Deadline())) == 0,
                "a second instance's warm-up scan raises nothing (the notices exist)");
            // Emptied notices, their assignments marked changed (as the projection marks them), so they are read again; not
            // beside the service naming and queueing them in the background, whose locks the TRUNCATE would deadlock with.
            await NoticesSettledAsync(supervisionDb, overdue);
            await BenchSql.ExecuteAsync(supervisionDb, "UPDATE scan_marks SET next_scan_at = 'epoch' WHERE assignment_id IN (SELECT assignment_id FROM notices)");
            await BenchSql.ExecuteAsync(supervisionDb, "TRUNCATE notices CASCADE");
            await BenchSql.ExecuteAsync(supervisionDb, "VACUUM ANALYZE notices");
            await BenchSql.ExecuteAsync(supervisionDb, "VACUUM ANALYZE scan_marks");
            Console.WriteLine("two instances scan the same rows at once ...");
            started = Stopwatch.GetTimestamp();
            var both = await Task.WhenAll(Try(office.ScanNowAsync(request, deadline: Deadline()).ResponseAsync),
                Try(office2.ScanNowAsync(request, deadline: Deadline()).ResponseAsync));
            var bothSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var memoryScanned = ResidentMemory.Take(env);
            await env.StopServiceAsync(other);

            // The cost a scan had when it read every row, as one still does under changed rules: notices emptied, scan state forgotten.
            await NoticesSettledAsync(supervisionDb, overdue);
            await BenchSql.ExecuteAsync(supervisionDb, "TRUNCATE notices CASCADE; UPDATE scan_state SET rules = '', last_as_of = NULL");
            await BenchSql.ExecuteAsync(supervisionDb, "VACUUM ANALYZE notices");
            started = Stopwatch.GetTimestamp();
            var full = await office.ScanNowAsync(request, deadline: Deadline());
            var fullSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            TasksSetup.Expect(full.ReadAll && full.Overdue == overdue && Raised(full) == overdue, $"the scan reading every row raised {overdue} (got {Raised(full)})");
            await CheckNoticesAsync(supervisionDb, overdue);

            summary.Add($"overdue scan, one ScanNow call as of {ScanAsOf:yyyy-MM-dd HH:mm zzz}, reading only the rows changed or come due:");
            summary.Add($"  first scan after loading (as of 2026-01-01): reads all {warm.AssignmentsRead:N0}, raises 0   {warmSeconds,7:0.000} s");
            summary.Add($"  {total:N0} open assignments, {overdue:N0} notices raised      {firstSeconds,7:0.000} s   (target < 2 s: {(firstSeconds < 2 ? "met" : "MISSED")}; "
                + $"read {first.AssignmentsRead:N0}; each exactly once: checked)");
            summary.Add($"  CPU during it: {firstCpu}");
            summary.Add($"  the same scan again, raising 0, reading {second.AssignmentsRead:N0}          {secondSeconds,7:0.000} s   (target < 0.2 s: {(secondSeconds < 0.2 ? "met" : "MISSED")})");
            summary.Add($"  reading every row (as under changed rules), raising {Raised(full):N0}  {fullSeconds,7:0.000} s   (read {full.AssignmentsRead:N0})");
            if (both.All(b => b.Result is not null))
            {
                var split = both.Select(b => b.Result!.Overdue).ToArray();
                TasksSetup.Expect(split.Sum() == overdue && both.All(b => Raised(b.Result!) == b.Result!.Overdue),
                    $"two instances at once raised {overdue} in all ({split[0]} + {split[1]})");
                await CheckNoticesAsync(supervisionDb, overdue);
                summary.Add($"  two instances at once (notices emptied first)    {bothSeconds,7:0.000} s   raised {split[0]:N0} + {split[1]:N0} = {split.Sum():N0}: exact");
            }
            else
            {
                failed = true;
                summary.Add($"  two instances at once: FAILED, {string.Join("; ", both.Where(b => b.Error is not null).Select(b => b.Error))}");
            }
            MemoryColumns.Add(("after scans", memoryScanned));
            // The next part starts on a quiet database: after the service, in the background, has named the recipients of
            // the scans' notices (50,000 a poll) and queued their notifications (5,000 a batch), each asking the units
            // service, and not beside autovacuum catching up with them.
            var settling = await NoticesSettledAsync(supervisionDb, overdue);
            summary.Add($"  then {settling.TotalSeconds:0} s until the service had named and queued the notices' recipients in the background");
            await BenchSql.ExecuteAsync(supervisionDb, "VACUUM ANALYZE notices");
            await BenchSql.ExecuteAsync(supervisionDb, "CHECKPOINT");
            // The repeat scan above ran beside that background work; the same on a quiet database, a few times.
            var quiet = new List<double>();
            for (var i = 0; i < 5; i++)
            {
                started = Stopwatch.GetTimestamp();
                var repeat = await office.ScanNowAsync(request, deadline: Deadline());
                quiet.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
                TasksSetup.Expect(Raised(repeat) == 0 && repeat.AssignmentsRead == 0, "a quiet repeat scan reads and raises nothing");
            }
            summary.Add($"  the same scan again on a quiet database, 5 times: {string.Join(" / ", quiet.Select(q => $"{q:0.000}"))} s   "
                + $"(target < 0.2 s: {(quiet.Max() < 0.2 ? "met" : "MISSED")})");
            summary.Add("");
        }
        MemoryColumns.Insert(0, ("after load", memoryLoaded));

        if (parts.Contains("review"))
        {
            // Untimed: the first review of a process JITs its code paths (here and in the units service); one district's review warms them.
            var district = below.First(u => u.Level == "district");
            var warm = await office.RunWeeklyReviewAsync(new RunWeeklyReviewRequest { ScopeUnitId = district.Id.ToString(), Week = ReviewWeek },
                deadline: Deadline());
            await office.ExportBulletinAsync(new ExportBulletinRequest { ReviewId = warm.Id, Format = BulletinFormat.Markdown }, deadline: Deadline());

            Console.WriteLine($"RunWeeklyReview {ReviewWeek} of {scope.Name} ({below.Length:N0} units below it) ...");
            var run = new RunWeeklyReviewRequest { ScopeUnitId = scope.Id.ToString(), Week = ReviewWeek };
            var cpu = CpuUsage.Take(env);
            started = Stopwatch.GetTimestamp();
            var review = await office.RunWeeklyReviewAsync(run, deadline: Deadline());
            var reviewSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var reviewCpu = CpuUsage.Take(env).Since(cpu, 1, "s", 1000);
            TasksSetup.Expect(review.Week == ReviewWeek && review.Assigned == total && review.Overdue == overdue,
                $"the review counts {total} assigned and {overdue} overdue (got {review.Assigned} and {review.Overdue})");
            started = Stopwatch.GetTimestamp();
            var again = await office.RunWeeklyReviewAsync(run, deadline: Deadline());
            var againSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            TasksSetup.Expect(again.Id == review.Id && again.Assigned == review.Assigned, "running it again returns the stored review");
            started = Stopwatch.GetTimestamp();
            var bulletin = await office.ExportBulletinAsync(new ExportBulletinRequest { ReviewId = review.Id, Format = BulletinFormat.Markdown },
                deadline: Deadline());
            var exportSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            // The documents of every item, streamed as the CLI exports them; only their size is kept here.
            async Task<(long Bytes, double Seconds)> StreamAsync(BulletinFormat format, BulletinTable table = BulletinTable.Unspecified)
            {
                var begun = Stopwatch.GetTimestamp();
                long bytes = 0;
                using var call = office.StreamBulletin(new ExportBulletinRequest { ReviewId = review.Id, Format = format, Table = table },
                    deadline: Deadline());
                await foreach (var chunk in call.ResponseStream.ReadAllAsync())
                    bytes += chunk.Data.Length;
                return (bytes, Stopwatch.GetElapsedTime(begun).TotalSeconds);
            }
            var csv = await StreamAsync(BulletinFormat.Csv, BulletinTable.Items);
            var json = await StreamAsync(BulletinFormat.Json);
            // The ceiling: PostgreSQL alone passing once over every projected row (reading each title), one process as the
            // review's listing pass runs; the review passes once (the counts of the simply-open are kept by the projection) and writes.
            started = Stopwatch.GetTimestamp();
            await BenchSql.ScalarAsync(supervisionDb, "SET max_parallel_workers_per_gather = 0; SELECT count(*) + max(length(title)) FROM assignments");
            var passSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            await SettleAsync();
            MemoryColumns.Add(("after review", ResidentMemory.Take(env)));

            summary.Add($"weekly review {ReviewWeek} (frozen as of its Sunday 24:00), scope {scope.Name} with {below.Length:N0} units below it, {total:N0} assignments");
            summary.Add($"(after an untimed review of one district, {district.Name}, {warm.Assigned:N0} assignments):");
            summary.Add($"  RunWeeklyReview, computed and stored              {reviewSeconds,7:0.000} s   (target < 1 s: {(reviewSeconds < 1 ? "met" : "MISSED")})");
            summary.Add($"  ceiling: one pass of PostgreSQL alone over the projection {passSeconds,7:0.000} s   (review / pass = {reviewSeconds / passSeconds:0.0})");
            summary.Add($"  RunWeeklyReview again, the stored review          {againSeconds,7:0.000} s");
            summary.Add($"  ExportBulletin, Markdown ({System.Text.Encoding.UTF8.GetByteCount(bulletin.Content) / 1e6:0.0} MB)              {exportSeconds,7:0.000} s");
            summary.Add($"  StreamBulletin, CSV of every item ({csv.Bytes / 1e6:0.0} MB)   {csv.Seconds,7:0.000} s");
            summary.Add($"  StreamBulletin, JSON of every item ({json.Bytes / 1e6:0.0} MB)  {json.Seconds,7:0.000} s");
            summary.Add($"  CPU during the first: {reviewCpu}");
            summary.Add("");

            if (parts.Contains("documents"))
            {
                // Each export on its own, after the service has given memory back: its peak is VmHWM reset just before it
                // (writing 5 to /proc/PID/clear_refs), so each figure is that export's own high-water mark.
                var pid = env.Services.Single(s => s.Launch.Name == "supervision").ProcessId;
                async Task<(long Bytes, double Seconds, double Before, double Peak)> MeasureAsync(BulletinFormat format, BulletinTable table = BulletinTable.Unspecified)
                {
                    await SettleAsync();
                    await File.WriteAllTextAsync($"/proc/{pid}/clear_refs", "5");
                    var before = ResidentMemory.Of(pid);
                    var (bytes, seconds) = await StreamAsync(format, table);
                    return (bytes, seconds, before.Megabytes, ResidentMemory.Of(pid).PeakMegabytes);
                }
                // Untimed: the first export of each kind JITs its libraries (OpenXml, MiniExcel); the district's review warms them.
                foreach (var format in new[] { BulletinFormat.Xlsx, BulletinFormat.Docx })
                    await office.ExportBulletinAsync(new ExportBulletinRequest { ReviewId = warm.Id, Format = format }, deadline: Deadline());
                Console.WriteLine("exporting the review as CSV, .xlsx and .docx ...");
                var rows = new List<(string Name, (long Bytes, double Seconds, double Before, double Peak) M)>
                {
                    ("CSV of every item (StreamBulletin)", await MeasureAsync(BulletinFormat.Csv, BulletinTable.Items)),
                    (".xlsx workbook, every item", await MeasureAsync(BulletinFormat.Xlsx)),
                    (".docx 通报 (Markdown's limits)", await MeasureAsync(BulletinFormat.Docx)),
                };
                var csvRow = rows[0].M;
                summary.Add($"office documents of that review, supervision's resident memory before → peak during each export:");
                summary.Add($"  {"export",-36} {"MB",7} {"s",8} {"÷ CSV s",8}   {"RSS before → peak",20}");
                foreach (var (name, m) in rows)
                    summary.Add($"  {name,-36} {m.Bytes / 1e6,7:0.0} {m.Seconds,8:0.000} {m.Seconds / csvRow.Seconds,7:0.0}×   {m.Before,8:0} → {m.Peak,4:0} MB");
                summary.Add("");
            }
        }

        if (parts.Contains("latency"))
        {
            var (latency, follower) = await MeasureProjectionLatencyAsync(env, setup, changes, writers, gapMs);
            MemoryColumns.Add(("after latency", ResidentMemory.Take(env)));
            summary.AddRange(latency);
            summary.Add("");
            // Done with it: it would otherwise chase the imports below.
            await env.StopServiceAsync(follower);
        }

        // The tasks service with as many assignments stored, imported as 任务分解表 plans of 100,000 measures.
        var importSeconds = 0.0;
        if (parts.Contains("tasks"))
        {
            const int perPlan = 100_000;
            Console.WriteLine($"importing {tasksTotal:N0} assignments into the tasks service ({perPlan:N0} per plan) ...");
            started = Stopwatch.GetTimestamp();
            for (var p = 0; p * perPlan < tasksTotal; p++)
                await setup.ImportAsync($"年度重点工作任务分解表（第{p + 1}批）", Math.Min(perPlan, tasksTotal - p * perPlan), seed: 100 + p);
            importSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var stored = await BenchSql.ScalarAsync(setup.TasksConnectionString, "SELECT count(*) FROM assignments");
            TasksSetup.Expect(stored >= tasksTotal, $"the tasks service stores {tasksTotal} assignments or more (got {stored})");
            await SettleAsync();
            MemoryColumns.Add(($"tasks {stored / 1e6:0.#}M", ResidentMemory.Take(env)));
        }

        if (parts.Contains("web"))
        {
            summary.AddRange(await WorkbenchBenchmark.RunAsync(env, scope.Id.ToString(), scanHttp + 1, TasksSetup.IntOption(args, "--web-iterations", 200)));
            summary.Add("");
        }

        Console.WriteLine();
        Console.WriteLine($"set-up: {unitCount:N0} units by COPY in {unitsLoadSeconds:0.0} s; {total:N0} projection rows by binary COPY in {copySeconds:0.0} s, "
            + $"VACUUM ANALYZE and CHECKPOINT {vacuumSeconds:0.0} s" + (importSeconds > 0 ? $"; {tasksTotal:N0} assignments imported into tasks in {importSeconds:0} s" : ""));
        Console.WriteLine();
        foreach (var line in summary)
            Console.WriteLine(line);
        PrintMemory(total, parts.Contains("tasks") ? tasksTotal : 0);
        await PrintDiskAsync(supervisionDb, unitsDb, total, unitCount);
        if (explain)
        {
            Console.WriteLine();
            Console.WriteLine("--explain: plans of the supervision database's statements over 250 ms (auto_explain; timing makes the run above slower):");
            foreach (var line in File.ReadLines(env.Cluster.LogFile).SkipWhile(l => !l.Contains("duration:")))
                Console.WriteLine("  " + line);
        }
        return failed ? 1 : 0;
    }

    private static readonly List<(string Label, Dictionary<string, ResidentMemory> Readings)> MemoryColumns = [];

    /// <summary>
    /// Waits until the service has named, in the background, the recipients of every notice (50,000 a poll) and queued
    /// their notifications (5,000 a batch), each asking the units service: five minutes allowed per 100,000 notices.
    /// </summary>
    private static async Task<TimeSpan> NoticesSettledAsync(string supervisionDb, int notices)
    {
        var allowed = TimeSpan.FromMinutes(5 * Math.Max(1.0, notices / 100_000.0));
        var settling = Stopwatch.StartNew();
        while (await BenchSql.ScalarAsync(supervisionDb, "SELECT count(*) FROM notices n WHERE n.recipient_person_ids IS NULL OR n.queued_at IS NULL") > 0)
        {
            TasksSetup.Expect(settling.Elapsed < allowed, $"the scans' notices are named and queued for notification within {allowed.TotalMinutes:0} minutes");
            await Task.Delay(1000);
        }
        return settling.Elapsed;
    }

    /// <summary>What each database holds on disk at the end (tables with their indexes and TOAST), per million projected assignments.</summary>
    private static async Task PrintDiskAsync(string supervisionDb, string unitsDb, int total, int unitCount)
    {
        static async Task<double> MegabytesAsync(string db, string sql) => await BenchSql.ScalarAsync(db, sql) / 1e6;
        var supervision = await MegabytesAsync(supervisionDb, "SELECT pg_database_size(current_database())");
        var tables = new List<string>();
        foreach (var table in new[] { "assignments", "scan_marks", "notices", "weekly_reviews", "open_assignments_by_unit" })
            tables.Add($"{table} {await MegabytesAsync(supervisionDb, $"SELECT pg_total_relation_size('{table}')"):N0} MB");
        var units = await MegabytesAsync(unitsDb, "SELECT pg_database_size(current_database())");
        Console.WriteLine($"disk at the end: supervision {supervision:N0} MB ({supervision / (total / 1e6):N0} MB per million projected assignments; {string.Join(", ", tables)}); "
            + $"units {units:N0} MB for {unitCount:N0} units");
    }

    /// <summary>
    /// Memory is read at rest: a service gives back what a large request grew a moment after it
    /// (<see cref="MemoryReclaimer"/>); the peak column still shows the high-water mark.
    /// </summary>
    private static Task SettleAsync() => Task.Delay(MemoryReclaimer.Delay + TimeSpan.FromSeconds(1));

    /// <summary>Resident memory per service at each point, against the target.</summary>
    private static void PrintMemory(int total, int tasksTotal)
    {
        var names = MemoryColumns.SelectMany(c => c.Readings.Keys).Distinct().ToList();
        Console.WriteLine($"resident memory, MB (VmRSS from /proc; peak = VmHWM at the last reading), target < {MemoryTargetMb:0} MB each:");
        Console.WriteLine("  " + "".PadRight(18) + string.Concat(MemoryColumns.Select(c => c.Label.PadLeft(15))) + "          peak   target");
        foreach (var name in names)
        {
            var readings = MemoryColumns.Select(c => c.Readings.TryGetValue(name, out var m) ? m : (ResidentMemory?)null).ToList();
            var peak = readings.Where(r => r is not null).Max(r => r!.Value.PeakMegabytes);
            var worst = readings.Where(r => r is not null).Max(r => r!.Value.Megabytes);
            var met = worst < MemoryTargetMb;
            Console.WriteLine("  " + name.PadRight(18) + string.Concat(readings.Select(r => (r is { } m ? m.Megabytes.ToString("N0") : "—").PadLeft(15)))
                + $"{peak,14:N0}   {(met ? "met" : "MISSED")}{(met && peak >= MemoryTargetMb ? " (peak above)" : "")}");
        }
        Console.WriteLine($"  (supervision holds the {total:N0} projected assignments; supervision-2 scans the same database; supervision-feed follows the tasks feed;"
            + (tasksTotal > 0 ? $" tasks holds the latency part's plan until it imports {tasksTotal:N0} more in the last column)" : " tasks holds only the latency part's plan)"));
    }

    private static int Raised(ScanResult r) => r.DueSoon + r.Overdue + r.Escalated + r.BehindSchedule + r.MilestoneOverdue;

    private static async Task<(ScanResult? Result, string? Error)> Try(Task<ScanResult> call)
    {
        try
        {
            return (await call, null);
        }
        catch (RpcException ex)
        {
            return (null, $"{ex.StatusCode}: {ex.Status.Detail}");
        }
    }

    /// <summary>Exactly one OVERDUE level-0 notice per overdue assignment, none for any other.</summary>
    private static async Task CheckNoticesAsync(string db, int overdue)
    {
        var stored = await BenchSql.ScalarAsync(db, "SELECT count(*) FROM notices");
        var distinct = await BenchSql.ScalarAsync(db, "SELECT count(DISTINCT assignment_id) FROM notices WHERE kind = 2 AND level = 0 AND deadline_version = 1");
        var wrong = await BenchSql.ScalarAsync(db, $"""
            SELECT count(*) FROM notices n JOIN assignments a ON a.id = n.assignment_id
            WHERE NOT (a.due_at <= '{ScanAsOf.UtcDateTime:yyyy-MM-dd HH:mm:ss}+00' AND a.status IN (1, 2, 3))
            """);
        TasksSetup.Expect(stored == overdue && distinct == overdue && wrong == 0,
            $"{overdue} notices stored, one per overdue assignment (stored {stored}, distinct assignments {distinct}, on assignments not overdue {wrong})");
    }

    private sealed record BenchUnit(Guid Id, string Code, string Name, string Level, BenchUnit? Parent, string Path, int Depth, Guid LeadId, string LeadName);

    /// <summary>
    /// A city, 50 districts, 20 departments in each (1,000) and working groups under the departments for the rest:
    /// <paramref name="below"/> units below the city.
    /// </summary>
    private static List<BenchUnit> GenerateUnits(int below)
    {
        var random = new Random(5);
        var units = new List<BenchUnit>(below + 1);
        BenchUnit Add(string name, string level, BenchUnit? parent)
        {
            var id = Guid.CreateVersion7();
            var lead = Surnames[random.Next(Surnames.Length)] + GivenNames[random.Next(GivenNames.Length)];
            var unit = new BenchUnit(id, $"sv{units.Count:000000}", name, level, parent, (parent?.Path ?? "/") + id.ToString("N") + "/",
                parent is null ? 0 : parent.Depth + 1, Guid.NewGuid(), lead);
            units.Add(unit);
            return unit;
        }

        var city = Add("江川市", "city", null);
        var departments = new List<BenchUnit>();
        for (var d = 0; d < 50; d++)
        {
            var district = Add($"江川市{Syllables[d % 20]}{Syllables[(d / 20 + d * 7 + 3) % 20]}{(d % 3 == 0 ? "县" : "区")}", "district", city);
            foreach (var bureau in Bureaus)
                departments.Add(Add(district.Name + bureau, "department", district));
        }
        for (var i = 0; units.Count < below + 1; i++)
        {
            var department = departments[i % departments.Count];
            Add($"{department.Name}{Topics[i / departments.Count % Topics.Length]}专班", "working_group", department);
        }
        return units;
    }

    /// <summary>
    /// <paramref name="total"/> open projection rows by binary COPY, led by <paramref name="leads"/> at random, in 200 plans;
    /// exactly <paramref name="overdue"/> of them, chosen at random, 1 or 2 days overdue as of the scan. Returns how many are overdue.
    /// </summary>
    private static async Task<int> LoadAssignmentsAsync(string connectionString, BenchUnit[] leads, int total, int overdue)
    {
        var random = new Random(17);
        var isOverdue = new bool[total];
        var order = Enumerable.Range(0, total).ToArray();
        for (var i = 0; i < overdue; i++)
        {
            var j = random.Next(i, total);
            (order[i], order[j]) = (order[j], order[i]);
            isOverdue[order[i]] = true;
        }
        var plans = Enumerable.Range(0, 200).Select(_ => Guid.CreateVersion7()).ToArray();
        var firstAssigned = new DateTime(2026, 1, 5, 1, 0, 0, DateTimeKind.Utc);
        var laterDays = LastDate.DayNumber - FirstLaterDate.DayNumber + 1;
        var latestUpdate = ScanAsOf.UtcDateTime.AddDays(-1);
        var counted = 0;

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        using var writer = connection.BeginBinaryImport("""
            COPY assignments (id, plan_id, parent_id, lead_unit_id, assigning_unit_id, owner_person_id, owner_name, title, status, due_date, due_at,
                              original_due_date, deadline_version, progress_percent, time_zone, assigned_at, completion_requested_at, completed_at,
                              version, rejected_completions, approved_extensions, extension_approved_before_original_due, updated_at)
            FROM STDIN (FORMAT BINARY)
            """);
        for (var i = 0; i < total; i++)
        {
            var lead = leads[random.Next(leads.Length)];
            var status = random.Next(10) switch { 0 or 1 => 1, 2 or 3 or 4 => 2, _ => 3 };
            DateOnly? due = isOverdue[i] ? OverdueDates[random.Next(OverdueDates.Length)]
                : random.Next(20) == 0 ? null : FirstLaterDate.AddDays(random.Next(laterDays));
            counted += due is { } d0 && d0 <= OverdueDates[^1] ? 1 : 0;
            var assigned = firstAssigned.AddDays(random.Next(300)).AddMinutes(random.Next(600));
            var updated = assigned.AddDays(random.Next(1, 30));
            if (updated > latestUpdate)
                updated = latestUpdate;
            var topic = Topics[random.Next(Topics.Length)];

            writer.StartRow();
            writer.Write(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
            writer.Write(plans[random.Next(plans.Length)], NpgsqlDbType.Uuid);
            writer.WriteNull();
            writer.Write(lead.Id, NpgsqlDbType.Uuid);
            writer.Write(lead.Parent!.Id, NpgsqlDbType.Uuid);
            writer.Write(lead.LeadId, NpgsqlDbType.Uuid);
            writer.Write(lead.LeadName, NpgsqlDbType.Varchar);
            writer.Write(string.Format(MeasureForms[random.Next(MeasureForms.Length)], topic) + $"（{i % 5000 + 1}）", NpgsqlDbType.Varchar);
            writer.Write(status, NpgsqlDbType.Integer);
            if (due is { } d)
            {
                writer.Write(d, NpgsqlDbType.Date);
                // The end of the due date in Asia/Shanghai: the next local midnight, 16:00 UTC on the due date.
                writer.Write(d.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).AddHours(-8), NpgsqlDbType.TimestampTz);
                writer.Write(d, NpgsqlDbType.Date);
            }
            else
            {
                writer.WriteNull();
                writer.WriteNull();
                writer.WriteNull();
            }
            writer.Write(1, NpgsqlDbType.Integer);
            writer.Write(status == 3 ? 10 * random.Next(1, 10) : 0, NpgsqlDbType.Integer);
            writer.Write("Asia/Shanghai", NpgsqlDbType.Varchar);
            writer.Write(assigned, NpgsqlDbType.TimestampTz);
            writer.WriteNull();
            writer.WriteNull();
            writer.Write(status == 3 ? 3L + random.Next(6) : status, NpgsqlDbType.Bigint);
            writer.Write(0, NpgsqlDbType.Integer);
            writer.Write(0, NpgsqlDbType.Integer);
            writer.Write(false, NpgsqlDbType.Boolean);
            writer.Write(updated, NpgsqlDbType.TimestampTz);
        }
        writer.Complete();
        return counted;
    }

    private sealed class Target(string id, Metadata headers, long version)
    {
        public string Id { get; } = id;
        public Guid Guid { get; } = Guid.Parse(id);
        public Metadata Headers { get; } = headers;
        public long Version { get; set; } = version;
    }

    /// <summary>
    /// ReportProgress calls on accepted assignments, each followed by polling the feed-following instance's projection
    /// (a prepared SELECT, every ~1 ms) until the row carries the call's version and percent.
    /// </summary>
    private static async Task<(List<string> Summary, ServiceProcess Follower)> MeasureProjectionLatencyAsync(BenchEnvironment env, TasksSetup setup, int changes, int writers, int gapMs)
    {
        const int warmup = 20;
        var needed = warmup + 2 * changes;
        var measures = Math.Max(1_000, needed);
        Console.WriteLine($"projection latency: importing {measures:N0} measures, starting an instance that follows the feed ...");
        var plan = await setup.ImportAsync("督查时效测试", measures, seed: 21);
        var feedHttp = TasksSetup.FreePorts(15340);
        var (follower, feedDb) = await env.StartServiceProcessAsync("supervision-feed", "Duban.Supervision", "Supervision", "bench_supervision_feed",
            feedHttp, feedHttp + 1, new Dictionary<string, string>
            {
                ["Units:Address"] = $"http://127.0.0.1:{TasksSetup.UnitsGrpcPort}",
                ["Tasks:Address"] = $"http://127.0.0.1:{TasksSetup.TasksGrpcPort}",
                ["Scan:IntervalSeconds"] = "0",
                ["Projection:Enabled"] = "true",
            });

        var headers = setup.LeadHeaders();
        var targets = new List<Target>();
        await using (var connection = new NpgsqlConnection(setup.TasksConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT id, lead_unit_id, version FROM assignments WHERE plan_id = $1 ORDER BY md5(id::text) LIMIT $2", connection)
            {
                Parameters = { new() { Value = Guid.Parse(plan.Id) }, new() { Value = needed } },
            };
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                targets.Add(new Target(reader.GetGuid(0).ToString(), headers[reader.GetGuid(1)], reader.GetInt64(2)));
        }
        using var channel = env.PlainChannel(TasksSetup.TasksGrpcPort);
        var tasks = new TasksService.TasksServiceClient(channel);
        foreach (var t in targets)
        {
            var accepted = await tasks.AcceptAssignmentAsync(new AcceptAssignmentRequest { Id = t.Id, Version = t.Version }, t.Headers);
            t.Version = accepted.Version;
        }
        // Caught up: every imported row, and the accepted ones at their accepted version.
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (await BenchSql.ScalarAsync(feedDb, $"SELECT count(*) FROM assignments WHERE plan_id = '{plan.Id}' AND status = 2") != targets.Count)
        {
            TasksSetup.Expect(DateTime.UtcNow < deadline, "the projection caught up with the import and the acceptances within 120 s");
            await Task.Delay(100);
        }

        async Task<List<(double FromCall, double FromReply)>> Writer(IReadOnlyList<Target> mine, int gap)
        {
            await using var connection = new NpgsqlConnection(feedDb);
            await connection.OpenAsync();
            await using var poll = new NpgsqlCommand("SELECT version, progress_percent FROM assignments WHERE id = $1", connection);
            var parameter = new NpgsqlParameter<Guid> { NpgsqlDbType = NpgsqlDbType.Uuid };
            poll.Parameters.Add(parameter);
            await poll.PrepareAsync();
            var samples = new List<(double, double)>();
            for (var i = 0; i < mine.Count; i++)
            {
                var t = mine[i];
                var percent = 10 + (i * 7 + t.Id[0]) % 80;
                var started = Stopwatch.GetTimestamp();
                var changed = await tasks.ReportProgressAsync(
                    new ReportProgressRequest { Id = t.Id, Version = t.Version, Percent = percent, Narrative = "已召开专题会议研究推进，完成阶段性任务" }, t.Headers);
                var replied = Stopwatch.GetTimestamp();
                t.Version = changed.Version;
                parameter.TypedValue = t.Guid;
                while (true)
                {
                    await using (var reader = await poll.ExecuteReaderAsync())
                    {
                        if (await reader.ReadAsync() && reader.GetInt64(0) >= changed.Version)
                        {
                            TasksSetup.Expect(reader.GetInt64(0) == changed.Version && reader.GetInt32(1) == percent,
                                $"the projection holds version {changed.Version} at {percent}% (got {reader.GetInt64(0)} at {reader.GetInt32(1)}%)");
                            break;
                        }
                    }
                    TasksSetup.Expect(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(30), "a change reached the projection within 30 s");
                    await Task.Delay(1);
                }
                var seen = Stopwatch.GetTimestamp();
                samples.Add(((seen - started) * 1000.0 / Stopwatch.Frequency, (seen - replied) * 1000.0 / Stopwatch.Frequency));
                if (gap > 0)
                    await Task.Delay(gap);
            }
            return samples;
        }

        Console.WriteLine($"projection latency: {changes} sequential ReportProgress calls, then {changes} from {writers} concurrent writers ...");
        await Writer(targets.Take(warmup).ToList(), gapMs);
        var cpu = CpuUsage.Take(env);
        var sequential = await Writer(targets.Skip(warmup).Take(changes).ToList(), gapMs);
        var sequentialCpu = CpuUsage.Take(env).Since(cpu, changes);
        var rest = targets.Skip(warmup + changes).Take(changes).ToList();
        var concurrent = (await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Writer(rest.Where((_, i) => i % writers == w).ToList(), 0))))
            .SelectMany(s => s).ToList();

        var seqCall = Latency.FromSamples(sequential.Select(s => s.FromCall));
        var seqReply = Latency.FromSamples(sequential.Select(s => s.FromReply));
        var conCall = Latency.FromSamples(concurrent.Select(s => s.FromCall));
        var conReply = Latency.FromSamples(concurrent.Select(s => s.FromReply));
        string Verdict(Latency l, IEnumerable<double> samples) =>
            $"(target p99 < 250 ms: {(l.Percentile(99) < 250 ? "met" : "MISSED")}; {samples.Count(s => s > 250)} over 250 ms)";
        return (
        [
            "projection latency: a ReportProgress call (lead's token, accepted assignment) until the feed-following instance's row has its version",
            $"  (polled with a prepared SELECT about every 1 ms; sequential calls {gapMs} ms apart, after {warmup} untimed):",
            $"  sequential, from the call       {seqCall.Summary}   {Verdict(seqCall, sequential.Select(s => s.FromCall))}",
            $"  sequential, from its reply      {seqReply.Summary}",
            $"  {writers} writers, from the call      {conCall.Summary}   {Verdict(conCall, concurrent.Select(s => s.FromCall))}",
            $"  {writers} writers, from its reply     {conReply.Summary}",
            $"  CPU per sequential change: {sequentialCpu}   (bench includes the polling)",
        ], follower);
    }
}
