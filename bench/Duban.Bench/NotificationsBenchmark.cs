using System.Diagnostics;
using System.Text.RegularExpressions;
using Duban.Contracts.Supervision.V1;
using Duban.Harness.Mail;
using Duban.ServiceDefaults.Auth;
using Google.Protobuf.WellKnownTypes;
using Npgsql;
using NpgsqlTypes;

namespace Duban.Bench;

/// <summary>
/// Notices reaching people by e-mail: one scan raising --notices OVERDUE notices for --people owners who have e-mail
/// addresses in the units service, their delivery rows queued, and the day's digest sent to a real SMTP server
/// (smtp4dev, started as the tests start it), each person one message; then every message received is matched with
/// the rows delivered by its Message-ID: none twice, none lost.
/// </summary>
/// <remarks>
/// The units service gets the people by COPY (a name and an address each, no role); the tasks set-up's 20 departments
/// lead the assignments. Supervision's projection gets --notices open assignments by COPY, each person the owner of
/// notices ÷ people of them, all due on 18 or 19 November 2026, so the scan as of Friday 20 November 10:00 raises one
/// OVERDUE notice each, which waits for the daily digest. The digest time is the service's own setting,
/// Notifications:DigestTime, set to the first full minute at least --digest-in seconds after supervision starts, so the
/// rows are queued for today's digest and the run waits for it instead of 08:30. (Today must be a working day of the
/// calendar: on a day off the digest moves to the next working day, and the run says so.)
/// </remarks>
public static partial class NotificationsBenchmark
{
    private static readonly DateTimeOffset ScanAsOf = new(2026, 11, 20, 10, 0, 0, TimeSpan.FromHours(8));
    private static readonly DateOnly[] OverdueDates = [new(2026, 11, 18), new(2026, 11, 19)];
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭"];
    private static readonly string[] GivenNames = ["建国", "志刚", "海涛", "丽华", "晓东", "明", "伟", "静", "敏", "立新", "文博", "国栋", "雪梅", "磊", "宏", "帆"];
    private static readonly string[] Topics = ["招商引资", "项目建设", "安全生产", "环境整治", "营商环境", "乡村振兴", "数字化转型", "民生实事", "审批改革", "园区开发"];

    private sealed record BenchPerson(Guid Id, string Name, string Email);

    public static async Task<int> RunAsync(string[] args)
    {
        var notices = TasksSetup.IntOption(args, "--notices", 100_000);
        var peopleCount = TasksSetup.IntOption(args, "--people", 20_000);
        var digestIn = TasksSetup.IntOption(args, "--digest-in", 60);
        var concurrency = TasksSetup.IntOption(args, "--concurrency", 8);
        var ceilingCount = TasksSetup.IntOption(args, "--ceiling", 2_000);
        TasksSetup.Expect(peopleCount > 0 && notices >= peopleCount, "--notices at least --people, --people at least 1");
        BenchEnvironment.EchoServiceOutput = args.Contains("--echo");

        await using var env = await BenchEnvironment.StartAsync();
        var setup = await TasksSetup.StartAsync(env);
        Console.WriteLine("starting smtp4dev ...");
        await using var mail = await Smtp4devServer.StartAsync(env.Repo, messagesToKeep: peopleCount * 2 + 1_000);

        Console.WriteLine($"loading {peopleCount:N0} people with e-mail addresses into the units service (COPY) ...");
        var people = GeneratePeople(peopleCount);
        await LoadPeopleAsync(env.Cluster.ConnectionString("bench_units"), people);

        // The digest: the first full minute, local time, at least --digest-in seconds from now.
        var localNow = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow.AddSeconds(digestIn), Shanghai);
        var digestLocal = new DateTimeOffset(localNow.Year, localNow.Month, localNow.Day, localNow.Hour, localNow.Minute, 0, localNow.Offset).AddMinutes(1);
        var digestAt = digestLocal.ToUniversalTime();
        var settings = new Dictionary<string, string>
        {
            ["Units:Address"] = $"http://127.0.0.1:{TasksSetup.UnitsGrpcPort}",
            ["Tasks:Address"] = $"http://127.0.0.1:{TasksSetup.TasksGrpcPort}",
            ["Scan:IntervalSeconds"] = "0",
            ["Projection:Enabled"] = "false",
            ["Notifications:Smtp:Host"] = "127.0.0.1",
            ["Notifications:Smtp:Port"] = mail.SmtpPort.ToString(),
            ["Notifications:Smtp:Security"] = "None",
            ["Notifications:Smtp:FromAddress"] = "duban@bench.example.cn",
            ["Notifications:DigestTime"] = digestLocal.ToString("HH:mm"),
            ["Notifications:MaxConcurrentSends"] = concurrency.ToString(),
        };
        var http = TasksSetup.FreePorts(15400);
        var (_, supervisionDb) = await env.StartServiceProcessAsync("supervision", "Duban.Supervision", "Supervision", "bench_supervision",
            http, http + 1, settings);
        var office = new SupervisionService.SupervisionServiceClient(env.Channel(http + 1, DubanRoles.Office));

        Console.WriteLine($"loading {notices:N0} overdue assignments into supervision's projection (COPY), owned by those people ...");
        await LoadAssignmentsAsync(supervisionDb, setup, people, notices);
        await BenchSql.ExecuteAsync(supervisionDb, "VACUUM ANALYZE assignments");

        // Untimed: the first call JITs the scan; as of 2026-01-01 nothing applies.
        var warm = await office.ScanNowAsync(new ScanNowRequest { AsOf = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)) },
            deadline: DateTime.UtcNow.AddMinutes(5));
        TasksSetup.Expect(warm.Overdue == 0, "the warm-up scan (as of 2026-01-01) raises nothing");

        Console.WriteLine($"ScanNow as of {ScanAsOf:yyyy-MM-dd HH:mm zzz}; then naming recipients and queueing deliveries for the {digestLocal:HH:mm} digest ...");
        var cpu = CpuUsage.Take(env);
        var started = Stopwatch.GetTimestamp();
        var scan = await office.ScanNowAsync(new ScanNowRequest { AsOf = Timestamp.FromDateTimeOffset(ScanAsOf) }, deadline: DateTime.UtcNow.AddMinutes(5));
        var scanSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        TasksSetup.Expect(scan.Overdue == notices, $"the scan raised {notices} OVERDUE notices (got {scan.Overdue})");

        var namedSeconds = await WaitAsync(supervisionDb, "SELECT count(*) FROM notices WHERE recipient_person_ids IS NULL", 0, started, TimeSpan.FromMinutes(5),
            "every notice's recipients named");
        var queuedSeconds = await WaitAsync(supervisionDb, "SELECT count(*) FROM notices WHERE queued_at IS NOT NULL", notices, started, TimeSpan.FromMinutes(5),
            "every notice's deliveries queued");
        var queueCpu = CpuUsage.Take(env).Since(cpu, 1, "s", 1000);
        var rows = await BenchSql.ScalarAsync(supervisionDb, "SELECT count(*) FROM notification_deliveries");
        TasksSetup.Expect(rows == notices, $"one e-mail row per notice queued (got {rows} for {notices})");
        var notDigest = await BenchSql.ScalarAsync(supervisionDb,
            $"SELECT count(*) FROM notification_deliveries WHERE next_attempt_at <> '{digestAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}+00' OR status <> 1");
        TasksSetup.Expect(notDigest == 0, $"every row pending for the digest at {digestLocal:yyyy-MM-dd HH:mm zzz} ({notDigest} are not: queued after the digest "
            + "time (raise --digest-in), or today is not a working day)");

        // The ceiling while the rows wait: smtp4dev's own rate for messages of the same size from a plain client, as many
        // connections as the service's concurrent sends, each reused; then emptied, so the check below sees only the digest.
        Console.WriteLine($"the ceiling: {ceilingCount:N0} messages to smtp4dev from MailKit over {concurrency} reused connections ...");
        var ceiling = await CeilingAsync(mail, ceilingCount, concurrency);
        await mail.DeleteAllAsync();

        var wait = digestAt - DateTimeOffset.UtcNow;
        Console.WriteLine($"{rows:N0} rows queued; waiting {Math.Max(0, wait.TotalSeconds):0} s for the digest at {digestLocal:HH:mm} ...");
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait);
        cpu = CpuUsage.Take(env);
        var drainSeconds = await WaitAsync(supervisionDb, "SELECT count(*) FROM notification_deliveries WHERE status = 1", 0, Stopwatch.GetTimestamp(),
            TimeSpan.FromMinutes(30), "every row delivered", progress: true);
        var sendCpu = CpuUsage.Take(env).Since(cpu, 1, "s", 1000);

        var delivered = await BenchSql.ScalarAsync(supervisionDb, "SELECT count(*) FROM notification_deliveries WHERE status = 2 AND attempt_count = 1");
        var sent = await BenchSql.ScalarAsync(supervisionDb, "SELECT count(DISTINCT message_id) FROM notification_deliveries WHERE status = 2");
        var lastDelivered = await BenchSql.ScalarAsync(supervisionDb,
            $"SELECT (extract(epoch FROM max(delivered_at) - '{digestAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}+00'::timestamptz) * 1000)::bigint FROM notification_deliveries") / 1000.0;
        var failedRows = rows - delivered;

        Console.WriteLine($"{sent:N0} messages sent; reading what smtp4dev received ...");
        var check = await CheckMailAsync(supervisionDb, mail);

        Console.WriteLine();
        Console.WriteLine($"notices by e-mail: {notices:N0} OVERDUE notices for {peopleCount:N0} people (owners with e-mail addresses), one digest each, to smtp4dev:");
        Console.WriteLine($"  ScanNow, {notices:N0} notices raised                     {scanSeconds,8:0.000} s");
        Console.WriteLine($"  recipients named (from the scan's reply)             {namedSeconds,8:0.000} s");
        Console.WriteLine($"  deliveries queued (from the scan's reply)            {queuedSeconds,8:0.000} s   {rows:N0} rows, each due at the {digestLocal:HH:mm} digest");
        Console.WriteLine($"  CPU, scan to queued: {queueCpu}");
        Console.WriteLine($"  the digest: {sent:N0} messages sent in                    {lastDelivered,8:0.000} s   {sent / lastDelivered,8:N0} messages/s   "
            + $"(digest time to the last delivered; bench polled done at {drainSeconds:0.0} s)");
        Console.WriteLine($"  the ceiling: smtp4dev took {ceilingCount:N0} messages of a digest's size from MailKit, {concurrency} connections reused, "
            + $"at {ceiling:N1} messages/s: the service sent at {sent / lastDelivered / ceiling:0.00}× that");
        Console.WriteLine($"  CPU, the digest: {sendCpu}");
        Console.WriteLine($"  rows delivered at the first attempt {delivered:N0} of {rows:N0}{(failedRows > 0 ? $" ({failedRows:N0} NOT)" : "")}; "
            + $"smtp4dev holds {check.Received:N0} messages, {check.DistinctIds:N0} Message-IDs: {check.Duplicates:N0} duplicates, {check.Lost:N0} lost, "
            + $"{check.Unknown:N0} not recorded, {check.Foreign:N0} without a Duban Message-ID");
        var ok = failedRows == 0 && check.Duplicates == 0 && check.Lost == 0 && check.Unknown == 0 && check.Foreign == 0 && sent == peopleCount;
        Console.WriteLine(ok ? $"  each person one message, each row in exactly one: checked" : "  the check FAILED");
        return ok ? 0 : 1;
    }

    private static async Task<double> WaitAsync(string db, string sql, long expected, long started, TimeSpan limit, string what, bool progress = false)
    {
        var lastPrinted = Stopwatch.GetTimestamp();
        while (true)
        {
            var value = await BenchSql.ScalarAsync(db, sql);
            if (value == expected)
                return Stopwatch.GetElapsedTime(started).TotalSeconds;
            TasksSetup.Expect(Stopwatch.GetElapsedTime(started) < limit, $"{what} within {limit.TotalMinutes:0} min (at {value:N0}, waiting for {expected:N0})");
            if (progress && Stopwatch.GetElapsedTime(lastPrinted) > TimeSpan.FromSeconds(10))
            {
                Console.WriteLine($"  {Stopwatch.GetElapsedTime(started).TotalSeconds:0} s: {value:N0} left");
                lastPrinted = Stopwatch.GetTimestamp();
            }
            await Task.Delay(1000);
        }
    }

    private sealed record MailCheck(int Received, int DistinctIds, int Duplicates, int Lost, int Unknown, int Foreign);

    /// <summary>Messages per second smtp4dev accepts from MailKit: a digest's size, over <paramref name="connections"/> sessions each reused.</summary>
    private static async Task<double> CeilingAsync(Smtp4devServer mail, int count, int connections)
    {
        var body = string.Join("\n", Enumerable.Range(1, 5).Select(i => $"{i}. 【已逾期】临江经开区经济发展局牵头的“推进招商引资重点工作（{i}）”已于2026年11月18日到期未办结，请说明情况并尽快办结。"));
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async c =>
        {
            using var client = new MailKit.Net.Smtp.SmtpClient();
            await client.ConnectAsync("127.0.0.1", mail.SmtpPort, MailKit.Security.SecureSocketOptions.None);
            for (var i = c; i < count; i += connections)
            {
                var message = new MimeKit.MimeMessage { Subject = "督查督办每日提醒：已逾期5项", MessageId = $"ceiling-{i}@bench" };
                message.From.Add(new MimeKit.MailboxAddress("督查督办", "duban@bench.example.cn"));
                message.To.Add(new MimeKit.MailboxAddress("基准", $"ceiling{i}@bench.duban.example.cn"));
                message.Body = new MimeKit.BodyBuilder { TextBody = body, HtmlBody = $"<html><body><ol><li>{body}</li></ol></body></html>" }.ToMessageBody();
                await client.SendAsync(message);
            }
            await client.DisconnectAsync(true);
        }));
        return count / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>Every message smtp4dev holds, by its Message-ID (&lt;message-id&gt;@duban), against the messages the rows record.</summary>
    private static async Task<MailCheck> CheckMailAsync(string db, Smtp4devServer mail)
    {
        var recorded = new HashSet<string>();
        await using (var connection = new NpgsqlConnection(db))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT DISTINCT message_id FROM notification_deliveries WHERE status = 2", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                recorded.Add(reader.GetGuid(0).ToString("N"));
        }
        var messages = await mail.MessagesAsync();
        var ids = new string?[messages.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, messages.Count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var headers = await mail.HeadersAsync(messages[i].Id, ct);
            var match = headers.Where(h => h.Name.Equals("Message-Id", StringComparison.OrdinalIgnoreCase)).Select(h => DubanMessageId().Match(h.Value))
                .FirstOrDefault(m => m.Success);
            ids[i] = match?.Groups[1].Value;
        });
        var found = ids.Where(id => id is not null).Select(id => id!).ToList();
        var distinct = found.ToHashSet();
        return new MailCheck(messages.Count, distinct.Count, found.Count - distinct.Count, recorded.Count(id => !distinct.Contains(id)),
            distinct.Count(id => !recorded.Contains(id)), ids.Count(id => id is null));
    }

    [GeneratedRegex(@"^\s*<([0-9a-f]{32})@duban>\s*$")]
    private static partial Regex DubanMessageId();

    private static List<BenchPerson> GeneratePeople(int count)
    {
        var random = new Random(31);
        return Enumerable.Range(0, count)
            .Select(i => new BenchPerson(Guid.CreateVersion7(), Surnames[random.Next(Surnames.Length)] + GivenNames[random.Next(GivenNames.Length)],
                $"p{i:000000}@bench.duban.example.cn"))
            .ToList();
    }

    private static async Task LoadPeopleAsync(string connectionString, IReadOnlyList<BenchPerson> people)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var now = DateTime.UtcNow;
        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY people (id, name, phone, email, active, opted_out_channels, version, create_time, update_time) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var p in people)
            {
                await writer.StartRowAsync();
                await writer.WriteAsync(p.Id, NpgsqlDbType.Uuid);
                await writer.WriteAsync(p.Name, NpgsqlDbType.Varchar);
                await writer.WriteAsync("", NpgsqlDbType.Varchar);
                await writer.WriteAsync(p.Email, NpgsqlDbType.Varchar);
                await writer.WriteAsync(true, NpgsqlDbType.Boolean);
                await writer.WriteAsync(Array.Empty<int>(), NpgsqlDbType.Array | NpgsqlDbType.Integer);
                await writer.WriteAsync(1L, NpgsqlDbType.Bigint);
                await writer.WriteAsync(now, NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(now, NpgsqlDbType.TimestampTz);
            }
            await writer.CompleteAsync();
        }
        await using var analyze = new NpgsqlCommand("ANALYZE people", connection);
        await analyze.ExecuteNonQueryAsync();
    }

    /// <summary>Open projection rows, all overdue as of the scan: row i owned by person i mod people, led by the set-up's departments in turn.</summary>
    private static async Task LoadAssignmentsAsync(string connectionString, TasksSetup setup, IReadOnlyList<BenchPerson> people, int total)
    {
        var random = new Random(17);
        var plan = Guid.CreateVersion7();
        var assigned = new DateTime(2026, 3, 2, 1, 0, 0, DateTimeKind.Utc);
        var departments = setup.Departments.Select(d => Guid.Parse(d.Id)).ToArray();
        var issuer = Guid.Parse(setup.Issuer.Id);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var writer = await connection.BeginBinaryImportAsync("""
            COPY assignments (id, plan_id, parent_id, lead_unit_id, assigning_unit_id, owner_person_id, owner_name, title, status, due_date, due_at,
                              original_due_date, deadline_version, progress_percent, time_zone, assigned_at, completion_requested_at, completed_at,
                              version, rejected_completions, approved_extensions, extension_approved_before_original_due, updated_at)
            FROM STDIN (FORMAT BINARY)
            """);
        for (var i = 0; i < total; i++)
        {
            var owner = people[i % people.Count];
            var due = OverdueDates[random.Next(OverdueDates.Length)];
            var status = random.Next(3) + 1;
            await writer.StartRowAsync();
            await writer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
            await writer.WriteAsync(plan, NpgsqlDbType.Uuid);
            await writer.WriteNullAsync();
            await writer.WriteAsync(departments[i % departments.Length], NpgsqlDbType.Uuid);
            await writer.WriteAsync(issuer, NpgsqlDbType.Uuid);
            await writer.WriteAsync(owner.Id, NpgsqlDbType.Uuid);
            await writer.WriteAsync(owner.Name, NpgsqlDbType.Varchar);
            await writer.WriteAsync($"推进{Topics[random.Next(Topics.Length)]}重点工作（{i + 1}）", NpgsqlDbType.Varchar);
            await writer.WriteAsync(status, NpgsqlDbType.Integer);
            await writer.WriteAsync(due, NpgsqlDbType.Date);
            // The end of the due date in Asia/Shanghai: 16:00 UTC on the due date.
            await writer.WriteAsync(due.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).AddHours(-8), NpgsqlDbType.TimestampTz);
            await writer.WriteAsync(due, NpgsqlDbType.Date);
            await writer.WriteAsync(1, NpgsqlDbType.Integer);
            await writer.WriteAsync(status == 3 ? 50 : 0, NpgsqlDbType.Integer);
            await writer.WriteAsync("Asia/Shanghai", NpgsqlDbType.Varchar);
            await writer.WriteAsync(assigned, NpgsqlDbType.TimestampTz);
            await writer.WriteNullAsync();
            await writer.WriteNullAsync();
            await writer.WriteAsync((long)status, NpgsqlDbType.Bigint);
            await writer.WriteAsync(0, NpgsqlDbType.Integer);
            await writer.WriteAsync(0, NpgsqlDbType.Integer);
            await writer.WriteAsync(false, NpgsqlDbType.Boolean);
            await writer.WriteAsync(assigned.AddDays(10), NpgsqlDbType.TimestampTz);
        }
        await writer.CompleteAsync();
    }
}
