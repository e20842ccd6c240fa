namespace Duban.Deadlines;

public enum RecurrenceFrequency
{
    Weekly,
    Biweekly,
    Monthly,
    Quarterly,
    HalfYearly,
    Yearly,
}

/// <summary>
/// When a standing report is due: 每周五, 每两周, 每月28日, 每季度第1个月的20日, 每季度末, 每半年, 每年12月底.
/// Weekly duties name a weekday; fortnightly ones fix their rhythm by one due date; the others name a month
/// within each period and a day within that month.
/// </summary>
public sealed record Recurrence
{
    private Recurrence(RecurrenceFrequency frequency, DayOfWeek? weekday, DateOnly? firstDue, int? monthOfPeriod, int? dayOfMonth)
    {
        Frequency = frequency;
        Weekday = weekday;
        FirstDue = firstDue;
        MonthOfPeriod = monthOfPeriod;
        DayOfMonth = dayOfMonth;
    }

    public RecurrenceFrequency Frequency { get; }

    /// <summary>Weekly and fortnightly duties only.</summary>
    public DayOfWeek? Weekday { get; }

    /// <summary>Fortnightly duties only: one due date; the others lie whole fortnights before or after it.</summary>
    public DateOnly? FirstDue { get; }

    /// <summary>The 1-based month within the quarter, half-year or year; null means the period's last month.</summary>
    public int? MonthOfPeriod { get; }

    /// <summary>The day of that month; null means its last day. A day the month lacks (31 in April) becomes its last day.</summary>
    public int? DayOfMonth { get; }

    public static Recurrence Weekly(DayOfWeek weekday) => new(RecurrenceFrequency.Weekly, weekday, null, null, null);

    public static Recurrence Biweekly(DateOnly firstDue) =>
        new(RecurrenceFrequency.Biweekly, firstDue.DayOfWeek, firstDue, null, null);

    public static Recurrence Monthly(int? dayOfMonth) => new(RecurrenceFrequency.Monthly, null, null, null, CheckDay(dayOfMonth));

    public static Recurrence Quarterly(int? monthOfQuarter, int? dayOfMonth) =>
        new(RecurrenceFrequency.Quarterly, null, null, CheckMonth(monthOfQuarter, 3), CheckDay(dayOfMonth));

    public static Recurrence HalfYearly(int? monthOfHalf, int? dayOfMonth) =>
        new(RecurrenceFrequency.HalfYearly, null, null, CheckMonth(monthOfHalf, 6), CheckDay(dayOfMonth));

    public static Recurrence Yearly(int? month, int? dayOfMonth) =>
        new(RecurrenceFrequency.Yearly, null, null, CheckMonth(month, 12), CheckDay(dayOfMonth));

    /// <summary>The next <paramref name="count"/> due dates strictly after <paramref name="after"/>, in order.</summary>
    public IReadOnlyList<DateOnly> NextDueDates(DateOnly after, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return Frequency switch
        {
            RecurrenceFrequency.Weekly => EveryFewDays(FirstWeeklyAfter(after), 7, count),
            RecurrenceFrequency.Biweekly => EveryFewDays(FirstBiweeklyAfter(after), 14, count),
            _ => MonthlyBased(after, count),
        };
    }

    private static List<DateOnly> EveryFewDays(DateOnly first, int days, int count) =>
        Enumerable.Range(0, count).Select(i => first.AddDays(i * days)).ToList();

    private List<DateOnly> MonthlyBased(DateOnly after, int count)
    {
        var monthsPerPeriod = MonthsPerPeriod(Frequency);
        var periodStart = new DateOnly(after.Year, (after.Month - 1) / monthsPerPeriod * monthsPerPeriod + 1, 1);
        var dates = new List<DateOnly>(count);
        while (dates.Count < count)
        {
            var month = periodStart.AddMonths((MonthOfPeriod ?? monthsPerPeriod) - 1);
            var daysInMonth = DateTime.DaysInMonth(month.Year, month.Month);
            var due = new DateOnly(month.Year, month.Month, Math.Min(DayOfMonth ?? daysInMonth, daysInMonth));
            if (due > after)
                dates.Add(due);
            periodStart = periodStart.AddMonths(monthsPerPeriod);
        }
        return dates;
    }

    private DateOnly FirstWeeklyAfter(DateOnly after)
    {
        var daysAhead = ((int)Weekday!.Value - (int)after.DayOfWeek + 7) % 7;
        return after.AddDays(daysAhead == 0 ? 7 : daysAhead);
    }

    private DateOnly FirstBiweeklyAfter(DateOnly after)
    {
        var first = FirstDue!.Value;
        var fortnightsPassed = Math.Floor((after.DayNumber - first.DayNumber) / 14.0);
        return first.AddDays(14 * ((int)fortnightsPassed + 1));
    }

    private static int MonthsPerPeriod(RecurrenceFrequency frequency) => frequency switch
    {
        RecurrenceFrequency.Monthly => 1,
        RecurrenceFrequency.Quarterly => 3,
        RecurrenceFrequency.HalfYearly => 6,
        RecurrenceFrequency.Yearly => 12,
        _ => throw new ArgumentOutOfRangeException(nameof(frequency), frequency, null),
    };

    private static int? CheckMonth(int? month, int monthsPerPeriod)
    {
        if (month is < 1 || month > monthsPerPeriod)
            throw new ArgumentOutOfRangeException(nameof(month), month, $"A period of {monthsPerPeriod} months has no month {month}.");
        return month;
    }

    private static int? CheckDay(int? day)
    {
        if (day is < 1 or > 31)
            throw new ArgumentOutOfRangeException(nameof(day), day, "A day of the month lies between 1 and 31.");
        return day;
    }
}
