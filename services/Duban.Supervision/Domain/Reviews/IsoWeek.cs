using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Duban.Supervision.Domain.Reviews;

/// <summary>
/// An ISO 8601 week ("2026-W47"): Monday to Sunday, week 1 holding the year's first Thursday.
/// A weekly review (周调度) is keyed by (scope unit, ISO week). Serialises to JSON as its text form.
/// </summary>
[JsonConverter(typeof(IsoWeekJsonConverter))]
public readonly record struct IsoWeek : IComparable<IsoWeek>
{
    public IsoWeek(int year, int week)
    {
        if (year is < 1 or > 9998)
            throw new ArgumentOutOfRangeException(nameof(year), year, "The ISO year must lie between 1 and 9998.");
        var weeks = ISOWeek.GetWeeksInYear(year);
        if (week < 1 || week > weeks)
            throw new ArgumentOutOfRangeException(nameof(week), week, $"ISO year {year} has weeks 1 to {weeks}.");
        Year = year;
        Week = week;
    }

    public int Year { get; }
    public int Week { get; }

    public DateOnly Monday => DateOnly.FromDateTime(ISOWeek.ToDateTime(Year, Week, DayOfWeek.Monday));
    public DateOnly Sunday => Monday.AddDays(6);

    /// <summary>The week's last instant in <paramref name="timeZone"/>: Sunday 24:00, the next Monday's local midnight.</summary>
    public DateTimeOffset End(string timeZone) => ReviewClock.StartOfDay(Sunday.AddDays(1), timeZone);

    public IsoWeek Previous() => Containing(Monday.AddDays(-7));
    public IsoWeek Next() => Containing(Monday.AddDays(7));

    public static IsoWeek Containing(DateOnly date)
    {
        var dateTime = date.ToDateTime(TimeOnly.MinValue);
        return new IsoWeek(ISOWeek.GetYear(dateTime), ISOWeek.GetWeekOfYear(dateTime));
    }

    /// <summary>
    /// The years a week may be asked for. Reviews reach a week back and a day forward, and the ends of the calendar
    /// (0001-W01, 9998-W52) have no neighbours; no review ever concerns weeks that far away.
    /// </summary>
    public const int MinParsedYear = 1900;
    public const int MaxParsedYear = 2999;

    /// <summary>Parses "2026-W47" (also "2026-W7" and lower-case "w") in the years 1900–2999. Throws <see cref="FormatException"/> otherwise.</summary>
    public static IsoWeek Parse(string text) =>
        TryParse(text, out var week) ? week : throw new FormatException($"'{text}' is not an ISO week such as 2026-W47.");

    public static bool TryParse([NotNullWhen(true)] string? text, out IsoWeek week)
    {
        week = default;
        if (text is null)
            return false;
        var parts = text.Trim().Split('-');
        if (parts.Length != 2 || parts[0].Length != 4 || parts[1].Length is < 2 or > 3 || parts[1][0] is not ('W' or 'w'))
            return false;
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(parts[1].AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            return false;
        if (year < MinParsedYear || year > MaxParsedYear || number < 1 || number > ISOWeek.GetWeeksInYear(year))
            return false;
        week = new IsoWeek(year, number);
        return true;
    }

    public int CompareTo(IsoWeek other) => Year != other.Year ? Year.CompareTo(other.Year) : Week.CompareTo(other.Week);

    public override string ToString() => $"{Year:D4}-W{Week:D2}";
}

public sealed class IsoWeekJsonConverter : JsonConverter<IsoWeek>
{
    public override IsoWeek Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        IsoWeek.TryParse(reader.GetString(), out var week) ? week : throw new JsonException("Expected an ISO week such as 2026-W47.");

    public override void Write(Utf8JsonWriter writer, IsoWeek value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
