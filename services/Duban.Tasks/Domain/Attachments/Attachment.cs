namespace Duban.Tasks.Domain.Attachments;

/// <summary>Where an upload is in its life: its bytes arriving, stored and named by no record yet, or part of a record.</summary>
public enum AttachmentState
{
    /// <summary>Bytes are arriving; seen by no one. A row left in this state by a crash is removed by the janitor.</summary>
    Uploading = 1,
    /// <summary>Stored, named by no record: seen by its uploader only, removed after the pending timeout.</summary>
    Pending = 2,
    /// <summary>Part of a record of the assignment (一事一档): seen by whoever reads the assignment.</summary>
    Bound = 3,
}

/// <summary>The record a file belongs to; the numbers are the contract's.</summary>
public enum AttachmentRecordKind
{
    None = 0,
    ProgressReport = 1,
    Completion = 2,
    /// <summary>情况说明, a record of supervision.</summary>
    Explanation = 3,
    /// <summary>The lead unit's reply to a 催办, with its acknowledgement (supervision).</summary>
    UrgingReply = 4,
}

/// <summary>佐证材料: one evidence file of an assignment, with who sent it, what its bytes are and which record it belongs to.</summary>
public sealed class Attachment
{
    public Guid Id { get; init; }
    public Guid AssignmentId { get; init; }
    public required string FileName { get; set; }
    public string ContentType { get; set; } = "";
    public long SizeBytes { get; set; }
    /// <summary>Lowercase hex SHA-256 of the bytes, computed while they arrived.</summary>
    public string Sha256 { get; set; } = "";
    /// <summary>Where the bytes are in the storage backend. Files of one assignment with the same bytes share one key.</summary>
    public required string StorageKey { get; set; }
    public Guid? UploaderPersonId { get; init; }
    public Guid? UploaderUnitId { get; init; }
    public DateTimeOffset UploadTime { get; set; }
    public AttachmentState State { get; set; }
    public AttachmentRecordKind RecordKind { get; set; }
    /// <summary>For a report or a completion: the version of the history entry it went with.</summary>
    public long? HistoryVersion { get; set; }
    /// <summary>For an explanation or an urging reply: that record's id in supervision.</summary>
    public Guid? RecordId { get; set; }
    public DateTimeOffset? BindTime { get; set; }

    /// <summary>Whether this caller sees it: a bound file whoever reads the assignment; a pending one its uploader only.</summary>
    public bool IsVisibleTo(Guid? personId) =>
        State == AttachmentState.Bound || State == AttachmentState.Pending && personId is not null && UploaderPersonId == personId;
}
