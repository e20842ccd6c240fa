using Duban.Supervision.Domain.Assessments;
using Duban.Supervision.Domain.Reviews;
using Xunit;
using static Duban.Supervision.Tests.Domain.ReviewFixtures;

namespace Duban.Supervision.Tests.Domain;

public class UnitAssessorTests
{
    private static readonly AssessmentPeriod Q4 = AssessmentPeriod.Quarter(2026, 4);

    /// <summary>2027-01-01 00:00 in Shanghai: the fourth quarter has just ended.</summary>
    private static readonly DateTimeOffset AfterQ4 = Local(2027, 1, 1, 0, 0);

    private static List<ReviewedAssignment> Quarter4() =>
    [
        // 发改委: a mixed record.
        Done(1, Fagaiwei, D(2026, 10, 15), Local(2026, 10, 14, 9, 0)),
        Done(2, Fagaiwei, D(2026, 11, 10), Local(2026, 11, 20, 9, 0)) with { RejectedCompletions = 1 },
        Done(3, Fagaiwei, D(2026, 12, 20), Local(2026, 12, 15, 9, 0)) with
            { OriginalDueDate = D(2026, 12, 1), ExtensionApprovedBeforeOriginalDue = true, ApprovedExtensions = 1 },
        Done(4, Fagaiwei, D(2026, 12, 20), Local(2026, 12, 15, 9, 0)) with
            { OriginalDueDate = D(2026, 12, 1), ApprovedExtensions = 1, UrgeCount = 2, HasAcceptedExplanationOrPending = true },
        Open(5, Fagaiwei, D(2026, 12, 25)) with { UrgeCount = 1 },
        Open(6, Fagaiwei, D(2027, 1, 10)),                                         // due next quarter
        Done(7, Fagaiwei, D(2026, 9, 30), Local(2026, 10, 20, 9, 0)),             // due last quarter
        Open(8, Fagaiwei, D(2026, 10, 20)) with { Status = AssignmentState.Cancelled },
        Open(9, Fagaiwei, D(2027, 1, 15)) with { OriginalDueDate = D(2026, 12, 20), ExtensionApprovedBeforeOriginalDue = true },
        Open(10, Fagaiwei, null),                                                   // 长期坚持

        // 住建局: four on time, one urging.
        Done(21, Zhujianju, D(2026, 10, 10), Local(2026, 10, 9, 9, 0)) with { UrgeCount = 1 },
        Done(22, Zhujianju, D(2026, 11, 10), Local(2026, 11, 9, 9, 0)),
        Done(23, Zhujianju, D(2026, 12, 10), Local(2026, 12, 10, 23, 0)),
        Done(24, Zhujianju, D(2026, 12, 31), Local(2026, 12, 31, 23, 59)) with { CompletedAt = Local(2026, 12, 31, 23, 59).AddSeconds(30) },

        // 教育局: four on time, one three days late with an explanation.
        Done(31, Jiaoyuju, D(2026, 10, 10), Local(2026, 10, 9, 9, 0)),
        Done(32, Jiaoyuju, D(2026, 10, 11), Local(2026, 10, 9, 9, 0)),
        Done(33, Jiaoyuju, D(2026, 10, 12), Local(2026, 10, 9, 9, 0)),
        Done(34, Jiaoyuju, D(2026, 10, 13), Local(2026, 10, 9, 9, 0)),
        Done(35, Jiaoyuju, D(2026, 11, 1), Local(2026, 11, 4, 9, 0)) with { HasAcceptedExplanationOrPending = true },

        // 文旅局: nothing due in the quarter.
        Open(41, Wenlvju, D(2027, 3, 1)),

        Open(91, Elsewhere, D(2026, 10, 1)),
    ];

    private static AssessmentReport Assess(DateTimeOffset? asOf = null, AssessmentWeights? weights = null) =>
        UnitAssessor.Assess(AllUnits.Where(u => u.Id != Elsewhere), Quarter4(), Q4, asOf ?? AfterQ4, weights);

    [Fact]
    public void Counts_follow_the_original_deadline_unless_extended_before_it_passed()
    {
        var unit = Assert.Single(Assess().Units, u => u.UnitId == Fagaiwei);

        Assert.Equal(5, unit.Due);
        Assert.Equal(2, unit.CompletedOnTime);   // 1, and 3 (extended in time)
        Assert.Equal(2, unit.CompletedLate);     // 2 (10 days), 4 (extended too late: 14 days)
        Assert.Equal(1, unit.OpenOverdue);       // 5 (7 days at 2027-01-01)
        Assert.Equal(31, unit.DaysOverdue);
        Assert.Equal(2, unit.OverdueWithoutExplanation);
        Assert.Equal(1, unit.RejectedCompletions);
        Assert.Equal(3, unit.Urgings);
        Assert.Equal(2, unit.ApprovedExtensions);
        Assert.Equal(40m, unit.OnTimeRate);
    }

    [Fact]
    public void Score_follows_the_documented_formula()
    {
        var report = Assess();

        // 100×2/5 − min(0.5×31, 20) − 5×2 − 2×1 − 1×3 − 0.5×2 = 40 − 15.5 − 10 − 2 − 3 − 1
        var fagaiwei = Assert.Single(report.Units, u => u.UnitId == Fagaiwei);
        Assert.Equal(8.5m, fagaiwei.Score);
        Assert.Equal(AssessmentGrade.Fail, fagaiwei.Grade);
        Assert.Equal("不合格", fagaiwei.GradeName);
        Assert.Equal('D', fagaiwei.GradeLetter);

        // 100 − 1×1
        var zhujianju = Assert.Single(report.Units, u => u.UnitId == Zhujianju);
        Assert.Equal(99m, zhujianju.Score);
        Assert.Equal("优秀", zhujianju.GradeName);
        Assert.Equal('A', zhujianju.GradeLetter);

        // 100×4/5 − 0.5×3
        var jiaoyuju = Assert.Single(report.Units, u => u.UnitId == Jiaoyuju);
        Assert.Equal(78.5m, jiaoyuju.Score);
        Assert.Equal("合格", jiaoyuju.GradeName);
        Assert.Equal('C', jiaoyuju.GradeLetter);
    }

    [Fact]
    public void Units_are_ranked_best_first_and_units_with_nothing_due_are_left_out()
    {
        var report = Assess();

        Assert.Equal(["住建局", "教育局", "发改委"], report.Units.Select(u => u.UnitName));
        Assert.Equal(Q4, report.Period);
    }

    [Fact]
    public void A_completion_the_office_has_not_verified_is_not_completed()
    {
        // Claimed on its last day, verified the next morning.
        var claimed = Done(1, Zhujianju, D(2026, 12, 31), Local(2026, 12, 31, 20, 0)) with { CompletedAt = Local(2027, 1, 1, 9, 0) };
        AssessmentReport At(DateTimeOffset asOf) => UnitAssessor.Assess(AllUnits, [claimed], Q4, asOf);

        var awaiting = Assert.Single(At(AfterQ4).Units);
        Assert.Equal((1, 0, 0, 1, 1), (awaiting.Due, awaiting.CompletedOnTime, awaiting.CompletedLate, awaiting.OpenOverdue, awaiting.DaysOverdue));
        var verified = Assert.Single(At(Local(2027, 1, 1, 9, 0)).Units);
        Assert.Equal((1, 1, 0, 0, 0), (verified.Due, verified.CompletedOnTime, verified.CompletedLate, verified.OpenOverdue, verified.DaysOverdue));
        // Still awaiting before its deadline: not yet assessed.
        Assert.Empty(UnitAssessor.Assess(AllUnits, [claimed with { CompletedAt = null, Status = AssignmentState.CompletionRequested }], Q4,
            Local(2026, 12, 31, 21, 0)).Units);
    }

    [Fact]
    public void Days_overdue_deduction_is_capped()
    {
        Assert.Equal(80m, UnitAssessor.Score(10, 10, 100, 0, 0, 0, 0, AssessmentWeights.Default));
        Assert.Equal(95m, UnitAssessor.Score(10, 10, 10, 0, 0, 0, 0, AssessmentWeights.Default));
        Assert.Equal(90m, UnitAssessor.Score(10, 10, 100, 0, 0, 0, 0, AssessmentWeights.Default with { DaysOverdueCap = 10m }));
    }

    [Fact]
    public void Score_never_drops_below_zero_and_rounds_to_one_decimal()
    {
        Assert.Equal(0m, UnitAssessor.Score(3, 0, 40, 3, 5, 5, 5, AssessmentWeights.Default));
        Assert.Equal(66.7m, UnitAssessor.Score(3, 2, 0, 0, 0, 0, 0, AssessmentWeights.Default));
        Assert.Equal(100m, UnitAssessor.Score(0, 0, 0, 0, 0, 0, 0, AssessmentWeights.Default));
    }

    [Theory]
    [InlineData(100, AssessmentGrade.Excellent)]
    [InlineData(90, AssessmentGrade.Excellent)]
    [InlineData(89.9, AssessmentGrade.Good)]
    [InlineData(80, AssessmentGrade.Good)]
    [InlineData(79.9, AssessmentGrade.Pass)]
    [InlineData(60, AssessmentGrade.Pass)]
    [InlineData(59.9, AssessmentGrade.Fail)]
    [InlineData(0, AssessmentGrade.Fail)]
    public void Grade_bands_are_90_80_60(double score, AssessmentGrade grade)
    {
        Assert.Equal(grade, AssessmentWeights.Default.GradeOf((decimal)score));
    }

    [Fact]
    public void Weights_and_bands_are_configuration()
    {
        var strict = AssessmentWeights.Default with { PointsPerUrge = 15m, ExcellentFrom = 95m, GoodFrom = 85m };

        var zhujianju = Assert.Single(Assess(weights: strict).Units, u => u.UnitId == Zhujianju);

        Assert.Equal(85m, zhujianju.Score);
        Assert.Equal(AssessmentGrade.Good, zhujianju.Grade);
    }

    [Fact]
    public void Mid_period_only_deadlines_passed_or_work_completed_count()
    {
        var report = Assess(Local(2026, 11, 15, 0, 0));

        var zhujianju = Assert.Single(report.Units, u => u.UnitId == Zhujianju);
        Assert.Equal(2, zhujianju.Due);              // 21 and 22; 23 and 24 are neither due nor done
        var fagaiwei = Assert.Single(report.Units, u => u.UnitId == Fagaiwei);
        Assert.Equal(2, fagaiwei.Due);               // 1 on time; 2 open, 5 local days past 2026-11-10
        Assert.Equal(1, fagaiwei.OpenOverdue);
        Assert.Equal(5, fagaiwei.DaysOverdue);
    }

    [Fact]
    public void Assessment_is_deterministic_for_the_same_data_and_as_of()
    {
        var reversed = UnitAssessor.Assess(AllUnits.Where(u => u.Id != Elsewhere).Reverse(), Enumerable.Reverse(Quarter4()), Q4, AfterQ4);

        Assert.Equal(Assess().Units, reversed.Units);
    }

    [Fact]
    public void Periods_cover_quarters_halves_and_years()
    {
        Assert.Equal((D(2026, 10, 1), D(2026, 12, 31)), (Q4.Start, Q4.End));
        Assert.Equal((D(2024, 1, 1), D(2024, 3, 31)), (AssessmentPeriod.Quarter(2024, 1).Start, AssessmentPeriod.Quarter(2024, 1).End));
        Assert.Equal((D(2026, 7, 1), D(2026, 12, 31)), (AssessmentPeriod.Half(2026, 2).Start, AssessmentPeriod.Half(2026, 2).End));
        Assert.Equal((D(2026, 1, 1), D(2026, 12, 31)), (AssessmentPeriod.OfYear(2026).Start, AssessmentPeriod.OfYear(2026).End));
        Assert.Equal("2026年第四季度", Q4.ChineseName);
        Assert.Equal("2026年上半年", AssessmentPeriod.Half(2026, 1).ChineseName);
        Assert.Equal("2026年度", AssessmentPeriod.OfYear(2026).ChineseName);
        Assert.Equal("2026-Q4", Q4.ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => AssessmentPeriod.Quarter(2026, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => AssessmentPeriod.Half(2026, 0));
    }
}
