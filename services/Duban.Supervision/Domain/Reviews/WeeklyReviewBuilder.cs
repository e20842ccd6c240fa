namespace Duban.Supervision.Domain.Reviews;

/// <summary>
/// One weekly review being computed: assignments are added one at a time (the rules are those of
/// <see cref="WeeklyReviewCalculator"/>), and only the per-unit tallies and the listed items are kept.
/// <para>
/// An assignment's title and owner show only in the lists, so a caller streaming a large scope may leave them empty
/// for assignments that cannot be listed (see <see cref="LastListedDueDate"/>).
/// </para>
/// </summary>
public sealed class WeeklyReviewBuilder
{
    private readonly WeeklyReviewCalculator _calculator;
    private readonly Guid _scopeUnitId;
    private readonly IsoWeek _week;
    private readonly DateTimeOffset _asOf;
    private readonly Dictionary<Guid, ReviewUnit> _scope;
    private readonly DateTimeOffset _weekStart;
    private readonly DateOnly _nextMonday, _nextSunday;
    private readonly Dictionary<string, int> _asOfLocalDates = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, Tally> _tallies = [];
    private readonly Dictionary<Guid, int> _openCounted = [], _openAdded = [];
    private bool _built;
    private readonly List<ReviewItem> _newlyOverdue = [], _stillOverdue = [], _completedThisWeek = [], _dueNextWeek = [];

    internal WeeklyReviewBuilder(WeeklyReviewCalculator calculator, Guid scopeUnitId, IsoWeek week, DateTimeOffset asOf, Dictionary<Guid, ReviewUnit> scope)
    {
        _calculator = calculator;
        _scopeUnitId = scopeUnitId;
        _week = week;
        // The same instant always renders the same way, whatever offset the caller wrote it in.
        _asOf = asOf.ToUniversalTime();
        _scope = scope;
        _weekStart = ReviewClock.StartOfDay(week.Monday, calculator.TimeZone);
        var next = week.Next();
        (_nextMonday, _nextSunday) = (next.Monday, next.Sunday);
    }

    /// <summary>The first instant of the reviewed week in the review's time zone.</summary>
    public DateTimeOffset WeekStart => _weekStart;

    /// <summary>
    /// Next week's Sunday. Every listed item is due by then (current due date: the due date, else the original one)
    /// or was completed by its unit after <see cref="WeekStart"/>; any other assignment shows in no list, so it
    /// needs no title or owner.
    /// </summary>
    public DateOnly LastListedDueDate => _nextSunday;

    /// <summary>
    /// Tells the builder how many of a unit's assignments have an open status (<see cref="ReviewedAssignment.HasOpenStatus"/>),
    /// whatever their dates, so that a caller streaming a large scope need not add each. The caller adds one by one
    /// every such assignment that is not simply open — due or originally due by <see cref="LastListedDueDate"/>, or
    /// assigned after the as-of instant — and may add others; the builder takes every open one added out of the count.
    /// The rest are assigned and open, in no list and not yet in the on-time rate. Counted once per unit.
    /// </summary>
    public void CountOpen(Guid leadUnitId, int count)
    {
        if (_built)
            throw new InvalidOperationException("The review is already built.");
        if (count < 0 || !_openCounted.TryAdd(leadUnitId, count))
            throw new ArgumentException($"A unit's open assignments are counted once, as zero or more; {leadUnitId} was not.", nameof(count));
    }

    public void Add(ReviewedAssignment a)
    {
        if (_built)
            throw new InvalidOperationException("The review is already built.");
        if (!_scope.TryGetValue(a.LeadUnitId, out var unit))
            return;
        if (a.HasOpenStatus)
            _openAdded[unit.Id] = _openAdded.GetValueOrDefault(unit.Id) + 1;
        if (a.IsCancelled || a.AssignedAt > _asOf)
            return;
        if (!_tallies.TryGetValue(unit.Id, out var tally))
            _tallies.Add(unit.Id, tally = new Tally(unit));
        tally.Assigned++;
        if (a.CountsTowardOnTimeRateAsOf(_asOf))
            tally.ShouldBeCompleted++;

        if (a.IsCompletedAsOf(_asOf))
        {
            if (a.IsCompletedOnTime())
                tally.CompletedOnTime++;
            else
                tally.CompletedLate++;
            // Completed within the week: verified within it, so each completion shows in exactly one week.
            if (a.CompletedAt is { } verified && verified > _weekStart)
                _completedThisWeek.Add(Item(a, unit, a.CurrentDueDate(), a.DaysLate()));
            return;
        }
        if (a.IsAwaitingVerificationAsOf(_asOf))
        {
            tally.AwaitingVerification++;
            return;
        }

        tally.Open++;
        if (a.CurrentDueDate() is not { } due)
            return;
        var dueAt = ReviewClock.DueInstant(due, a.TimeZone);
        if (dueAt <= _asOf)
        {
            if (!_asOfLocalDates.TryGetValue(a.TimeZone, out var today))
                _asOfLocalDates.Add(a.TimeZone, today = ReviewClock.LocalDate(_asOf, a.TimeZone).DayNumber);
            var days = Math.Max(0, today - due.DayNumber);
            tally.Overdue++;
            if (!a.HasAcceptedExplanationOrPending)
                tally.OverdueWithoutExplanation++;
            tally.MaxDaysOverdue = Math.Max(tally.MaxDaysOverdue, days);
            (dueAt > _weekStart ? _newlyOverdue : _stillOverdue).Add(Item(a, unit, due, days));
        }
        if (due >= _nextMonday && due <= _nextSunday)
        {
            tally.DueNextWeek++;
            tally.LowestProgressDueNextWeek = Math.Min(tally.LowestProgressDueNextWeek ?? int.MaxValue, a.ProgressPercent);
            _dueNextWeek.Add(Item(a, unit, due, 0));
        }
    }

    /// <param name="previous">Last week's report for the same scope, to compute <see cref="WeeklyReviewReport.Change"/>; or null.</param>
    public WeeklyReviewReport Build(WeeklyReviewReport? previous = null)
    {
        if (previous is not null && previous.ScopeUnitId != _scopeUnitId)
            throw new ArgumentException("The previous report belongs to another scope unit.", nameof(previous));

        if (!_built)
            AddOpenBeyondNextWeek();
        _built = true;
        var rows = _tallies.Values
            .Select(t => new UnitReviewRow(t.Unit.Id, t.Unit.Name, t.ToCounts(), _calculator.Rules.Evaluate(
                t.Overdue, t.OverdueWithoutExplanation, t.MaxDaysOverdue, t.LowestProgressDueNextWeek, t.OnTimeRate)))
            .OrderByDescending(r => r.Light)
            .ThenByDescending(r => r.Counts.Overdue)
            .ThenBy(r => r.UnitName, StringComparer.Ordinal)
            .ThenBy(r => r.UnitId)
            .ToList();

        var totals = ReviewCounts.Sum(rows.Select(r => r.Counts));
        var toExplain = rows
            .Where(r => r.Counts.OverdueWithoutExplanation > 0)
            .Select(r => new UnitToExplain(r.UnitId, r.UnitName, r.Counts.OverdueWithoutExplanation))
            .OrderByDescending(u => u.OverdueWithoutExplanation)
            .ThenBy(u => u.UnitName, StringComparer.Ordinal)
            .ThenBy(u => u.UnitId)
            .ToList();

        return new WeeklyReviewReport(
            _scopeUnitId,
            _week,
            _week.Monday,
            _week.Sunday,
            _asOf,
            _calculator.TimeZone,
            totals,
            rows,
            SortedInPlace(_newlyOverdue, ByDaysOverdue),
            SortedInPlace(_stillOverdue, ByDaysOverdue),
            SortedInPlace(_completedThisWeek, ByUnitThenTitle),
            SortedInPlace(_dueNextWeek, ByDueDateThenUnit),
            toExplain,
            previous is null ? null : ChangeSincePrevious.Between(previous, totals, rows));
    }

    // What CountOpen counted and Add did not add: open, assigned by the as-of instant, due beyond next week.
    private void AddOpenBeyondNextWeek()
    {
        foreach (var (unitId, count) in _openCounted)
        {
            if (!_scope.TryGetValue(unitId, out var unit))
                continue;
            var beyond = count - _openAdded.GetValueOrDefault(unitId);
            if (beyond < 0)
                throw new InvalidOperationException($"Unit {unitId} was counted {count} open assignments but {count - beyond} were added.");
            if (beyond == 0)
                continue;
            if (!_tallies.TryGetValue(unit.Id, out var tally))
                _tallies.Add(unit.Id, tally = new Tally(unit));
            tally.Assigned += beyond;
            tally.Open += beyond;
        }
    }

    // The lists are sorted where they are, not copied: a large review's lists run to 100,000 items and more, and each copy
    // is garbage of that size. Every order ends with the assignment id, so it is total and an unstable sort is exact.
    private static List<ReviewItem> SortedInPlace(List<ReviewItem> items, Comparison<ReviewItem> order)
    {
        items.Sort(order);
        return items;
    }

    private static int ByDaysOverdue(ReviewItem x, ReviewItem y)
    {
        var c = y.DaysOverdue.CompareTo(x.DaysOverdue);
        if (c == 0) c = string.CompareOrdinal(x.UnitName, y.UnitName);
        if (c == 0) c = Nullable.Compare(x.DueDate, y.DueDate);
        if (c == 0) c = string.CompareOrdinal(x.Title, y.Title);
        return c != 0 ? c : x.AssignmentId.CompareTo(y.AssignmentId);
    }

    private static int ByUnitThenTitle(ReviewItem x, ReviewItem y)
    {
        var c = string.CompareOrdinal(x.UnitName, y.UnitName);
        if (c == 0) c = string.CompareOrdinal(x.Title, y.Title);
        return c != 0 ? c : x.AssignmentId.CompareTo(y.AssignmentId);
    }

    private static int ByDueDateThenUnit(ReviewItem x, ReviewItem y)
    {
        var c = Nullable.Compare(x.DueDate, y.DueDate);
        if (c == 0) c = string.CompareOrdinal(x.UnitName, y.UnitName);
        if (c == 0) c = string.CompareOrdinal(x.Title, y.Title);
        return c != 0 ? c : x.AssignmentId.CompareTo(y.AssignmentId);
    }

    private static ReviewItem Item(ReviewedAssignment a, ReviewUnit unit, DateOnly? due, int days) =>
        new(a.Id, a.Title, unit.Id, unit.Name, a.OwnerName, due, days, a.ProgressPercent, a.HasAcceptedExplanationOrPending);

    private sealed class Tally(ReviewUnit unit)
    {
        public ReviewUnit Unit { get; } = unit;
        public int Assigned, CompletedOnTime, CompletedLate, AwaitingVerification, Open, DueNextWeek, Overdue, OverdueWithoutExplanation,
            ShouldBeCompleted, MaxDaysOverdue;
        public int? LowestProgressDueNextWeek;

        public decimal? OnTimeRate => ReviewCounts.OnTimeRateOf(CompletedOnTime, ShouldBeCompleted);

        public ReviewCounts ToCounts() =>
            new(Assigned, CompletedOnTime, CompletedLate, AwaitingVerification, Open, DueNextWeek, Overdue, OverdueWithoutExplanation,
                ShouldBeCompleted, OnTimeRate);
    }
}
