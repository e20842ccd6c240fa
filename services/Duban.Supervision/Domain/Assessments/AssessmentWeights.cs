namespace Duban.Supervision.Domain.Assessments;

/// <summary>Grades of an assessment: 优秀/良好/合格/不合格, also written A/B/C/D.</summary>
public enum AssessmentGrade
{
    Excellent = 1,
    Good = 2,
    Pass = 3,
    Fail = 4,
}

public static class AssessmentGradeExtensions
{
    public static string Chinese(this AssessmentGrade grade) => grade switch
    {
        AssessmentGrade.Excellent => "优秀",
        AssessmentGrade.Good => "良好",
        AssessmentGrade.Pass => "合格",
        _ => "不合格",
    };

    public static char Letter(this AssessmentGrade grade) => grade switch
    {
        AssessmentGrade.Excellent => 'A',
        AssessmentGrade.Good => 'B',
        AssessmentGrade.Pass => 'C',
        _ => 'D',
    };
}

/// <summary>
/// Points and grade bands for <see cref="UnitAssessor"/>; configuration, with these defaults
/// (the formula itself is documented on <see cref="UnitAssessor"/>).
/// </summary>
public sealed record AssessmentWeights
{
    public static AssessmentWeights Default { get; } = new();

    /// <summary>Points off per day overdue (late completions and still-open items alike): 0.5.</summary>
    public decimal PointsPerDayOverdue { get; init; } = 0.5m;

    /// <summary>The most the days-overdue deduction may take: 20.</summary>
    public decimal DaysOverdueCap { get; init; } = 20m;

    /// <summary>Points off per item that went overdue without an explanation (情况说明): 5.</summary>
    public decimal PointsPerUnexplainedOverdue { get; init; } = 5m;

    /// <summary>Points off per rejected completion (退办): 2.</summary>
    public decimal PointsPerRejection { get; init; } = 2m;

    /// <summary>Points off per urging (催办): 1.</summary>
    public decimal PointsPerUrge { get; init; } = 1m;

    /// <summary>Points off per approved extension: 0.5.</summary>
    public decimal PointsPerExtension { get; init; } = 0.5m;

    /// <summary>优秀 (A) from this score: 90.</summary>
    public decimal ExcellentFrom { get; init; } = 90m;

    /// <summary>良好 (B) from this score: 80.</summary>
    public decimal GoodFrom { get; init; } = 80m;

    /// <summary>合格 (C) from this score: 60. Below it, 不合格 (D).</summary>
    public decimal PassFrom { get; init; } = 60m;

    public AssessmentGrade GradeOf(decimal score) =>
        score >= ExcellentFrom ? AssessmentGrade.Excellent
        : score >= GoodFrom ? AssessmentGrade.Good
        : score >= PassFrom ? AssessmentGrade.Pass
        : AssessmentGrade.Fail;
}
