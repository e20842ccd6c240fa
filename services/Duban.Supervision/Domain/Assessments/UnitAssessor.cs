using Duban.Supervision.Domain.Reviews;

namespace Duban.Supervision.Domain.Assessments;

/// <summary>
/// Assesses (考核) each unit on its own assignments (LeadUnitId == unit) over a period, as of an instant.
/// <para><b>Which assignments count.</b> Not cancelled; the counting deadline — the ORIGINAL due date, unless the
/// extension was approved before it passed, then the current due date ("按原定时间考核") — falls within the period
/// (both ends inclusive); and it is already judgeable as of the as-of instant: either that deadline has passed
/// (its due instant, the next local midnight in the assignment's time zone, is at or before as-of) or it is
/// completed. <b>Completed means verified by the office</b> (state Completed, verified by as-of), as in the weekly
/// review (<see cref="ReviewedAssignment.IsCompletedAsOf"/>): a completion the lead confirmed but the office has not
/// verified (待核验) is not completed — before its deadline it is not yet assessed, after it it counts as open and
/// overdue, until the office verifies or returns it. Assignments with no deadline (长期坚持) are not assessed. A unit with no assessed assignment
/// is left out of the result rather than given a free score.</para>
/// <para><b>Counts</b>, over the assessed assignments of a unit:
/// <c>Due</c> = how many; <c>OnTime</c> = completed, with the unit's completion time (the lead's confirmation, else the
/// office's verification) at or before the counting deadline's due instant; <c>Late</c> = completed after it;
/// <c>OpenOverdue</c> = not completed as of as-of (its counting deadline has passed);
/// <c>DaysOverdue</c> = sum of whole local days past the counting deadline — to the completion day for late
/// completions, to the as-of day for open ones; <c>Unexplained</c> = late or open-overdue assignments with no
/// explanation (情况说明) filed; <c>Rejections</c> (退办), <c>Urgings</c> (催办) and <c>Extensions</c> (approved) = sums of
/// the assignments' counters.</para>
/// <para><b>Score</b>, with w = <see cref="AssessmentWeights"/>:</para>
/// <code>
/// score = 100 × OnTime ÷ Due
///       − min(w.PointsPerDayOverdue × DaysOverdue, w.DaysOverdueCap)
///       − w.PointsPerUnexplainedOverdue × Unexplained
///       − w.PointsPerRejection × Rejections
///       − w.PointsPerUrge × Urgings
///       − w.PointsPerExtension × Extensions
/// </code>
/// <para>clamped to 0–100 and rounded to one decimal (half away from zero), in decimal arithmetic. Defaults: 0.5 per
/// day overdue capped at 20, 5 per unexplained overdue, 2 per rejection, 1 per urging, 0.5 per extension.</para>
/// <para><b>Grade</b> from the rounded score: 优秀 (A) ≥ 90, 良好 (B) ≥ 80, 合格 (C) ≥ 60, else 不合格 (D) — bands from
/// <see cref="AssessmentWeights"/>. <c>OnTimeRate</c> (100 × OnTime ÷ Due, one decimal) is reported beside the score.</para>
/// <para>Units are ranked by score, highest first, then by name (ordinal) and id, so the same data and as-of
/// instant always give the same result.</para>
/// </summary>
public static class UnitAssessor
{
    public static AssessmentReport Assess(
        IEnumerable<ReviewUnit> scopeUnits,
        IEnumerable<ReviewedAssignment> assignments,
        AssessmentPeriod period,
        DateTimeOffset asOf,
        AssessmentWeights? weights = null)
    {
        ArgumentNullException.ThrowIfNull(assignments);
        var assessment = Begin(scopeUnits, period, asOf, weights);
        foreach (var a in assignments)
            assessment.Add(a);
        return assessment.Build();
    }

    /// <summary>An assessment that takes its assignments one at a time, so a large scope can be streamed from the database.</summary>
    public static UnitAssessmentBuilder Begin(IEnumerable<ReviewUnit> scopeUnits, AssessmentPeriod period, DateTimeOffset asOf,
        AssessmentWeights? weights = null)
    {
        ArgumentNullException.ThrowIfNull(scopeUnits);
        ArgumentNullException.ThrowIfNull(period);
        return new UnitAssessmentBuilder(scopeUnits, period, asOf, weights ?? AssessmentWeights.Default);
    }

    /// <summary>The score formula of <see cref="UnitAssessor"/>, on counts already made.</summary>
    public static decimal Score(int due, int onTime, int daysOverdue, int unexplained, int rejections, int urgings, int extensions, AssessmentWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var score = (due == 0 ? 100m : 100m * onTime / due)
            - Math.Min(weights.PointsPerDayOverdue * daysOverdue, weights.DaysOverdueCap)
            - weights.PointsPerUnexplainedOverdue * unexplained
            - weights.PointsPerRejection * rejections
            - weights.PointsPerUrge * urgings
            - weights.PointsPerExtension * extensions;
        return Math.Round(Math.Clamp(score, 0m, 100m), 1, MidpointRounding.AwayFromZero);
    }
}

/// <summary>One assessment being made: the rules of <see cref="UnitAssessor"/>, applied one assignment at a time.</summary>
public sealed class UnitAssessmentBuilder
{
    private readonly Dictionary<Guid, ReviewUnit> _units = [];
    private readonly Dictionary<Guid, Tally> _tallies = [];
    private readonly AssessmentPeriod _period;
    private readonly DateTimeOffset _asOf;
    private readonly AssessmentWeights _weights;

    internal UnitAssessmentBuilder(IEnumerable<ReviewUnit> scopeUnits, AssessmentPeriod period, DateTimeOffset asOf, AssessmentWeights weights)
    {
        foreach (var unit in scopeUnits)
            _units.TryAdd(unit.Id, unit);
        (_period, _asOf, _weights) = (period, asOf, weights);
    }

    public void Add(ReviewedAssignment a)
    {
        if (a.IsCancelled || !_units.TryGetValue(a.LeadUnitId, out var unit) || a.CountingDueDate() is not { } due || !_period.Contains(due))
            return;
        var completed = a.IsCompletedAsOf(_asOf);
        if (!completed && ReviewClock.DueInstant(due, a.TimeZone) > _asOf)
            return;

        if (!_tallies.TryGetValue(unit.Id, out var t))
            _tallies.Add(unit.Id, t = new Tally(unit));
        t.Due++;
        t.Rejections += a.RejectedCompletions;
        t.Urgings += a.UrgeCount;
        t.Extensions += a.ApprovedExtensions;

        int daysOverdue;
        if (completed && a.IsCompletedOnTime())
        {
            t.OnTime++;
            return;
        }
        if (completed)
        {
            t.Late++;
            daysOverdue = a.DaysLate();
        }
        else
        {
            t.OpenOverdue++;
            daysOverdue = ReviewClock.DaysPast(due, _asOf, a.TimeZone);
        }
        t.DaysOverdue += daysOverdue;
        if (!a.HasAcceptedExplanationOrPending)
            t.Unexplained++;
    }

    public AssessmentReport Build()
    {
        var results = _tallies.Values
            .Select(t => t.ToAssessment(_weights))
            .OrderByDescending(u => u.Score)
            .ThenBy(u => u.UnitName, StringComparer.Ordinal)
            .ThenBy(u => u.UnitId)
            .ToList();
        return new AssessmentReport(_period, _asOf.ToUniversalTime(), results);
    }

    private sealed class Tally(ReviewUnit unit)
    {
        public ReviewUnit Unit { get; } = unit;
        public int Due, OnTime, Late, OpenOverdue, DaysOverdue, Unexplained, Rejections, Urgings, Extensions;

        public UnitAssessment ToAssessment(AssessmentWeights weights)
        {
            var score = UnitAssessor.Score(Due, OnTime, DaysOverdue, Unexplained, Rejections, Urgings, Extensions, weights);
            return new UnitAssessment(
                Unit.Id, Unit.Name, Due, OnTime, Late, OpenOverdue, DaysOverdue, Unexplained, Rejections, Urgings, Extensions,
                Math.Round(100m * OnTime / Due, 1, MidpointRounding.AwayFromZero),
                score,
                weights.GradeOf(score));
        }
    }
}

/// <summary>The assessment of every unit with assignments due in the period, best first.</summary>
public sealed record AssessmentReport(AssessmentPeriod Period, DateTimeOffset AsOf, IReadOnlyList<UnitAssessment> Units);

/// <summary>One unit's assessment; the counts are defined on <see cref="UnitAssessor"/>.</summary>
public sealed record UnitAssessment(
    Guid UnitId,
    string UnitName,
    int Due,
    int CompletedOnTime,
    int CompletedLate,
    int OpenOverdue,
    int DaysOverdue,
    int OverdueWithoutExplanation,
    int RejectedCompletions,
    int Urgings,
    int ApprovedExtensions,
    decimal OnTimeRate,
    decimal Score,
    AssessmentGrade Grade)
{
    /// <summary>优秀, 良好, 合格 or 不合格.</summary>
    public string GradeName => Grade.Chinese();

    /// <summary>A, B, C or D.</summary>
    public char GradeLetter => Grade.Letter();
}
