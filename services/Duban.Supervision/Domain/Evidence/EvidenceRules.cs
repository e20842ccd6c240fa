using Duban.ServiceDefaults.Errors;
using Duban.Supervision.Data;

namespace Duban.Supervision.Domain.Evidence;

/// <summary>What happens to an acknowledgement sent for a notice.</summary>
public enum AcknowledgeOutcome
{
    /// <summary>The notice becomes acknowledged, with the reply's files if any.</summary>
    Acknowledge,
    /// <summary>Nothing changes: the notice is answered already (or closed) and the call asks for nothing new.</summary>
    Unchanged,
}

/// <summary>
/// 佐证材料 that supervision's records carry: ids of uploads in the tasks service, which ties them to the record. The
/// tasks service decides whether each is an upload of the caller's for that assignment; these rules only refuse what
/// is wrong on its face, before anything is stored or called.
/// </summary>
public static class EvidenceRules
{
    /// <summary>As many as the tasks service lets one assignment hold by default (Attachments:MaxFilesPerAssignment).</summary>
    public const int MaxFiles = 50;

    /// <summary>The ids sent, in order; each one that is no id, or is listed twice, is a violation of its own.</summary>
    public static IReadOnlyList<Guid> ParseIds(IReadOnlyList<string> sent, string field, Violations violations)
    {
        if (sent.Count > MaxFiles)
        {
            violations.Add(field, $"at most {MaxFiles} files go with one record");
            return [];
        }
        var ids = new List<Guid>();
        for (var i = 0; i < sent.Count; i++)
        {
            if (!Guid.TryParse(sent[i], out var id))
                violations.Add($"{field}[{i}]", "must be an attachment id (UploadAttachment of the tasks service gives it)");
            else if (ids.Contains(id))
                violations.Add($"{field}[{i}]", "is listed twice");
            else
                ids.Add(id);
        }
        return ids;
    }

    /// <summary>
    /// An acknowledgement of <paramref name="notice"/> carrying <paramref name="files"/>: only an urging's reply carries
    /// files, once. Sent again with the same files (or none) for a notice already acknowledged, it changes nothing, so a
    /// retried call is harmless; other files for an answered or closed notice are refused.
    /// </summary>
    public static AcknowledgeOutcome CheckAcknowledge(Notice notice, IReadOnlyList<Guid> files)
    {
        if (files.Count > 0 && notice.Kind != NoticeKind.Urged)
            throw new ValidationFailedException("attachment_ids",
                $"only the reply to an urging (催办) carries evidence files; a {notice.Kind} notice's go with its explanation (SubmitExplanation)");
        if (notice.Status == NoticeStatus.Open)
            return AcknowledgeOutcome.Acknowledge;
        if (files.Count == 0 || notice.Status == NoticeStatus.Acknowledged && files.ToHashSet().SetEquals(notice.ReplyAttachmentIds))
            return AcknowledgeOutcome.Unchanged;
        if (notice.Status == NoticeStatus.Acknowledged)
            throw new FailedPreconditionException("ALREADY_ACKNOWLEDGED", $"notices/{notice.Id}",
                "the urging was answered already; its reply's files cannot change (send the same files, or none)");
        throw new FailedPreconditionException("STATE", $"notices/{notice.Id}", $"the notice is {notice.Status} and takes no reply");
    }
}
