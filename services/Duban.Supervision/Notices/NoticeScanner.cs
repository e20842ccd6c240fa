using Duban.ServiceDefaults.Data;
using Duban.ServiceDefaults.Errors;
using Duban.Supervision.Data;
using Duban.Supervision.Domain.Notices;
using Duban.Supervision.Domain.Reviews;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Duban.Supervision.Notices;

/// <param name="Read">The assignments read: those that changed or came due (<see cref="ScanSchedule"/>), or every open one when <paramref name="ReadAll"/>.</param>
public sealed record ScanOutcome(DateTimeOffset AsOf, int DueSoon, int Overdue, int Escalated, int BehindSchedule, int MilestoneOverdue,
    int ReportMissing, int Resolved, int Superseded, int Read, bool ReadAll);

/// <summary>
/// The overdue scan, as set-based statements over the projection — the rules of <see cref="NoticeScanRules"/> and
/// <see cref="NoticeLedger"/>, held to them by an oracle test. It reads only the assignments that changed since or whose
/// next instant (<see cref="ScanSchedule"/>) has come, so its cost follows what changed, not the table. Over those, first
/// every notice follows its assignment (paused, resumed, resolved); then every notice that applies as of the given
/// instant is inserted, and the unique key (assignment, kind, deadline version, level, round) turns every repeat into
/// nothing; what was raised supersedes the lower open notices of its chain; last, each row read gets its next instant.
/// Scans take turns on the scan state row, so two instances scanning at once raise each notice once.
/// </summary>
public sealed class NoticeScanner(SupervisionDb db, IOptions<ScanOptions> options, TimeProvider time)
{
    private const string NoticeColumns = """
        INSERT INTO notices (id, assignment_id, kind, deadline_version, level, round, status, plan_id, lead_unit_id, owner_person_id,
                             title, due_date, message, recipient_unit_ids, raised_at)
        """;

    /// <summary>A candidate <c>c</c> (with assignment id, deadline version, round, kind, level) whose chain has not gone as far in its round.</summary>
    private static readonly string NotYetAsFar = $"""
        NOT EXISTS (SELECT 1 FROM notices x
                    WHERE x.assignment_id = c.id AND x.deadline_version = c.deadline_version AND x.round = c.supervision_round
                      AND x.kind IN ({(int)NoticeKind.DueSoon}, {(int)NoticeKind.Overdue}, {(int)NoticeKind.Escalated}, {(int)NoticeKind.BehindSchedule})
                      AND {NoticeChains.ChainSql("x")} = {NoticeChains.ChainSql("c")} AND {NoticeChains.StepSql("x")} >= {NoticeChains.StepSql("c")})
        """;

    public async Task<ScanOutcome> ScanAsync(DateTimeOffset asOf, CancellationToken ct)
    {
        // Notices are dated by the scan; none may be dated after the moment it runs.
        if (asOf > time.GetUtcNow())
            throw new ValidationFailedException("as_of", "must not be in the future");
        // A scan is idempotent, so one that lost a deadlock to a concurrent writer of the same notices (the recipient
        // namer, the projection, another replica's scan) simply runs again rather than failing its caller.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ScanOnceAsync(asOf, ct);
            }
            catch (Exception ex) when (attempt < 3 && Collided(ex))
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    private static bool Collided(Exception ex) =>
        (ex as PostgresException ?? ex.InnerException as PostgresException)?.SqlState
            is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure;

    private async Task<ScanOutcome> ScanOnceAsync(DateTimeOffset asOf, CancellationToken ct)
    {
        var rules = options.Value;
        var ruleSets = rules.Plans.Select(p => (Plans: new[] { Guid.Parse(p.Key) }, Rules: p.Value, Exclude: false))
            .Append((Plans: rules.Plans.Keys.Select(Guid.Parse).ToArray(), Rules: rules.Default, Exclude: true)).ToList();
        var raised = new Dictionary<NoticeKind, int>();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.WithoutJitAsync(ct);
        var readAll = await TakeTurnAsync(asOf, rules.RulesFingerprint(), ct);
        var read = await MarkDueAsync(asOf, readAll, ct);
        var among = readAll ? "TRUE" : "a.id IN (SELECT id FROM scan_due)";
        var resolved = (await NoticeLifecycle.FollowAsync(db, readAll ? null : "n.assignment_id IN (SELECT id FROM scan_due)", asOf, ct)).Resolved;
        var superseded = 0;
        void Count(List<NoticeKind> kinds)
        {
            foreach (var kind in kinds)
            {
                if (kind == 0)
                    superseded++;
                else
                    raised[kind] = raised.GetValueOrDefault(kind) + 1;
            }
        }
        foreach (var (plans, planRules, exclude) in ruleSets)
            Count(await RaiseAsync(asOf, planRules, plans, exclude, among, ct));
        raised[NoticeKind.MilestoneOverdue] = 0;
        raised[NoticeKind.ReportMissing] = 0;
        await using (var milestones = Command(RaiseAndSupersede("", $"""
            SELECT gen_random_uuid(), a.id, {(int)NoticeKind.MilestoneOverdue}, a.deadline_version, m.idx::int, a.supervision_round,
                   {(int)NoticeStatus.Open}, a.plan_id, a.lead_unit_id, a.owner_person_id, a.title, (m.step->>'date')::date,
                   format('“%s”的时间节点“%s”（%s）已过', a.title, m.step->>'label', m.step->>'date'), ARRAY[a.lead_unit_id], $1
            FROM assignments a
            CROSS JOIN LATERAL jsonb_array_elements(a.milestones) WITH ORDINALITY AS m(step, idx)
            WHERE a.status IN ({NoticeChains.OpenStatesSql}) AND a.milestones <> '[]'::jsonb AND {among}
              AND (((m.step->>'date')::date + 1)::timestamp AT TIME ZONE a.time_zone) <= $1
            """)))
            Count(await ReadKindsAsync(milestones, asOf, ct));
        await using (var reports = Command(RaiseAndSupersede("", $"""
            SELECT gen_random_uuid(), a.id, {(int)NoticeKind.ReportMissing}, a.deadline_version, to_char(a.report_due_date, 'YYYYMMDD')::int,
                   a.supervision_round, {(int)NoticeStatus.Open}, a.plan_id, a.lead_unit_id, a.owner_person_id, a.title, a.report_due_date,
                   format('“%s”应于%s前报送进展，尚未报送', a.title, a.report_due_date), ARRAY[a.lead_unit_id], $1
            FROM assignments a
            WHERE a.status IN ({NoticeChains.OpenStatesSql}) AND a.report_due_date IS NOT NULL AND {among}
              AND ((a.report_due_date + 1)::timestamp AT TIME ZONE a.time_zone) <= $1
            """)))
            Count(await ReadKindsAsync(reports, asOf, ct));
        foreach (var (plans, planRules, exclude) in ruleSets)
            await ScheduleAsync(asOf, planRules, plans, exclude, ct);
        await transaction.CommitAsync(ct);
        return new ScanOutcome(asOf, raised.GetValueOrDefault(NoticeKind.DueSoon), raised.GetValueOrDefault(NoticeKind.Overdue),
            raised.GetValueOrDefault(NoticeKind.Escalated), raised.GetValueOrDefault(NoticeKind.BehindSchedule),
            raised.GetValueOrDefault(NoticeKind.MilestoneOverdue), raised.GetValueOrDefault(NoticeKind.ReportMissing), resolved, superseded, read, readAll);
    }

    /// <summary>
    /// Locks the scan state, so scans (of this instance or another) take turns, and records this one. Returns whether this
    /// scan reads every open assignment: the first scan, one under other rules than the last, or one as of an earlier instant
    /// (the instants stored for the rows were worked out from later ones).
    /// </summary>
    private async Task<bool> TakeTurnAsync(DateTimeOffset asOf, string fingerprint, CancellationToken ct)
    {
        await using var same = Command("SELECT rules = $1 AND last_as_of <= $2 FROM scan_state WHERE id = 1 FOR UPDATE");
        same.Parameters.Add(new NpgsqlParameter<string> { TypedValue = fingerprint });
        same.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = asOf });
        var readAll = await same.ExecuteScalarAsync(ct) is not true;
        await using var record = Command("UPDATE scan_state SET rules = $1, last_as_of = $2, scanned_at = $3 WHERE id = 1");
        record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = fingerprint });
        record.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = asOf });
        record.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = time.GetUtcNow() });
        await record.ExecuteNonQueryAsync(ct);
        return readAll;
    }

    /// <summary>
    /// The rows to read, with the version read: those whose next instant has come or that changed; when reading all,
    /// every open one and every one marked.
    /// </summary>
    private async Task<int> MarkDueAsync(DateTimeOffset asOf, bool readAll, CancellationToken ct)
    {
        await using (var create = Command("CREATE TEMP TABLE scan_due (id uuid PRIMARY KEY, version bigint NOT NULL) ON COMMIT DROP"))
            await create.ExecuteNonQueryAsync(ct);
        await using var command = Command(readAll
            ? $"""
              INSERT INTO scan_due SELECT a.id, a.version FROM assignments a
              WHERE a.status IN ({NoticeChains.OpenStatesSql})
                 OR EXISTS (SELECT 1 FROM scan_marks m WHERE m.assignment_id = a.id AND m.next_scan_at IS NOT NULL)
              """
            : "INSERT INTO scan_due SELECT assignment_id, version FROM scan_marks WHERE next_scan_at <= $1");
        if (!readAll)
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = asOf });
        var due = await command.ExecuteNonQueryAsync(ct);
        // Without statistics the planner would take a few rows for thousands, or the reverse.
        await using var analyze = Command("ANALYZE scan_due");
        await analyze.ExecuteNonQueryAsync(ct);
        return due;
    }

    /// <summary>
    /// Stores when each row read must be read next (<see cref="ScanSchedule"/>), from the rows as they were read: a row the
    /// projection changed meanwhile (a new version, even one committing while this runs) keeps its mark, so the next scan reads it.
    /// </summary>
    private async Task ScheduleAsync(DateTimeOffset asOf, NoticeRules rules, Guid[] plans, bool exclude, CancellationToken ct)
    {
        await using var command = Command($"""
            INSERT INTO scan_marks AS m (assignment_id, version, next_scan_at)
            SELECT a.id, a.version, {ScanSchedule.NextAfterSql("$1", "$2", "$3", rules.Escalations.Count, "$4", "$5")}
            FROM scan_due s JOIN assignments a ON a.id = s.id AND a.version = s.version
            WHERE (a.plan_id = ANY($6)) <> $7
            ON CONFLICT (assignment_id) DO UPDATE SET next_scan_at = EXCLUDED.next_scan_at WHERE m.version = EXCLUDED.version
            """);
        AddRules(command, asOf, rules, plans, exclude);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static void AddRules(NpgsqlCommand command, DateTimeOffset asOf, NoticeRules rules, Guid[] plans, bool exclude)
    {
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = asOf });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Max(rules.DueSoonDays, 0) });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = rules.Escalations.ToArray() });
        command.Parameters.Add(new NpgsqlParameter<double> { TypedValue = rules.BehindScheduleYellowPoints });
        command.Parameters.Add(new NpgsqlParameter<double> { TypedValue = rules.BehindScheduleRedPoints });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = plans });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = exclude });
    }

    /// <summary>
    /// Inserts the candidates of <paramref name="select"/> (after the CTEs <paramref name="with"/>) once per key, and in the
    /// same statement lets each notice raised supersede the open ones below it in its chain (<see cref="NoticeChains"/>),
    /// so the cost follows what is raised. Returns one row per notice raised (its kind) and one 0 per notice superseded.
    /// </summary>
    private static string RaiseAndSupersede(string with, string select) => $"""
        WITH {with}
        inserted AS (
            {NoticeColumns}
            {select}
            ON CONFLICT (assignment_id, kind, deadline_version, level, round) DO NOTHING
            RETURNING assignment_id, kind, level, round, deadline_version),
        superseded AS (
            UPDATE notices o SET status = {(int)NoticeStatus.Superseded}, resolved_at = $1
            FROM inserted n
            WHERE o.assignment_id = n.assignment_id AND o.deadline_version = n.deadline_version
              AND o.status IN ({NoticeChains.LiveNoticeStatesSql}) AND o.kind NOT IN ({NoticeChains.OfficeKindsSql})
              AND {NoticeChains.ChainSql("n")} = {NoticeChains.ChainSql("o")}
              AND (n.round, {NoticeChains.StepSql("n")}) > (o.round, {NoticeChains.StepSql("o")})
            RETURNING 1)
        SELECT kind FROM inserted UNION ALL SELECT 0 FROM superseded
        """;

    private static async Task<List<NoticeKind>> ReadKindsAsync(NpgsqlCommand command, DateTimeOffset asOf, CancellationToken ct)
    {
        if (command.Parameters.Count == 0)
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = asOf });
        var kinds = new List<NoticeKind>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            kinds.Add((NoticeKind)reader.GetInt32(0));
        return kinds;
    }

    private NpgsqlCommand Command(string sql) =>
        new(sql, (NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction()) { CommandTimeout = 300 };

    /// <summary>
    /// One statement per rule set; <paramref name="exclude"/> applies the set to every plan not listed. Per assignment it
    /// raises at most the one deadline notice the days earn (DUE_SOON, OVERDUE or the escalation level) and the one
    /// behind-schedule level the lag earns.
    /// </summary>
    private async Task<List<NoticeKind>> RaiseAsync(DateTimeOffset asOf, NoticeRules rules, Guid[] plans, bool exclude, string among, CancellationToken ct)
    {
        await using var command = Command(RaiseAndSupersede($"""
            working AS (
                SELECT a.*, floor(extract(epoch FROM ($1 - a.due_at)) / 86400)::int + 1 AS days_over,
                       CASE WHEN a.due_at > a.assigned_at
                            THEN 100.0 * extract(epoch FROM ($1 - a.assigned_at)) / extract(epoch FROM (a.due_at - a.assigned_at))
                       END - a.progress_percent AS lag
                FROM assignments a
                WHERE a.status IN ({NoticeChains.OpenStatesSql}) AND a.due_at IS NOT NULL AND a.due_at <= $1 + make_interval(hours => 24 * $2)
                  AND (a.plan_id = ANY($6)) <> $7 AND {among}),
            leveled AS (
                SELECT w.*, (SELECT count(*)::int FROM unnest($3::int[]) d WHERE w.days_over > d) AS escalation FROM working w),
            candidates AS (
                SELECT w.*,
                       CASE WHEN w.due_at > $1 THEN {(int)NoticeKind.DueSoon} WHEN w.escalation = 0 THEN {(int)NoticeKind.Overdue}
                            ELSE {(int)NoticeKind.Escalated} END AS kind,
                       CASE WHEN w.due_at > $1 THEN 0 ELSE w.escalation END AS level,
                       CASE WHEN w.due_at > $1 THEN format('“%s”将于%s到期', w.title, w.due_date)
                            WHEN w.escalation = 0 THEN format('“%s”已逾期，应于%s完成', w.title, w.due_date)
                            WHEN w.escalation = 1 THEN format('“%s”逾期%s天，提请分管领导督办', w.title, w.days_over)
                            ELSE format('“%s”逾期%s天，列入通报', w.title, w.days_over) END AS message,
                       CASE WHEN w.due_at > $1 OR w.escalation = 0 THEN ARRAY[w.lead_unit_id] ELSE ARRAY[w.lead_unit_id, w.assigning_unit_id] END AS recipients
                FROM leveled w
                UNION ALL
                SELECT w.*, {(int)NoticeKind.BehindSchedule}, CASE WHEN w.lag > $5 THEN 1 ELSE 0 END,
                       format('“%s”进度%s%%，落后序时进度%s个百分点', w.title, w.progress_percent, round(w.lag)), ARRAY[w.lead_unit_id]
                FROM leveled w
                WHERE w.due_at > $1 AND (w.lag > $4 OR w.lag > $5)),
            """, $"""
            SELECT gen_random_uuid(), c.id, c.kind, c.deadline_version, c.level, c.supervision_round, {(int)NoticeStatus.Open}, c.plan_id,
                   c.lead_unit_id, c.owner_person_id, c.title, c.due_date, c.message, c.recipients, $1
            FROM candidates c
            WHERE {NotYetAsFar}
            """));
        AddRules(command, asOf, rules, plans, exclude);
        return await ReadKindsAsync(command, asOf, ct);
    }
}

/// <summary>Scans on a timer inside the service; several replicas may all scan, the unique key keeps notices single.</summary>
public sealed class ScanTimer(IServiceScopeFactory scopes, IOptions<ScanOptions> options, TimeProvider time, ILogger<ScanTimer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.IntervalSeconds <= 0)
            return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.IntervalSeconds), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var outcome = await scope.ServiceProvider.GetRequiredService<NoticeScanner>().ScanAsync(time.GetUtcNow(), stoppingToken);
                logger.LogInformation("Scan raised {Overdue} overdue, {Escalated} escalated, {DueSoon} due-soon notices", outcome.Overdue, outcome.Escalated, outcome.DueSoon);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Scheduled scan failed; the next tick tries again");
            }
        }
    }
}
