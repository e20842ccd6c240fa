using Duban.Supervision.Data;
using Duban.Supervision.Domain.Reviews;

namespace Duban.Supervision.Domain.Notices;

/// <summary>
/// A notice follows its assignment (the state machine in README, "Notices"). A completion claim pauses it (待核验);
/// a return (退办) resumes it, as open or acknowledged as it was; verification, cancellation or a new deadline version
/// resolves it. Superseded and resolved notices stay as they are; the office's own notices (URGED, EXPLANATION_RETURNED) stay too.
/// </summary>
public static class NoticeTransitions
{
    /// <summary>The status a notice moves to given its assignment's state, or null when it stays.</summary>
    public static NoticeStatus? Follow(NoticeKind kind, NoticeStatus status, bool acknowledged, int noticeDeadlineVersion,
        AssignmentState assignment, int deadlineVersion)
    {
        if (NoticeChains.IsOfficeNotice(kind) || status is not (NoticeStatus.Open or NoticeStatus.Acknowledged or NoticeStatus.Paused))
            return null;
        if (assignment is AssignmentState.Completed or AssignmentState.Cancelled || noticeDeadlineVersion < deadlineVersion)
            return NoticeStatus.Resolved;
        if (assignment == AssignmentState.CompletionRequested)
            return status == NoticeStatus.Paused ? null : NoticeStatus.Paused;
        if (status == NoticeStatus.Paused)
            return acknowledged ? NoticeStatus.Acknowledged : NoticeStatus.Open;
        return null;
    }

    /// <summary>
    /// The same rule as one SQL statement's SET and WHERE, over notices <c>n</c> and assignments <c>a</c>; the instant is
    /// parameter <paramref name="at"/>, <paramref name="among"/> an SQL condition on <c>n</c> (null: every notice).
    /// Written from the same enums as <see cref="Follow"/>.
    /// </summary>
    public static string ReconcileSql(string at, string? among)
    {
        var resolves = $"(a.status IN ({NoticeChains.ClosedStatesSql}) OR n.deadline_version < a.deadline_version)";
        return $"""
            UPDATE notices n SET
                status = CASE WHEN {resolves} THEN {(int)NoticeStatus.Resolved}
                              WHEN a.status = {(int)AssignmentState.CompletionRequested} THEN {(int)NoticeStatus.Paused}
                              WHEN n.acknowledged_at IS NULL THEN {(int)NoticeStatus.Open} ELSE {(int)NoticeStatus.Acknowledged} END,
                resolved_at = CASE WHEN {resolves} THEN {at} END
            FROM assignments a
            WHERE a.id = n.assignment_id {(among is null ? "" : $"AND {among}")}
              AND n.kind NOT IN ({NoticeChains.OfficeKindsSql})
              AND n.status IN ({(int)NoticeStatus.Open}, {(int)NoticeStatus.Acknowledged}, {(int)NoticeStatus.Paused})
              AND ({resolves}
                   OR (a.status = {(int)AssignmentState.CompletionRequested} AND n.status <> {(int)NoticeStatus.Paused})
                   OR (a.status IN ({NoticeChains.OpenStatesSql}) AND n.status = {(int)NoticeStatus.Paused}))
            RETURNING n.status
            """;
    }
}
