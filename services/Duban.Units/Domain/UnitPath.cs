namespace Duban.Units.Domain;

/// <summary>
/// A unit's place in the tree as "/root/…/parent/self/" of 32-digit ids. Descendants share the prefix
/// (an index range scan), ancestors are read straight off the path; no recursive query is needed.
/// </summary>
public static class UnitPath
{
    public static string Of(string? parentPath, Guid id) => (parentPath ?? "/") + id.ToString("N") + "/";

    /// <summary>Ids from the root down to and including the unit itself.</summary>
    public static IReadOnlyList<Guid> Ids(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(s => Guid.ParseExact(s, "N")).ToArray();

    public static int Depth(string path) => path.Count(c => c == '/') - 2;

    public static bool IsWithin(string path, string ancestorPath) => path.StartsWith(ancestorPath, StringComparison.Ordinal);
}
