using Duban.Contracts.Supervision.V1;
using Duban.Contracts.Tasks.V1;
using Duban.ServiceDefaults.Auth;
using Duban.Supervision.Domain.Reviews;
using Duban.Testing;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Duban.Supervision.Tests.Grpc;

/// <summary>
/// Plans go in through the tasks service; supervision follows the feed, raises notices once as deadlines pass
/// (the scan's as-of time plays the clock), takes explanations, and freezes weekly reviews.
/// </summary>
public class SupervisionFlowTests(SupervisionFixture service) : IClassFixture<SupervisionFixture>
{
    private static Timestamp At(int year, int month, int day, int hour = 12) =>
        Timestamp.FromDateTimeOffset(new DateTimeOffset(year, month, day, hour, 0, 0, TimeSpan.FromHours(8)));

    private async Task<List<Notice>> NoticesAsync(string assignmentId) =>
        (await service.Office.ListNoticesAsync(new ListNoticesRequest { AssignmentId = assignmentId, PageSize = 100 })).Notices.ToList();

    [Fact]
    public async Task Deadlines_passing_raise_each_notice_once_and_escalation_climbs_to_the_assigning_unit()
    {
        var assignments = await service.ImportAsync($"""
            1,任务{Guid.NewGuid():N},对接省发改委,经发局,,,2026年5月20日前
            2,任务{Guid.NewGuid():N},梳理政策,财政局,,,2026年5月31日前
            """);
        var late = assignments.Single(a => a.LeadUnitId == service.Economy.Id);
        var soon = assignments.Single(a => a.LeadUnitId == service.Finance.Id);

        // 2026-05-21 12:00 in Shanghai: the first is a day late; the second is due in ten days, not yet "due soon".
        var first = await service.Office.ScanNowAsync(new ScanNowRequest { AsOf = At(2026, 5, 21) });
        Assert.True(first.Overdue >= 1);
        var again = await service.Office.ScanNowAsync(new ScanNowRequest { AsOf = At(2026, 5, 21) });
        Assert.Equal((0, 0, 0), (again.Overdue, again.Escalated, again.DueSoon));
        Assert.Equal([NoticeKind.Overdue], (await NoticesAsync(late.Id)).Select(n => n.Kind));

        // Nine days late: the level the days earn (past 7), raised in place of the OVERDUE one, which stays in history.
        await service.Office.ScanNowAsync(new ScanNowRequest { AsOf = At(2026, 5, 29) });
        var lateNotices = await NoticesAsync(late.Id);
        Assert.Equal([(NoticeKind.Escalated, 2, NoticeStatus.Open), (NoticeKind.Overdue, 0, NoticeStatus.Superseded)],
            lateNotices.Select(n => (n.Kind, n.Level, n.Status)));
        var top = lateNotices.Single(n => n.Kind == NoticeKind.Escalated && n.Level == 2);
        Assert.Equal([service.Economy.Id, service.Park.Id], top.RecipientUnitIds);

        // The people told come from the units service, named just after the scan: first the lead unit, then up the chain.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (lateNotices.Any(n => n.RecipientPersonIds.Count == 0) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            lateNotices = await NoticesAsync(late.Id);
        }
        top = lateNotices.Single(n => n.Kind == NoticeKind.Escalated && n.Level == 2);
        var overdue = lateNotices.Single(n => n.Kind == NoticeKind.Overdue);
        Assert.Equal(new[] { service.EconomyLead.Id, service.EconomyContact.Id }.Order(), overdue.RecipientPersonIds.Order());
        Assert.Equal(new[] { service.EconomyLead.Id, service.EconomyContact.Id, service.Overseer.Id, service.ParkLead.Id }.Order(),
            top.RecipientPersonIds.Order());
        Assert.Contains("逾期", top.Message);
        Assert.Equal([(NoticeKind.DueSoon, 0)], (await NoticesAsync(soon.Id)).Select(n => (n.Kind, n.Level)));
    }

    [Fact]
    public async Task Two_instances_scanning_the_same_data_at_once_raise_each_notice_once()
    {
        var assignments = await service.ImportAsync(string.Join('\n', Enumerable.Range(1, 30).Select(i => $"{i},并发{Guid.NewGuid():N},措施{i},经发局,,,2026年4月30日前")));
        await using var second = service.NewSupervision(service.Supervision.ConnectionString, followFeed: false);
        await second.StartAsync();
        var asOf = At(2026, 5, 15);

        var before = await service.CountAsync("SELECT count(*) FROM notices");
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            service.SupervisionAs(DubanRoles.Office, instance: i % 2 == 0 ? service.Supervision : second)
                .ScanNowAsync(new ScanNowRequest { AsOf = asOf }).ResponseAsync));

        var ids = string.Join(",", assignments.Select(a => $"'{a.Id}'"));
        // Per assignment one notice: 15 days overdue earns escalation level 2 at once.
        Assert.Equal(30, await service.CountAsync($"SELECT count(*) FROM notices WHERE assignment_id IN ({ids})"));
        // Together the scans report each notice they raised exactly once.
        Assert.Equal(await service.CountAsync("SELECT count(*) FROM notices") - before,
            results.Sum(r => r.Overdue + r.Escalated + r.DueSoon + r.BehindSchedule));
    }

    [Fact]
    public async Task A_confirmed_completion_reaches_the_projection_and_pauses_the_open_notices()
    {
        var assignment = (await service.ImportAsync($"1,完成{Guid.NewGuid():N},措施,财政局,,,2026年4月30日前")).Single();
        await service.Office.ScanNowAsync(new ScanNowRequest { AsOf = At(2026, 5, 2) });
        Assert.All(await NoticesAsync(assignment.Id), n => Assert.Equal(NoticeStatus.Open, n.Status));

        var lead = service.TasksAs(DubanRoles.Lead, service.Finance);
        var accepted = await lead.AcceptAssignmentAsync(new AcceptAssignmentRequest { Id = assignment.Id, Version = assignment.Version });
        var confirmed = await lead.ConfirmCompletionAsync(new ConfirmCompletionRequest { Id = assignment.Id, Version = accepted.Version, Evidence = "已完成" });
        await service.WaitForProjectionAsync([(assignment.Id, confirmed.Version)]);

        var notices = await NoticesAsync(assignment.Id);
        Assert.NotEmpty(notices);
        Assert.All(notices, n => Assert.Equal(NoticeStatus.Paused, n.Status));
    }

    [Fact]
    public async Task The_lead_unit_explains_and_the_office_decides()
    {
        var assignment = (await service.ImportAsync($"1,说明{Guid.NewGuid():N},措施,经发局,,,2026年4月30日前")).Single();
        await service.Office.ScanNowAsync(new ScanNowRequest { AsOf = At(2026, 5, 2) });
        var overdue = (await NoticesAsync(assignment.Id)).Single(n => n.Kind == NoticeKind.Overdue);

        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
            await service.SupervisionAs(DubanRoles.Lead, service.Finance).SubmitExplanationAsync(new SubmitExplanationRequest { NoticeId = overdue.Id, Reasons = "x" }));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "reasons", async () =>
            await service.SupervisionAs(DubanRoles.Lead, service.Economy).SubmitExplanationAsync(new SubmitExplanationRequest { NoticeId = overdue.Id }));

        var explanation = await service.SupervisionAs(DubanRoles.Lead, service.Economy).SubmitExplanationAsync(new SubmitExplanationRequest
        {
            NoticeId = overdue.Id, Reasons = "省级审批尚未下达", RemedyDate = new Google.Type.Date { Year = 2026, Month = 6, Day = 15 },
        });
        Assert.Equal(ExplanationStatus.Submitted, explanation.Status);
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
            await service.SupervisionAs(DubanRoles.Lead, service.Economy).DecideExplanationAsync(new DecideExplanationRequest { Id = explanation.Id, Accept = true }));
        var accepted = await service.Office.DecideExplanationAsync(new DecideExplanationRequest { Id = explanation.Id, Accept = true, Remark = "同意" });
        Assert.Equal(ExplanationStatus.Accepted, accepted.Status);
        await RpcAssert.ThrowsAsync(StatusCode.FailedPrecondition, async () =>
            await service.Office.DecideExplanationAsync(new DecideExplanationRequest { Id = explanation.Id, Accept = false }));
    }

    [Fact]
    public async Task A_weekly_review_triggered_twice_at_once_is_one_review_whose_bulletin_names_the_late_units_and_items()
    {
        var title = "逾期事项" + Guid.NewGuid().ToString("N")[..6];
        await service.ImportAsync($"1,推进事项,{title},经发局,,,2026年5月20日前\n2,按期事项,按期措施,财政局,,,2027年6月30日前");
        var stored = await service.CountAsync($"SELECT count(*) FROM weekly_reviews WHERE scope_unit_id = '{service.Park.Id}'");

        var runs = await Task.WhenAll(
            service.SupervisionAs(DubanRoles.Scheduler).RunWeeklyReviewAsync(new RunWeeklyReviewRequest { ScopeUnitId = service.Park.Id, Week = "current" }).ResponseAsync,
            service.Office.RunWeeklyReviewAsync(new RunWeeklyReviewRequest { ScopeUnitId = service.Park.Id, Week = "current" }).ResponseAsync);
        Assert.Equal(runs[0].Id, runs[1].Id);
        var later = await service.Office.RunWeeklyReviewAsync(new RunWeeklyReviewRequest { ScopeUnitId = service.Park.Id, Week = runs[0].Week });
        Assert.Equal(runs[0].Id, later.Id);
        // The import changed the week: one new revision, however many triggers.
        Assert.Equal(stored + 1, await service.CountAsync($"SELECT count(*) FROM weekly_reviews WHERE scope_unit_id = '{service.Park.Id}'"));

        var markdown = (await service.Office.ExportBulletinAsync(new ExportBulletinRequest { ReviewId = runs[0].Id, Format = BulletinFormat.Markdown })).Content;
        Assert.Contains("通报", markdown);
        Assert.Contains("工业园区经济发展局", markdown);
        Assert.Contains(title, markdown);
        Assert.Contains("请单位主要负责人于下次调度会上作出说明", markdown);
        var csv = await service.Office.ExportBulletinAsync(new ExportBulletinRequest { ReviewId = runs[0].Id, Format = BulletinFormat.Csv, Table = BulletinTable.Items });
        Assert.Contains(title, csv.Content);
        Assert.StartsWith("\uFEFF类别,单位,任务", csv.Content);
        Assert.Equal("text/csv; charset=utf-8", csv.ContentType);
        var units = await service.Office.ExportBulletinAsync(new ExportBulletinRequest { ReviewId = runs[0].Id, Format = BulletinFormat.Csv });
        Assert.StartsWith("\uFEFF单位,交办", units.Content);
        Assert.DoesNotContain(title, units.Content);
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "table", async () =>
            await service.Office.ExportBulletinAsync(new ExportBulletinRequest { ReviewId = runs[0].Id, Format = BulletinFormat.Markdown, Table = BulletinTable.Items }));

        // Schedulers trigger; units read their own subtree only.
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
            await service.SupervisionAs(DubanRoles.Lead, service.Economy).RunWeeklyReviewAsync(new RunWeeklyReviewRequest { ScopeUnitId = service.Park.Id, Week = "current" }));
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
            await service.SupervisionAs(DubanRoles.Lead, service.OtherPark).GetWeeklyReviewAsync(new GetWeeklyReviewRequest { Id = runs[0].Id }));
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
        {
            using var call = service.SupervisionAs(DubanRoles.Lead, service.OtherPark)
                .StreamBulletin(new ExportBulletinRequest { ReviewId = runs[0].Id, Format = BulletinFormat.Csv });
            await call.ResponseStream.MoveNext();
        });
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
            await service.SupervisionAs(DubanRoles.Scheduler).ListNoticesAsync(new ListNoticesRequest()));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "week", async () =>
            await service.Office.RunWeeklyReviewAsync(new RunWeeklyReviewRequest { ScopeUnitId = service.Park.Id, Week = "2099-W01" }));
    }

    [Fact]
    public async Task A_verification_reaches_the_current_weeks_bulletin_as_a_new_revision_while_the_past_week_stays_frozen()
    {
        var title = "核验事项" + Guid.NewGuid().ToString("N")[..6];
        var assignment = (await service.ImportAsync($"1,推进事项,{title},经发局,,,2026年5月20日前")).Single();
        var lead = service.TasksAs(DubanRoles.Lead, service.Economy);
        var accepted = await lead.AcceptAssignmentAsync(new AcceptAssignmentRequest { Id = assignment.Id, Version = assignment.Version });
        var confirmed = await lead.ConfirmCompletionAsync(new ConfirmCompletionRequest { Id = assignment.Id, Version = accepted.Version, Evidence = "已完成" });
        await service.WaitForProjectionAsync([(assignment.Id, confirmed.Version)]);
        var run = new RunWeeklyReviewRequest { ScopeUnitId = service.Park.Id, Week = "current" };

        // Confirmed by the lead only: 待核验, neither completed nor overdue.
        var claimed = await service.Office.RunWeeklyReviewAsync(run);
        var before = await ReportAsync(claimed.Id);
        var economyBefore = before.Units.Single(u => u.UnitId == Guid.Parse(service.Economy.Id)).Counts;
        Assert.True(economyBefore.AwaitingVerification >= 1);
        Assert.DoesNotContain(before.NewlyOverdue.Concat(before.StillOverdue).Concat(before.CompletedThisWeek), i => i.AssignmentId == Guid.Parse(assignment.Id));

        var verified = await service.TasksAs(DubanRoles.Office).VerifyCompletionAsync(new VerifyCompletionRequest { Id = assignment.Id, Version = confirmed.Version });
        await service.WaitForProjectionAsync([(assignment.Id, verified.Version)]);

        var current = await service.Office.RunWeeklyReviewAsync(run);
        Assert.NotEqual(claimed.Id, current.Id);
        Assert.Equal((claimed.Week, claimed.Revision + 1, false), (current.Week, current.Revision, current.Final));
        var after = await ReportAsync(current.Id);
        var economyAfter = after.Units.Single(u => u.UnitId == Guid.Parse(service.Economy.Id)).Counts;
        // Confirmed after its May deadline: verified, it is a late completion of this week.
        Assert.Equal(economyBefore.AwaitingVerification - 1, economyAfter.AwaitingVerification);
        Assert.Equal(economyBefore.CompletedLate + 1, economyAfter.CompletedLate);
        Assert.Equal(economyBefore.CompletedOnTime, economyAfter.CompletedOnTime);
        Assert.Equal(economyBefore.ShouldBeCompleted, economyAfter.ShouldBeCompleted);
        Assert.Contains(after.CompletedThisWeek, i => i.AssignmentId == Guid.Parse(assignment.Id) && i.DaysOverdue > 0);
        // A scheduler calling again with nothing changed gets the same revision; the first one stays as it was.
        Assert.Equal(current.Id, (await service.SupervisionAs(DubanRoles.Scheduler).RunWeeklyReviewAsync(run)).Id);
        Assert.Equal(BulletinRenderer.RenderJson(before), BulletinRenderer.RenderJson(await ReportAsync(claimed.Id)));
        var revisions = await service.Office.ListWeeklyReviewsAsync(new ListWeeklyReviewsRequest { ScopeUnitId = service.Park.Id, Week = current.Week });
        Assert.Equal(current.Id, revisions.Reviews[0].Id);
        Assert.Contains(revisions.Reviews, r => r.Id == claimed.Id);

        // The units' rows and the totals agree, in the report and on the printed bulletin.
        foreach (var report in new[] { before, after })
        {
            Assert.Equal(ReviewCounts.Sum(report.Units.Select(u => u.Counts)), report.Totals);
            Assert.Equal(report.Totals.Assigned, report.Totals.Completed + report.Totals.AwaitingVerification + report.Totals.Open);
        }
        var markdown = (await service.Office.ExportBulletinAsync(new ExportBulletinRequest { ReviewId = current.Id, Format = BulletinFormat.Markdown })).Content;
        Assert.Contains($"（第{current.Revision}版，本周进行中，数据随办理情况更新）", markdown);
        var t = after.Totals;
        Assert.Contains($"| **合计** | {t.Assigned} | {t.CompletedOnTime} | {t.CompletedLate} | {t.AwaitingVerification} | {t.Open} | {t.DueNextWeek} | {t.Overdue} | " +
            $"{t.OverdueWithoutExplanation} | {t.ShouldBeCompleted} |", markdown);

        // Last week is frozen as of its end: run twice, one final revision.
        var lastWeek = Duban.Supervision.Domain.Reviews.IsoWeek.Parse(current.Week).Previous().ToString();
        var past = await service.Office.RunWeeklyReviewAsync(new RunWeeklyReviewRequest { ScopeUnitId = service.Park.Id, Week = lastWeek });
        var pastAgain = await service.SupervisionAs(DubanRoles.Scheduler).RunWeeklyReviewAsync(new RunWeeklyReviewRequest { ScopeUnitId = service.Park.Id, Week = lastWeek });
        Assert.Equal(past.Id, pastAgain.Id);
        Assert.True(past.Final);
        Assert.True(past.AsOf.ToDateTimeOffset() <= current.AsOf.ToDateTimeOffset());
    }

    private async Task<WeeklyReviewReport> ReportAsync(string reviewId) =>
        BulletinRenderer.ReadJson((await service.Office.ExportBulletinAsync(new ExportBulletinRequest { ReviewId = reviewId, Format = BulletinFormat.Json })).Content);

    [Fact]
    public async Task A_restarted_instance_resumes_from_the_stored_cursor_without_losing_or_doubling()
    {
        // An instance of its own, so the shared one keeps following for the other tests.
        var first = service.NewSupervision(database: null);
        await first.StartAsync();
        var database = first.ConnectionString;
        var before = (await service.ImportAsync($"1,重启{Guid.NewGuid():N},措施,经发局,,,2026年12月31日前")).Single();
        await service.WaitForProjectionAsync([(before.Id, before.Version)], database);
        var count = await service.CountAsync("SELECT count(*) FROM assignments", database);
        var cursor = await service.CountAsync("SELECT sequence FROM feed_position", database);
        await first.DisposeAsync();

        var lead = service.TasksAs(DubanRoles.Lead, service.Economy);
        var accepted = await lead.AcceptAssignmentAsync(new AcceptAssignmentRequest { Id = before.Id, Version = before.Version });

        await using var restarted = service.NewSupervision(database);
        await restarted.StartAsync();
        await service.WaitForProjectionAsync([(before.Id, accepted.Version)], database);
        Assert.Equal(count, await service.CountAsync("SELECT count(*) FROM assignments", database));
        Assert.True(await service.CountAsync("SELECT sequence FROM feed_position", database) > cursor);
    }

    [Fact]
    public async Task A_passed_step_of_a_milestone_deadline_raises_its_own_notice_once()
    {
        var assignment = (await service.ImportAsync($"1,节点{Guid.NewGuid():N},措施,财政局,,,\"2026年4月底前完成方案，2026年12月底前全面完成\"")).Single();
        var first = await service.Office.ScanNowAsync(new ScanNowRequest { AsOf = At(2026, 5, 2) });
        var again = await service.Office.ScanNowAsync(new ScanNowRequest { AsOf = At(2026, 5, 3) });
        Assert.True(first.MilestoneOverdue >= 1);
        Assert.Equal(0, again.MilestoneOverdue);
        var notices = await NoticesAsync(assignment.Id);
        var step = Assert.Single(notices);
        Assert.Equal((NoticeKind.MilestoneOverdue, 1), (step.Kind, step.Level));
        Assert.Contains("完成方案", step.Message);
    }

    [Fact]
    public async Task A_watcher_is_told_of_notices_as_they_are_raised()
    {
        var assignment = (await service.ImportAsync($"1,提醒{Guid.NewGuid():N},措施,经发局,,,2026年3月31日前")).Single();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var watch = service.SupervisionAs(DubanRoles.Lead, service.Economy).WatchNotices(new WatchNoticesRequest(), cancellationToken: cancel.Token);
        var scan = Task.Delay(300).ContinueWith(_ => service.Office.ScanNowAsync(new ScanNowRequest { AsOf = At(2026, 4, 1) }).ResponseAsync).Unwrap();

        var seen = new List<Notice>();
        while (!seen.Any(n => n.AssignmentId == assignment.Id) && await watch.ResponseStream.MoveNext(cancel.Token))
            seen.Add(watch.ResponseStream.Current);
        await scan;
        Assert.Contains(seen, n => n.AssignmentId == assignment.Id && n.Kind == NoticeKind.Overdue);
        Assert.All(seen, n => Assert.Equal(service.Economy.Id, n.LeadUnitId));
    }

    [Fact]
    public async Task Units_are_assessed_and_graded_over_a_period()
    {
        var assignments = await service.ImportAsync($"""
            1,考核{Guid.NewGuid():N},按时,财政局,,,2026年4月30日前
            2,考核{Guid.NewGuid():N},逾期,经发局,,,2026年4月30日前
            """);
        var onTime = assignments.Single(a => a.LeadUnitId == service.Finance.Id);
        var lead = service.TasksAs(DubanRoles.Lead, service.Finance);
        var accepted = await lead.AcceptAssignmentAsync(new AcceptAssignmentRequest { Id = onTime.Id, Version = onTime.Version });
        var confirmed = await lead.ConfirmCompletionAsync(new ConfirmCompletionRequest { Id = onTime.Id, Version = accepted.Version, Evidence = "完成" });
        await service.WaitForProjectionAsync([(onTime.Id, confirmed.Version)]);

        // As of the end of November (the past: an as-of time may not be in the future) the other is still open and overdue.
        var assessment = await service.Office.AssessUnitsAsync(new AssessUnitsRequest { ScopeUnitId = service.Park.Id, Period = "2026", AsOf = At(2026, 11, 30) });
        var economy = assessment.Units.Single(u => u.UnitId == service.Economy.Id);
        Assert.True(economy.OpenOverdue >= 1);
        Assert.True(economy.Score < 100);
        Assert.Contains(economy.Grade, new[] { "优秀", "良好", "合格", "不合格" });
        var again = await service.Office.AssessUnitsAsync(new AssessUnitsRequest { ScopeUnitId = service.Park.Id, Period = "2026", AsOf = At(2026, 11, 30) });
        Assert.Equal(assessment, again);

        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "period", async () =>
            await service.Office.AssessUnitsAsync(new AssessUnitsRequest { ScopeUnitId = service.Park.Id, Period = "2026-Q5" }));
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
            await service.SupervisionAs(DubanRoles.Lead, service.OtherPark).AssessUnitsAsync(new AssessUnitsRequest { ScopeUnitId = service.Park.Id, Period = "2026" }));
    }

    [Fact]
    public async Task How_far_behind_the_projection_is_shows_in_its_status_and_in_readiness()
    {
        await service.ImportAsync($"1,进度{Guid.NewGuid():N},措施,经发局,,,2026年12月31日前");
        var status = await service.Office.GetProjectionStatusAsync(new GetProjectionStatusRequest());
        Assert.NotEmpty(status.Cursor);
        Assert.True(status.Assignments >= 1);
        Assert.InRange(status.LagSeconds, 0, 60);

        var ready = await service.Supervision.Http(null).GetStringAsync("/readyz");
        Assert.Contains("\"name\":\"projection\"", ready);
        Assert.Contains("lagSeconds", ready);
        Assert.Contains("\"name\":\"database\"", ready);
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
            await service.SupervisionAs(DubanRoles.Lead, service.Economy).GetProjectionStatusAsync(new GetProjectionStatusRequest()));
    }

    [Fact]
    public async Task A_monthly_report_not_filed_by_its_date_raises_one_notice_and_a_filed_one_none()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var assignments = await service.ImportAsync($"1,报送{tag},月报甲{tag},经发局,,,每月28日前\n2,报送{tag},月报乙{tag},财政局,,,每月28日前");
        var silent = assignments.Single(a => a.LeadUnitId == service.Economy.Id);
        var diligent = assignments.Single(a => a.LeadUnitId == service.Finance.Id);
        // The first 28th from the day of assignment in the plan's zone (Asia/Shanghai), counted here by hand.
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).DateTime);
        var due = new DateOnly(today.Year, today.Month, 28).AddMonths(today.Day <= 28 ? 0 : 1);

        // The finance bureau files its report; the economy bureau does not.
        var lead = service.TasksAs(DubanRoles.Lead, service.Finance);
        var accepted = await lead.AcceptAssignmentAsync(new AcceptAssignmentRequest { Id = diligent.Id, Version = diligent.Version });
        var reported = await lead.ReportProgressAsync(new ReportProgressRequest { Id = diligent.Id, Version = accepted.Version, Percent = 10, Narrative = "本月进展" });
        await service.WaitForProjectionAsync([(diligent.Id, reported.Version)]);

        // The next report date lies ahead of today, and a scan may not look into the future: an instance on the same
        // database whose clock stands 40 days on scans the day after that date (with a token that lasts that long).
        var dayAfter = At(due.Year, due.Month, due.Day).ToDateTimeOffset().AddDays(1);
        await using var later = service.NewSupervision(service.Supervision.ConnectionString, followFeed: false)
            .WithServices(services => services.AddSingleton<TimeProvider>(new ShiftedClock(TimeSpan.FromDays(40))));
        await later.StartAsync();
        var office = new SupervisionService.SupervisionServiceClient(later.Channel(
            LocalTokens.Mint(TestTokens.Key, Guid.NewGuid().ToString(), "", [DubanRoles.Office], TimeSpan.FromDays(90))));
        async Task<List<Notice>> NoticesAsync(string assignmentId) =>
            (await office.ListNoticesAsync(new ListNoticesRequest { AssignmentId = assignmentId, PageSize = 100 })).Notices.ToList();
        var scan = await office.ScanNowAsync(new ScanNowRequest { AsOf = Timestamp.FromDateTimeOffset(dayAfter) });
        Assert.True(scan.ReportMissing >= 1);
        var missing = (await NoticesAsync(silent.Id)).Single(n => n.Kind == NoticeKind.ReportMissing);
        Assert.Equal(due.Year * 10000 + due.Month * 100 + due.Day, missing.Level);
        Assert.Contains("报送进展", missing.Message);
        Assert.DoesNotContain(await NoticesAsync(diligent.Id), n => n.Kind == NoticeKind.ReportMissing);
        await office.ScanNowAsync(new ScanNowRequest { AsOf = Timestamp.FromDateTimeOffset(dayAfter.AddHours(1)) });
        Assert.Single(await NoticesAsync(silent.Id), n => n.Kind == NoticeKind.ReportMissing);
    }

    private sealed class ShiftedClock(TimeSpan ahead) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + ahead;
    }

    private static string CliDate(Google.Type.Date d) => $"{d.Year:0000}-{d.Month:00}-{d.Day:00}";
}
