namespace Duban.Tasks.Domain.Import;

/// <summary>Builds an item's full label from its parent's label and its own numbering: "二" + "（三）" + "4" = "二（三）4".</summary>
internal static class PathLabel
{
    public static string Of(DraftItem? parent, string numbering)
    {
        if (parent is null) return numbering;
        var parentLabel = parent.PathLabel;
        // Tables often number measures "1.2" under key task "1": that already is the full label.
        if (numbering.StartsWith(parentLabel + ".", StringComparison.Ordinal)) return numbering;
        // "1" + "2" would read as "12".
        return char.IsDigit(parentLabel[^1]) && char.IsDigit(numbering[0])
            ? $"{parentLabel}.{numbering}"
            : parentLabel + numbering;
    }

    /// <summary>The numbering of an item the document does not number: its 1-based position among its siblings.</summary>
    public static string Position(IReadOnlyCollection<DraftItem> siblingsBefore) => (siblingsBefore.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
