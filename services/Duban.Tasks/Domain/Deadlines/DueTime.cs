namespace Duban.Tasks.Domain.Deadlines;

/// <summary>
/// A deadline date is due at the end of that day in the plan's time zone, i.e. at the next local midnight.
/// Dates are never stored as UTC midnight: 2023-06-30 in Asia/Shanghai is due at 2023-06-30T16:00:00Z.
/// </summary>
public static class DueTime
{
    public static DateTimeOffset EndOfDayUtc(DateOnly date, string timeZone) =>
        EndOfDayUtc(date, TimeZoneInfo.FindSystemTimeZoneById(timeZone));

    public static DateTimeOffset EndOfDayUtc(DateOnly date, TimeZoneInfo zone)
    {
        var nextMidnight = date.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        TimeSpan offset;
        if (zone.IsInvalidTime(nextMidnight))
            // Clocks jump forward at midnight: the day ends at the jump, still on the offset before it.
            offset = zone.GetUtcOffset(nextMidnight.AddTicks(-1));
        else if (zone.IsAmbiguousTime(nextMidnight))
            // Midnight happens twice: the day ends at the first one, which carries the larger offset.
            offset = zone.GetAmbiguousTimeOffsets(nextMidnight).Max();
        else
            offset = zone.GetUtcOffset(nextMidnight);
        return new DateTimeOffset(nextMidnight - offset, TimeSpan.Zero);
    }

    /// <summary>The calendar date <paramref name="now"/> falls on in the plan's zone: the "today" its deadlines are read against.</summary>
    public static DateOnly LocalDate(DateTimeOffset now, string timeZone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById(timeZone)).DateTime);

    public static bool IsOverdue(DateOnly dueDate, DateTimeOffset now, string timeZone) =>
        now >= EndOfDayUtc(dueDate, timeZone);
}
