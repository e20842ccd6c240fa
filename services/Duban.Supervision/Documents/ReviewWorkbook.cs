using Duban.OfficeFiles;
using Duban.Supervision.Domain.Assessments;
using Duban.Supervision.Domain.Reviews;

namespace Duban.Supervision.Documents;

/// <summary>
/// The weekly review as a 台账 workbook: the units table with its 合计 row, every item of each list on a sheet of its
/// own (本周新增逾期, 持续逾期, 本周完成, 下周到期, as in the CSV: every item, not the 通报's excerpt), the units that must
/// explain, and, when asked for, the assessment of a period. The numbers are those of the CSV; a rate nobody can
/// compute stays "—".
/// </summary>
public static class ReviewWorkbook
{
    public static readonly LedgerColumn[] UnitColumns =
    [
        new("单位"), new("交办", LedgerCell.Number, 8), new("按时完成", LedgerCell.Number, 10), new("逾期完成", LedgerCell.Number, 10),
        new("待核验", LedgerCell.Number, 8), new("未完成", LedgerCell.Number, 8), new("下周到期", LedgerCell.Number, 10), new("逾期", LedgerCell.Number, 8),
        new("未说明逾期", LedgerCell.Number, 12), new("应完成", LedgerCell.Number, 8), new("按时完成率(%)", LedgerCell.Number, 15), new("亮灯", LedgerCell.Text, 8),
    ];

    public static readonly LedgerColumn[] ItemColumns =
    [
        new("序号", LedgerCell.Number, 8), new("单位"), new("任务"), new("责任人"), new("完成时限", LedgerCell.Date, 12),
        new("逾期天数", LedgerCell.Number, 10), new("进度(%)", LedgerCell.Number, 9), new("情况说明", LedgerCell.Text, 10),
    ];

    public static readonly LedgerColumn[] AssessmentColumns =
    [
        new("单位"), new("应完成", LedgerCell.Number, 8), new("按时完成", LedgerCell.Number, 10), new("逾期完成", LedgerCell.Number, 10),
        new("逾期未完成", LedgerCell.Number, 12), new("逾期天数", LedgerCell.Number, 10), new("逾期未说明", LedgerCell.Number, 12),
        new("退办", LedgerCell.Number, 6), new("催办", LedgerCell.Number, 6), new("延期", LedgerCell.Number, 6),
        new("按时完成率(%)", LedgerCell.Number, 15), new("得分", LedgerCell.Number, 8), new("等次", LedgerCell.Text, 10),
    ];

    public static IReadOnlyList<LedgerSheet> Sheets(WeeklyReviewReport report, AssessmentReport? assessment)
    {
        var sheets = new List<LedgerSheet>
        {
            new("各单位", UnitColumns, report.Units.Select(u => Counts(u.UnitName, u.Counts, BulletinRenderer.LightName(u.Light)))
                .Append(Counts("合计", report.Totals, "—"))),
            Items("本周新增逾期", report.NewlyOverdue, overdue: true),
            Items("持续逾期", report.StillOverdue, overdue: true),
            Items("本周完成", report.CompletedThisWeek, overdue: false),
            Items("下周到期", report.DueNextWeek, overdue: false),
            new("需作出说明的单位", [new("单位"), new("逾期未说明", LedgerCell.Number, 12)],
                report.UnitsToExplain.Select(u => new object?[] { u.UnitName, u.OverdueWithoutExplanation })),
        };
        if (assessment is not null)
            sheets.Add(new($"考核{assessment.Period}", AssessmentColumns, assessment.Units.Select(u => new object?[]
            {
                u.UnitName, u.Due, u.CompletedOnTime, u.CompletedLate, u.OpenOverdue, u.DaysOverdue, u.OverdueWithoutExplanation,
                u.RejectedCompletions, u.Urgings, u.ApprovedExtensions, u.OnTimeRate, u.Score, $"{u.GradeName}（{u.GradeLetter}）",
            })));
        return sheets;
    }

    private static object?[] Counts(string name, ReviewCounts c, string light) =>
    [
        name, c.Assigned, c.CompletedOnTime, c.CompletedLate, c.AwaitingVerification, c.Open, c.DueNextWeek, c.Overdue,
        c.OverdueWithoutExplanation, c.ShouldBeCompleted, c.OnTimeRate is { } rate ? rate : "—", light,
    ];

    private static LedgerSheet Items(string name, IReadOnlyList<ReviewItem> items, bool overdue) =>
        new(name, ItemColumns, items.Select((i, n) => new object?[]
        {
            n + 1, i.UnitName, i.Title, string.IsNullOrWhiteSpace(i.OwnerName) ? "未明确" : i.OwnerName, i.DueDate,
            i.DaysOverdue, i.ProgressPercent, !overdue ? "" : i.HasExplanation ? "已说明" : "未说明",
        }));
}
