using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;

namespace Duban.Supervision.Domain.Reviews;

/// <summary>
/// Renders a <see cref="WeeklyReviewReport"/> as a bulletin (通报) for people and as data for machines.
/// <list type="bullet">
/// <item><b>Markdown</b> (<see cref="RenderMarkdown"/>): title, period, as-of instant and revision, a summary paragraph,
/// a table per unit with a 合计 row and a note on what each column counts (<see cref="CountingNote"/>), then the
/// laggards by name — overdue items by unit with owner and days overdue, the units that must explain at the next
/// meeting — then this week's completions and next week's deadlines. User text is escaped so a '|' in a title
/// cannot break the table. Given the full <see cref="ReviewListSizes"/> of lists that are excerpts
/// (<see cref="BulletinLimits"/>), it says how many items are not named and where to find them.</item>
/// <item><b>CSV</b>, two files, each with one header row, RFC 4180 quoting and CRLF line ends:
/// <see cref="RenderUnitsCsv"/> (one row per unit, then a 合计 row) and <see cref="RenderItemsCsv"/> (every named item,
/// its list in a 类别 column: 本周新增逾期, 持续逾期, 本周完成, 下周到期; 逾期天数 is days late for
/// completions; 情况说明 is filled for overdue items only). Two files rather than one with mixed rows,
/// because each then opens as a plain table in a spreadsheet. Text cells that begin with = + - @ get a leading
/// apostrophe, so a spreadsheet never runs a title as a formula. Write them as UTF-8 (with a BOM if Excel must
/// open them directly). The export (<see cref="RenderCsv"/>) is both, an empty line between them.</item>
/// <item><b>JSON</b> (<see cref="RenderJson"/>): the report itself, camelCase, enums as camelCase strings, ISO dates,
/// weeks as "2026-W47", Chinese left unescaped; property order is declaration order, so output is stable.</item>
/// </list>
/// </summary>
public static class BulletinRenderer
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <param name="sizes">The full size of each list when the report's lists are excerpts; null when they are whole.</param>
    /// <param name="revision">The stored revision the report is (第n版); null for a report not stored.</param>
    public static string RenderMarkdown(WeeklyReviewReport report, string scopeUnitName, ReviewListSizes? sizes = null, int? revision = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        sizes ??= new ReviewListSizes(report.NewlyOverdue.Count, report.StillOverdue.Count, report.CompletedThisWeek.Count, report.DueNextWeek.Count);
        var t = report.Totals;
        var md = new StringBuilder();
        md.Append("# 关于").Append(report.Week.Year).Append("年第").Append(report.Week.Week).Append("周重点任务推进情况的通报\n\n");
        md.Append("统计范围：").Append(Escape(scopeUnitName)).Append("及所属单位　")
          .Append("统计周期：").Append(Period(report.WeekStart, report.WeekEnd)).Append("　")
          .Append("数据截至：").Append(AsOfText(report.AsOf, report.TimeZone));
        if (revision is { } number)
            md.Append("（第").Append(number).Append("版，").Append(IsFinal(report) ? "本周已结束，数据已冻结" : "本周进行中，数据随办理情况更新").Append('）');
        md.Append("\n\n");

        md.Append("## 一、总体情况\n\n");
        md.Append("本周共调度重点任务").Append(t.Assigned).Append("项，已完成（经核验）").Append(t.Completed)
          .Append("项，其中按时完成").Append(t.CompletedOnTime).Append("项、逾期完成").Append(t.CompletedLate)
          .Append("项；待核验").Append(t.AwaitingVerification).Append("项；应完成").Append(t.ShouldBeCompleted)
          .Append("项，按时完成率").Append(Rate(t.OnTimeRate)).Append("；未完成").Append(t.Open)
          .Append("项，其中逾期").Append(t.Overdue).Append("项（本周新增").Append(sizes.NewlyOverdue)
          .Append("项），逾期未作情况说明").Append(t.OverdueWithoutExplanation).Append("项；下周到期").Append(t.DueNextWeek).Append("项。");
        md.Append("亮红灯单位").Append(report.Units.Count(u => u.Light == Light.Red))
          .Append("个、亮黄灯单位").Append(report.Units.Count(u => u.Light == Light.Yellow))
          .Append("个、亮绿灯单位").Append(report.Units.Count(u => u.Light == Light.Green)).Append("个。");
        if (report.Change is { } change)
            md.Append("与上周相比，").Append(OverdueChange(change.OverdueDelta)).Append("，").Append(RateChange(change.OnTimeRateDelta)).Append('。');
        md.Append("\n\n");

        md.Append("## 二、各单位推进情况\n\n");
        md.Append("| 单位 | 交办 | 按时完成 | 逾期完成 | 待核验 | 未完成 | 下周到期 | 逾期 | 未说明逾期 | 应完成 | 按时完成率 | 亮灯 |\n");
        md.Append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |\n");
        foreach (var row in report.Units)
            TableRow(md, Escape(row.UnitName), row.Counts, LightLabel(row.Light));
        TableRow(md, "**合计**", t, "—");
        md.Append('\n').Append(CountingNote).Append("\n\n");

        md.Append("## 三、逾期未完成任务\n\n");
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
                .ToList();
            md.Append("### ").Append(Escape(row.UnitName)).Append("（逾期").Append(row.Counts.Overdue).Append("项）\n\n");
            var n = 0;
            foreach (var item in items)
            {
                md.Append(++n).Append(". ").Append(Escape(item.Title))
                  .Append("（责任人：").Append(Owner(item.OwnerName))
                  .Append("；完成时限：").Append(DateText(item.DueDate))
                  .Append("；逾期").Append(item.DaysOverdue).Append('天')
                  .Append("；").Append(item.HasExplanation ? "已报送情况说明" : "未作情况说明");
                if (newly.Contains(item.AssignmentId))
                    md.Append("；本周新增逾期");
                md.Append("）\n");
            }
            More(md, row.Counts.Overdue - items.Count);
            md.Append('\n');
        }
        if (unlisted.Count > 0)
            md.Append("另有").Append(unlisted.Count).Append("个单位共").Append(unlisted.Sum(r => r.Counts.Overdue))
              .Append("项逾期未完成任务，详见任务清单（CSV）。\n\n");
        if (sizes.NewlyOverdue + sizes.StillOverdue == 0)
            md.Append("本周无逾期未完成任务。\n\n");

        md.Append("## 四、需作出说明的单位\n\n");
        if (report.UnitsToExplain.Count == 0)
            md.Append("本周无逾期未完成且未作情况说明的单位。\n\n");
        else
        {
            md.Append("以下单位存在逾期未完成且未作情况说明的任务，请单位主要负责人于下次调度会上作出说明：\n\n");
            foreach (var unit in report.UnitsToExplain)
                md.Append("- ").Append(Escape(unit.UnitName)).Append("（逾期未说明").Append(unit.OverdueWithoutExplanation).Append("项）\n");
            md.Append('\n');
        }

        md.Append("## 五、本周完成任务\n\n");
        ItemList(md, report.CompletedThisWeek, sizes.CompletedThisWeek, "本周无完成任务。", item =>
            item.DaysOverdue == 0 ? "按时完成" : $"逾期{item.DaysOverdue}天完成");

        md.Append("## 六、下周到期任务\n\n");
        ItemList(md, report.DueNextWeek, sizes.DueNextWeek, "下周无到期任务。", item =>
            $"完成时限：{DateText(item.DueDate)}；当前进度{item.ProgressPercent}%");

        return md.ToString();
    }

    public static string RenderUnitsCsv(WeeklyReviewReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var csv = new StringBuilder();
        CsvLine(csv, "单位", "交办", "按时完成", "逾期完成", "待核验", "未完成", "下周到期", "逾期", "未说明逾期", "应完成", "按时完成率(%)", "亮灯");
        foreach (var row in report.Units)
            CsvCounts(csv, CsvText(row.UnitName), row.Counts, LightName(row.Light));
        CsvCounts(csv, "合计", report.Totals, "");
        return csv.ToString();
    }

    public static string RenderItemsCsv(WeeklyReviewReport report) => string.Concat(ItemsCsvLines(report));

    /// <summary>The CSV export as one document: <see cref="RenderUnitsCsv"/>, an empty line, <see cref="RenderItemsCsv"/>.</summary>
    public static string RenderCsv(WeeklyReviewReport report) => string.Concat(CsvParts(report));

    /// <summary>The pieces of <see cref="RenderCsv"/>, in order: for writing as they come.</summary>
    public static IEnumerable<string> CsvParts(WeeklyReviewReport report) =>
        ItemsCsvLines(report).Prepend("\r\n").Prepend(RenderUnitsCsv(report));

    /// <summary>The lines of <see cref="RenderItemsCsv"/>, header first, each with its CRLF.</summary>
    private static IEnumerable<string> ItemsCsvLines(WeeklyReviewReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var csv = new StringBuilder();
        string Line(params string[] fields)
        {
            csv.Clear();
            CsvLine(csv, fields);
            return csv.ToString();
        }
        yield return Line("类别", "单位", "任务", "责任人", "完成时限", "逾期天数", "进度(%)", "情况说明");
        foreach (var (kind, items, overdue) in new[]
                 {
                     ("本周新增逾期", report.NewlyOverdue, true),
                     ("持续逾期", report.StillOverdue, true),
                     ("本周完成", report.CompletedThisWeek, false),
                     ("下周到期", report.DueNextWeek, false),
                 })
        {
            foreach (var i in items)
                yield return Line(kind, CsvText(i.UnitName), CsvText(i.Title), CsvText(i.OwnerName),
                    i.DueDate?.ToString("yyyy-MM-dd", Invariant) ?? "",
                    i.DaysOverdue.ToString(Invariant), i.ProgressPercent.ToString(Invariant),
                    !overdue ? "" : i.HasExplanation ? "已说明" : "未说明");
        }
    }

    public static string RenderJson(WeeklyReviewReport report) => JsonSerializer.Serialize(report, Json);

    /// <summary><see cref="RenderJson"/>, written to <paramref name="utf8"/> as it is serialized.</summary>
    public static Task WriteJsonAsync(Stream utf8, WeeklyReviewReport report, CancellationToken ct) =>
        JsonSerializer.SerializeAsync(utf8, report, Json, ct);

    /// <summary>The same JSON without indentation, as a review is stored; <see cref="ReadJson"/> reads both.</summary>
    public static string RenderStoredJson(WeeklyReviewReport report) => JsonSerializer.Serialize(report, StoredJson);

    private static readonly JsonSerializerOptions StoredJson = new(Json) { WriteIndented = false };

    /// <summary>Reads back what <see cref="RenderJson"/> wrote (a stored review).</summary>
    public static WeeklyReviewReport ReadJson(string json) =>
        JsonSerializer.Deserialize<WeeklyReviewReport>(json, Json) ?? throw new InvalidDataException("empty review");

    /// <summary>The bulletin's period: 2026年11月16日—11月22日, or with both years when the week spans two.</summary>
    public static string Period(DateOnly start, DateOnly end) =>
        start.Year == end.Year
            ? $"{start.Year}年{start.Month}月{start.Day}日—{end.Month}月{end.Day}日"
            : $"{DateText(start)}—{DateText(end)}";

    public static string LightLabel(Light light) => light switch
    {
        Light.Red => "🔴 红灯",
        Light.Yellow => "🟡 黄灯",
        _ => "🟢 绿灯",
    };

    public static string LightName(Light light) => light switch
    {
        Light.Red => "红灯",
        Light.Yellow => "黄灯",
        _ => "绿灯",
    };

    /// <summary>An owner nobody named shows as "未明确", not as an empty field.</summary>
    private static string Owner(string ownerName) => string.IsNullOrWhiteSpace(ownerName) ? "未明确" : Escape(ownerName);

    /// <summary>Escapes Markdown punctuation (including the table's '|') and folds line breaks into spaces.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return "";
        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\\' or '|' or '*' or '_' or '`' or '[' or ']' or '<' or '>' or '#':
                    sb.Append('\\').Append(c);
                    break;
                case '\r':
                    break;
                case '\n':
                    sb.Append(' ');
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>One CSV field: quoted when it holds a comma, a quote or a line break; quotes doubled.</summary>
    public static string CsvField(string? value)
    {
        value ??= "";
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }

    private static string CsvText(string? text) =>
        text is { Length: > 0 } && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text ?? "";

    private static void CsvLine(StringBuilder csv, params string[] fields)
    {
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
                csv.Append(',');
            csv.Append(CsvField(fields[i]));
        }
        csv.Append("\r\n");
    }

    private static void CsvCounts(StringBuilder csv, string name, ReviewCounts c, string light) =>
        CsvLine(csv, name, N(c.Assigned), N(c.CompletedOnTime), N(c.CompletedLate), N(c.AwaitingVerification), N(c.Open), N(c.DueNextWeek),
            N(c.Overdue), N(c.OverdueWithoutExplanation), N(c.ShouldBeCompleted), c.OnTimeRate?.ToString("0.0", Invariant) ?? "—", light);

    private static string N(int value) => value.ToString(Invariant);

    private static void TableRow(StringBuilder md, string name, ReviewCounts c, string light) =>
        md.Append("| ").Append(name)
          .Append(" | ").Append(c.Assigned)
          .Append(" | ").Append(c.CompletedOnTime)
          .Append(" | ").Append(c.CompletedLate)
          .Append(" | ").Append(c.AwaitingVerification)
          .Append(" | ").Append(c.Open)
          .Append(" | ").Append(c.DueNextWeek)
          .Append(" | ").Append(c.Overdue)
          .Append(" | ").Append(c.OverdueWithoutExplanation)
          .Append(" | ").Append(c.ShouldBeCompleted)
          .Append(" | ").Append(Rate(c.OnTimeRate))
          .Append(" | ").Append(light)
          .Append(" |\n");

    private static void ItemList(StringBuilder md, IReadOnlyList<ReviewItem> items, int size, string none, Func<ReviewItem, string> detail)
    {
        if (size == 0)
        {
            md.Append(none).Append("\n\n");
            return;
        }
        var n = 0;
        foreach (var item in items)
            md.Append(++n).Append(". 【").Append(Escape(item.UnitName)).Append("】").Append(Escape(item.Title))
              .Append("（责任人：").Append(Owner(item.OwnerName)).Append("；").Append(detail(item)).Append("）\n");
        More(md, size - items.Count);
        md.Append('\n');
    }

    /// <summary>The line that says how many items of a list the bulletin does not name.</summary>
    private static void More(StringBuilder md, int notListed)
    {
        if (notListed > 0)
            md.Append("……另有").Append(notListed).Append("项，详见任务清单（CSV）。\n");
    }

    /// <summary>"—" when nothing should be completed yet: no rate rather than an invented 100%.</summary>
    private static string Rate(decimal? rate) => rate is { } r ? r.ToString("0.#", Invariant) + "%" : "—";

    /// <summary>What the table's columns count, printed under it so every reader applies the same definitions.</summary>
    public const string CountingNote =
        "注：已完成指经督查室核验办结的任务，待核验指牵头单位已确认完成、尚待核验的任务，不计入已完成，也不计入逾期；" +
        "逾期指未完成且已过现行完成时限的任务；应完成指已完成或已过完成时限（按原定时间考核）的任务；" +
        "按时完成率＝按时完成÷应完成，无应完成任务时记“—”；合计行按各单位之和同样计算。";

    /// <summary>A report as of its week's end (Sunday 24:00) is the week's final, frozen one.</summary>
    public static bool IsFinal(WeeklyReviewReport report) => report.AsOf >= report.Week.End(report.TimeZone);

    /// <summary>
    /// SHA-256 (lower-case hex) of the report's stored JSON with its as-of instant left out: two reports with the same
    /// hash render the same bulletin, every number and every listed item, whenever they were taken. Streamed into the
    /// hash, so a large report is never held as one string.
    /// </summary>
    public static string ContentHash(WeeklyReviewReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var sha = System.Security.Cryptography.SHA256.Create();
        using (var hashing = new System.Security.Cryptography.CryptoStream(Stream.Null, sha, System.Security.Cryptography.CryptoStreamMode.Write))
            JsonSerializer.Serialize(hashing, report with { AsOf = default }, StoredJson);
        return Convert.ToHexStringLower(sha.Hash!);
    }

    private static string DateText(DateOnly? date) => date is { } d ? $"{d.Year}年{d.Month}月{d.Day}日" : "长期";

    /// <summary>The as-of instant in local time; local midnight reads as 24时 of the day before, as bulletins write it.</summary>
    private static string AsOfText(DateTimeOffset asOf, string timeZone)
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
