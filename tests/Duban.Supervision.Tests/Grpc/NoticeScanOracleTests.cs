using System.Text.Json;
using Duban.Contracts.Supervision.V1;
using Duban.ServiceDefaults.Auth;
using Duban.Supervision.Domain.Notices;
using Duban.Supervision.Domain.Reviews;
using Google.Protobuf.WellKnownTypes;
using Npgsql;
using NpgsqlTypes;
using DataKind = Duban.Supervision.Data.NoticeKind;
using DataStatus = Duban.Supervision.Data.NoticeStatus;

namespace Duban.Supervision.Tests.Grpc;

/// <summary>
/// The SQL scan against its plain C# reference. Generated projections (every state, deadlines in three time zones,
/// progress, report dates, milestones, extensions, claims, returns with their rounds, verifications, cancellations,
/// acknowledgements, one plan with rules of its own) are written into a fresh supervision database and moved on step by
/// step; after every <c>ScanNow</c>, also one that looks back in time, the notices table must be exactly what
/// <see cref="NoticeLedger"/> computes: the same notices, statuses, messages, recipients and instants, and the same counts.
/// </summary>
public class NoticeScanOracleTests(SupervisionFixture service) : IClassFixture<SupervisionFixture>
{
    private static readonly string[] Zones = ["Asia/Shanghai", "Asia/Shanghai", "America/New_York", "Europe/London"];
    private static readonly Guid OwnRules = Guid.Parse("0f0f0f0f-0000-4000-8000-000000000001");
    private static readonly NoticeRules OwnPlanRules = new() { DueSoonDays = 7, EscalationDays = [1, 5, 10], BehindScheduleYellowPoints = 20, BehindScheduleRedPoints = 40 };
    private static readonly NoticeRules Defaults = new();

    private static NoticeRules RulesOf(Guid plan) => plan == OwnRules ? OwnPlanRules : Defaults;

    [Theory]
    [InlineData(9)]
    [InlineData(2026)]
    public async Task Every_scan_leaves_exactly_the_notices_the_reference_computes(int seed)
    {
        await using var supervision = await StartWithOwnPlanRulesAsync();
        var office = service.SupervisionAs(DubanRoles.Office, instance: supervision);
        await using var connection = new NpgsqlConnection(supervision.ConnectionString);
        await connection.OpenAsync();

        var random = new Random(seed);
        var plans = new[] { OwnRules, Guid.CreateVersion7(), Guid.CreateVersion7() };
        var units = new[] { service.Economy.Id, service.Finance.Id, service.Park.Id }.Select(Guid.Parse).ToArray();
        var assignments = new Dictionary<Guid, ScannedAssignment>();
        for (var i = 0; i < 300; i++)
        {
            var a = NewAssignment(random, i, plans[random.Next(plans.Length)], units);
            assignments[a.Id] = a;
            await UpsertAsync(connection, a);
        }

        var ledger = new NoticeLedger();
        var seen = new HashSet<string>();
        var instants = new[]
        {
            At(2026, 10, 12, 2, 0), At(2026, 10, 20, 10, 30), At(2026, 11, 2, 16, 0),
            At(2026, 10, 25, 8, 0), // looking back: nothing lower may be raised where a chain went further
            At(2026, 11, 10, 23, 59), At(2026, 11, 26, 4, 15),
        };
        foreach (var asOf in instants)
        {
            var result = await office.ScanNowAsync(new ScanNowRequest { AsOf = Timestamp.FromDateTimeOffset(asOf) });
            var expected = ledger.Scan(assignments, RulesOf, asOf);
            var stored = await StoredAsync(connection);
            Assert.Equal(Describe(ledger.Notices), stored);
            Assert.Equal((expected.Raised, expected.Superseded, expected.Resolved),
                (result.DueSoon + result.Overdue + result.Escalated + result.BehindSchedule + result.MilestoneOverdue + result.ReportMissing,
                 result.Superseded, result.Resolved));
            foreach (var n in ledger.Notices)
                seen.Add($"{n.Raised.Kind}/{n.Status}/{(n.Raised.Round > 0 ? "round" : "first")}");

            await MoveOnAsync(connection, random, assignments, ledger, asOf.AddHours(1));
        }

        // The seed reaches every kind, every status, and notices of later rounds.
        foreach (var kind in new[] { DataKind.DueSoon, DataKind.Overdue, DataKind.Escalated, DataKind.BehindSchedule, DataKind.MilestoneOverdue, DataKind.ReportMissing })
            Assert.Contains(seen, s => s.StartsWith($"{kind}/", StringComparison.Ordinal));
        foreach (var status in new[] { DataStatus.Open, DataStatus.Acknowledged, DataStatus.Paused, DataStatus.Superseded, DataStatus.Resolved })
            Assert.Contains(seen, s => s.Contains($"/{status}/", StringComparison.Ordinal));
        Assert.Contains(seen, s => s.EndsWith("/round", StringComparison.Ordinal));
        Assert.Contains(ledger.Notices, n => n.Raised.Kind == DataKind.Escalated && n.Raised.Level == 3);
    }

    /// <summary>
    /// A scan reads only the rows that changed or whose next instant came (<see cref="ScanSchedule"/>), so an instant
    /// stored too late would show here as a notice the reference raises and the scan does not. Scans step through three
    /// months at uneven hours, most steps with nothing changed between them.
    /// </summary>
    [Fact]
    public async Task A_scan_reads_only_what_changed_or_came_due_and_misses_nothing()
    {
        await using var supervision = await StartWithOwnPlanRulesAsync();
        var office = service.SupervisionAs(DubanRoles.Office, instance: supervision);
        await using var connection = new NpgsqlConnection(supervision.ConnectionString);
        await connection.OpenAsync();

        var random = new Random(41);
        var plans = new[] { OwnRules, Guid.CreateVersion7() };
        var units = new[] { service.Economy.Id, service.Finance.Id, service.Park.Id }.Select(Guid.Parse).ToArray();
        var assignments = new Dictionary<Guid, ScannedAssignment>();
        for (var i = 0; i < 200; i++)
        {
            var a = NewAssignment(random, i, plans[random.Next(plans.Length)], units);
            assignments[a.Id] = a;
            await UpsertAsync(connection, a);
        }
        var ledger = new NoticeLedger();
        var asOf = At(2026, 9, 10, 0, 0);
        var readTotal = 0;
        for (var step = 0; asOf < At(2026, 11, 30, 0, 0); step++)
        {
            var result = await office.ScanNowAsync(new ScanNowRequest { AsOf = Timestamp.FromDateTimeOffset(asOf) });
            var expected = ledger.Scan(assignments, RulesOf, asOf);
            Assert.Equal(Describe(ledger.Notices), await StoredAsync(connection));
            Assert.Equal(expected.Raised, result.DueSoon + result.Overdue + result.Escalated + result.BehindSchedule + result.MilestoneOverdue + result.ReportMissing);
            // The first scan reads every row (each was just written, so marked changed); later ones only what changed or came due.
            Assert.Equal(step == 0, result.ReadAll);
            if (step == 0)
                Assert.Equal(assignments.Count, result.AssignmentsRead);
            else
                readTotal += result.AssignmentsRead;

            var again = await office.ScanNowAsync(new ScanNowRequest { AsOf = Timestamp.FromDateTimeOffset(asOf) });
            Assert.Equal((0, false), (again.AssignmentsRead, again.ReadAll));

            if (step % 8 == 7)
                await MoveOnAsync(connection, random, assignments, ledger, asOf.AddMinutes(30));
            asOf = asOf.AddHours(random.Next(1, 40)).AddMinutes(random.Next(60));
        }
        Assert.Contains(ledger.Notices, n => n.Raised.Kind == DataKind.BehindSchedule && n.Raised.Level == 1);
        Assert.Contains(ledger.Notices, n => n.Raised.Kind == DataKind.Escalated && n.Raised.Level == 3);
        // Reading each row at every scan would have been about open × scans; the rows read follow the instants and the changes.
        Assert.InRange(readTotal, 1, assignments.Count * 10);
    }

    /// <summary>A supervision instance of its own database, with <see cref="OwnPlanRules"/> configured for <see cref="OwnRules"/>.</summary>
    private async Task<Duban.Testing.GrpcServiceFactory<Duban.Supervision.Data.SupervisionDb>> StartWithOwnPlanRulesAsync()
    {
        var supervision = service.NewSupervision(database: null, followFeed: false)
            .With($"Scan:Plans:{OwnRules}:DueSoonDays", "7")
            .With($"Scan:Plans:{OwnRules}:EscalationDays:0", "1")
            .With($"Scan:Plans:{OwnRules}:EscalationDays:1", "5")
            .With($"Scan:Plans:{OwnRules}:EscalationDays:2", "10")
            .With($"Scan:Plans:{OwnRules}:BehindScheduleYellowPoints", "20")
            .With($"Scan:Plans:{OwnRules}:BehindScheduleRedPoints", "40");
        await supervision.StartAsync();
        return supervision;
    }

    private static DateTimeOffset At(int year, int month, int day, int hour, int minute) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    private static ScannedAssignment NewAssignment(Random random, int i, Guid plan, Guid[] units)
    {
        DateOnly? due = random.Next(10) == 0 ? null : new DateOnly(2026, 9, 20).AddDays(random.Next(75));
        var steps = new List<MilestoneStep>();
        if (due is { } d && random.Next(4) == 0)
            for (var s = random.Next(1, 3); s > 0; s--)
                steps.Add(new MilestoneStep(d.AddDays(-random.Next(5, 60) * s), $"节点{s}"));
        steps.Sort((x, y) => x.Date.CompareTo(y.Date));
        var status = random.Next(12) switch { 0 => AssignmentState.CompletionRequested, 1 => AssignmentState.Completed, 2 => AssignmentState.Cancelled,
            3 or 4 => AssignmentState.Assigned, 5 or 6 => AssignmentState.Accepted, _ => AssignmentState.InProgress };
        return new ScannedAssignment(Guid.CreateVersion7(), plan, units[random.Next(units.Length)], units[random.Next(units.Length)],
            random.Next(3) == 0 ? null : Guid.CreateVersion7(), $"督办事项{i:D3}" + (random.Next(6) == 0 ? "（100%完成）" : ""), status, due,
            random.Next(1, 3), 0, 10 * random.Next(11), Zones[random.Next(Zones.Length)],
            new DateTimeOffset(2026, 8, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(random.Next(60 * 24 * 45)), steps,
            random.Next(4) == 0 ? new DateOnly(2026, 10, 1).AddDays(random.Next(50)) : null);
    }

    /// <summary>What happens to the work between two scans: claims, returns, verifications, cancellations, extensions, reports, acknowledgements.</summary>
    private static async Task MoveOnAsync(NpgsqlConnection connection, Random random, Dictionary<Guid, ScannedAssignment> assignments, NoticeLedger ledger,
        DateTimeOffset at)
    {
        foreach (var a in assignments.Values.ToList())
        {
            if (random.Next(4) != 0)
                continue;
            var next = a.Status switch
            {
                AssignmentState.CompletionRequested => random.Next(3) switch
                {
                    0 => a with { Status = AssignmentState.Completed },
                    _ => a with { Status = AssignmentState.InProgress, Round = a.Round + 1 },
                },
                AssignmentState.Assigned or AssignmentState.Accepted or AssignmentState.InProgress => random.Next(7) switch
                {
                    0 or 1 or 2 => a with { Status = AssignmentState.CompletionRequested },
                    3 => a with { Status = AssignmentState.Cancelled },
                    4 when a.DueDate is { } due => a with { DeadlineVersion = a.DeadlineVersion + 1, DueDate = due.AddDays(random.Next(3, 25)) },
                    5 => a with { ReportDueDate = a.ReportDueDate?.AddMonths(1), ProgressPercent = Math.Min(100, a.ProgressPercent + 20) },
                    _ => a with { ProgressPercent = Math.Max(0, a.ProgressPercent - 10) },
                },
                _ => a,
            };
            if (next == a)
                continue;
            assignments[a.Id] = next;
            await UpsertAsync(connection, next);
        }
        foreach (var notice in ledger.Notices.Where(n => n.Status == DataStatus.Open && random.Next(5) == 0))
        {
            ledger.Acknowledge(notice, at);
            var k = notice.Key;
            await using var ack = new NpgsqlCommand(
                "UPDATE notices SET status = $1, acknowledged_at = $2 WHERE assignment_id = $3 AND kind = $4 AND deadline_version = $5 AND level = $6 AND round = $7",
                connection);
            foreach (var value in new object[] { (int)DataStatus.Acknowledged, at, k.Assignment, (int)k.Kind, k.DeadlineVersion, k.Level, k.Round })
                ack.Parameters.Add(new NpgsqlParameter { Value = value });
            Assert.Equal(1, await ack.ExecuteNonQueryAsync());
        }
    }

    /// <summary>Writes a row as the projection does: a new version, marked changed, so the next scan reads it.</summary>
    private static async Task UpsertAsync(NpgsqlConnection connection, ScannedAssignment a)
    {
        await using var upsert = new NpgsqlCommand("""
            INSERT INTO assignments (id, plan_id, lead_unit_id, assigning_unit_id, owner_person_id, owner_name, title, status, due_date, due_at,
                original_due_date, milestones, deadline_version, progress_percent, time_zone, assigned_at, report_due_date, version,
                rejected_completions, approved_extensions, extension_approved_before_original_due, supervision_round, updated_at)
            VALUES ($1, $2, $3, $4, $5, '', $6, $7, $8, $9, $8, $10::jsonb, $11, $12, $13, $14, $15, 1, $16, 0, false, $16, now())
            ON CONFLICT (id) DO UPDATE SET status = excluded.status, due_date = excluded.due_date, due_at = excluded.due_at,
                deadline_version = excluded.deadline_version, progress_percent = excluded.progress_percent, report_due_date = excluded.report_due_date,
                supervision_round = excluded.supervision_round, rejected_completions = excluded.rejected_completions,
                version = assignments.version + 1
            """, connection);
        upsert.Parameters.Add(new() { Value = a.Id });
        upsert.Parameters.Add(new() { Value = a.PlanId });
        upsert.Parameters.Add(new() { Value = a.LeadUnitId });
        upsert.Parameters.Add(new() { Value = a.AssigningUnitId });
        upsert.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Uuid, Value = (object?)a.OwnerPersonId ?? DBNull.Value });
        upsert.Parameters.Add(new() { Value = a.Title });
        upsert.Parameters.Add(new() { Value = (int)a.Status });
        upsert.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Date, Value = (object?)a.DueDate ?? DBNull.Value });
        upsert.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = (object?)a.DueAt ?? DBNull.Value });
        upsert.Parameters.Add(new() { Value = JsonSerializer.Serialize(a.Milestones.Select(m => new { date = m.Date.ToString("yyyy-MM-dd"), label = m.Label })) });
        upsert.Parameters.Add(new() { Value = a.DeadlineVersion });
        upsert.Parameters.Add(new() { Value = a.ProgressPercent });
        upsert.Parameters.Add(new() { Value = a.TimeZone });
        upsert.Parameters.Add(new() { Value = a.AssignedAt });
        upsert.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Date, Value = (object?)a.ReportDueDate ?? DBNull.Value });
        upsert.Parameters.Add(new() { Value = a.Round });
        await upsert.ExecuteNonQueryAsync();
        await using var mark = new NpgsqlCommand("""
            INSERT INTO scan_marks (assignment_id, version, next_scan_at) SELECT id, version, 'epoch' FROM assignments WHERE id = $1
            ON CONFLICT (assignment_id) DO UPDATE SET version = EXCLUDED.version, next_scan_at = EXCLUDED.next_scan_at
            """, connection);
        mark.Parameters.Add(new() { Value = a.Id });
        await mark.ExecuteNonQueryAsync();
    }

    private static string Line(Guid assignment, int kind, int version, int level, int round, int status, DateOnly? due, string message, IEnumerable<Guid> units,
        DateTimeOffset raised, DateTimeOffset? acknowledged, DateTimeOffset? resolved) =>
        $"{assignment} {(DataKind)kind} v{version} L{level} r{round} {(DataStatus)status} {due} {message} [{string.Join(',', units)}] "
        + $"raised {raised.UtcDateTime:O} ack {acknowledged?.UtcDateTime:O} closed {resolved?.UtcDateTime:O}";

    private static List<string> Describe(IEnumerable<LedgerNotice> notices) =>
        notices.Select(n => Line(n.Raised.AssignmentId, (int)n.Raised.Kind, n.Raised.DeadlineVersion, n.Raised.Level, n.Raised.Round, (int)n.Status,
            n.Raised.DueDate, n.Raised.Message, n.Raised.RecipientUnitIds, n.RaisedAt, n.AcknowledgedAt, n.ResolvedAt)).Order(StringComparer.Ordinal).ToList();

    private static async Task<List<string>> StoredAsync(NpgsqlConnection connection)
    {
        await using var read = new NpgsqlCommand("""
            SELECT assignment_id, kind, deadline_version, level, round, status, due_date, message, recipient_unit_ids, raised_at, acknowledged_at, resolved_at
            FROM notices
            """, connection);
        await using var reader = await read.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
            lines.Add(Line(reader.GetGuid(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4), reader.GetInt32(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateOnly>(6), reader.GetString(7), reader.GetFieldValue<Guid[]>(8),
                reader.GetFieldValue<DateTimeOffset>(9), reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
                reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11)));
        return lines.Order(StringComparer.Ordinal).ToList();
    }
}
