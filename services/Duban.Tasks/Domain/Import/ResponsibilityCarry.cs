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

    /// <summary>Gives an item that states values (a row's own item, an outline item) its effective values.</summary>
    public void Apply(DraftItem item, DraftItem? parent, IReadOnlyDictionary<ResponsibilityField, string> stated, ICollection<ImportProblem> problems)
    {
        var effective = new Dictionary<ResponsibilityField, string>();
        foreach (var field in ResponsibilityFieldNames.All)
        {
            var value = stated.TryGetValue(field, out var written) && !string.IsNullOrWhiteSpace(written)
                ? Interpret(field, written, item.LineOrRow, problems)
                : null;
            value ??= _carriedOn.GetValueOrDefault(field) ?? InheritedValue(parent, field);
            if (value is null) _previous.Remove(field);
            else effective[field] = _previous[field] = value;
        }
        Store(item, effective);
    }

    /// <summary>Gives an item that only groups others (no values of its own) its parent's values.</summary>
    public void ApplyToGroup(DraftItem item, DraftItem? parent) =>
        Store(item, parent is null ? [] : new Dictionary<ResponsibilityField, string>(_effective[parent]));

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
