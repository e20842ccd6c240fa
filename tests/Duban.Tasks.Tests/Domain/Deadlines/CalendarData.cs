using Duban.Tasks.Domain.Deadlines;

namespace Duban.Tasks.Tests.Domain.Deadlines;

/// <summary>The calendar files shipped in services/Duban.Deadlines/Calendar, read from the repository itself.</summary>
internal static class CalendarData
{
    private static readonly Lazy<WorkingCalendar> China = new(() => WorkingCalendar.LoadFolder(Folder()));

    public static WorkingCalendar ChinaCalendar => China.Value;

    public static string Folder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Duban.sln")))
                return Path.Combine(dir.FullName, "services", "Duban.Deadlines", "Calendar");
        }
        // Built outside the repository: the project copies the calendar next to the tests.
        var copied = Path.Combine(AppContext.BaseDirectory, "Calendar");
        return Directory.Exists(copied)
            ? copied
            : throw new DirectoryNotFoundException($"No Duban.sln above {AppContext.BaseDirectory} and no Calendar folder beside it.");
    }
}
