using System.Globalization;

namespace Duban.Supervision.Domain.Reviews;

/// <summary>A part of a 通报's body, in plain text: each renderer (Markdown, Word) draws it in its own way.</summary>
public abstract record BulletinBlock;

/// <summary>Level 1: a section (一、总体情况); level 2: a unit named for its overdue items.</summary>
public sealed record BulletinHeading(int Level, string Text) : BulletinBlock;

public sealed record BulletinParagraph(string Text) : BulletinBlock;

/// <summary>Numbered items; <paramref name="More"/> says how many the list leaves out, when it does.</summary>
public sealed record BulletinNumberedList(IReadOnlyList<string> Items, string? More) : BulletinBlock;

public sealed record BulletinBulletList(IReadOnlyList<string> Items) : BulletinBlock;

/// <summary>The table of units with their counts and lights, then the 合计 row.</summary>
public sealed record BulletinUnitsTable(IReadOnlyList<UnitReviewRow> Rows, ReviewCounts Totals) : BulletinBlock;

/// <summary>
/// What a 通报 says, once, for every format that prints it: its title, the line naming scope, period and as-of instant,
/// and the body's blocks. The Markdown and the Word 通报 are both drawn from it, so they hold the same content within
/// the same limits (<see cref="BulletinLimits"/>). Text here is plain: a renderer escapes what its format needs.
/// </summary>
public sealed record BulletinOutline(string Title, string Header, IReadOnlyList<BulletinBlock> Body)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <param name="sizes">The full size of each list when the report's lists are excerpts; null when they are whole.</param>
    /// <param name="revision">The stored revision the report is (第n版); null for a report not stored.</param>
    public static BulletinOutline Of(WeeklyReviewReport report, string scopeUnitName, ReviewListSizes? sizes = null, int? revision = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        sizes ??= new ReviewListSizes(report.NewlyOverdue.Count, report.StillOverdue.Count, report.CompletedThisWeek.Count, report.DueNextWeek.Count);
        var t = report.Totals;
        var title = $"关于{report.Week.Year}年第{report.Week.Week}周重点任务推进情况的通报";
        var header = $"统计范围：{scopeUnitName}及所属单位　统计周期：{BulletinRenderer.Period(report.WeekStart, report.WeekEnd)}　" +
                     $"数据截至：{AsOfText(report.AsOf, report.TimeZone)}";
        if (revision is { } number)
            header += $"（第{number}版，{(BulletinRenderer.IsFinal(report) ? "本周已结束，数据已冻结" : "本周进行中，数据随办理情况更新")}）";

        var body = new List<BulletinBlock> { new BulletinHeading(1, "一、总体情况") };
        var summary = $"本周共调度重点任务{t.Assigned}项，已完成（经核验）{t.Completed}项，其中按时完成{t.CompletedOnTime}项、逾期完成{t.CompletedLate}项；" +
                      $"待核验{t.AwaitingVerification}项；应完成{t.ShouldBeCompleted}项，按时完成率{Rate(t.OnTimeRate)}；未完成{t.Open}项，其中逾期{t.Overdue}项" +
                      $"（本周新增{sizes.NewlyOverdue}项），逾期未作情况说明{t.OverdueWithoutExplanation}项；下周到期{t.DueNextWeek}项。" +
                      $"亮红灯单位{report.Units.Count(u => u.Light == Light.Red)}个、亮黄灯单位{report.Units.Count(u => u.Light == Light.Yellow)}个、" +
                      $"亮绿灯单位{report.Units.Count(u => u.Light == Light.Green)}个。";
        if (report.Change is { } change)
            summary += $"与上周相比，{OverdueChange(change.OverdueDelta)}，{RateChange(change.OnTimeRateDelta)}。";
        body.Add(new BulletinParagraph(summary));

        body.Add(new BulletinHeading(1, "二、各单位推进情况"));
        body.Add(new BulletinUnitsTable(report.Units, t));
        body.Add(new BulletinParagraph(BulletinRenderer.CountingNote));

        body.Add(new BulletinHeading(1, "三、逾期未完成任务"));
        var overdue = report.NewlyOverdue.Concat(report.StillOverdue).ToLookup(i => i.UnitId);
        var newly = report.NewlyOverdue.Select(i => i.AssignmentId).ToHashSet();
        var unlisted = new List<UnitReviewRow>();
        foreach (var row in report.Units.Where(r => r.Counts.Overdue > 0))
        {
            if (!overdue.Contains(row.UnitId))
            {
                unlisted.Add(row);
                continue;
            }
            var items = overdue[row.UnitId]
                .OrderByDescending(i => i.DaysOverdue).ThenBy(i => i.DueDate)
                .ThenBy(i => i.Title, StringComparer.Ordinal).ThenBy(i => i.AssignmentId)
                .Select(item => $"{item.Title}（责任人：{Owner(item.OwnerName)}；完成时限：{DateText(item.DueDate)}；逾期{item.DaysOverdue}天；" +
                                (item.HasExplanation ? "已报送情况说明" : "未作情况说明") + (newly.Contains(item.AssignmentId) ? "；本周新增逾期" : "") + "）")
                .ToList();
            body.Add(new BulletinHeading(2, $"{row.UnitName}（逾期{row.Counts.Overdue}项）"));
            body.Add(new BulletinNumberedList(items, More(row.Counts.Overdue - items.Count)));
        }
        if (unlisted.Count > 0)
            body.Add(new BulletinParagraph($"另有{unlisted.Count}个单位共{unlisted.Sum(r => r.Counts.Overdue)}项逾期未完成任务，详见任务清单（CSV）。"));
        if (sizes.NewlyOverdue + sizes.StillOverdue == 0)
            body.Add(new BulletinParagraph("本周无逾期未完成任务。"));

        body.Add(new BulletinHeading(1, "四、需作出说明的单位"));
        if (report.UnitsToExplain.Count == 0)
            body.Add(new BulletinParagraph("本周无逾期未完成且未作情况说明的单位。"));
        else
        {
            body.Add(new BulletinParagraph("以下单位存在逾期未完成且未作情况说明的任务，请单位主要负责人于下次调度会上作出说明："));
            body.Add(new BulletinBulletList(report.UnitsToExplain.Select(u => $"{u.UnitName}（逾期未说明{u.OverdueWithoutExplanation}项）").ToList()));
        }

        body.Add(new BulletinHeading(1, "五、本周完成任务"));
        body.Add(ItemList(report.CompletedThisWeek, sizes.CompletedThisWeek, "本周无完成任务。", item =>
            item.DaysOverdue == 0 ? "按时完成" : $"逾期{item.DaysOverdue}天完成"));

        body.Add(new BulletinHeading(1, "六、下周到期任务"));
        body.Add(ItemList(report.DueNextWeek, sizes.DueNextWeek, "下周无到期任务。", item =>
            $"完成时限：{DateText(item.DueDate)}；当前进度{item.ProgressPercent}%"));

        return new BulletinOutline(title, header, body);
    }

    private static BulletinBlock ItemList(IReadOnlyList<ReviewItem> items, int size, string none, Func<ReviewItem, string> detail) =>
        size == 0
            ? new BulletinParagraph(none)
            : new BulletinNumberedList(items.Select(item => $"【{item.UnitName}】{item.Title}（责任人：{Owner(item.OwnerName)}；{detail(item)}）").ToList(),
                More(size - items.Count));

    /// <summary>The line that says how many items of a list the bulletin does not name.</summary>
    private static string? More(int notListed) => notListed > 0 ? $"……另有{notListed}项，详见任务清单（CSV）。" : null;

    /// <summary>An owner nobody named shows as "未明确", not as an empty field.</summary>
    private static string Owner(string ownerName) => string.IsNullOrWhiteSpace(ownerName) ? "未明确" : ownerName;

    /// <summary>"—" when nothing should be completed yet: no rate rather than an invented 100%.</summary>
    public static string Rate(decimal? rate) => rate is { } r ? r.ToString("0.#", Invariant) + "%" : "—";

    public static string DateText(DateOnly? date) => date is { } d ? $"{d.Year}年{d.Month}月{d.Day}日" : "长期";

    /// <summary>The as-of instant in local time; local midnight reads as 24时 of the day before, as bulletins write it.</summary>
    public static string AsOfText(DateTimeOffset asOf, string timeZone)
    {
        var local = TimeZoneInfo.ConvertTime(asOf, ReviewClock.Zone(timeZone)).DateTime;
        if (local.TimeOfDay == TimeSpan.Zero)
            return $"{DateText(DateOnly.FromDateTime(local.AddDays(-1)))}24时";
        return $"{DateText(DateOnly.FromDateTime(local))}{local.Hour}时{local.Minute:D2}分";
    }

    private static string OverdueChange(int delta) => delta switch
    {
        > 0 => $"逾期任务增加{delta}项",
        < 0 => $"逾期任务减少{-delta}项",
        _ => "逾期任务数量持平",
    };

    private static string RateChange(decimal? delta) => delta switch
    {
        null => "按时完成率无可比数据",
        > 0 => $"按时完成率上升{delta.Value.ToString("0.#", Invariant)}个百分点",
        < 0 => $"按时完成率下降{(-delta.Value).ToString("0.#", Invariant)}个百分点",
        _ => "按时完成率持平",
    };
}
