using Duban.ServiceDefaults.Data;
using Duban.Supervision.Data;
using Duban.Supervision.Domain.Reports;
using Duban.Supervision.Domain.Reviews;
using Duban.Supervision.Notices;
using Microsoft.EntityFrameworkCore;
using Contract = Duban.Contracts.Tasks.V1;

namespace Duban.Supervision.Projection;

/// <summary>
/// Applies a batch of feed events to the projection and moves the stored cursor, in one transaction.
/// Events apply by version, so a batch seen twice (a restart, a second replica) changes nothing the second time.
/// </summary>
public sealed class ProjectionApplier(SupervisionDb db, TimeProvider time)
{
    public async Task ApplyAsync(IReadOnlyList<Contract.AssignmentEvent> events, string cursor, CancellationToken ct)
    {
        var ids = events.Select(e => Guid.Parse(e.AssignmentId)).Distinct().ToList();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var rows = await db.Assignments.Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);
        var follow = new HashSet<Guid>();
        var changed = new Dictionary<Guid, long>();
        var now = time.GetStoredUtcNow();

        foreach (var e in events)
        {
            // An event without facts is a contract this build cannot read (an older tasks service): stop, do not skip it.
            var facts = e.Assignment ?? throw new InvalidOperationException($"feed event {e.Cursor} carries no assignment facts");
            if (string.IsNullOrEmpty(facts.Id))
                continue;
            var id = Guid.Parse(facts.Id);
            facts.Deadline ??= new Contract.DeadlineFacts();
            if (rows.TryGetValue(id, out var row) && row.Version >= facts.Version)
                continue;
            if (row is null)
            {
                row = new ProjectedAssignment { Id = id, AssignedAt = facts.CreateTime.ToDateTimeOffset() };
                rows[id] = row;
                db.Assignments.Add(row);
            }
            var deadlineMoved = row.DeadlineVersion != 0 && facts.Deadline.Version > row.DeadlineVersion;
            var isNew = row.Version == 0;
            Copy(facts, row, now);
            var eventTime = e.Time.ToDateTimeOffset();
            ApplyReportDuty(e.Type, facts, row, eventTime, isNew);
            switch (e.Type)
            {
                case Contract.AssignmentEventType.CompletionRejected:
                    row.RejectedCompletions++;
                    break;
                case Contract.AssignmentEventType.ExtensionApproved:
                    row.ApprovedExtensions++;
                    if (row.OriginalDueDate is { } original && eventTime < ReviewClock.DueInstant(original, row.TimeZone))
                        row.ExtensionApprovedBeforeOriginalDue = true;
                    break;
            }

            // Which assignments' notices move (paused, resumed, resolved) with this batch.
            NoticeLifecycle.Observe(e.Type, row, deadlineMoved, follow);
            changed[id] = row.Version;
        }

        var position = await db.FeedPositions.SingleAsync(ct);
        var (tx, seq) = ParseCursor(cursor);
        // Replicas follow the feed side by side; the stored position only ever moves forward.
        if ((tx, seq).CompareTo((position.TransactionId, position.Sequence)) > 0)
        {
            position.TransactionId = tx;
            position.Sequence = seq;
        }
        if (events.Count > 0)
            position.LastEventTime = events[^1].Time.ToDateTimeOffset();
        position.AppliedAt = now;
        await db.SaveChangesAsync(ct);

        // Whatever changed, the next scan reads the row again and works out when to read it after that.
        if (changed.Count > 0)
            await ScanMarks.MarkChangedAsync(db, changed, ct);
        if (follow.Count > 0)
            await NoticeLifecycle.FollowAsync(db, follow.ToArray(), now, ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// The report due next, from the duty's rule and the day of the change in the assignment's time zone, so
    /// replaying the feed later gives the same dates. A report satisfies the one due on or after the day it is
    /// filed; a new duty owes the first one due from the day it is assigned.
    /// </summary>
    private static void ApplyReportDuty(Contract.AssignmentEventType type, Contract.AssignmentFacts facts, ProjectedAssignment row,
        DateTimeOffset eventTime, bool isNew)
    {
        var rule = FeedContract.ToRecurrence(facts.Deadline.ReportRule);
        var day = ReviewClock.LocalDate(eventTime, row.TimeZone);
        if (type == Contract.AssignmentEventType.ProgressReported)
        {
            row.LastReportAt = eventTime;
            row.ReportDueDate = rule is null ? null : ReportDuty.DueAfterReportOn(rule, day);
        }
        else if (isNew || row.ReportDueDate is null)
            row.ReportDueDate = rule is null ? null : ReportDuty.FirstDue(rule, day);
    }

    private static void Copy(Contract.AssignmentFacts s, ProjectedAssignment row, DateTimeOffset now)
    {
        var deadline = s.Deadline;
        row.PlanId = Guid.Parse(s.PlanId);
        row.ParentId = s.ParentAssignmentId.Length > 0 ? Guid.Parse(s.ParentAssignmentId) : null;
        row.LeadUnitId = Guid.Parse(s.LeadUnitId);
        row.AssigningUnitId = Guid.Parse(s.AssigningUnitId);
        row.OwnerPersonId = s.OwnerPersonId.Length > 0 ? Guid.Parse(s.OwnerPersonId) : null;
        row.OwnerName = s.OwnerName;
        row.Title = s.Title;
        row.Status = FeedContract.ToState(s.Status);
        row.TimeZone = s.TimeZone.Length > 0 ? s.TimeZone : ReviewClock.DefaultTimeZone;
        row.DueDate = FeedContract.ToDate(deadline.DueDate);
        row.DueAt = row.DueDate is { } due ? ReviewClock.DueInstant(due, row.TimeZone) : null;
        row.OriginalDueDate = FeedContract.ToDate(deadline.OriginalDueDate);
        // The final step is the deadline itself; the ones before it get MILESTONE_OVERDUE notices of their own.
        row.Milestones = System.Text.Json.JsonSerializer.Serialize(deadline.Milestones
            .Where(m => FeedContract.ToDate(m.Date) is { } d && d < row.DueDate)
            .Select(m => new { date = FeedContract.ToDate(m.Date)!.Value.ToString("yyyy-MM-dd"), label = m.Label }));
        row.DeadlineVersion = deadline.Version;
        row.ProgressPercent = s.ProgressPercent;
        row.CompletionRequestedAt = s.CompletionRequestedTime?.ToDateTimeOffset();
        row.CompletedAt = s.CompletedTime?.ToDateTimeOffset();
        row.Version = s.Version;
        row.UpdatedAt = now;
    }

    public static (long Tx, long Seq) ParseCursor(string cursor)
    {
        var dot = cursor.IndexOf('.');
        return dot > 0 ? (long.Parse(cursor[..dot]), long.Parse(cursor[(dot + 1)..])) : (0, 0);
    }
}
