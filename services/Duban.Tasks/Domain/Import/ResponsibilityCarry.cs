using System.Text.RegularExpressions;

namespace Duban.Tasks.Domain.Import;

/// <summary>
/// Gives each item its 牵头单位, 配合单位, 责任人 and 完成时限, visiting items in document order. For each field the value is:
/// <list type="number">
/// <item>what the item states:
///   a plain value;
///   "同上" — the previous item's value, for this item only;
///   "下同" alone — the previous item's value, carried on to the following items;
///   a value marked 下同 ("市交通局（下同）", "2023年6月底前，下同") — that value, carried on to the following items;</item>
/// <item>otherwise the value carried on by 下同, until some item states a new value for that field;</item>
/// <item>otherwise the parent's value: a note on 一、 covers the （一） items under it that state nothing.</item>
/// </list>
/// "The previous item" is the one before in document order that has cells or a note of its own: in a 任务分解表, a key task
/// opened on the same row as its first measure only groups; the row's values belong to the measure.
/// </summary>
internal sealed partial class ResponsibilityCarry
{
    private readonly Dictionary<DraftItem, Dictionary<ResponsibilityField, string>> _effective = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<ResponsibilityField, string> _previous = [];
    private readonly Dictionary<ResponsibilityField, string> _carriedOn = [];
    // Where each of those values was first written (the item's path label), to tell a reader where an item's value came from.
    private readonly Dictionary<ResponsibilityField, string> _previousFrom = [];
    private readonly Dictionary<ResponsibilityField, string> _carriedOnFrom = [];

    /// <summary>Gives an item that states values (a row's own item, an outline item) its effective values.</summary>
    public void Apply(DraftItem item, DraftItem? parent, IReadOnlyDictionary<ResponsibilityField, string> stated, ICollection<ImportProblem> problems)
    {
        var effective = new Dictionary<ResponsibilityField, string>();
        var sources = new Dictionary<ResponsibilityField, string>();
        foreach (var field in ResponsibilityFieldNames.All)
        {
            string? value = null;
            string? origin = item.PathLabel;
            if (stated.TryGetValue(field, out var written) && !string.IsNullOrWhiteSpace(written))
            {
                var marker = written.Trim().TrimEnd('。', '.', '，', ',', '；', ';');
                var copied = marker == "同上" || SameBelowMarker().Replace(marker, "").Trim().Length == 0;
                var from = _previousFrom.GetValueOrDefault(field);
                value = Interpret(field, written, item.LineOrRow, problems);
                if (copied && value is not null)
                {
                    origin = from;
                    sources[field] = $"{(marker == "同上" ? "同上" : "下同")}：沿用“{from}”";
                }
                if (_carriedOn.ContainsKey(field))
                    _carriedOnFrom[field] = origin ?? item.PathLabel;
            }
            else if (_carriedOn.GetValueOrDefault(field) is { } carried)
            {
                value = carried;
                origin = _carriedOnFrom.GetValueOrDefault(field);
                sources[field] = $"下同：沿用“{origin}”";
            }
            else if (InheritedValue(parent, field) is { } inherited)
            {
                value = inherited;
                origin = parent!.PathLabel;
                sources[field] = $"上级“{parent.PathLabel}”";
            }
            if (value is null)
            {
                _previous.Remove(field);
                _previousFrom.Remove(field);
            }
            else
            {
                effective[field] = _previous[field] = value;
                _previousFrom[field] = origin ?? item.PathLabel;
            }
        }
        Store(item, effective);
        item.InheritedFrom = sources.ToDictionary(s => ResponsibilityFieldNames.CanonicalName(s.Key), s => s.Value);
    }

    /// <summary>Gives an item that only groups others (no values of its own) its parent's values.</summary>
    public void ApplyToGroup(DraftItem item, DraftItem? parent)
    {
        Store(item, parent is null ? [] : new Dictionary<ResponsibilityField, string>(_effective[parent]));
        if (parent is not null)
            item.InheritedFrom = _effective[parent].Keys.ToDictionary(ResponsibilityFieldNames.CanonicalName, _ => $"上级“{parent.PathLabel}”");
    }

    private string? Interpret(ResponsibilityField field, string written, int lineOrRow, ICollection<ImportProblem> problems)
    {
        var text = written.Trim().TrimEnd('。', '.', '，', ',', '；', ';');
        if (text == "同上") return PreviousValue(field, text, lineOrRow, problems);

        var unmarked = SameBelowMarker().Replace(text, "").Trim();
        var carriesOn = unmarked.Length != text.Length;
        if (carriesOn && unmarked.Length == 0)
        {
            var previous = PreviousValue(field, "下同", lineOrRow, problems);
            if (previous is not null) _carriedOn[field] = previous;
            return previous;
        }

        if (carriesOn) _carriedOn[field] = unmarked;
        else _carriedOn.Remove(field);
        return unmarked;
    }

    private string? PreviousValue(ResponsibilityField field, string marker, int lineOrRow, ICollection<ImportProblem> problems)
    {
        var previous = _previous.GetValueOrDefault(field);
        if (previous is null)
        {
            var name = ResponsibilityFieldNames.CanonicalName(field);
            problems.Add(new ImportProblem(lineOrRow, name, $"“{marker}”之前没有可沿用的{name}"));
        }
        return previous;
    }

    private string? InheritedValue(DraftItem? parent, ResponsibilityField field) =>
        parent is null ? null : _effective[parent].GetValueOrDefault(field);

    private void Store(DraftItem item, Dictionary<ResponsibilityField, string> effective)
    {
        _effective[item] = effective;
        item.LeadUnits = effective.TryGetValue(ResponsibilityField.LeadUnits, out var leads) ? UnitNameList.Parse(leads) : [];
        item.CoUnits = effective.TryGetValue(ResponsibilityField.CoUnits, out var coUnits) ? UnitNameList.Parse(coUnits) : [];
        item.Owner = effective.GetValueOrDefault(ResponsibilityField.Owner);
        item.DeadlineText = effective.GetValueOrDefault(ResponsibilityField.Deadline);
    }

    /// <summary>"（下同）", "(下同)", or a trailing "，下同" / " 下同".</summary>
    [GeneratedRegex(@"\s*[（(]\s*下同\s*[）)]|[\s，,；;、]*下同\s*$")]
    private static partial Regex SameBelowMarker();
}
