using Duban.ServiceDefaults.Auth;
using Duban.ServiceDefaults.Data;
using Duban.ServiceDefaults.Errors;
using Duban.Tasks.Domain;
using Duban.Tasks.Events;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Duban.Tasks.Data;

/// <summary>
/// Changes to one assignment: check who may, check the version it was read at, apply the rule, record
/// history and the feed event in the same transaction, and roll progress up the chain of parents.
/// </summary>
public sealed class AssignmentStore(TasksDb db, EventFeed feed, TimeProvider time, Attachments.EvidenceFiles files)
{
    public delegate HistoryEntry Change(Assignment assignment, Actor actor, DateTimeOffset now);

    /// <summary>Evidence files a report or a completion names (attachment_ids), tied to its history entry in the same transaction.</summary>
    public sealed record Evidence(IReadOnlyList<string> AttachmentIds, Domain.Attachments.AttachmentRecordKind Kind);

    /// <summary>One assignment by id, untracked: what a change or a decomposition reads before it writes in its own statement.</summary>
    internal static readonly Func<TasksDb, Guid, CancellationToken, Task<Assignment?>> FindUntracked =
        EF.CompileAsyncQuery((TasksDb db, Guid id, CancellationToken ct) => db.Assignments.AsNoTracking().FirstOrDefault(a => a.Id == id));

    public async Task<Assignment> ChangeAsync(string id, long version, Caller caller, Action<Assignment> authorize, Change change,
        CancellationToken ct, Evidence? evidence = null)
    {
        new Violations().RequireVersion(version).ThrowIfAny();
        // One connection for the read and the write.
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var assignment = await FindUntracked(db, Ids.Parse(id, "id"), ct) ?? throw new NotFoundException("assignment", id);
            authorize(assignment);
            assignment.CheckVersion(version);
            var attachmentIds = evidence is null ? [] : await files.CheckBindableAsync(caller, assignment.Id, evidence.AttachmentIds, evidence.Kind,
                recordId: null, "attachment_ids", ct);

            var before = (assignment.Status.IsOpen(), assignment.ProgressPercent);
            var now = time.GetStoredUtcNow();
            var entry = change(assignment, ActorOf(caller), now);
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();

            // Only a change the parent can see (progress, or open/closed) needs the parent chain, under locks.
            var affectsParent = assignment.ParentAssignmentId is not null && before != (assignment.Status.IsOpen(), assignment.ProgressPercent);
            if (!affectsParent && attachmentIds.Count == 0)
            {
                await AssignmentWriter.WriteAsync(connection, null, assignment, version, entry, ct);
                return assignment;
            }
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await AssignmentWriter.WriteAsync(connection, (NpgsqlTransaction)transaction.GetDbTransaction(), assignment, version, entry, ct);
            if (attachmentIds.Count > 0)
                await Attachments.EvidenceFiles.BindInTransactionAsync(connection, (NpgsqlTransaction)transaction.GetDbTransaction(), assignment.Id, attachmentIds,
                    evidence!.Kind, entry.Version, recordId: null, now, ct);
            if (affectsParent)
                await RollUpAsync(assignment.ParentAssignmentId, now, ct);
            await transaction.CommitAsync(ct);
            return assignment;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Cancels an assignment and everything decomposed below it that is still open.</summary>
    public async Task<Assignment> CancelAsync(string id, long version, string reason, Caller caller, CancellationToken ct)
    {
        new Violations().RequireVersion(version).ThrowIfAny();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var assignment = await db.Assignments.FirstOrDefaultAsync(a => a.Id == Ids.Parse(id, "id"), ct)
            ?? throw new NotFoundException("assignment", id);
        AssignmentPermissions.CheckCancel(caller, assignment);
        assignment.CheckVersion(version);
        var now = time.GetStoredUtcNow();
        var actor = ActorOf(caller);
        Record(assignment, assignment.Cancel(actor, reason, now));

        var level = new List<Guid> { assignment.Id };
        while (level.Count > 0)
        {
            var children = await db.Assignments.Where(a => a.ParentAssignmentId != null && level.Contains(a.ParentAssignmentId.Value)).ToListAsync(ct);
            foreach (var child in children.Where(c => c.Status.IsOpen()))
            {
                Record(child, child.Cancel(actor, $"上级事项撤销：{reason}", now));
                child.OpenChildCount = 0;
            }
            level = children.Select(c => c.Id).ToList();
        }
        assignment.OpenChildCount = 0;
        await db.SaveChangesAsync(ct);
        await RollUpAsync(assignment.ParentAssignmentId, now, ct);
        await transaction.CommitAsync(ct);
        return assignment;
    }

    /// <summary>
    /// Recomputes progress and open children of each ancestor from its children, locking the ancestor row
    /// first so siblings changing at once queue up instead of overwriting each other's roll-up.
    /// </summary>
    public async Task RollUpAsync(Guid? parentId, DateTimeOffset now, CancellationToken ct)
    {
        while (parentId is { } id)
        {
            var tracked = db.Assignments.Local.FindEntry(id) is not null;
            var parent = await db.Assignments.FromSql($"SELECT * FROM assignments WHERE id = {id} FOR UPDATE").SingleAsync(ct);
            // A parent this context already tracks keeps the values it had through the query above: read them again under the lock.
            if (tracked)
                await db.Entry(parent).ReloadAsync(ct);
            parentId = await RollUpOneAsync(parent, now, ct);
        }
    }

    // One level: the parent's roll-up, stored; its own parent's id when it changed (the next level up), else null.
    private async Task<Guid?> RollUpOneAsync(Assignment parent, DateTimeOffset now, CancellationToken ct)
    {
        var children = await db.Assignments.AsNoTracking().Where(a => a.ParentAssignmentId == parent.Id)
            .Select(a => new ProgressRollup.ChildState(a.Status, a.ProgressPercent)).ToListAsync(ct);
        var progress = ProgressRollup.Average(children) ?? parent.ProgressPercent;
        var entry = parent.RollUp(children.Count, children.Count(c => c.Status.IsOpen()), progress, now);
        if (entry is null)
            return null;
        Record(parent, entry);
        await db.SaveChangesAsync(ct);
        return parent.ParentAssignmentId;
    }

    public void Record(Assignment assignment, HistoryEntry entry)
    {
        db.History.Add(entry);
        feed.Append(db, assignment, entry.Type);
    }

    public static Actor ActorOf(Caller caller) =>
        new(Guid.TryParse(caller.PersonId, out var person) ? person : null, Guid.TryParse(caller.UnitId, out var unit) ? unit : null);

}
