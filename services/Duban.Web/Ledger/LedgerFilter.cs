using System.Globalization;
using Duban.Contracts.Tasks.V1;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Duban.Web.Ledger;

/// <summary>
/// The 台账's filters as they stand in the URL (so a filtered ledger can be bookmarked and sent on), turned into the
/// tasks service's ListAssignments filters. Values the URL gets wrong are reported, not guessed.
/// </summary>
public sealed record LedgerFilter(string Unit, bool Subtree, IReadOnlyList<AssignmentStatus> Statuses, bool Overdue, DateOnly? DueAfter,
    DateOnly? DueBefore, string Plan, string Text, string PageToken, AssignmentOrder Sort = AssignmentOrder.Unspecified,
    Contracts.Supervision.V1.UrgingLevel Level = Contracts.Supervision.V1.UrgingLevel.Unspecified)
{
    public const int PageSize = 20;

    /// <summary>The ledger's orders by their URL names and words; the first is the default.</summary>
    public static readonly IReadOnlyList<(string Name, string Label, AssignmentOrder Order)> Sorts =
    [
        ("due", "完成时限（由近到远）", AssignmentOrder.Unspecified),
        ("due-desc", "完成时限（由远到近）", AssignmentOrder.DueDateDesc),
        ("updated", "最近更新", AssignmentOrder.RecentlyUpdated),
        ("title", "事项名称", AssignmentOrder.Title),
    ];

    /// <summary>督办等级 the ledger filters by (supervision lists them), by URL names and words.</summary>
    public static readonly IReadOnlyList<(string Name, string Label, Contracts.Supervision.V1.UrgingLevel Level)> Levels =
    [
        ("red", "红色（逾期）", Contracts.Supervision.V1.UrgingLevel.Red),
        ("yellow", "黄色（进度滞后）", Contracts.Supervision.V1.UrgingLevel.Yellow),
        ("blue", "蓝色（临近到期）", Contracts.Supervision.V1.UrgingLevel.Blue),
    ];

    public bool ByLevel => Level != Contracts.Supervision.V1.UrgingLevel.Unspecified;

    private static readonly Dictionary<string, AssignmentStatus> StatusNames = new()
    {
        ["assigned"] = AssignmentStatus.Assigned,
        ["accepted"] = AssignmentStatus.Accepted,
        ["in_progress"] = AssignmentStatus.InProgress,
        ["completion_requested"] = AssignmentStatus.CompletionRequested,
        ["completed"] = AssignmentStatus.Completed,
        ["cancelled"] = AssignmentStatus.Cancelled,
    };

    public static string StatusName(AssignmentStatus status) => StatusNames.First(p => p.Value == status).Key;

    public static LedgerFilter Parse(IReadOnlyDictionary<string, StringValues> query, List<string> problems)
    {
        string One(string key) => query.TryGetValue(key, out var v) ? (v.ToString() ?? "").Trim() : "";
        DateOnly? Date(string key, string label)
        {
            var text = One(key);
            if (text.Length == 0)
                return null;
            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                return date;
            problems.Add($"{label}“{text}”不是日期（应为 2026-12-31 这样的写法）");
            return null;
        }
        var statuses = new List<AssignmentStatus>();
        foreach (var name in query.TryGetValue("status", out var values) ? values.ToArray() : [])
        {
            if (name is not null && StatusNames.TryGetValue(name, out var status))
                statuses.Add(status);
            else
                problems.Add($"没有“{name}”这种状态");
        }
        var sortName = One("sort");
        var sort = Sorts.FirstOrDefault(s => s.Name == sortName);
        if (sortName.Length > 0 && sort.Name is null)
            problems.Add($"没有“{sortName}”这种排序");
        var levelName = One("level");
        var level = Levels.FirstOrDefault(l => l.Name == levelName);
        if (levelName.Length > 0 && level.Name is null)
            problems.Add($"没有“{levelName}”这种督办等级");
        // Supervision lists a level soonest due first; another order of the same matters is not one it can page by.
        if (level.Name is not null && sort.Name is not null && sort.Order != AssignmentOrder.Unspecified)
            problems.Add("按督办等级查看时按完成时限由近到远排列，不能另选排序");
        return new LedgerFilter(One("unit"), One("subtree") == "1", statuses, One("overdue") == "1", Date("after", "到期起"),
            Date("before", "到期止"), One("plan"), One("q"), One("page"), sort.Name is null ? AssignmentOrder.Unspecified : sort.Order,
            level.Name is null ? Contracts.Supervision.V1.UrgingLevel.Unspecified : level.Level);
    }

    public ListAssignmentsRequest ToRequest(DateOnly today, bool paged = true)
    {
        var request = new ListAssignmentsRequest
        {
            LeadUnitId = Unit, IncludeSubtree = Subtree && Unit.Length > 0, PlanId = Plan, Text = Text,
            DueAfter = DueAfter is { } a ? Components.Shared.Labels.ToDate(a) : null,
            DueBefore = DueBefore is { } b ? Components.Shared.Labels.ToDate(b) : null,
            // Overdue: open work whose deadline passed before today (the tasks service judges it in each one's time zone).
            OverdueAsOf = Overdue ? Components.Shared.Labels.ToDate(today) : null,
        };
        request.Statuses.AddRange(Statuses);
        if (paged)
        {
            request.OrderBy = Sort;
            request.PageSize = PageSize;
            request.PageToken = PageToken;
        }
        return request;
    }

    /// <summary>The URL of this filter, with one value changed (or taken away with null).</summary>
    public string Url(string path, string? key = null, string? value = null)
    {
        var pairs = new List<KeyValuePair<string, string?>>();
        void Add(string k, string v)
        {
            if (k == key)
                return;
            if (v.Length > 0)
                pairs.Add(new(k, v));
        }
        Add("unit", Unit);
        Add("subtree", Subtree ? "1" : "");
        if (key != "status")
            pairs.AddRange(Statuses.Select(s => new KeyValuePair<string, string?>("status", StatusName(s))));
        Add("overdue", Overdue ? "1" : "");
        Add("after", DueAfter?.ToString("yyyy-MM-dd") ?? "");
        Add("before", DueBefore?.ToString("yyyy-MM-dd") ?? "");
        Add("plan", Plan);
        Add("q", Text);
        Add("sort", Sort == AssignmentOrder.Unspecified ? "" : Sorts.First(s => s.Order == Sort).Name);
        Add("level", ByLevel ? Levels.First(l => l.Level == Level).Name : "");
        Add("page", key is null ? PageToken : "");
        if (key is not null && value is { Length: > 0 })
            pairs.Add(new(key, value));
        return QueryHelpers.AddQueryString(path, pairs);
    }
}
