using Duban.ServiceDefaults.Auth;
using Duban.ServiceDefaults.Data;
using Duban.ServiceDefaults.Errors;
using Duban.Tasks.Data;
using Duban.Tasks.Domain;
using Duban.Tasks.Domain.Attachments;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Duban.Tasks.Attachments;

/// <summary>
/// 佐证材料 of assignments: uploads streamed to the storage backend, read by those who read the assignment, tied to the
/// records they belong to. An upload's row is written first, as Uploading, so that bytes a crash leaves behind are
/// always found again (<see cref="AttachmentJanitor"/>); no one sees a file before its last byte is stored and checked.
/// </summary>
public sealed class EvidenceFiles(TasksDb db, IEvidenceStorage storage, IOptions<AttachmentOptions> options, ReadAccess access, TimeProvider time,
    ILogger<EvidenceFiles> logger)
{
    private AttachmentOptions Options => options.Value;

    /// <summary>
    /// Stores one file for the assignment; <paramref name="field"/> names the request's part that carries the bytes
    /// (chunk over gRPC, file over HTTP), for the violation when they are no evidence.
    /// </summary>
    public async Task<Attachment> UploadAsync(Caller caller, string assignmentId, string fileName, long declaredSize, Stream content,
        string prefix, string field, CancellationToken ct)
    {
        var violations = new Violations().RequireId(assignmentId, prefix + "assignment_id");
        var name = EvidenceFileName.Clean(fileName);
        if (name is null)
            violations.Add(prefix + "file_name", "must name the file (what is left after path parts and control characters are taken out is empty)");
        if (declaredSize < 0)
            violations.Add(prefix + "size_bytes", "must not be negative");
        else if (declaredSize > Options.MaxFileBytes)
            violations.Add(prefix + "size_bytes", $"the file is larger than {Options.MaxFileMegabytes} MB, the most a file may be");
        violations.ThrowIfAny();

        var assignment = await FindAssignmentAsync(Guid.Parse(assignmentId), assignmentId, ct);
        AssignmentPermissions.CheckUploadEvidence(caller, assignment);
        AttachmentRules.CheckAcceptsUploads(assignment);
        var used = await db.Attachments.Where(a => a.AssignmentId == assignment.Id)
            .GroupBy(_ => 1).Select(g => new { Files = g.Count(), Bytes = g.Sum(a => a.SizeBytes) }).FirstOrDefaultAsync(ct);
        AttachmentRules.CheckRoom(assignment.Id, used?.Files ?? 0, used?.Bytes ?? 0, Options.MaxFilesPerAssignment, Options.MaxBytesPerAssignment);
        var limit = Math.Min(Options.MaxFileBytes, Options.MaxBytesPerAssignment - (used?.Bytes ?? 0));

        var actor = AssignmentStore.ActorOf(caller);
        var id = Guid.CreateVersion7();
        var attachment = new Attachment
        {
            Id = id, AssignmentId = assignment.Id, FileName = name!, StorageKey = $"{assignment.Id:N}/{id:N}", UploaderPersonId = actor.PersonId,
            UploaderUnitId = actor.UnitId, UploadTime = time.GetStoredUtcNow(), State = AttachmentState.Uploading,
        };
        db.Attachments.Add(attachment);
        await db.SaveChangesAsync(ct);

        try
        {
            await using var inspected = new InspectingStream(content, limit,
                limit < Options.MaxFileBytes ? $"the {limit / (1024 * 1024)} MB left of the assignment's {Options.MaxMegabytesPerAssignment} MB" : $"{Options.MaxFileMegabytes} MB");
            await storage.WriteAsync(attachment.StorageKey, inspected, ct);
            var (type, problem) = ContentSniffer.Detect(inspected.Head, inspected.Tail(), inspected.BytesRead, inspected.HasNul);
            if (type is null)
                throw new ValidationFailedException(field, problem!);
            var (finalName, nameProblem) = ContentSniffer.MatchName(attachment.FileName, type);
            if (nameProblem is not null)
                throw new ValidationFailedException(prefix + "file_name", nameProblem);

            attachment.FileName = finalName;
            attachment.ContentType = type.ContentType;
            attachment.SizeBytes = inspected.BytesRead;
            attachment.Sha256 = inspected.Sha256Hex();
            attachment.UploadTime = time.GetStoredUtcNow();
            attachment.State = AttachmentState.Pending;
            // The same bytes already part of this assignment's record: keep one copy. Bound files are never removed, so the
            // shared key outlives this row whatever becomes of it.
            var same = await db.Attachments.AsNoTracking()
                .Where(a => a.AssignmentId == assignment.Id && a.State == AttachmentState.Bound && a.Sha256 == attachment.Sha256 && a.SizeBytes == attachment.SizeBytes)
                .Select(a => a.StorageKey).FirstOrDefaultAsync(ct);
            var ownKey = attachment.StorageKey;
            if (same is not null)
                attachment.StorageKey = same;
            await db.SaveChangesAsync(ct);
            if (same is not null)
                await DeleteStoredQuietlyAsync(ownKey);
            return attachment;
        }
        catch (Exception e)
        {
            // Nothing of a failed upload stays: not its bytes, not its row. A crash before this runs leaves the row
            // Uploading, and the janitor removes both after Attachments:UploadTimeout.
            logger.LogInformation("Upload {Attachment} of assignment {Assignment} failed and is removed: {Reason}", id, assignment.Id, e.Message);
            // The row goes only once the bytes are gone: if they cannot be removed now, the janitor finds them by it.
            if (await DeleteStoredQuietlyAsync(attachment.StorageKey))
                await RemoveRowQuietlyAsync(id);
            throw;
        }
    }

    /// <summary>The assignment's files the caller may see: every bound one, and their own pending uploads; oldest first.</summary>
    public async Task<IReadOnlyList<Attachment>> ListAsync(Caller caller, string assignmentId, CancellationToken ct)
    {
        var scope = AssignmentPermissions.ReadScopeOf(caller);
        var id = Ids.Parse(assignmentId, "assignment_id");
        var assignment = await FindAssignmentAsync(id, assignmentId, ct);
        await access.CheckAsync(scope, assignment, ct);
        var person = AssignmentStore.ActorOf(caller).PersonId;
        return await db.Attachments.AsNoTracking()
            .Where(a => a.AssignmentId == id && (a.State == AttachmentState.Bound || a.State == AttachmentState.Pending && person != null && a.UploaderPersonId == person))
            .OrderBy(a => a.UploadTime).ThenBy(a => a.Id).ToListAsync(ct);
    }

    /// <summary>The bound files of the assignment's history entries, by entry version, for GetAssignment.</summary>
    public async Task<ILookup<long, Attachment>> OfHistoryAsync(Guid assignmentId, CancellationToken ct) =>
        (await db.Attachments.AsNoTracking()
            .Where(a => a.AssignmentId == assignmentId && a.State == AttachmentState.Bound && a.HistoryVersion != null)
            .OrderBy(a => a.UploadTime).ToListAsync(ct))
        .ToLookup(a => a.HistoryVersion!.Value);

    /// <summary>
    /// A file and its bytes, for a caller who reads the assignment: another unit's lead is refused; someone else's pending
    /// upload does not exist for the caller.
    /// </summary>
    public async Task<(Attachment Attachment, Stream Content)> OpenAsync(Caller caller, string attachmentId, CancellationToken ct)
    {
        var scope = AssignmentPermissions.ReadScopeOf(caller);
        var id = Ids.Parse(attachmentId, "id");
        var attachment = await db.Attachments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id && a.State != AttachmentState.Uploading, ct)
            ?? throw new NotFoundException("attachment", attachmentId);
        var assignment = await FindAssignmentAsync(attachment.AssignmentId, attachment.AssignmentId.ToString(), ct);
        await access.CheckAsync(scope, assignment, ct);
        if (!attachment.IsVisibleTo(AssignmentStore.ActorOf(caller).PersonId))
            throw new NotFoundException("attachment", attachmentId);
        return (attachment, await storage.OpenReadAsync(attachment.StorageKey, ct));
    }

    /// <summary>The caller's uploads that may go with a record of theirs, or the violations that say why not.</summary>
    public async Task<IReadOnlyList<Guid>> CheckBindableAsync(Caller caller, Guid assignmentId, IReadOnlyList<string> sentIds, AttachmentRecordKind kind,
        Guid? recordId, string field, CancellationToken ct)
    {
        if (sentIds.Count == 0)
            return [];
        var ids = sentIds.Select(s => Guid.TryParse(s, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty).Distinct().ToList();
        var found = await db.Attachments.AsNoTracking().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);
        AttachmentRules.CheckBindable(sentIds, found, assignmentId, AssignmentStore.ActorOf(caller).PersonId, kind, recordId, field).ThrowIfAny();
        return ids;
    }

    /// <summary>
    /// Ties uploads to a record inside the record's own transaction; refuses (and so rolls the record back) when one of
    /// them was tied elsewhere or removed since it was checked.
    /// </summary>
    public static async Task BindInTransactionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid assignmentId, IReadOnlyList<Guid> ids,
        AttachmentRecordKind kind, long? historyVersion, Guid? recordId, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            UPDATE attachments SET state = $1, record_kind = $2, history_version = $3, record_id = $4, bind_time = $5
            WHERE id = ANY($6) AND assignment_id = $7 AND (state = $8 OR state = $1 AND record_kind = $2 AND record_id IS NOT DISTINCT FROM $4 AND $4 IS NOT NULL)
            """, connection, transaction);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<int> { TypedValue = (int)AttachmentState.Bound });
        p.Add(new NpgsqlParameter<int> { TypedValue = (int)kind });
        p.Add(new NpgsqlParameter { Value = historyVersion is { } v ? v : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        p.Add(new NpgsqlParameter { Value = recordId is { } r ? r : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        p.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        p.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. ids] });
        p.Add(new NpgsqlParameter<Guid> { TypedValue = assignmentId });
        p.Add(new NpgsqlParameter<int> { TypedValue = (int)AttachmentState.Pending });
        if (await command.ExecuteNonQueryAsync(ct) != ids.Count)
            throw new FailedPreconditionException("ATTACHMENT_CHANGED", $"assignments/{assignmentId}",
                "an evidence file was tied to another record or removed meanwhile; list the attachments and send the request again");
    }

    /// <summary>BindAttachments: the caller's uploads tied to a record of supervision (an explanation, a reply to an urging).</summary>
    public async Task<IReadOnlyList<Attachment>> BindToRecordAsync(Caller caller, string assignmentId, IReadOnlyList<string> sentIds,
        AttachmentRecordKind kind, string recordId, CancellationToken ct)
    {
        var violations = new Violations().RequireId(assignmentId, "assignment_id").RequireId(recordId, "record_id");
        if (kind is not (AttachmentRecordKind.Explanation or AttachmentRecordKind.UrgingReply))
            violations.Add("record_kind", "must be ATTACHMENT_RECORD_KIND_EXPLANATION or ATTACHMENT_RECORD_KIND_URGING_REPLY: reports and completions take their files themselves");
        if (sentIds.Count == 0)
            violations.Add("attachment_ids", "must name at least one upload");
        violations.ThrowIfAny();
        var assignment = await FindAssignmentAsync(Guid.Parse(assignmentId), assignmentId, ct);
        AssignmentPermissions.CheckUploadEvidence(caller, assignment);
        var record = Guid.Parse(recordId);
        var ids = await CheckBindableAsync(caller, assignment.Id, sentIds, kind, record, "attachment_ids", ct);
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await BindInTransactionAsync((NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction)transaction.GetDbTransaction(), assignment.Id, ids,
                kind, null, record, time.GetStoredUtcNow(), ct);
            await transaction.CommitAsync(ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return await db.Attachments.AsNoTracking().Where(a => ids.Contains(a.Id)).OrderBy(a => a.UploadTime).ToListAsync(ct);
    }

    private async Task<Assignment> FindAssignmentAsync(Guid id, string sent, CancellationToken ct) =>
        await db.Assignments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct) ?? throw new NotFoundException("assignment", sent);

    private async Task<bool> DeleteStoredQuietlyAsync(string key)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await storage.DeleteAsync(key, timeout.Token);
            return true;
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not remove the stored bytes {Key}; the janitor tries again", key);
            return false;
        }
    }

    private async Task RemoveRowQuietlyAsync(Guid id)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await db.Attachments.Where(a => a.Id == id).ExecuteDeleteAsync(timeout.Token);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not remove the failed upload {Attachment}; the janitor removes it", id);
        }
    }
}
