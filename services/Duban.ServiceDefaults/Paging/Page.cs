namespace Duban.ServiceDefaults.Paging;

/// <summary>One page of a list, the token for the next (empty on the last page) and, where counted, the total.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string NextPageToken, int TotalSize = 0);
