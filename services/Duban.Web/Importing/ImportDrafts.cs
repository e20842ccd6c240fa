using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Caching.Distributed;

namespace Duban.Web.Importing;

/// <summary>
/// 导入任务分解表 in two steps: the uploaded file is kept as a draft, shown as the tasks service's dry run, and imported
/// only when the office confirms what it saw. The draft belongs to the person who uploaded it and lapses after
/// <see cref="ImportOptions.DraftMinutes"/>; the store is the distributed cache (in memory unless one is configured).
/// </summary>
public sealed class ImportDrafts(IDistributedCache cache, Microsoft.Extensions.Options.IOptions<ImportOptions> options)
{
    public async Task<string> SaveAsync(string personId, ImportDraft draft, CancellationToken ct)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await cache.SetAsync(Key(personId, id), JsonSerializer.SerializeToUtf8Bytes(draft),
            new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(options.Value.DraftMinutes) }, ct);
        return id;
    }

    /// <summary>The person's draft; null when it lapsed, was imported, or is someone else's.</summary>
    public async Task<ImportDraft?> FindAsync(string personId, string id, CancellationToken ct)
    {
        if (id.Length != 32 || !id.All(char.IsAsciiHexDigitLower))
            return null;
        var bytes = await cache.GetAsync(Key(personId, id), ct);
        return bytes is null ? null : JsonSerializer.Deserialize<ImportDraft>(bytes);
    }

    public Task RemoveAsync(string personId, string id, CancellationToken ct) => cache.RemoveAsync(Key(personId, id), ct);

    private static string Key(string personId, string id) => $"duban.import:{personId}:{id}";
}

/// <summary>What the office filled in on the import form, and the file as it came.</summary>
public sealed record ImportDraft(string Title, string IssuingUnitId, DateOnly IssueDate, string Source, string FileName, string Sheet, byte[] Document);

public sealed class ImportOptions
{
    public const string Section = "Import";

    /// <summary>The largest file the import form takes (the tasks service's own limit is 64 MB).</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 64)]
    public int MaxFileMegabytes { get; set; } = 32;

    /// <summary>How long an uploaded file waits for the office to confirm its import.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 24 * 60)]
    public int DraftMinutes { get; set; } = 60;
}
