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
}
