using Duban.ServiceDefaults.Errors;
using Duban.ServiceDefaults.Paging;

namespace Duban.Units.Data;

/// <summary>The ids of a batch read: each one valid (ids[i] named when not), at most one page's worth.</summary>
public static class BatchIds
{
    public static List<Guid> Parse(IReadOnlyList<string> ids, string field = "ids")
    {
        var violations = new Violations();
        var parsed = new List<Guid>(ids.Count);
        for (var i = 0; i < ids.Count; i++)
        {
            if (Guid.TryParse(ids[i], out var g))
                parsed.Add(g);
            else
                violations.Add($"{field}[{i}]", "is not a valid id");
        }
        if (ids.Count > PageToken.MaxPageSize)
            violations.Add(field, $"at most {PageToken.MaxPageSize} ids per call");
        violations.ThrowIfAny();
        return parsed;
    }

    /// <summary>What was found, in the order asked, and the ids asked for that name nothing (each once).</summary>
    public static (IReadOnlyList<T> Found, IReadOnlyList<string> Missing) InOrderAsked<T>(List<Guid> asked, Dictionary<Guid, T> found) =>
        (asked.Where(found.ContainsKey).Select(id => found[id]).ToList(), asked.Where(id => !found.ContainsKey(id)).Distinct().Select(id => id.ToString()).ToList());
}
