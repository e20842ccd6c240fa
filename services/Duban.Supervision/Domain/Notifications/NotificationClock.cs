using Duban.Deadlines;

namespace Duban.Supervision.Domain.Notifications;

/// <summary>
/// When a new notice goes out to a person. Most wait for the day's digest: the first digest time (in the office's time
/// zone) that falls on a working day and is not already past. Escalations and 催办 go at once, except in quiet hours,
/// when they wait for the quiet hours to end; they do not wait out days off (an escalation matters on a Sunday too).
/// </summary>
public sealed record NotificationClock(TimeZoneInfo Zone, TimeOnly DigestTime, TimeOnly QuietStart, TimeOnly QuietEnd, WorkingCalendar Calendar)
{
    /// <summary>The instant, in UTC (as the database stores it).</summary>
    public DateTimeOffset DueAt(bool immediate, DateTimeOffset now) => LocalDueAt(immediate, now).ToUniversalTime();

    private DateTimeOffset LocalDueAt(bool immediate, DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, Zone);
        if (immediate)
            return InQuietHours(TimeOnly.FromDateTime(local.DateTime)) ? NextLocal(local, QuietEnd) : now;
        var day = DateOnly.FromDateTime(local.DateTime);
        if (TimeOnly.FromDateTime(local.DateTime) > DigestTime)
            day = day.AddDays(1);
        day = Calendar.SameOrNextWorkingDay(day);
        return At(day, DigestTime);
    }

    public bool InQuietHours(TimeOnly time) =>
        QuietStart == QuietEnd ? false
        : QuietStart < QuietEnd ? time >= QuietStart && time < QuietEnd
        : time >= QuietStart || time < QuietEnd;

    private DateTimeOffset NextLocal(DateTimeOffset local, TimeOnly time)
    {
        var day = DateOnly.FromDateTime(local.DateTime);
        var candidate = At(day, time);
        return candidate > local ? candidate : At(day.AddDays(1), time);
    }

    private DateTimeOffset At(DateOnly day, TimeOnly time)
    {
        var wall = day.ToDateTime(time);
        return new DateTimeOffset(wall, Zone.GetUtcOffset(wall));
    }
}
