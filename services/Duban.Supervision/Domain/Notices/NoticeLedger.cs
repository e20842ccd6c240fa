using Duban.Supervision.Data;

namespace Duban.Supervision.Domain.Notices;

/// <summary>A notice as the reference keeps it.</summary>
public sealed class LedgerNotice
{
    public required DueNotice Raised { get; init; }
    public required DateTimeOffset RaisedAt { get; init; }
    public NoticeStatus Status { get; set; } = NoticeStatus.Open;
    public DateTimeOffset? AcknowledgedAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }

    public (Guid Assignment, NoticeKind Kind, int DeadlineVersion, int Level, int Round) Key =>
        (Raised.AssignmentId, Raised.Kind, Raised.DeadlineVersion, Raised.Level, Raised.Round);
}

public sealed record LedgerScan(int Raised, int Superseded, int Resolved);

/// <summary>
/// The notice table in plain C#: what a scan leaves behind, step by step — notices follow their assignments, every due
/// notice is raised once per (assignment, kind, deadline version, level, round) unless its chain has already gone as
/// far in that round, and a notice raised supersedes the open ones below it in its chain.
/// </summary>
public sealed class NoticeLedger
{
    private readonly List<LedgerNotice> notices = [];
    private readonly HashSet<(Guid, NoticeKind, int, int, int)> keys = [];

    public IReadOnlyList<LedgerNotice> Notices => notices;

    /// <summary>Moves every notice to where its assignment's state puts it; returns how many were resolved.</summary>
    public int Follow(IReadOnlyDictionary<Guid, ScannedAssignment> assignments, DateTimeOffset at)
    {
        var resolved = 0;
        foreach (var n in notices)
        {
            if (!assignments.TryGetValue(n.Raised.AssignmentId, out var a))
                continue;
            if (NoticeTransitions.Follow(n.Raised.Kind, n.Status, n.AcknowledgedAt is not null, n.Raised.DeadlineVersion, a.Status, a.DeadlineVersion) is not { } next)
                continue;
            n.Status = next;
            n.ResolvedAt = next == NoticeStatus.Resolved ? at : null;
            if (next == NoticeStatus.Resolved)
                resolved++;
        }
        return resolved;
    }

    public LedgerScan Scan(IReadOnlyDictionary<Guid, ScannedAssignment> assignments, Func<Guid, NoticeRules> rules, DateTimeOffset asOf)
    {
        var resolved = Follow(assignments, asOf);
        var raised = 0;
        foreach (var a in assignments.Values)
        {
            foreach (var due in NoticeScanRules.Due(a, rules(a.PlanId), asOf))
            {
                var key = (due.AssignmentId, due.Kind, due.DeadlineVersion, due.Level, due.Round);
                if (keys.Contains(key) || AlreadyAsFar(due))
                    continue;
                keys.Add(key);
                notices.Add(new LedgerNotice { Raised = due, RaisedAt = asOf });
                raised++;
            }
        }
        // Over every pair, not only the notices just raised as the SQL does: the two agree because a notice can only be
        // put below another by the raising of that other.
        var superseded = 0;
        foreach (var older in notices.Where(n => n.Status is NoticeStatus.Open or NoticeStatus.Acknowledged))
        {
            var o = older.Raised;
            if (notices.Any(n => n.Raised.AssignmentId == o.AssignmentId && n.Raised.DeadlineVersion == o.DeadlineVersion
                                 && NoticeChains.Supersedes(n.Raised.Kind, n.Raised.Level, n.Raised.Round, o.Kind, o.Level, o.Round)))
            {
                older.Status = NoticeStatus.Superseded;
                older.ResolvedAt = asOf;
                superseded++;
            }
        }
        return new LedgerScan(raised, superseded, resolved);
    }

    /// <summary>Acknowledges an open notice, as the lead unit or the office does.</summary>
    public void Acknowledge(LedgerNotice notice, DateTimeOffset at)
    {
        if (notice.Status != NoticeStatus.Open)
            return;
        notice.Status = NoticeStatus.Acknowledged;
        notice.AcknowledgedAt = at;
    }

    private bool AlreadyAsFar(DueNotice due)
    {
        var chain = NoticeChains.Chain(due.Kind, due.Level);
        var step = NoticeChains.Step(due.Kind, due.Level);
        return notices.Any(n => n.Raised.AssignmentId == due.AssignmentId && n.Raised.DeadlineVersion == due.DeadlineVersion && n.Raised.Round == due.Round
                                && NoticeChains.Chain(n.Raised.Kind, n.Raised.Level) == chain && NoticeChains.Step(n.Raised.Kind, n.Raised.Level) >= step);
    }
}
