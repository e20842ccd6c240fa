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
/// apostrophe, so a spreadsheet never runs a title as a formula. The export (<see cref="CsvParts"/>) is one of them,
/// after a UTF-8 byte order mark (<see cref="Bom"/>): without it Chinese Excel reads UTF-8 as GBK and shows mojibake.</item>
/// <item><b>JSON</b> (<see cref="RenderJson"/>): the report itself, camelCase, enums as camelCase strings, ISO dates,
/// weeks as "2026-W47", Chinese left unescaped; property order is declaration order, so output is stable.</item>
/// </list>
/// </summary>
/// <summary>The tables of the CSV export, one per file.</summary>
public enum BulletinCsvTable
{
    /// <summary>One row per unit, then the 合计 row.</summary>
    Units,
    /// <summary>Every item of the lists, its list in a 类别 column.</summary>
    Items,
}

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
    public static string RenderMarkdown(WeeklyReviewReport report, string scopeUnitName, ReviewListSizes? sizes = null, int? revision = null) =>
        RenderMarkdown(BulletinOutline.Of(report, scopeUnitName, sizes, revision));

    /// <summary>The outline as Markdown: every text escaped, so a '|' in a title cannot break the table.</summary>
    public static string RenderMarkdown(BulletinOutline outline)
    {
        var md = new StringBuilder();
        md.Append("# ").Append(Escape(outline.Title)).Append("\n\n");
        md.Append(Escape(outline.Header)).Append("\n\n");
        foreach (var block in outline.Body)
        {
            switch (block)
            {
                case BulletinHeading heading:
                    md.Append(heading.Level == 1 ? "## " : "### ").Append(Escape(heading.Text)).Append("\n\n");
                    break;
                case BulletinParagraph paragraph:
                    md.Append(Escape(paragraph.Text)).Append("\n\n");
                    break;
                case BulletinNumberedList list:
                    for (var i = 0; i < list.Items.Count; i++)
                        md.Append(i + 1).Append(". ").Append(Escape(list.Items[i])).Append('\n');
                    if (list.More is { } more)
                        md.Append(Escape(more)).Append('\n');
                    md.Append('\n');
                    break;
                case BulletinBulletList list:
                    foreach (var item in list.Items)
                        md.Append("- ").Append(Escape(item)).Append('\n');
                    md.Append('\n');
                    break;
                case BulletinUnitsTable table:
                    md.Append("| 单位 | 交办 | 按时完成 | 逾期完成 | 待核验 | 未完成 | 下周到期 | 逾期 | 未说明逾期 | 应完成 | 按时完成率 | 亮灯 |\n");
                    md.Append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |\n");
                    foreach (var row in table.Rows)
                        TableRow(md, Escape(row.UnitName), row.Counts, LightLabel(row.Light));
                    TableRow(md, "**合计**", table.Totals, "—");
                    md.Append('\n');
                    break;
            }
        }
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

    /// <summary>The byte order mark a CSV export begins with, so that Excel reads it as UTF-8.</summary>
    public const string Bom = "\uFEFF";

    /// <summary>One table of the CSV export as one document, after the byte order mark.</summary>
    public static string RenderCsv(WeeklyReviewReport report, BulletinCsvTable table) => string.Concat(CsvParts(report, table));

    /// <summary>The pieces of <see cref="RenderCsv"/>, in order: for writing as they come.</summary>
    public static IEnumerable<string> CsvParts(WeeklyReviewReport report, BulletinCsvTable table) =>
        (table == BulletinCsvTable.Items ? ItemsCsvLines(report) : [RenderUnitsCsv(report)]).Prepend(Bom);

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
            : $"{BulletinOutline.DateText(start)}—{BulletinOutline.DateText(end)}";

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
          .Append(" | ").Append(BulletinOutline.Rate(c.OnTimeRate))
          .Append(" | ").Append(light)
          .Append(" |\n");

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
}
