using System.Globalization;
using Duban.Supervision.Data;
using Duban.Supervision.Domain.Reviews;

namespace Duban.Supervision.Domain.Notices;

/// <summary>A dated step (时间节点) before the final deadline.</summary>
public sealed record MilestoneStep(DateOnly Date, string Label);

/// <summary>What the scan reads of an assignment.</summary>
public sealed record ScannedAssignment(
    Guid Id,
    Guid PlanId,
    Guid LeadUnitId,
    Guid AssigningUnitId,
    Guid? OwnerPersonId,
    string Title,
    AssignmentState Status,
    DateOnly? DueDate,
    int DeadlineVersion,
    int Round,
    int ProgressPercent,
    string TimeZone,
    DateTimeOffset AssignedAt,
    IReadOnlyList<MilestoneStep> Milestones,
    DateOnly? ReportDueDate)
{
    /// <summary>When it falls overdue: the end of the due date in its time zone.</summary>
    public DateTimeOffset? DueAt => DueDate is { } due ? ReviewClock.DueInstant(due, TimeZone) : null;

    public bool IsOpen => NoticeScanRules.IsOpen(Status);
}

/// <summary>A notice the rules call for, before the chain and once-only checks.</summary>
public sealed record DueNotice(Guid AssignmentId, NoticeKind Kind, int Level, int DeadlineVersion, int Round, DateOnly? DueDate, string Message,
    Guid[] RecipientUnitIds);

/// <summary>
/// The rules of the scan in plain C#: what an assignment calls for as of an instant. <see cref="Notices.NoticeScanner"/>
/// runs the same rules as SQL over the whole projection; an oracle test holds the two together.
/// Only open work (assigned, accepted, in progress) calls for notices: a completion claim waits for verification.
/// </summary>
public static class NoticeScanRules
{
    private const double SecondsPerDay = 86_400;

    /// <summary>Work still being done: assigned, accepted or in progress (a completion claim waits for verification).</summary>
    public static bool IsOpen(AssignmentState status) => status is AssignmentState.Assigned or AssignmentState.Accepted or AssignmentState.InProgress;

    public static IEnumerable<DueNotice> Due(ScannedAssignment a, NoticeRules rules, DateTimeOffset asOf)
    {
        if (!a.IsOpen)
            yield break;
        DueNotice Notice(NoticeKind kind, int level, DateOnly? date, string message, params Guid[] units) =>
            new(a.Id, kind, level, a.DeadlineVersion, a.Round, date, message, units);

        // The deadline and the schedule are judged from DueSoonDays before the deadline on.
        if (a.DueAt is { } dueAt && a.DueDate is { } due && dueAt <= asOf.AddDays(Math.Max(rules.DueSoonDays, 0)))
        {
            var date = Iso(due);
            if (dueAt > asOf)
            {
                yield return Notice(NoticeKind.DueSoon, 0, due, $"“{a.Title}”将于{date}到期", a.LeadUnitId);
                if (Lag(a, dueAt, asOf) is { } lag)
                {
                    // Only the highest level the lag earns: red replaces yellow.
                    var level = lag > rules.BehindScheduleRedPoints ? 1 : lag > rules.BehindScheduleYellowPoints ? 0 : -1;
                    if (level >= 0)
                        yield return Notice(NoticeKind.BehindSchedule, level, due,
                            $"“{a.Title}”进度{a.ProgressPercent}%，落后序时进度{Math.Round(lag, MidpointRounding.AwayFromZero).ToString(CultureInfo.InvariantCulture)}个百分点",
                            a.LeadUnitId);
                }
            }
            else
            {
                // Only the level the days earn, not every level below it: after a return (退办) the new round starts there.
                var days = DaysOverdue(dueAt, asOf);
                var level = rules.EscalationLevel(days);
                yield return level switch
                {
                    0 => Notice(NoticeKind.Overdue, 0, due, $"“{a.Title}”已逾期，应于{date}完成", a.LeadUnitId),
                    1 => Notice(NoticeKind.Escalated, 1, due, $"“{a.Title}”逾期{days}天，提请分管领导督办", a.LeadUnitId, a.AssigningUnitId),
                    _ => Notice(NoticeKind.Escalated, level, due, $"“{a.Title}”逾期{days}天，列入通报", a.LeadUnitId, a.AssigningUnitId),
                };
            }
        }
        // A passed step before the final deadline: one notice per step, its level the step's number (from 1).
        for (var i = 0; i < a.Milestones.Count; i++)
        {
            var step = a.Milestones[i];
            if (ReviewClock.DueInstant(step.Date, a.TimeZone) <= asOf)
                yield return Notice(NoticeKind.MilestoneOverdue, i + 1, step.Date, $"“{a.Title}”的时间节点“{step.Label}”（{Iso(step.Date)}）已过", a.LeadUnitId);
        }
        // A recurring report not filed by its date: one notice per missed date, its level the date (yyyymmdd).
        if (a.ReportDueDate is { } report && ReviewClock.DueInstant(report, a.TimeZone) <= asOf)
            yield return Notice(NoticeKind.ReportMissing, report.Year * 10000 + report.Month * 100 + report.Day, report,
                $"“{a.Title}”应于{Iso(report)}前报送进展，尚未报送", a.LeadUnitId);
    }

    /// <summary>Days overdue, counting the first (partial) day after the deadline as 1.</summary>
    public static int DaysOverdue(DateTimeOffset dueAt, DateTimeOffset asOf) => (int)Math.Floor((asOf - dueAt).TotalSeconds / SecondsPerDay) + 1;

    /// <summary>Points of progress behind the share of time elapsed (序时进度); null when the work has no span.</summary>
    public static double? Lag(ScannedAssignment a, DateTimeOffset dueAt, DateTimeOffset asOf) => Lag(a.AssignedAt, a.ProgressPercent, dueAt, asOf);

    public static double? Lag(DateTimeOffset assignedAt, int progressPercent, DateTimeOffset dueAt, DateTimeOffset asOf) =>
        dueAt > assignedAt ? 100.0 * (asOf - assignedAt).TotalSeconds / (dueAt - assignedAt).TotalSeconds - progressPercent : null;

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
