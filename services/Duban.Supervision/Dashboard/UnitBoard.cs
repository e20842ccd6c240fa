using Duban.Contracts.Units.V1;

namespace Duban.Supervision.Dashboard;

/// <summary>A unit's assignments counted as the dashboard counts them.</summary>
public sealed record UnitTally(int Total, int Open, int CompletionRequested, int Completed, int Overdue, int Behind, int DueWithin7Days, int MaxDaysOverdue)
{
    public static readonly UnitTally None = new(0, 0, 0, 0, 0, 0, 0, 0);

    public static UnitTally Of(UnitCounts c) => new(c.Open + c.CompletionRequested + c.Completed, c.Open, c.CompletionRequested, c.Completed,
        c.Red, c.Yellow, c.DueWithin7Days, c.MaxDaysOverdue);

    public UnitTally Plus(UnitTally o) => new(Total + o.Total, Open + o.Open, CompletionRequested + o.CompletionRequested, Completed + o.Completed,
        Overdue + o.Overdue, Behind + o.Behind, DueWithin7Days + o.DueWithin7Days, Math.Max(MaxDaysOverdue, o.MaxDaysOverdue));
}

public sealed record UnitBoardRow(Unit Unit, string ParentId, int Depth, UnitTally Own, UnitTally Subtree);

/// <summary>
/// 单位视图: a scope's unit tree, each unit with the counts of the assignments it leads and of those its whole subtree
/// leads. Units come in tree order (each right after its parent, siblings by code) so the list reads as the tree.
/// </summary>
public static class UnitBoard
{
    public static IReadOnlyList<UnitBoardRow> Build(Unit scope, IReadOnlyList<Unit> below, IReadOnlyList<UnitCounts> counts)
    {
        var own = counts.ToDictionary(c => c.UnitId.ToString(), UnitTally.Of);
        var children = below.ToLookup(u => u.ParentId);
        var rows = new List<UnitBoardRow>();

        // Depth-first: a unit's subtree tally is its own plus its children's, known once they are walked.
        UnitTally Walk(Unit unit, string parentId, int depth)
        {
            var index = rows.Count;
            rows.Add(null!);
            var mine = own.GetValueOrDefault(unit.Id) ?? UnitTally.None;
            var subtree = mine;
            foreach (var child in children[unit.Id].OrderBy(c => c.Code, StringComparer.Ordinal))
                subtree = subtree.Plus(Walk(child, unit.Id, depth + 1));
            rows[index] = new UnitBoardRow(unit, parentId, depth, mine, subtree);
            return subtree;
        }

        Walk(scope, "", 0);
        return rows;
    }
}
