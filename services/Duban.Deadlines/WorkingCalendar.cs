using System.Text.Json;

namespace Duban.Deadlines;

/// <summary>
/// The China working calendar: weekends off, plus each year's public holidays (放假) and make-up working days
/// (调休上班) as the State Council General Office announces them. The data is configuration, one JSON file
/// per year (cn-2024.json …), so a new year's notice needs no release. A year without data falls back to
/// plain weekends; <see cref="HasDataFor"/> says so rather than pretending.
/// </summary>
public sealed class WorkingCalendar
{
    private const string FilePattern = "cn-*.json";
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private readonly HashSet<int> yearsWithData;
    private readonly HashSet<DateOnly> holidays;
    private readonly HashSet<DateOnly> makeUpWorkdays;

    private WorkingCalendar(HashSet<int> yearsWithData, HashSet<DateOnly> holidays, HashSet<DateOnly> makeUpWorkdays)
    {
        this.yearsWithData = yearsWithData;
        this.holidays = holidays;
        this.makeUpWorkdays = makeUpWorkdays;
    }

    /// <summary>Weekends only: for tests and for places without holiday data.</summary>
    public static WorkingCalendar WeekendsOnly { get; } = new([], [], []);

    public IReadOnlyCollection<int> YearsWithData => yearsWithData;

    /// <summary>Loads every cn-YYYY.json in <paramref name="folder"/>; bad data fails loudly, naming the file.</summary>
    public static WorkingCalendar LoadFolder(string folder)
    {
        var files = Directory.GetFiles(folder, FilePattern).Order(StringComparer.Ordinal);
        return FromYears(files.Select(file => ReadYear(File.ReadAllText(file), Path.GetFileName(file))));
    }

    /// <summary>Builds a calendar from the text of one or more year files.</summary>
    public static WorkingCalendar FromJson(IEnumerable<string> yearDocuments) =>
        FromYears(yearDocuments.Select((json, index) => ReadYear(json, $"calendar document {index + 1}")));

    public bool HasDataFor(int year) => yearsWithData.Contains(year);

    public bool IsWorkingDay(DateOnly date) =>
        makeUpWorkdays.Contains(date) || (!holidays.Contains(date) && !IsWeekend(date));

    /// <summary>
    /// The <paramref name="workingDays"/>-th working day after <paramref name="start"/>; the start day itself is
    /// never counted, whether or not it is a working day. Zero returns <paramref name="start"/>.
    /// </summary>
    public DateOnly AddWorkingDays(DateOnly start, int workingDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(workingDays);
        var day = start;
        for (var counted = 0; counted < workingDays;)
        {
            day = day.AddDays(1);
            if (IsWorkingDay(day))
                counted++;
        }
        return day;
    }

    /// <summary><paramref name="day"/> when it is a working day, else the first working day after it.</summary>
    public DateOnly SameOrNextWorkingDay(DateOnly day)
    {
        while (!IsWorkingDay(day))
            day = day.AddDays(1);
        return day;
    }

    /// <summary>
    /// Working days in (start, end]: the start excluded and the end included, so that
    /// <c>WorkingDaysBetween(s, AddWorkingDays(s, n)) == n</c>. Negative when <paramref name="end"/> is earlier.
    /// </summary>
    public int WorkingDaysBetween(DateOnly start, DateOnly end)
    {
        if (end < start)
            return -WorkingDaysBetween(end, start);
        var count = 0;
        for (var day = start.AddDays(1); day <= end; day = day.AddDays(1))
        {
            if (IsWorkingDay(day))
                count++;
        }
        return count;
    }

    private static bool IsWeekend(DateOnly date) => date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;

    private static WorkingCalendar FromYears(IEnumerable<(CalendarYear Year, string Source)> years)
    {
        var yearsWithData = new HashSet<int>();
        var holidays = new HashSet<DateOnly>();
        var makeUpWorkdays = new HashSet<DateOnly>();
        foreach (var (year, source) in years)
        {
            if (!yearsWithData.Add(year.Year))
                throw new InvalidDataException($"{source}: the year {year.Year} is given more than once.");
            foreach (var day in year.Holidays.SelectMany(h => h.Days))
            {
                CheckBelongsToYear(day, year.Year, source);
                holidays.Add(day);
            }
            foreach (var day in year.Workdays.SelectMany(w => w.Days))
            {
                CheckBelongsToYear(day, year.Year, source);
                if (!IsWeekend(day))
                    throw new InvalidDataException($"{source}: make-up working day {day:yyyy-MM-dd} is not a weekend day.");
                makeUpWorkdays.Add(day);
            }
        }
        var both = holidays.Intersect(makeUpWorkdays).Order().ToList();
        if (both.Count > 0)
            throw new InvalidDataException($"Days listed both as holiday and as working day: {string.Join(", ", both.Select(d => d.ToString("yyyy-MM-dd")))}.");
        return new WorkingCalendar(yearsWithData, holidays, makeUpWorkdays);
    }

    // A year's notice may start its 元旦 break in the previous December (2023: 2022-12-31 to 2023-01-02).
    private static void CheckBelongsToYear(DateOnly day, int year, string source)
    {
        if (day.Year != year && !(day.Year == year - 1 && day.Month == 12))
            throw new InvalidDataException($"{source}: {day:yyyy-MM-dd} does not belong to the year {year}.");
    }

    private static (CalendarYear, string) ReadYear(string json, string source)
    {
        CalendarYear? year;
        try
        {
            year = JsonSerializer.Deserialize<CalendarYear>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
        if (year is null || year.Year == 0)
            throw new InvalidDataException($"{source}: a calendar year needs a \"year\".");
        return (year, source);
    }

    // One cn-YYYY.json. The year's "source" (the notice) and each group's "name" (春节, 春节调休 …) are for readers.
    private sealed class CalendarYear
    {
        public int Year { get; init; }
        public IReadOnlyList<NamedDays> Holidays { get; init; } = [];
        public IReadOnlyList<NamedDays> Workdays { get; init; } = [];
    }

    private sealed class NamedDays
    {
        public IReadOnlyList<DateOnly> Days { get; init; } = [];
    }
}
