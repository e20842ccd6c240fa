using Duban.Supervision.Data;

namespace Duban.Supervision.Domain.Notices;

/// <summary>
/// When the scan must read an assignment again, so a scan reads only what changed or came due
/// (<see cref="ScanMark"/>). What <see cref="NoticeScanRules.Due"/> calls for changes only at
/// these instants: the start of the deadline window (DueSoonDays before the deadline), the deadline, each escalation
/// threshold after it, the moments the lag behind schedule passes yellow and red inside the window, each milestone
/// step, and the report date. Between them a scan of the row raises nothing new, so the row is not read.
/// </summary>
public static class ScanSchedule
{
    /// <summary>Set by the projection with every change (the Unix epoch): the next scan reads the row, whatever its instants.</summary>
    public const string ChangedSql = "'epoch'::timestamptz";

    /// <summary>
    /// The first of those instants strictly after <paramref name="after"/>, in SQL over assignment <c>a</c>, for an open
    /// assignment (null when none is left); the rules are parameters: <paramref name="dueSoonDays"/> (int),
    /// <paramref name="escalations"/> (int[] of <paramref name="escalationCount"/> thresholds), <paramref name="yellow"/>
    /// and <paramref name="red"/> (points). Plain expressions, no subqueries but for the milestones, because the first
    /// scan works it out for every row. The lag passes a threshold just after the instant it equals it ("more than"),
    /// hence the millisecond after.
    /// </summary>
    public static string NextAfterSql(string after, string dueSoonDays, string escalations, int escalationCount, string yellow, string red)
    {
        var windowOpens = $"(a.due_at - make_interval(hours => 24 * {dueSoonDays}))";
        string Once(string instant) => $"CASE WHEN {instant} > {after} THEN {instant} END";
        string LagPasses(string points)
        {
            var passes = $"greatest(a.assigned_at + make_interval(secs => extract(epoch FROM (a.due_at - a.assigned_at)) * (({points} + a.progress_percent) / 100.0) + 0.001), {windowOpens})";
            return $"CASE WHEN a.due_at > a.assigned_at AND {passes} < a.due_at AND {passes} > {after} THEN {passes} END";
        }
        var escalationInstants = Enumerable.Range(1, escalationCount).Select(i => Once($"(a.due_at + make_interval(hours => 24 * ({escalations}::int[])[{i}]))"));
        var stepInstant = "(((m.step->>'date')::date + 1)::timestamp AT TIME ZONE a.time_zone)";
        var steps = $"""
            CASE WHEN a.milestones <> '[]'::jsonb THEN
                (SELECT min({stepInstant}) FROM jsonb_array_elements(a.milestones) AS m(step) WHERE {stepInstant} > {after}) END
            """;
        var instants = new[] { Once(windowOpens), Once("a.due_at") }.Concat(escalationInstants)
            .Concat([LagPasses(yellow), LagPasses(red), steps, Once("((a.report_due_date + 1)::timestamp AT TIME ZONE a.time_zone)")]);
        var earliest = string.Join(", ", instants);
        return $"CASE WHEN a.status IN ({NoticeChains.OpenStatesSql}) THEN least({earliest}) END";
    }
}
