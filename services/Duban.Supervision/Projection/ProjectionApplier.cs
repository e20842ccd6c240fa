using Duban.ServiceDefaults.Data;
using Duban.Supervision.Data;
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
        var now = time.GetStoredUtcNow();

        foreach (var e in events)
        {
            var snapshot = e.Assignment;
            if (snapshot is null || string.IsNullOrEmpty(snapshot.Id))
                continue;
            var id = Guid.Parse(snapshot.Id);
            if (rows.TryGetValue(id, out var row) && row.Version >= snapshot.Version)
                continue;
            if (row is null)
            {
                row = new ProjectedAssignment { Id = id, AssignedAt = snapshot.CreateTime.ToDateTimeOffset() };
                rows[id] = row;
                db.Assignments.Add(row);
            }
            var deadlineMoved = row.DeadlineVersion != 0 && snapshot.DeadlineVersion > row.DeadlineVersion;
            var isNew = row.Version == 0;
            Copy(snapshot, row, now);
            // A report due on or after the day it is filed is the one it satisfies; the next one is then due.
            var reportDates = snapshot.Deadline?.NextReportDates.Select(d => ToDate(d)).OfType<DateOnly>().ToList() ?? [];
            if (e.Type == "PROGRESS_REPORTED")
            {
                row.LastReportAt = e.Time.ToDateTimeOffset();
                row.ReportDueDate = reportDates.Skip(1).Cast<DateOnly?>().FirstOrDefault();
            }
            else if (isNew || row.ReportDueDate is null)
                row.ReportDueDate = reportDates.Cast<DateOnly?>().FirstOrDefault();
            switch (e.Type)
            {
                case "COMPLETION_REJECTED":
                    row.RejectedCompletions++;
                    break;
                case "EXTENSION_APPROVED":
                    row.ApprovedExtensions++;
                    if (row.OriginalDueDate is { } original && e.Time.ToDateTimeOffset() < ReviewClock.DueInstant(original, row.TimeZone))
                        row.ExtensionApprovedBeforeOriginalDue = true;
                    break;
            }
            NoticeLifecycle.Observe(e.Type, row, deadlineMoved, follow);
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

        if (follow.Count > 0)
            await NoticeLifecycle.FollowAsync(db, follow.ToArray(), now, ct);
        await transaction.CommitAsync(ct);
    }

    private static void Copy(Contract.Assignment s, ProjectedAssignment row, DateTimeOffset now)
    {
        row.PlanId = Guid.Parse(s.PlanId);
        row.ParentId = s.ParentAssignmentId.Length > 0 ? Guid.Parse(s.ParentAssignmentId) : null;
        row.LeadUnitId = Guid.Parse(s.LeadUnitId);
        row.AssigningUnitId = Guid.Parse(s.AssigningUnitId);
        row.OwnerPersonId = s.OwnerPersonId.Length > 0 ? Guid.Parse(s.OwnerPersonId) : null;
        row.OwnerName = s.OwnerName;
        row.Title = s.Title;
        row.Status = (AssignmentState)(int)s.Status;
        row.TimeZone = s.TimeZone.Length > 0 ? s.TimeZone : ReviewClock.DefaultTimeZone;
        row.DueDate = ToDate(s.Deadline?.DueDate);
        row.DueAt = row.DueDate is { } due ? ReviewClock.DueInstant(due, row.TimeZone) : null;
        row.OriginalDueDate = ToDate(s.OriginalDueDate);
        // The final step is the deadline itself; the ones before it get MILESTONE_OVERDUE notices of their own.
        row.Milestones = System.Text.Json.JsonSerializer.Serialize(s.Deadline?.Milestones
            .Where(m => ToDate(m.Date) is { } d && d < row.DueDate)
            .Select(m => new { date = ToDate(m.Date)!.Value.ToString("yyyy-MM-dd"), label = m.Label }) ?? []);
        row.DeadlineVersion = s.DeadlineVersion;
        row.ProgressPercent = s.ProgressPercent;
        row.CompletionRequestedAt = s.CompletionRequestedTime?.ToDateTimeOffset();
        row.CompletedAt = s.CompletedTime?.ToDateTimeOffset();
        row.Version = s.Version;
        row.UpdatedAt = now;
    }

    private static DateOnly? ToDate(Google.Type.Date? date) =>
        date is null || date.Year == 0 ? null : new DateOnly(date.Year, date.Month, date.Day);

    public static (long Tx, long Seq) ParseCursor(string cursor)
    {
        var dot = cursor.IndexOf('.');
        return dot > 0 ? (long.Parse(cursor[..dot]), long.Parse(cursor[(dot + 1)..])) : (0, 0);
    }
}
