using Duban.Supervision.Data;
using Duban.Supervision.Domain.Reviews;

namespace Duban.Supervision.Domain.Notices;

/// <summary>
/// Which notices replace which. A chain holds the notices about one matter of one assignment: the deadline
/// (DUE_SOON → OVERDUE → ESCALATED 1 → ESCALATED 2 …), the schedule (BEHIND_SCHEDULE yellow → red), and each
/// milestone step and each missed report date on its own. Within a chain a notice further up, or of a later
/// supervision round, supersedes the open ones below it, so each chain has one open notice. The office's own notices
/// (URGED, EXPLANATION_RETURNED) are in no chain.
/// The SQL of the scan and of the notice store is written from these tables, so both say the same.
/// </summary>
public static class NoticeChains
{
    /// <summary>The chain of a notice, as a pair: one value per chain family, then the level for the per-date kinds.</summary>
    public static (int Family, int Member) Chain(NoticeKind kind, int level) => kind switch
    {
        NoticeKind.DueSoon or NoticeKind.Overdue or NoticeKind.Escalated => ((int)NoticeKind.Overdue, 0),
        NoticeKind.MilestoneOverdue or NoticeKind.ReportMissing => ((int)kind, level),
        _ => ((int)kind, 0),
    };

    /// <summary>How far up its chain a notice is.</summary>
    public static int Step(NoticeKind kind, int level) => kind switch
    {
        NoticeKind.DueSoon => 0,
        NoticeKind.Overdue => 1,
        NoticeKind.Escalated => 1 + level,
        NoticeKind.BehindSchedule => level,
        _ => 0,
    };

    /// <summary>Whether <paramref name="newer"/> replaces <paramref name="older"/> (both of the same assignment and deadline version).</summary>
    public static bool Supersedes(NoticeKind newerKind, int newerLevel, int newerRound, NoticeKind olderKind, int olderLevel, int olderRound) =>
        !IsOfficeNotice(newerKind) && !IsOfficeNotice(olderKind) && Chain(newerKind, newerLevel) == Chain(olderKind, olderLevel)
        && (newerRound, Step(newerKind, newerLevel)).CompareTo((olderRound, Step(olderKind, olderLevel))) > 0;

    /// <summary>Raised by the office, not by the scan: no chain, and the assignment's state does not move them.</summary>
    public static bool IsOfficeNotice(NoticeKind kind) => kind is NoticeKind.Urged or NoticeKind.ExplanationReturned;

    /// <summary><see cref="IsOfficeNotice"/>'s kinds as an SQL list.</summary>
    public static string OfficeKindsSql { get; } = List(NoticeKind.Urged, NoticeKind.ExplanationReturned);

    /// <summary>
    /// Order of urgency in lists, highest first: escalations by level, then OVERDUE, URGED, a passed milestone, a
    /// missed report, behind schedule (red, yellow), due soon and a returned explanation. Ties go to the most days overdue (the earliest date).
    /// </summary>
    public static int Urgency(NoticeKind kind, int level) => kind switch
    {
        NoticeKind.Escalated => 10 + Math.Min(level, 80),
        NoticeKind.Overdue => 10,
        NoticeKind.Urged => 9,
        NoticeKind.MilestoneOverdue => 8,
        NoticeKind.ReportMissing => 7,
        NoticeKind.BehindSchedule => 5 + Math.Min(level, 1),
        _ => 4,
    };

    /// <summary><see cref="Urgency"/> in SQL over the columns kind and level (a generated column of notices).</summary>
    public static string UrgencySql { get; } = $"""
        CASE kind WHEN {(int)NoticeKind.Escalated} THEN 10 + least(level, 80) WHEN {(int)NoticeKind.Overdue} THEN 10
        WHEN {(int)NoticeKind.Urged} THEN 9 WHEN {(int)NoticeKind.MilestoneOverdue} THEN 8 WHEN {(int)NoticeKind.ReportMissing} THEN 7
        WHEN {(int)NoticeKind.BehindSchedule} THEN 5 + least(level, 1) ELSE 4 END
        """;

    /// <summary><see cref="Chain"/> in SQL: a row value over the columns of notice alias <paramref name="n"/>.</summary>
    public static string ChainSql(string n) =>
        $"(CASE WHEN {n}.kind IN ({(int)NoticeKind.DueSoon}, {(int)NoticeKind.Overdue}, {(int)NoticeKind.Escalated}) THEN {(int)NoticeKind.Overdue} ELSE {n}.kind END, "
        + $"CASE WHEN {n}.kind IN ({(int)NoticeKind.MilestoneOverdue}, {(int)NoticeKind.ReportMissing}) THEN {n}.level ELSE 0 END)";

    /// <summary><see cref="Step"/> in SQL over the columns of notice alias <paramref name="n"/>.</summary>
    public static string StepSql(string n) =>
        $"CASE {n}.kind WHEN {(int)NoticeKind.DueSoon} THEN 0 WHEN {(int)NoticeKind.Overdue} THEN 1 WHEN {(int)NoticeKind.Escalated} THEN 1 + {n}.level "
        + $"WHEN {(int)NoticeKind.BehindSchedule} THEN {n}.level ELSE 0 END";

    /// <summary>Assignment states, as SQL lists, from the one enum.</summary>
    public static string OpenStatesSql { get; } = List(AssignmentState.Assigned, AssignmentState.Accepted, AssignmentState.InProgress);
    public static string ClosedStatesSql { get; } = List(AssignmentState.Completed, AssignmentState.Cancelled);
    public static string LiveNoticeStatesSql { get; } = List(NoticeStatus.Open, NoticeStatus.Acknowledged);

    private static string List<T>(params T[] values) where T : Enum => string.Join(", ", values.Select(v => Convert.ToInt32(v)));
}
