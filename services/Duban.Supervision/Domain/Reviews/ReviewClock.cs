using System.Collections.Concurrent;

namespace Duban.Supervision.Domain.Reviews;

/// <summary>
/// Calendar dates against instants. A date is due at the end of that day in its time zone, i.e. at the next
/// local midnight: 2026-11-22 in Asia/Shanghai is due at 2026-11-22T16:00:00Z. Dates are never UTC midnights.
/// </summary>
public static class ReviewClock
{
    public const string DefaultTimeZone = "Asia/Shanghai";

    private static readonly ConcurrentDictionary<string, TimeZoneInfo> Zones = new(StringComparer.Ordinal);

    // Reviews over a million assignments ask for the same few thousand (date, zone) pairs again and again.
    private const int MaxCachedDueInstants = 100_000;
    private static readonly ConcurrentDictionary<(DateOnly Date, string Zone), DateTimeOffset> DueInstants = new();

    public static TimeZoneInfo Zone(string timeZone) =>
        Zones.GetOrAdd(string.IsNullOrWhiteSpace(timeZone) ? DefaultTimeZone : timeZone, TimeZoneInfo.FindSystemTimeZoneById);

    /// <summary>The instant <paramref name="date"/> ends in <paramref name="timeZone"/>.</summary>
    public static DateTimeOffset DueInstant(DateOnly date, string timeZone)
    {
        if (DueInstants.TryGetValue((date, timeZone), out var cached))
            return cached;
        var instant = StartOfDay(date.AddDays(1), timeZone);
        if (DueInstants.Count < MaxCachedDueInstants)
            DueInstants.TryAdd((date, timeZone), instant);
        return instant;
    }

    /// <summary>Local midnight at the start of <paramref name="date"/>, as a UTC instant.</summary>
    public static DateTimeOffset StartOfDay(DateOnly date, string timeZone)
    {
        var zone = Zone(timeZone);
        var midnight = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        TimeSpan offset;
        if (zone.IsInvalidTime(midnight))
            // Clocks jump forward at midnight: the day starts at the jump, still on the offset before it.
            offset = zone.GetUtcOffset(midnight.AddTicks(-1));
        else if (zone.IsAmbiguousTime(midnight))
            // Midnight happens twice: the day starts at the first one, which carries the larger offset.
            offset = zone.GetAmbiguousTimeOffsets(midnight).Max();
        else
            offset = zone.GetUtcOffset(midnight);
        return new DateTimeOffset(midnight - offset, TimeSpan.Zero);
    }

    /// <summary>The calendar date <paramref name="instant"/> falls on in <paramref name="timeZone"/>.</summary>
    public static DateOnly LocalDate(DateTimeOffset instant, string timeZone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone(timeZone)).DateTime);

    /// <summary>Whole local days from <paramref name="date"/> to the local date of <paramref name="instant"/>; never negative.</summary>
    public static int DaysPast(DateOnly date, DateTimeOffset instant, string timeZone) =>
        Math.Max(0, LocalDate(instant, timeZone).DayNumber - date.DayNumber);
}
