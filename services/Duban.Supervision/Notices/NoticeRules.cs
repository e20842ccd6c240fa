namespace Duban.Supervision.Notices;

/// <summary>When notices are raised. Defaults apply to every plan; a plan may override them (Scan:Plans:{planId}).</summary>
public sealed class NoticeRules
{
    /// <summary>DUE_SOON this many days before the deadline (a yellow light).</summary>
    public int DueSoonDays { get; set; } = 3;
    /// <summary>ESCALATED at these many days overdue: level 1 to the assigning (parent) unit, level 2 to the office's bulletin list.</summary>
    public int[] EscalationDays { get; set; } = [3, 7];
    /// <summary>BEHIND_SCHEDULE when progress lags the time elapsed (序时进度) by more than these points: level 0 yellow, level 1 red.</summary>
    public int BehindScheduleYellowPoints { get; set; } = 10;
    public int BehindScheduleRedPoints { get; set; } = 30;
}

public sealed class ScanOptions
{
    public const string Section = "Scan";

    /// <summary>How often the service scans by itself; 0 turns the timer off (ScanNow still works).</summary>
    public double IntervalSeconds { get; set; } = 300;
    /// <summary>How often new notices get their recipients named (from the units service).</summary>
    public int RecipientPollMilliseconds { get; set; } = 1000;
    public NoticeRules Default { get; set; } = new();
    /// <summary>Rules of particular plans, by plan id.</summary>
    public Dictionary<string, NoticeRules> Plans { get; set; } = [];
}
