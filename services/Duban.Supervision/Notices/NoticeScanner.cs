using Duban.ServiceDefaults.Data;
using Duban.Supervision.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Duban.Supervision.Notices;

public sealed record ScanOutcome(DateTimeOffset AsOf, int DueSoon, int Overdue, int Escalated, int BehindSchedule, int MilestoneOverdue,
    int ReportMissing, int Resolved);

/// <summary>
/// The overdue scan, as set-based statements over the projection: every notice that applies as of the given
/// instant is inserted, and the unique key (assignment, kind, deadline version, level) turns every repeat —
/// the next scan, or another instance scanning the same rows at the same moment — into nothing.
/// </summary>
public sealed class NoticeScanner(SupervisionDb db, IOptions<ScanOptions> options)
{
    public async Task<ScanOutcome> ScanAsync(DateTimeOffset asOf, CancellationToken ct)
    {
        var rules = options.Value;
        var overridden = rules.Plans.Keys.Select(Guid.Parse).ToArray();
        var raised = new Dictionary<NoticeKind, int>();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.WithoutJitAsync(ct);
        foreach (var (plans, planRules, exclude) in rules.Plans.Select(p => (new[] { Guid.Parse(p.Key) }, p.Value, false))
                     .Append((overridden, rules.Default, true)))
        {
            foreach (var kind in await RaiseAsync(asOf, planRules, plans, exclude, ct))
                raised[kind] = raised.GetValueOrDefault(kind) + 1;
        }
        // A passed step (时间节点) before the final deadline: one notice per step, its level the step's number.
        raised[NoticeKind.MilestoneOverdue] = await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO notices (id, assignment_id, kind, deadline_version, level, status, plan_id, lead_unit_id, owner_person_id,
                                 title, due_date, message, recipient_unit_ids, raised_at)
            SELECT gen_random_uuid(), a.id, {(int)NoticeKind.MilestoneOverdue}, a.deadline_version, m.idx::int, 1, a.plan_id, a.lead_unit_id,
                   a.owner_person_id, a.title, (m.step->>'date')::date,
                   format('“%s”的时间节点“%s”（%s）已过', a.title, m.step->>'label', m.step->>'date'), ARRAY[a.lead_unit_id], {asOf}
            FROM assignments a
            CROSS JOIN LATERAL jsonb_array_elements(a.milestones) WITH ORDINALITY AS m(step, idx)
            WHERE a.status IN (1, 2, 3) AND a.milestones <> '[]'::jsonb
              AND (((m.step->>'date')::date + 1)::timestamp AT TIME ZONE a.time_zone) <= {asOf}
            ON CONFLICT (assignment_id, kind, deadline_version, level) DO NOTHING
            """, ct);
        // A recurring report not filed by its date: one notice per missed date (its level is the date, yyyymmdd).
        raised[NoticeKind.ReportMissing] = await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO notices (id, assignment_id, kind, deadline_version, level, status, plan_id, lead_unit_id, owner_person_id,
                                 title, due_date, message, recipient_unit_ids, raised_at)
            SELECT gen_random_uuid(), a.id, {(int)NoticeKind.ReportMissing}, a.deadline_version, to_char(a.report_due_date, 'YYYYMMDD')::int, 1,
                   a.plan_id, a.lead_unit_id, a.owner_person_id, a.title, a.report_due_date,
                   format('“%s”应于%s前报送进展，尚未报送', a.title, a.report_due_date), ARRAY[a.lead_unit_id], {asOf}
            FROM assignments a
            WHERE a.status IN (1, 2, 3) AND a.report_due_date IS NOT NULL
              AND ((a.report_due_date + 1)::timestamp AT TIME ZONE a.time_zone) <= {asOf}
            ON CONFLICT (assignment_id, kind, deadline_version, level) DO NOTHING
            """, ct);
        var resolved = await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE notices n SET status = {(int)NoticeStatus.Resolved}, resolved_at = {asOf}
            FROM assignments a
            WHERE a.id = n.assignment_id AND n.status <> {(int)NoticeStatus.Resolved} AND n.kind <> {(int)NoticeKind.Urged}
              AND (a.status IN (4, 5, 6) OR n.deadline_version < a.deadline_version)
            """, ct);
        await transaction.CommitAsync(ct);
        return new ScanOutcome(asOf, raised.GetValueOrDefault(NoticeKind.DueSoon), raised.GetValueOrDefault(NoticeKind.Overdue),
            raised.GetValueOrDefault(NoticeKind.Escalated), raised.GetValueOrDefault(NoticeKind.BehindSchedule),
            raised.GetValueOrDefault(NoticeKind.MilestoneOverdue), raised.GetValueOrDefault(NoticeKind.ReportMissing), resolved);
    }

    /// <summary>One statement per rule set; <paramref name="exclude"/> applies the set to every plan not listed.</summary>
    private async Task<List<NoticeKind>> RaiseAsync(DateTimeOffset asOf, NoticeRules rules, Guid[] plans, bool exclude, CancellationToken ct)
    {
        var escalateFirst = rules.EscalationDays.ElementAtOrDefault(0) is > 0 and var first ? first : 3;
        var escalateSecond = rules.EscalationDays.ElementAtOrDefault(1) is > 0 and var second ? second : 7;
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var command = new NpgsqlCommand("""
            WITH working AS (
                SELECT a.*, floor(extract(epoch FROM ($1 - a.due_at)) / 86400)::int + 1 AS days_over,
                       CASE WHEN a.due_at > a.assigned_at
                            THEN 100.0 * extract(epoch FROM ($1 - a.assigned_at)) / extract(epoch FROM (a.due_at - a.assigned_at))
                       END - a.progress_percent AS lag
                FROM assignments a
                WHERE a.status IN (1, 2, 3) AND a.due_at IS NOT NULL AND a.due_at <= $1 + make_interval(days => $2)
                  AND (a.plan_id = ANY($7)) <> $8),
            candidates AS (
                SELECT w.*, k.kind, k.level, k.message, k.recipients FROM working w
                CROSS JOIN LATERAL (VALUES
                    (1, 0, w.due_at > $1, format('“%s”将于%s到期', w.title, w.due_date), ARRAY[w.lead_unit_id]),
                    (2, 0, w.due_at <= $1, format('“%s”已逾期，应于%s完成', w.title, w.due_date), ARRAY[w.lead_unit_id]),
                    (3, 1, w.days_over > $3, format('“%s”逾期%s天，提请分管领导督办', w.title, w.days_over), ARRAY[w.lead_unit_id, w.assigning_unit_id]),
                    (3, 2, w.days_over > $4, format('“%s”逾期%s天，列入通报', w.title, w.days_over), ARRAY[w.lead_unit_id, w.assigning_unit_id])
                ) AS k(kind, level, applies, message, recipients)
                WHERE k.applies
                UNION ALL
                SELECT w.*, 7, k.level, format('“%s”进度%s%%，落后序时进度%s个百分点', w.title, w.progress_percent, round(w.lag)),
                       ARRAY[w.lead_unit_id]
                FROM working w
                CROSS JOIN LATERAL (VALUES (0, $5), (1, $6)) AS k(level, points)
                WHERE w.due_at > $1 AND w.lag > k.points)
            INSERT INTO notices (id, assignment_id, kind, deadline_version, level, status, plan_id, lead_unit_id, owner_person_id,
                                 title, due_date, message, recipient_unit_ids, raised_at)
            SELECT gen_random_uuid(), c.id, c.kind, c.deadline_version, c.level, 1, c.plan_id, c.lead_unit_id, c.owner_person_id,
                   c.title, c.due_date, c.message, c.recipients, $1
            FROM candidates c
            ON CONFLICT (assignment_id, kind, deadline_version, level) DO NOTHING
            RETURNING kind
            """, connection, (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction());
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = asOf });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Max(rules.DueSoonDays, 0) });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = escalateFirst });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = escalateSecond });
        command.Parameters.Add(new NpgsqlParameter<double> { TypedValue = rules.BehindScheduleYellowPoints });
        command.Parameters.Add(new NpgsqlParameter<double> { TypedValue = rules.BehindScheduleRedPoints });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = plans });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = exclude });
        command.CommandTimeout = 300;

        var kinds = new List<NoticeKind>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            kinds.Add((NoticeKind)reader.GetInt32(0));
        return kinds;
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
