using Duban.ServiceDefaults.Errors;

namespace Duban.Tasks.Domain.Attachments;

/// <summary>What an assignment's evidence may be: how many files and bytes, to whom they may be tied, and when.</summary>
public static class AttachmentRules
{
    /// <summary>Evidence goes with open work: a completed or cancelled assignment's record is closed.</summary>
    public static void CheckAcceptsUploads(Assignment assignment)
    {
        if (!assignment.Status.IsOpen())
            throw new FailedPreconditionException("STATE", $"assignments/{assignment.Id}",
                $"cannot add evidence: the assignment is {assignment.Status} ({assignment.Status.Chinese()})");
    }

    /// <summary>Refuses an upload the assignment has no room for, by count or by bytes (pending files count too).</summary>
    public static void CheckRoom(Guid assignmentId, int files, long bytes, int maxFiles, long maxBytes)
    {
        if (files >= maxFiles)
            throw new FailedPreconditionException("ATTACHMENT_LIMIT", $"assignments/{assignmentId}",
                $"the assignment already has {files} evidence files, the most it may have ({maxFiles})");
        if (bytes >= maxBytes)
            throw new FailedPreconditionException("ATTACHMENT_LIMIT", $"assignments/{assignmentId}",
                $"the assignment's evidence files already take {bytes / (1024 * 1024)} MB, the most it may have ({maxBytes / (1024 * 1024)} MB)");
    }

    /// <summary>
    /// Why files may not go with a record the caller writes, per field, or nothing: each must be an upload of this
    /// assignment, by this person, and not yet part of another record. Sent again for the same record, a bound file is fine.
    /// </summary>
    public static Violations CheckBindable(IReadOnlyList<string> sentIds, IReadOnlyDictionary<Guid, Attachment> found, Guid assignmentId,
        Guid? personId, AttachmentRecordKind kind, Guid? recordId, string field)
    {
        var violations = new Violations();
        var seen = new HashSet<Guid>();
        for (var i = 0; i < sentIds.Count; i++)
        {
            var at = $"{field}[{i}]";
            if (!Guid.TryParse(sentIds[i], out var id))
                violations.Add(at, "must be an attachment id");
            else if (!seen.Add(id))
                violations.Add(at, "is listed twice");
            else if (!found.TryGetValue(id, out var a) || a.AssignmentId != assignmentId || !a.IsVisibleTo(personId))
                violations.Add(at, "no such upload of this assignment (uploads are removed when no record names them in time)");
            else if (a.UploaderPersonId != personId)
                violations.Add(at, "was uploaded by someone else: a record carries its writer's own uploads");
            else if (a.State == AttachmentState.Bound && !(recordId is not null && a.RecordKind == kind && a.RecordId == recordId))
                violations.Add(at, "already belongs to another record");
        }
        return violations;
    }
}
