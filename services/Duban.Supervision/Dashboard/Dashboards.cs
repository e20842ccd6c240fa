using Duban.ServiceDefaults.Auth;
using Duban.ServiceDefaults.Data;
using Duban.ServiceDefaults.Errors;
using Duban.ServiceDefaults.Paging;
using Duban.Supervision.Data;
using Duban.Supervision.Documents;
using Duban.Supervision.Domain.Reviews;
using Duban.Supervision.Notices;
using Duban.Units.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Duban.Supervision.Dashboard;

/// <summary>One unit's row of the dashboard's counts.</summary>
public sealed record UnitCounts(Guid UnitId, int Assigned, int Accepted, int InProgress, int CompletionRequested, int Completed, int Cancelled,
    int Red, int Yellow, int Blue, int DueWithin7Days, int MaxDaysOverdue)
{
    public int Open => Assigned + Accepted + InProgress;
}

/// <summary>Every unit's counts, made at one instant.</summary>
public sealed record UnitCountsSnapshot(DateTimeOffset AsOf, IReadOnlyDictionary<Guid, UnitCounts> ByUnit);

/// <summary>An assignment's 督办等级: null when it is not open work.</summary>
public sealed record AssignmentLevel(Guid AssignmentId, UrgingLevel? Level, int DaysOverdue, int DaysLeft, bool HasDeadline);

public sealed record DashboardWeekRow(string Week, Guid ReviewId, DateTimeOffset AsOf, int Assigned, int Overdue, int CompletedOnTime,
    int OverdueWithoutExplanation);

public sealed record DashboardView(DateTimeOffset AsOf, Guid? ScopeUnitId, string ScopeName, IReadOnlyList<UnitCounts> Units,
    IReadOnlyList<(UnitCounts Counts, string Name)> Ranking, IReadOnlyList<DashboardWeekRow> Trend, int DueSoonDays);

/// <summary>
/// 驾驶舱: the projection counted per lead unit in one statement, then summed. The 督办等级 in SQL is
/// <see cref="UrgingNotes.Level"/>'s rule (red overdue, yellow behind 序时进度, blue due soon), each plan with its own
/// scan rules; a test holds the two together.
/// </summary>
public sealed class Dashboards(SupervisionDb db, NoticeStore notices, UnitsDirectory units, DashboardCache cache, IOptions<ScanOptions> scan,
    TimeProvider time)
{
    public const int DefaultRanking = 10;
    public const int MaxRanking = 50;
    public const int DefaultWeeks = 8;
    public const int MaxWeeks = 26;

    public async Task<DashboardView> GetAsync(string scopeUnitId, int rankingSize, int trendWeeks, Caller caller, CancellationToken ct)
    {
        var violations = new Violations();
        var scopeText = scopeUnitId.Trim();
        if (scopeText.Length > 0)
            violations.RequireId(scopeText, "scope_unit_id");
        if (rankingSize < 0 || rankingSize > MaxRanking)
            violations.Add("ranking_size", $"must be between 0 (for {DefaultRanking}) and {MaxRanking}");
        if (trendWeeks < 0 || trendWeeks > MaxWeeks)
            violations.Add("trend_weeks", $"must be between 0 (for {DefaultWeeks}) and {MaxWeeks}");
        violations.ThrowIfAny();

        var visible = await notices.VisibleUnitsAsync(caller, ct);
        Guid? scopeId = scopeText.Length > 0 ? Guid.Parse(scopeText) : visible is null ? null : Guid.Parse(caller.UnitId);
        Guid[]? unitIds = null;
        var scopeName = "";
        if (scopeId is { } scope)
        {
            if (visible is not null && !visible.Contains(scope))
                throw new PermissionDeniedException("a unit sees the dashboard of its own unit and the units below it only");
            var unit = await units.FindUnitAsync(scope, ct) ?? throw new NotFoundException("unit", scope.ToString());
            scopeName = unit.Name;
            unitIds = (await cache.SubtreeAsync(scope, ct)).Select(u => Guid.Parse(u.Id)).Append(scope).ToArray();
        }

        var (now, counts) = await CountsAsync(unitIds, ct);
        var ranking = counts.Where(c => c.Red > 0).OrderByDescending(c => c.Red).ThenByDescending(c => c.MaxDaysOverdue).ThenBy(c => c.UnitId)
            .Take(rankingSize == 0 ? DefaultRanking : rankingSize).ToList();
        var names = await units.GetUnitsAsync(ranking.Select(r => r.UnitId), ct);
        var trend = scopeId is { } s ? await TrendAsync(s, trendWeeks == 0 ? DefaultWeeks : trendWeeks, ct) : [];
        return new DashboardView(now, scopeId, scopeName, counts,
            ranking.Select(r => (r, names.TryGetValue(r.UnitId, out var u) ? u.Name : "")).ToList(), trend, scan.Value.Default.DueSoonDays);
    }

    /// <summary>单位视图 of a scope: the caller's own unit unless named; the office names one (its own unit leads no work).</summary>
    public async Task<(DateTimeOffset AsOf, Guid ScopeId, IReadOnlyList<UnitBoardRow> Rows)> GetUnitBoardAsync(string scopeUnitId, Caller caller,
        CancellationToken ct)
    {
        var violations = new Violations();
        var scopeText = scopeUnitId.Trim();
        if (scopeText.Length > 0)
            violations.RequireId(scopeText, "scope_unit_id");
        else if (caller.IsOffice)
            violations.Add("scope_unit_id", "the office names the unit whose tree to show");
        violations.ThrowIfAny();

        var visible = await notices.VisibleUnitsAsync(caller, ct);
        var scopeId = scopeText.Length > 0 ? Guid.Parse(scopeText) : Guid.Parse(caller.UnitId);
        if (visible is not null && !visible.Contains(scopeId))
            throw new PermissionDeniedException("a unit sees the units of its own subtree only");
        var scope = await units.FindUnitAsync(scopeId, ct) ?? throw new NotFoundException("unit", scopeId.ToString());
        var below = await cache.SubtreeAsync(scopeId, ct);
        var (now, counts) = await CountsAsync(below.Select(u => Guid.Parse(u.Id)).Append(scopeId).ToArray(), ct);
        return (now, scopeId, UnitBoard.Build(scope, below, counts));
    }

    /// <summary>The counts of the units asked for (all with null), from the counts of every unit as of when they were made.</summary>
    private async Task<(DateTimeOffset AsOf, List<UnitCounts> Counts)> CountsAsync(Guid[]? unitIds, CancellationToken ct)
    {
        var snapshot = await cache.CountsAsync(ct);
        if (unitIds is null)
            return (snapshot.AsOf, snapshot.ByUnit.Values.ToList());
        return (snapshot.AsOf, unitIds.Distinct().Select(id => snapshot.ByUnit.GetValueOrDefault(id)).OfType<UnitCounts>().ToList());
    }

    /// <summary>Every unit's counts as of now, in one pass over the projection (<see cref="DashboardCache"/> keeps them).</summary>
    public async Task<UnitCountsSnapshot> CountEveryUnitAsync(CancellationToken ct)
    {
        var now = time.GetStoredUtcNow();
        var rows = await CountAsync(now, ct);
        return new UnitCountsSnapshot(now, rows.ToDictionary(r => r.UnitId));
    }

    // The projection judged as the 督办单 judges (UrgingNotes.Level), each plan with its own scan rules: $1 now, $2–$4 the
    // plans' rules, $5 and $6 the default ones. open: assigned, accepted, in progress (NoticeScanRules.IsOpen); lag:
    // NoticeScanRules.Lag, null without a span.
    private const string Judged = """
        rules AS (SELECT * FROM unnest($2::uuid[], $3::int[], $4::int[]) AS r(plan_id, yellow_points, due_soon_days)),
        judged AS (
            SELECT a.id, a.lead_unit_id, a.status, a.due_at,
                   a.status IN (1, 2, 3) AS open,
                   CASE WHEN a.due_at > a.assigned_at
                        THEN 100.0 * extract(epoch FROM ($1 - a.assigned_at))::float8 / extract(epoch FROM (a.due_at - a.assigned_at))::float8 - a.progress_percent
                   END AS lag,
                   coalesce(r.yellow_points, $5) AS yellow_points, coalesce(r.due_soon_days, $6) AS due_soon_days
            FROM assignments a LEFT JOIN rules r ON r.plan_id = a.plan_id
        """;

    /// <summary>Each level's condition over <see cref="Judged"/>: the counts and the lists by level say the same.</summary>
    private static string LevelCondition(UrgingLevel level) => level switch
    {
        UrgingLevel.Red => "open AND $1 > due_at",
        UrgingLevel.Yellow => "open AND $1 <= due_at AND lag > yellow_points",
        UrgingLevel.Blue => "open AND $1 <= due_at AND NOT coalesce(lag > yellow_points, false) AND due_at - $1 <= make_interval(days => due_soon_days)",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "only red, yellow and blue are listed"),
    };

    private async Task<List<UnitCounts>> CountAsync(DateTimeOffset now, CancellationToken ct)
    {
        var sql = $"""
            WITH {Judged})
            SELECT lead_unit_id,
                   count(*) FILTER (WHERE status = 1)::int, count(*) FILTER (WHERE status = 2)::int, count(*) FILTER (WHERE status = 3)::int,
                   count(*) FILTER (WHERE status = 4)::int, count(*) FILTER (WHERE status = 5)::int, count(*) FILTER (WHERE status = 6)::int,
                   count(*) FILTER (WHERE {LevelCondition(UrgingLevel.Red)})::int,
                   count(*) FILTER (WHERE {LevelCondition(UrgingLevel.Yellow)})::int,
                   count(*) FILTER (WHERE {LevelCondition(UrgingLevel.Blue)})::int,
                   count(*) FILTER (WHERE open AND $1 <= due_at AND due_at <= $1 + interval '7 days')::int,
                   coalesce(max(floor(extract(epoch FROM ($1 - due_at)) / 86400)::int + 1) FILTER (WHERE {LevelCondition(UrgingLevel.Red)}), 0)
            FROM judged GROUP BY lead_unit_id
            """;
        var rows = new List<UnitCounts>();
        await JudgeAsync(sql, now, [], async reader =>
        {
            while (await reader.ReadAsync(ct))
                rows.Add(new UnitCounts(reader.GetGuid(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4),
                    reader.GetInt32(5), reader.GetInt32(6), reader.GetInt32(7), reader.GetInt32(8), reader.GetInt32(9), reader.GetInt32(10),
                    reader.GetInt32(11)));
        }, ct);
        return rows;
    }

    public const int DefaultLevelPage = 20;
    public const int MaxLevelPage = 100;

    /// <summary>
    /// The open assignments of one level in a scope, due soonest first, judged now (the list is live; the dashboard's
    /// counts may be up to <see cref="DashboardOptions.RefreshSeconds"/> older).
    /// </summary>
    public async Task<(DateTimeOffset AsOf, IReadOnlyList<Guid> Ids, string NextPageToken)> ListByLevelAsync(UrgingLevel? level, string scopeUnitId,
        int pageSize, string pageToken, Caller caller, CancellationToken ct)
    {
        var violations = new Violations();
        if (level is not (UrgingLevel.Red or UrgingLevel.Yellow or UrgingLevel.Blue))
            violations.Add("level", "must be URGING_LEVEL_RED, URGING_LEVEL_YELLOW or URGING_LEVEL_BLUE");
        var scopeText = scopeUnitId.Trim();
        if (scopeText.Length > 0)
            violations.RequireId(scopeText, "scope_unit_id");
        if (pageSize < 0 || pageSize > MaxLevelPage)
            violations.Add("page_size", $"must be between 0 (for {DefaultLevelPage}) and {MaxLevelPage}");
        violations.ThrowIfAny();
        var fingerprint = $"levels|{level}|{scopeText}";
        var after = PageToken.Decode(pageToken, fingerprint);
        var key = after is null ? ((DateTimeOffset, Guid)?)null : PageToken.Key(after, k =>
        {
            var bar = k.IndexOf('|');
            return (new DateTimeOffset(long.Parse(k[..bar], System.Globalization.CultureInfo.InvariantCulture), TimeSpan.Zero), Guid.Parse(k[(bar + 1)..]));
        });

        var visible = await notices.VisibleUnitsAsync(caller, ct);
        Guid[]? unitIds = visible?.ToArray();
        if (scopeText.Length > 0)
        {
            var scope = Guid.Parse(scopeText);
            if (visible is not null && !visible.Contains(scope))
                throw new PermissionDeniedException("a unit lists the matters of its own unit and the units below it only");
            _ = await units.FindUnitAsync(scope, ct) ?? throw new NotFoundException("unit", scopeText);
            unitIds = (await cache.SubtreeAsync(scope, ct)).Select(u => Guid.Parse(u.Id)).Append(scope).ToArray();
        }

        var size = pageSize == 0 ? DefaultLevelPage : pageSize;
        var sql = $"""
            WITH {Judged}
                WHERE a.status IN (1, 2, 3) AND ($7::uuid[] IS NULL OR a.lead_unit_id = ANY($7)))
            SELECT id, due_at FROM judged
            WHERE {LevelCondition(level!.Value)} AND ($8::timestamptz IS NULL OR (due_at, id) > ($8, $9))
            ORDER BY due_at, id LIMIT $10
            """;
        var now = time.GetStoredUtcNow();
        var rows = new List<(Guid Id, DateTimeOffset DueAt)>();
        await JudgeAsync(sql, now, [
            new NpgsqlParameter { Value = (object?)unitIds ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Uuid },
            new NpgsqlParameter { Value = key is { } k1 ? k1.Item1 : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz },
            new NpgsqlParameter<Guid> { TypedValue = key?.Item2 ?? Guid.Empty },
            new NpgsqlParameter<int> { TypedValue = size + 1 },
        ], async reader =>
        {
            while (await reader.ReadAsync(ct))
                rows.Add((reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1)));
        }, ct);
        if (rows.Count <= size)
            return (now, rows.Select(r => r.Id).ToList(), "");
        rows.RemoveAt(size);
        var last = rows[^1];
        return (now, rows.Select(r => r.Id).ToList(), PageToken.Encode(fingerprint, $"{last.DueAt.UtcTicks}|{last.Id}"));
    }

    /// <summary>Runs a statement over <see cref="Judged"/> with its six parameters, then <paramref name="more"/>.</summary>
    private async Task JudgeAsync(string sql, DateTimeOffset now, NpgsqlParameter[] more, Func<NpgsqlDataReader, Task> read, CancellationToken ct)
    {
        var rules = scan.Value;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.WithoutJitAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var command = new NpgsqlCommand(sql, connection, (NpgsqlTransaction)transaction.GetDbTransaction());
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = rules.Plans.Keys.Select(Guid.Parse).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = rules.Plans.Values.Select(r => r.BehindScheduleYellowPoints).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = rules.Plans.Values.Select(r => r.DueSoonDays).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = rules.Default.BehindScheduleYellowPoints });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = rules.Default.DueSoonDays });
        command.Parameters.AddRange(more);
        await using (var reader = await command.ExecuteReaderAsync(ct))
            await read(reader);
        await transaction.CommitAsync(ct);
    }

    public const int MaxLevels = 100;

    /// <summary>
    /// The 督办等级 of each assignment asked for that the caller may see (<see cref="UrgingNotes.Level"/>, the plan's scan
    /// rules), with days overdue (as the notices count) or days left to the due date; the others are returned as unknown.
    /// </summary>
    public async Task<(IReadOnlyList<AssignmentLevel> Levels, IReadOnlyList<string> Unknown)> LevelsAsync(IReadOnlyList<string> assignmentIds, Caller caller,
        CancellationToken ct)
    {
        var violations = new Violations();
        if (assignmentIds.Count > MaxLevels)
            violations.Add("assignment_ids", $"at most {MaxLevels} at once");
        var ids = new List<Guid>();
        for (var i = 0; i < assignmentIds.Count && i < MaxLevels; i++)
        {
            if (Guid.TryParse(assignmentIds[i], out var id))
                ids.Add(id);
            else
                violations.Add($"assignment_ids[{i}]", "is not a valid id");
        }
        violations.ThrowIfAny();

        var visible = await notices.VisibleUnitsAsync(caller, ct);
        var found = await db.Assignments.AsNoTracking().Where(a => ids.Contains(a.Id)).ToListAsync(ct);
        if (visible is not null)
            found = found.Where(a => visible.Contains(a.LeadUnitId)).ToList();
        var now = time.GetUtcNow();
        var levels = found.Select(a =>
        {
            var open = Domain.Notices.NoticeScanRules.IsOpen(a.Status);
            var overdue = open && a.DueAt is { } dueAt && now > dueAt;
            return new AssignmentLevel(a.Id, open ? UrgingNotes.Level(a, now, overdue, scan.Value.RulesFor(a.PlanId)) : null,
                overdue ? Domain.Notices.NoticeScanRules.DaysOverdue(a.DueAt!.Value, now) : 0,
                open && !overdue && a.DueDate is { } due ? due.DayNumber - ReviewClock.LocalDate(now, a.TimeZone).DayNumber : 0,
                a.DueDate is not null);
        }).ToList();
        var known = found.Select(a => a.Id).ToHashSet();
        return (levels, assignmentIds.Where(id => !Guid.TryParse(id, out var g) || !known.Contains(g)).ToList());
    }

    /// <summary>Each of the scope's last weeks with a review: its latest revision, oldest week first.</summary>
    private async Task<List<DashboardWeekRow>> TrendAsync(Guid scopeId, int weeks, CancellationToken ct)
    {
        var rows = await db.WeeklyReviews.FromSqlInterpolated($"""
                SELECT * FROM (
                    SELECT DISTINCT ON (week) * FROM weekly_reviews WHERE scope_unit_id = {scopeId} ORDER BY week DESC, revision DESC) latest
                ORDER BY week DESC LIMIT {weeks}
                """).AsNoTracking()
            .Select(r => new DashboardWeekRow(r.Week, r.Id, r.AsOf, r.Assigned, r.Overdue, r.CompletedOnTime, r.OverdueWithoutExplanation))
            .ToListAsync(ct);
        rows.Reverse();
        return rows;
    }
}
