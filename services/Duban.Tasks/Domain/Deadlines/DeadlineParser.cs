using System.Text;
using System.Text.RegularExpressions;

namespace Duban.Tasks.Domain.Deadlines;

/// <summary>
/// Reads a 完成时限 cell the way offices write it. A cell is split into parts at ，,；;、。 and line breaks;
/// each part is a time, optionally followed by what is due then ("6月底前完成方案"). Whatever is not fully
/// understood comes back as a problem naming the words in question, never as a guess.
/// </summary>
public static partial class DeadlineParser
{
    private const string Year = @"(?:(?<year>\d{4})年度?|(?<relyear>今年|本年度|本年|当年|明年|次年))";
    private const string Number = @"(?:\d{1,2}|[一二三四五六七八九十]{1,3})";
    private const string Weekday = "[一二三四五六日天1-7]";

    private static readonly char[] PartSeparators = [',', ';', '、', '。', '\n', '\r'];

    public static DeadlineParseResult Parse(string? text, DeadlineContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var original = text ?? "";
        var parts = SplitIntoParts(original);
        if (parts.Count == 0)
            return DeadlineParseResult.Failed("完成时限为空。");

        // Wording that sounds like a time but names none is refused as such, not read as ongoing work or a guess.
        if (VagueWords().Match(parts[0]) is { Success: true } vague)
            return DeadlineParseResult.Failed(
                $"“{vague.Value}”不是确定的完成时限，请写明日期或期限（如“2026年6月底前”“会后7日内”“长期坚持，每季度末报送进展”）。");

        var ongoing = OngoingWords().Match(parts[0]);
        if (ongoing.Success)
            return ParseOngoing(original, parts[0][ongoing.Length..], parts.Skip(1), context);

        var steps = new List<Step>();
        foreach (var part in parts)
        {
            var step = ParsePart(part, context);
            if (step.Problem is null)
                steps.Add(step);
            else if (steps.Count > 0 && !TimeWording().IsMatch(part))
                // "12月底前，全面完成": words without any time belong to the step before them.
                steps[^1] = steps[^1] with { Label = $"{steps[^1].Label}，{part}".TrimStart('，') };
            else
                return DeadlineParseResult.Failed(step.Problem);
        }

        return steps.Count == 1
            ? DeadlineParseResult.Parsed(steps[0].Deadline! with { OriginalText = original })
            : ParseMilestones(original, steps);
    }

    private static DeadlineParseResult ParseOngoing(string original, string restOfFirstPart, IEnumerable<string> otherParts, DeadlineContext context)
    {
        var cadenceParts = new List<string>();
        if (restOfFirstPart.StartsWith('每'))
            cadenceParts.Add(restOfFirstPart);
        else if (LabelProblem(restOfFirstPart, original) is { } problem)
            return DeadlineParseResult.Failed(problem);

        foreach (var part in otherParts)
        {
            if (TimeWording().IsMatch(part) || part.StartsWith('每'))
                cadenceParts.Add(part);
        }

        Recurrence? cadence = null;
        foreach (var part in cadenceParts)
        {
            var step = ParsePart(part, context);
            if (step.Deadline is not RecurringDeadline recurring)
                return DeadlineParseResult.Failed(
                    $"长期任务“{original}”中只能再写报送频次（如“每季度末报送进展”），无法识别“{part}”。");
            if (cadence is not null)
                return DeadlineParseResult.Failed($"长期任务“{original}”写了不止一个报送频次。");
            cadence = recurring.Recurrence;
        }
        return DeadlineParseResult.Parsed(new OngoingDeadline(original, cadence));
    }

    private static DeadlineParseResult ParseMilestones(string original, List<Step> steps)
    {
        var milestones = new List<Milestone>(steps.Count);
        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i].Deadline is not FixedDeadline fixedDate)
                return DeadlineParseResult.Failed(
                    $"一个完成时限里有多个时间时，每个都须是具体日期；“{steps[i].Part}”不是。");
            if (i > 0 && fixedDate.Date < milestones[^1].Date)
                return DeadlineParseResult.Failed(
                    $"分阶段时限须按先后顺序书写：“{steps[i].Part}”早于前面的“{steps[i - 1].Part}”。");
            milestones.Add(new Milestone(fixedDate.Date, fixedDate.Precision, steps[i].Label));
        }
        return DeadlineParseResult.Parsed(new MilestoneDeadline(original, milestones));
    }

    /// <summary>One part of a cell: the time it names (with the part as its text) and what is due then.</summary>
    private sealed record Step(string Part, Deadline? Deadline, string Label, string? Problem);

    private static Step ParsePart(string part, DeadlineContext context)
    {
        var text = LeadingWords().Replace(part, "", 1);
        if (text.StartsWith('每'))
            return ParseRecurring(part, text, context);
        var relative = RelativePeriod().Match(text);
        if (relative.Success)
            return ParseRelative(part, relative, text);
        return ParseFixed(part, text, context);
    }

    private static Step ParseFixed(string part, string text, DeadlineContext context)
    {
        Match m;
        if ((m = YearRange().Match(text)).Success)
        {
            int from = int.Parse(m.Groups["from"].Value), to = int.Parse(m.Groups["to"].Value);
            if ((YearProblem(part, from) ?? YearProblem(part, to)) is { } problem)
                return problem;
            return to < from
                ? Problem($"“{part}”的起止年份颠倒。")
                : Dated(part, text, m, new DateOnly(to, 12, 31), DatePrecision.YearEnd);
        }
        if ((m = NumericDate().Match(text)).Success)
            return DayOfMonth(part, text, m, int.Parse(m.Groups["year"].Value), m.Groups["month"].Value, m.Groups["day"].Value);

        int year;
        if ((m = MonthDate().Match(text)).Success)
        {
            year = YearOf(m, context);
            if (m.Groups["day"].Success)
                return DayOfMonth(part, text, m, year, m.Groups["month"].Value, m.Groups["day"].Value);
            if (YearProblem(part, year) is { } problem)
                return problem;
            if (ReadMonth(m.Groups["month"].Value) is not { } month)
                return Problem($"“{part}”中没有{m.Groups["month"].Value}月。");
            return m.Groups["dekad"].Value switch
            {
                "上旬" => Dated(part, text, m, new DateOnly(year, month, 10), DatePrecision.Day),
                "中旬" => Dated(part, text, m, new DateOnly(year, month, 20), DatePrecision.Day),
                _ => Dated(part, text, m, MonthEnd(year, month), DatePrecision.MonthEnd),
            };
        }
        if ((m = HalfYear().Match(text)).Success)
        {
            year = YearOf(m, context);
            var end = m.Groups["half"].Value == "上" ? (Month: 6, Day: 30) : (Month: 12, Day: 31);
            return YearProblem(part, year) ?? Dated(part, text, m, new DateOnly(year, end.Month, end.Day), DatePrecision.HalfYearEnd);
        }
        if ((m = Quarter().Match(text)).Success)
        {
            year = YearOf(m, context);
            ChineseNumber.TryParse(m.Groups["quarter"].Value, out var quarter);
            return YearProblem(part, year) ?? Dated(part, text, m, MonthEnd(year, quarter * 3), DatePrecision.QuarterEnd);
        }
        if ((m = YearEdge().Match(text)).Success || (m = BareYear().Match(text)).Success)
        {
            year = YearOf(m, context);
            return YearProblem(part, year) ?? Dated(part, text, m, new DateOnly(year, 12, 31), DatePrecision.YearEnd);
        }

        return Problem($"无法识别完成时限“{part}”：不是可识别的日期、期限、报送周期或长期任务写法。");
    }

    private static Step DayOfMonth(string part, string text, Match m, int year, string monthText, string dayText)
    {
        if (YearProblem(part, year) is { } problem)
            return problem;
        if (ReadMonth(monthText) is not { } month)
            return Problem($"“{part}”中没有{monthText}月。");
        if (!ChineseNumber.TryParse(dayText, out var day) || day < 1 || day > DateTime.DaysInMonth(year, month))
            return Problem($"“{part}”中的日期不存在：{year}年{month}月没有{dayText}日。");
        return Dated(part, text, m, new DateOnly(year, month, day), DatePrecision.Day);
    }

    private static Step Dated(string part, string text, Match m, DateOnly date, DatePrecision precision) =>
        Finish(part, new FixedDeadline(part, date, precision), text[m.Length..]);

    private static Step ParseRelative(string part, Match m, string text)
    {
        var anchorText = m.Groups["anchor"].Value;
        if (AnchorOf(anchorText) is not { } anchor)
            return Problem($"“{part}”中的起算点“{anchorText}”无法识别（可写会后、收到交办事项之日起、印发之日起）。");
        if (!ChineseNumber.TryParse(m.Groups["count"].Value, out var count) || count < 1)
            return Problem($"“{part}”中的期限“{m.Groups["count"].Value}”须是正整数。");
        var unit = m.Groups["unit"].Value switch
        {
            "个工作日" or "工作日" => DurationUnit.WorkingDays,
            "个星期" or "星期" or "周" => DurationUnit.Weeks,
            "个月" => DurationUnit.Months,
            _ => DurationUnit.CalendarDays,
        };
        return Finish(part, new RelativeDeadline(part, anchor, count, unit), text[m.Length..]);
    }

    private static RelativeAnchor? AnchorOf(string anchorText)
    {
        var anchor = AnchorEnding().Replace(anchorText, "");
        if (anchor.Length == 0)
            return RelativeAnchor.Unspecified;
        // Receipt first: "收到会议纪要之日起" counts from receipt, not from the meeting.
        if (anchor.Contains("收到") || anchor.Contains("接到") || anchor.Contains("交办"))
            return RelativeAnchor.AssignmentReceipt;
        if (anchor.Contains("印发") || anchor.Contains("发文") || anchor.Contains("下发"))
            return RelativeAnchor.DocumentIssue;
        if (anchor == "会" || anchor.Contains("会议"))
            return RelativeAnchor.Meeting;
        return null;
    }

    private static Step ParseRecurring(string part, string text, DeadlineContext context)
    {
        Match m;
        if ((m = EveryOtherWeek().Match(text)).Success)
        {
            // The fortnight's rhythm starts at the first such weekday after the plan is issued.
            var firstDue = Recurrence.Weekly(WeekdayOf(m)).NextDueDates(context.PlanIssuedOn, 1)[0];
            return Finish(part, new RecurringDeadline(part, Recurrence.Biweekly(firstDue)), text[m.Length..]);
        }
        if ((m = EveryWeek().Match(text)).Success)
            return Finish(part, new RecurringDeadline(part, Recurrence.Weekly(WeekdayOf(m))), text[m.Length..]);
        if ((m = EveryMonth().Match(text)).Success)
            return Recurring(part, text, m, 31, day => Recurrence.Monthly(day));
        if ((m = EveryQuarter().Match(text)).Success)
        {
            int? monthOfQuarter = m.Groups["month"].Success && ChineseNumber.TryParse(m.Groups["month"].Value, out var n) ? n : null;
            return Recurring(part, text, m, 31, day => Recurrence.Quarterly(monthOfQuarter, day));
        }
        if ((m = EveryHalfYear().Match(text)).Success)
            return Recurring(part, text, m, 31, day => Recurrence.HalfYearly(null, day));
        if ((m = EveryYear().Match(text)).Success)
        {
            if (!m.Groups["month"].Success)
                return Recurring(part, text, m, 31, day => Recurrence.Yearly(null, day));
            if (ReadMonth(m.Groups["month"].Value) is not { } month)
                return Problem($"“{part}”中没有{m.Groups["month"].Value}月。");
            // 2024 is a leap year: 每年2月29日 is allowed and falls back to 28 February in other years.
            return Recurring(part, text, m, DateTime.DaysInMonth(2024, month), day => Recurrence.Yearly(month, day));
        }
        return Problem($"无法识别报送周期“{part}”（可写每周五、每两周、每月28日、每季度末、每半年、每年12月底等）。");
    }

    private static Step Recurring(string part, string text, Match m, int maxDay, Func<int?, Recurrence> recurrence)
    {
        int? day = null;
        if (m.Groups["day"].Success)
        {
            if (!ChineseNumber.TryParse(m.Groups["day"].Value, out var d) || d < 1 || d > maxDay)
                return Problem($"“{part}”中的日期不存在：没有{m.Groups["day"].Value}日。");
            day = d;
        }
        return Finish(part, new RecurringDeadline(part, recurrence(day)), text[m.Length..]);
    }

    private static DayOfWeek WeekdayOf(Match m) => m.Groups["weekday"].Value switch
    {
        "" => DayOfWeek.Friday, // 每周 alone: reports are due by the end of the working week.
        "一" or "1" => DayOfWeek.Monday,
        "二" or "2" => DayOfWeek.Tuesday,
        "三" or "3" => DayOfWeek.Wednesday,
        "四" or "4" => DayOfWeek.Thursday,
        "五" or "5" => DayOfWeek.Friday,
        "六" or "6" => DayOfWeek.Saturday,
        _ => DayOfWeek.Sunday,
    };

    /// <summary>Takes 前/以前/之前 off the rest of a part and checks that what remains is only a label.</summary>
    private static Step Finish(string part, Deadline deadline, string rest)
    {
        var label = DueWord().Replace(rest, "", 1);
        return LabelProblem(label, part) is { } problem
            ? Problem(problem)
            : new Step(part, deadline, label, null);
    }

    private static string? LabelProblem(string label, string part)
    {
        if (MeaningChangingStart().IsMatch(label))
            return $"“{part}”中的“{label}”改变了时间的含义，无法识别。";
        if (TimeWording().IsMatch(label))
            return $"“{part}”中的“{label}”含有无法识别的时间表述。";
        return null;
    }

    private static Step Problem(string problem) => new("", null, "", problem);

    // Plans are written for the coming years; a year far outside this window is a typo, not a deadline.
    private static Step? YearProblem(string part, int year) =>
        year is >= DeadlineContext.MinYear and <= DeadlineContext.MaxYear ? null : Problem($"“{part}”中的年份{year}不在可识别的范围内。");

    private static int YearOf(Match m, DeadlineContext context)
    {
        if (m.Groups["year"].Success)
            return int.Parse(m.Groups["year"].Value);
        return m.Groups["relyear"].Value is "明年" or "次年" ? context.PlanYear + 1 : context.PlanYear;
    }

    private static int? ReadMonth(string text) =>
        ChineseNumber.TryParse(text, out var month) && month is >= 1 and <= 12 ? month : null;

    private static DateOnly MonthEnd(int year, int month) => new(year, month, DateTime.DaysInMonth(year, month));

    private static List<string> SplitIntoParts(string text) =>
        ToHalfWidth(text)
            .Split(PartSeparators, StringSplitOptions.RemoveEmptyEntries)
            .Select(part => Whitespace().Replace(part, ""))
            .Where(part => part.Length > 0)
            .ToList();

    // Offices type full-width digits and punctuation (２０２３年６月３０日，…) as often as ASCII.
    private static string ToHalfWidth(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
                '\u3000' => ' ',
                _ => c,
            });
        }
        return builder.ToString();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex("^(?:尽快|尽早|抓紧|近期|适时|及时|择机|视情|按上级要求|按上级部署|按要求|另行通知|待定)")]
    private static partial Regex VagueWords();

    [GeneratedRegex("^(?:长期坚持|长期推进|长期开展|长期|持续推进|持续开展|持续|常态化推进|常态化开展|常态化)")]
    private static partial Regex OngoingWords();

    [GeneratedRegex("^(?:于|在|到|截至|截止到|截止)")]
    private static partial Regex LeadingWords();

    [GeneratedRegex("^(?:以前|之前|前|为止)")]
    private static partial Regex DueWord();

    [GeneratedRegex(@"^(?<from>\d{4})年?(?:至|到|-|—|–|~)(?<to>\d{4})年(?:年?[底末])?")]
    private static partial Regex YearRange();

    [GeneratedRegex(@"^(?<year>\d{4})(?<sep>[-./])(?<month>\d{1,2})\k<sep>(?<day>\d{1,2})(?:日|号)?")]
    private static partial Regex NumericDate();

    [GeneratedRegex($"^{Year}?(?<month>{Number})月份?(?:(?<day>{Number})[日号]|(?<dekad>上旬|中旬|下旬)|[底末])?")]
    private static partial Regex MonthDate();

    [GeneratedRegex($"^{Year}?(?<half>[上下])半年[底末]?")]
    private static partial Regex HalfYear();

    [GeneratedRegex($"^{Year}?第?(?<quarter>[1-4一二三四])季度?[底末]?")]
    private static partial Regex Quarter();

    [GeneratedRegex($"^(?:{Year}年?|年)[底末内]")]
    private static partial Regex YearEdge();

    [GeneratedRegex($"^{Year}")]
    private static partial Regex BareYear();

    [GeneratedRegex(@"^(?:自|从)?(?<anchor>[^\d一二三四五六七八九十两]*?)(?<count>\d{1,4}|[一二三四五六七八九十两百]{1,4})(?<unit>个工作日|工作日|个自然日|自然日|日|天|个星期|星期|周|个月)(?:以内|之内|内)")]
    private static partial Regex RelativePeriod();

    [GeneratedRegex("(?:之日起|之日后|之日|以后|之后|起|后)$")]
    private static partial Regex AnchorEnding();

    [GeneratedRegex($"^每(?:两|双|2|二)(?:周|个星期)(?:周|星期)?(?<weekday>{Weekday})?")]
    private static partial Regex EveryOtherWeek();

    [GeneratedRegex($"^每个?(?:周|星期)(?:周|星期)?(?<weekday>{Weekday})?")]
    private static partial Regex EveryWeek();

    [GeneratedRegex($"^每个?月(?:(?<day>{Number})[日号]|[底末])?")]
    private static partial Regex EveryMonth();

    [GeneratedRegex($"^每个?季度?(?:第(?<month>[1-3一二三])个?月(?:的?(?<day>{Number})[日号]|[底末])?|[底末])?")]
    private static partial Regex EveryQuarter();

    [GeneratedRegex("^每半年[底末]?")]
    private static partial Regex EveryHalfYear();

    [GeneratedRegex($"^每年(?:(?<month>{Number})月份?(?:(?<day>{Number})[日号]|[底末])?|[底末])?")]
    private static partial Regex EveryYear();

    /// <summary>Words right after a time that would change what it means (6月底后, 6月左右, 每周一次).</summary>
    [GeneratedRegex("^(?:后|以后|之后|起|开始|左右|前后|至|到|[-~—–]|内|以内|之内|初|上旬|中旬|下旬|次|[0-9])")]
    private static partial Regex MeaningChangingStart();

    /// <summary>Time wording that a label must not contain, or it was part of the time and was not understood.</summary>
    [GeneratedRegex(@"\d{1,2}[月日号]|\d+个?(?:工作日|自然日|天|周|星期|月)|\d{4}年(?!度)|[一二三四五六七八九十两]+个?(?:月|日|号|工作日|天|周|星期|季度)|[年月][底末内]|季度|半年|[上中下]旬|每(?:月|周|年|季|半年|星期)")]
    private static partial Regex TimeWording();
}
