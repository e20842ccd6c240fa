using Duban.Supervision.Data;
using Duban.Supervision.Domain.Notices;
using Duban.Supervision.Domain.Reviews;

namespace Duban.Supervision.Tests.Domain;

/// <summary>The scan's rules, the notice state machine and the chains, in plain C#.</summary>
public class NoticeRulesTests
{
    private static readonly Guid Lead = ReviewFixtures.Id(0x201);
    private static readonly Guid Parent = ReviewFixtures.Id(0x202);
    private static readonly NoticeRules Rules = new();

    /// <summary>Due 2026-05-20 (Shanghai), so due at 2026-05-20T16:00Z; assigned 2026-04-20 at local midnight.</summary>
    private static ScannedAssignment Work(AssignmentState status = AssignmentState.InProgress, int progress = 0, int round = 0, int version = 1,
        DateOnly? due = null, IReadOnlyList<MilestoneStep>? steps = null, DateOnly? report = null) =>
        new(ReviewFixtures.Id(0x301), ReviewFixtures.Id(1), Lead, Parent, null, "对接省发改委", status, due ?? ReviewFixtures.D(2026, 5, 20), version, round,
            progress, ReviewFixtures.Shanghai, ReviewFixtures.Local(2026, 4, 20, 0, 0), steps ?? [], report);

    private static List<(NoticeKind, int)> Due(ScannedAssignment a, DateTimeOffset asOf, NoticeRules? rules = null) =>
        NoticeScanRules.Due(a, rules ?? Rules, asOf).Select(n => (n.Kind, n.Level)).ToList();

    [Fact]
    public void Due_soon_starts_three_days_before_the_end_of_the_due_date()
    {
        Assert.Empty(Due(Work(progress: 100), ReviewFixtures.Local(2026, 5, 17, 23, 59)));
        Assert.Equal([(NoticeKind.DueSoon, 0)], Due(Work(progress: 100), ReviewFixtures.Local(2026, 5, 18, 0, 0)));
        Assert.Equal([(NoticeKind.DueSoon, 0)], Due(Work(progress: 100), ReviewFixtures.Local(2026, 5, 20, 23, 59)));
    }

    [Fact]
    public void Overdue_from_the_next_local_midnight_and_escalation_only_at_the_level_the_days_earn()
    {
        Assert.Equal([(NoticeKind.Overdue, 0)], Due(Work(), ReviewFixtures.Local(2026, 5, 21, 0, 0)));
        // Day 3 is not past the 3-day threshold; day 4 is.
        Assert.Equal([(NoticeKind.Overdue, 0)], Due(Work(), ReviewFixtures.Local(2026, 5, 23, 23, 0)));
        Assert.Equal([(NoticeKind.Escalated, 1)], Due(Work(), ReviewFixtures.Local(2026, 5, 24, 0, 0)));
        Assert.Equal([(NoticeKind.Escalated, 2)], Due(Work(), ReviewFixtures.Local(2026, 5, 28, 0, 0)));
        var top = NoticeScanRules.Due(Work(), Rules, ReviewFixtures.Local(2026, 7, 21, 12, 0)).Single();
        Assert.Equal((NoticeKind.Escalated, 2, "“对接省发改委”逾期62天，列入通报"), (top.Kind, top.Level, top.Message));
        Assert.Equal([Lead, Parent], top.RecipientUnitIds);
        // More thresholds mean more levels.
        Assert.Equal([(NoticeKind.Escalated, 3)], Due(Work(), ReviewFixtures.Local(2026, 7, 21, 12, 0), new NoticeRules { EscalationDays = [3, 7, 30] }));
    }

    [Fact]
    public void Only_open_work_calls_for_notices_and_a_new_round_or_deadline_version_is_carried_on_each()
    {
        var asOf = ReviewFixtures.Local(2026, 6, 1, 12, 0);
        foreach (var closed in new[] { AssignmentState.CompletionRequested, AssignmentState.Completed, AssignmentState.Cancelled })
            Assert.Empty(Due(Work(closed), asOf));
        var notice = NoticeScanRules.Due(Work(round: 2, version: 3), Rules, asOf).Single();
        Assert.Equal((2, 3), (notice.Round, notice.DeadlineVersion));
        Assert.Empty(Due(Work() with { DueDate = null }, asOf));
    }

    [Fact]
    public void Behind_schedule_in_the_due_soon_window_at_the_highest_level_the_lag_earns()
    {
        // 30 of 31 days elapsed (96.8%): 60% is 36.8 points behind (red), 80% 16.8 (yellow), 90% 6.8 (nothing).
        var asOf = ReviewFixtures.Local(2026, 5, 20, 0, 0);
        Assert.Equal([(NoticeKind.DueSoon, 0), (NoticeKind.BehindSchedule, 1)], Due(Work(progress: 60), asOf));
        Assert.Equal([(NoticeKind.DueSoon, 0), (NoticeKind.BehindSchedule, 0)], Due(Work(progress: 80), asOf));
        Assert.Equal([(NoticeKind.DueSoon, 0)], Due(Work(progress: 90), asOf));
        Assert.Equal("“对接省发改委”进度80%，落后序时进度17个百分点", NoticeScanRules.Due(Work(progress: 80), Rules, asOf).Last().Message);
        // Not yet in the window: not judged.
        Assert.Empty(Due(Work(progress: 0), ReviewFixtures.Local(2026, 5, 10, 0, 0)));
        Assert.Equal([(NoticeKind.DueSoon, 0)], Due(Work(progress: 60), asOf, new NoticeRules { BehindScheduleYellowPoints = 50, BehindScheduleRedPoints = 70 }));
    }

    [Fact]
    public void Each_passed_milestone_and_the_missed_report_date_raise_their_own_notice()
    {
        var work = Work(due: ReviewFixtures.D(2026, 12, 31), report: ReviewFixtures.D(2026, 5, 28),
            steps: [new(ReviewFixtures.D(2026, 4, 30), "完成方案"), new(ReviewFixtures.D(2026, 6, 30), "完成建设")]);
        var notices = NoticeScanRules.Due(work, Rules, ReviewFixtures.Local(2026, 5, 29, 0, 0)).ToList();
        Assert.Equal([(NoticeKind.MilestoneOverdue, 1), (NoticeKind.ReportMissing, 20260528)], notices.Select(n => (n.Kind, n.Level)));
        Assert.Equal("“对接省发改委”的时间节点“完成方案”（2026-04-30）已过", notices[0].Message);
        Assert.Equal("“对接省发改委”应于2026-05-28前报送进展，尚未报送", notices[1].Message);
        Assert.Equal([(NoticeKind.MilestoneOverdue, 1)], Due(work, ReviewFixtures.Local(2026, 5, 28, 23, 59)));
    }

    [Theory]
    // raised → acknowledged is the store's (see the ledger test); here every arrow the assignment drives.
    [InlineData(NoticeStatus.Open, false, AssignmentState.CompletionRequested, 1, NoticeStatus.Paused)]
    [InlineData(NoticeStatus.Acknowledged, true, AssignmentState.CompletionRequested, 1, NoticeStatus.Paused)]
    [InlineData(NoticeStatus.Paused, false, AssignmentState.InProgress, 1, NoticeStatus.Open)]
    [InlineData(NoticeStatus.Paused, true, AssignmentState.InProgress, 1, NoticeStatus.Acknowledged)]
    [InlineData(NoticeStatus.Paused, false, AssignmentState.Completed, 1, NoticeStatus.Resolved)]
    [InlineData(NoticeStatus.Paused, false, AssignmentState.Cancelled, 1, NoticeStatus.Resolved)]
    [InlineData(NoticeStatus.Open, false, AssignmentState.Cancelled, 1, NoticeStatus.Resolved)]
    [InlineData(NoticeStatus.Acknowledged, true, AssignmentState.Completed, 1, NoticeStatus.Resolved)]
    [InlineData(NoticeStatus.Open, false, AssignmentState.InProgress, 2, NoticeStatus.Resolved)]
    [InlineData(NoticeStatus.Paused, false, AssignmentState.CompletionRequested, 2, NoticeStatus.Resolved)]
    [InlineData(NoticeStatus.Open, false, AssignmentState.InProgress, 1, null)]
    [InlineData(NoticeStatus.Acknowledged, true, AssignmentState.Accepted, 1, null)]
    [InlineData(NoticeStatus.Paused, false, AssignmentState.CompletionRequested, 1, null)]
    [InlineData(NoticeStatus.Superseded, false, AssignmentState.Completed, 2, null)]
    [InlineData(NoticeStatus.Resolved, false, AssignmentState.InProgress, 1, null)]
    public void A_notice_follows_its_assignment(NoticeStatus status, bool acknowledged, AssignmentState assignment, int deadlineVersion, NoticeStatus? expected)
    {
        Assert.Equal(expected, NoticeTransitions.Follow(NoticeKind.Overdue, status, acknowledged, 1, assignment, deadlineVersion));
        // The office's urgings stay as they are.
        Assert.Null(NoticeTransitions.Follow(NoticeKind.Urged, status, acknowledged, 1, assignment, deadlineVersion));
    }

    [Fact]
    public void Higher_levels_and_later_rounds_supersede_within_a_chain_only()
    {
        Assert.True(NoticeChains.Supersedes(NoticeKind.Overdue, 0, 0, NoticeKind.DueSoon, 0, 0));
        Assert.True(NoticeChains.Supersedes(NoticeKind.Escalated, 1, 0, NoticeKind.Overdue, 0, 0));
        Assert.True(NoticeChains.Supersedes(NoticeKind.Escalated, 2, 0, NoticeKind.Escalated, 1, 0));
        Assert.False(NoticeChains.Supersedes(NoticeKind.Escalated, 1, 0, NoticeKind.Escalated, 2, 0));
        // A later round supersedes even a higher level of an earlier one.
        Assert.True(NoticeChains.Supersedes(NoticeKind.Overdue, 0, 1, NoticeKind.Escalated, 2, 0));
        Assert.True(NoticeChains.Supersedes(NoticeKind.BehindSchedule, 1, 0, NoticeKind.BehindSchedule, 0, 0));
        Assert.False(NoticeChains.Supersedes(NoticeKind.BehindSchedule, 1, 0, NoticeKind.DueSoon, 0, 0));
        Assert.False(NoticeChains.Supersedes(NoticeKind.MilestoneOverdue, 2, 0, NoticeKind.MilestoneOverdue, 1, 0));
        Assert.True(NoticeChains.Supersedes(NoticeKind.MilestoneOverdue, 1, 1, NoticeKind.MilestoneOverdue, 1, 0));
        Assert.False(NoticeChains.Supersedes(NoticeKind.Urged, 3, 1, NoticeKind.Urged, 0, 0));
        Assert.True(NoticeChains.Urgency(NoticeKind.Escalated, 2) > NoticeChains.Urgency(NoticeKind.Escalated, 1));
        Assert.True(NoticeChains.Urgency(NoticeKind.Escalated, 1) > NoticeChains.Urgency(NoticeKind.Overdue, 0));
        Assert.True(NoticeChains.Urgency(NoticeKind.Overdue, 0) > NoticeChains.Urgency(NoticeKind.DueSoon, 0));
    }

    [Fact]
    public void The_whole_loop_in_the_ledger_raised_superseded_paused_resumed_in_a_new_round_and_resolved()
    {
        var ledger = new NoticeLedger();
        var work = Work();
        Dictionary<Guid, ScannedAssignment> Of(ScannedAssignment a) => new() { [a.Id] = a };
        NoticeRules RulesFor(Guid _) => Rules;
        List<(NoticeKind, int, int, NoticeStatus)> State() => ledger.Notices.Select(n => (n.Raised.Kind, n.Raised.Level, n.Raised.Round, n.Status)).ToList();

        ledger.Scan(Of(work), RulesFor, ReviewFixtures.Local(2026, 5, 22, 12, 0));
        Assert.Equal([(NoticeKind.Overdue, 0, 0, NoticeStatus.Open)], State());
        ledger.Acknowledge(ledger.Notices[0], ReviewFixtures.Local(2026, 5, 22, 13, 0));
        var scan = ledger.Scan(Of(work), RulesFor, ReviewFixtures.Local(2026, 5, 25, 12, 0));
        Assert.Equal((1, 1), (scan.Raised, scan.Superseded));
        Assert.Equal([(NoticeKind.Overdue, 0, 0, NoticeStatus.Superseded), (NoticeKind.Escalated, 1, 0, NoticeStatus.Open)], State());
        ledger.Acknowledge(ledger.Notices[1], ReviewFixtures.Local(2026, 5, 25, 13, 0));

        // Claimed: paused, and nothing new while it waits, however late.
        work = work with { Status = AssignmentState.CompletionRequested };
        Assert.Equal(0, ledger.Scan(Of(work), RulesFor, ReviewFixtures.Local(2026, 7, 20, 12, 0)).Raised);
        Assert.Equal(NoticeStatus.Paused, ledger.Notices[1].Status);

        // Returned (退办): resumed as it was (acknowledged), and the next scan raises round 1 where the 62 days put it.
        work = work with { Status = AssignmentState.InProgress, Round = 1 };
        ledger.Follow(Of(work), ReviewFixtures.Local(2026, 7, 21, 9, 0));
        Assert.Equal(NoticeStatus.Acknowledged, ledger.Notices[1].Status);
        scan = ledger.Scan(Of(work), RulesFor, ReviewFixtures.Local(2026, 7, 21, 12, 0));
        Assert.Equal((1, 1), (scan.Raised, scan.Superseded));
        Assert.Equal((NoticeKind.Escalated, 2, 1, NoticeStatus.Open), State()[^1]);
        Assert.Equal(NoticeStatus.Superseded, ledger.Notices[1].Status);
        Assert.Equal(0, ledger.Scan(Of(work), RulesFor, ReviewFixtures.Local(2026, 7, 22, 12, 0)).Raised);

        // Looking back in time raises no lower level in a round that went further.
        Assert.Equal(0, ledger.Scan(Of(work), RulesFor, ReviewFixtures.Local(2026, 5, 22, 12, 0)).Raised);

        // Claimed again, then verified: resolved.
        work = work with { Status = AssignmentState.CompletionRequested };
        ledger.Follow(Of(work), ReviewFixtures.Local(2026, 7, 23, 9, 0));
        Assert.Equal(NoticeStatus.Paused, ledger.Notices[^1].Status);
        work = work with { Status = AssignmentState.Completed };
        Assert.Equal(1, ledger.Follow(Of(work), ReviewFixtures.Local(2026, 7, 24, 9, 0)));
        Assert.Equal([NoticeStatus.Superseded, NoticeStatus.Superseded, NoticeStatus.Resolved], ledger.Notices.Select(n => n.Status));
    }

    [Fact]
    public void An_extension_resolves_the_old_deadline_version_and_starts_its_chain_again()
    {
        var ledger = new NoticeLedger();
        var work = Work();
        ledger.Scan(new Dictionary<Guid, ScannedAssignment> { [work.Id] = work }, _ => Rules, ReviewFixtures.Local(2026, 5, 30, 12, 0));
        work = work with { DeadlineVersion = 2, DueDate = ReviewFixtures.D(2026, 6, 1) };
        ledger.Scan(new Dictionary<Guid, ScannedAssignment> { [work.Id] = work }, _ => Rules, ReviewFixtures.Local(2026, 6, 2, 12, 0));
        Assert.Equal([(NoticeKind.Escalated, 2, 1, NoticeStatus.Resolved), (NoticeKind.Overdue, 0, 2, NoticeStatus.Open)],
            ledger.Notices.Select(n => (n.Raised.Kind, n.Raised.Level, n.Raised.DeadlineVersion, n.Status)));
    }

    [Fact]
    public void Scan_rules_that_cannot_mean_what_they_say_are_named()
    {
        Assert.Empty(new NoticeRules().Problems());
        Assert.Single(new NoticeRules { EscalationDays = [7, 3] }.Problems());
        Assert.Single(new NoticeRules { DueSoonDays = -1 }.Problems());
        var options = new Duban.Supervision.Notices.ScanOptions { Plans = { ["not-a-plan"] = new NoticeRules { EscalationDays = [0] } } };
        Assert.Equal(2, options.Problems().Count());
    }
}
