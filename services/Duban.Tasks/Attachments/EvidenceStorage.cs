namespace Duban.Tasks.Attachments;

/// <summary>
/// Where evidence files' bytes live, behind one interface: S3-compatible object storage (<see cref="S3EvidenceStorage"/>)
/// or a table of the tasks database (<see cref="PostgresEvidenceStorage"/>), chosen by Attachments:Storage. Both stream:
/// a file is never held whole in memory, on the way in or out.
/// </summary>
public interface IEvidenceStorage
{
    /// <summary>Stores the stream's bytes under the key. If it fails, nothing is left under the key.</summary>
    Task WriteAsync(string key, Stream content, CancellationToken ct);

    /// <summary>The bytes stored under the key, read as they are sent.</summary>
    Task<Stream> OpenReadAsync(string key, CancellationToken ct);

    /// <summary>Removes what is stored under the key; a key with nothing under it is fine.</summary>
    Task DeleteAsync(string key, CancellationToken ct);
}
