using Duban.Contracts.Supervision.V1;
using Duban.Contracts.Tasks.V1;
using Duban.ServiceDefaults.Auth;
using Duban.Testing;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Duban.Supervision.Tests.Grpc;

/// <summary>
/// Notices through the whole loop, over the wire: tasks changes the work, supervision follows the feed, and the scan's
/// as-of time plays the clock.
/// </summary>
public class NoticeLifecycleFlowTests(SupervisionFixture service) : IClassFixture<SupervisionFixture>
{
    private static Timestamp At(int year, int month, int day, int hour = 12) =>
        Timestamp.FromDateTimeOffset(new DateTimeOffset(year, month, day, hour, 0, 0, TimeSpan.FromHours(8)));

    private async Task<List<(NoticeKind Kind, int Level, int Round, NoticeStatus Status)>> StateAsync(string assignmentId) =>
        (await service.Office.ListNoticesAsync(new ListNoticesRequest { AssignmentId = assignmentId, PageSize = 100 })).Notices
        .Select(n => (n.Kind, n.Level, n.Round, n.Status)).ToList();

    private Task ScanAsync(Timestamp asOf) => service.Office.ScanNowAsync(new ScanNowRequest { AsOf = asOf }).ResponseAsync;

    [Fact]
    public async Task Overdue_claimed_returned_claimed_and_verified_pauses_resumes_at_the_level_the_days_earn_and_resolves()
    {
        var assignment = (await service.ImportAsync($"1,退办{Guid.NewGuid():N},对接省发改委,经发局,,,2026年4月30日前")).Single();
        var lead = service.TasksAs(DubanRoles.Lead, service.Economy);
        var office = service.TasksAs(DubanRoles.Office);

        // Two days late, then five: OVERDUE, then ESCALATED 1 in its place.
        await ScanAsync(At(2026, 5, 2));
        Assert.Equal([(NoticeKind.Overdue, 0, 0, NoticeStatus.Open)], await StateAsync(assignment.Id));
        await ScanAsync(At(2026, 5, 5));
        Assert.Equal([(NoticeKind.Escalated, 1, 0, NoticeStatus.Open), (NoticeKind.Overdue, 0, 0, NoticeStatus.Superseded)], await StateAsync(assignment.Id));

        // The lead confirms completion: paused (待核验), and a scan while it waits raises nothing.
        var accepted = await lead.AcceptAssignmentAsync(new AcceptAssignmentRequest { Id = assignment.Id, Version = assignment.Version });
        var claimed = await lead.ConfirmCompletionAsync(new ConfirmCompletionRequest { Id = assignment.Id, Version = accepted.Version, Evidence = "已完成" });
        await service.WaitForProjectionAsync([(assignment.Id, claimed.Version)]);
        Assert.Equal([(NoticeKind.Escalated, 1, 0, NoticeStatus.Paused), (NoticeKind.Overdue, 0, 0, NoticeStatus.Superseded)], await StateAsync(assignment.Id));
        await ScanAsync(At(2026, 5, 20));
        Assert.Equal(2, (await StateAsync(assignment.Id)).Count);

        // 退办: supervision resumes at once, and the next scan raises round 1 where the 61 days put it — ESCALATED 2 only.
        var returned = await office.RejectCompletionAsync(new RejectCompletionRequest { Id = assignment.Id, Version = claimed.Version, Reason = "佐证材料不全" });
        await service.WaitForProjectionAsync([(assignment.Id, returned.Version)]);
        Assert.Equal(NoticeStatus.Open, (await StateAsync(assignment.Id))[0].Status);
        await ScanAsync(At(2026, 6, 30));
        Assert.Equal([(NoticeKind.Escalated, 2, 1, NoticeStatus.Open), (NoticeKind.Escalated, 1, 0, NoticeStatus.Superseded),
            (NoticeKind.Overdue, 0, 0, NoticeStatus.Superseded)], await StateAsync(assignment.Id));

        // Claimed again and verified: resolved.
        var again = await lead.ConfirmCompletionAsync(new ConfirmCompletionRequest { Id = assignment.Id, Version = returned.Version, Evidence = "补充材料" });
        await service.WaitForProjectionAsync([(assignment.Id, again.Version)]);
        Assert.Equal(NoticeStatus.Paused, (await StateAsync(assignment.Id))[0].Status);
        var verified = await office.VerifyCompletionAsync(new VerifyCompletionRequest { Id = assignment.Id, Version = again.Version, Remark = "核验通过" });
        await service.WaitForProjectionAsync([(assignment.Id, verified.Version)]);
        Assert.Equal([(NoticeKind.Escalated, 2, 1, NoticeStatus.Resolved), (NoticeKind.Escalated, 1, 0, NoticeStatus.Superseded),
            (NoticeKind.Overdue, 0, 0, NoticeStatus.Superseded)], await StateAsync(assignment.Id));
    }

    [Fact]
    public async Task Lists_put_the_most_urgent_first_and_name_the_lead_unit_and_the_assignment()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var assignments = await service.ImportAsync($"""
            1,排序{tag},稍晚{tag},经发局,,,2026年4月28日前
            2,排序{tag},最晚{tag},经发局,,,2026年4月10日前
            3,排序{tag},刚逾期{tag},经发局,,,2026年4月29日前
            4,排序{tag},将到期{tag},经发局,,,2026年5月2日前
            """);
        await ScanAsync(At(2026, 4, 30));
        var ids = assignments.Select(a => a.Id).ToHashSet();
        // The lead unit's name comes with the recipients, just after the scan.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        var listed = await ListAsync(ids);
        while (listed.Any(n => n.LeadUnitName.Length == 0) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            listed = await ListAsync(ids);
        }

        // 20 days overdue (escalated twice), then two and one days overdue, then due in two days.
        var byDay = assignments.ToDictionary(a => a.Deadline.DueDate.Day);
        Assert.Equal(new[] { 10, 28, 29, 2 }.Select(d => (byDay[d].Id, byDay[d].Title)), listed.Select(n => (n.AssignmentId, n.Title)));
        Assert.Equal([(NoticeKind.Escalated, 2), (NoticeKind.Overdue, 0), (NoticeKind.Overdue, 0), (NoticeKind.DueSoon, 0)], listed.Select(n => (n.Kind, n.Level)));
        Assert.All(listed, n => Assert.Equal(service.Economy.Name, n.LeadUnitName));
    }

    /// <summary>Every open notice of the economy bureau on <paramref name="ids"/>, two to a page, so the order holds across page tokens too.</summary>
    private async Task<List<Notice>> ListAsync(HashSet<string> ids)
    {
        var listed = new List<Notice>();
        var token = "";
        do
        {
            var page = await service.SupervisionAs(DubanRoles.Lead, service.Economy).ListNoticesAsync(new ListNoticesRequest
            {
                LeadUnitId = service.Economy.Id, Statuses = { NoticeStatus.Open }, PageSize = 2, PageToken = token,
            });
            listed.AddRange(page.Notices);
            token = page.NextPageToken;
        } while (token.Length > 0);
        return listed.Where(n => ids.Contains(n.AssignmentId)).ToList();
    }

    [Fact]
    public async Task Only_the_office_travels_in_time_and_only_into_the_past()
    {
        // An instance of its own: a scan as of now would raise notices on every other test's work.
        await using var instance = service.NewSupervision(database: null, followFeed: false);
        await instance.StartAsync();
        var office = service.SupervisionAs(DubanRoles.Office, instance: instance);
        var scheduler = service.SupervisionAs(DubanRoles.Scheduler, instance: instance);
        var future = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(1));
        var past = At(2026, 5, 1);
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "as_of", async () =>
            await office.ScanNowAsync(new ScanNowRequest { AsOf = future }));
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
            await scheduler.ScanNowAsync(new ScanNowRequest { AsOf = past }));
        // Without an as-of time a scheduler scans now.
        var now = await scheduler.ScanNowAsync(new ScanNowRequest());
        Assert.InRange(now.AsOf.ToDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);

        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "as_of", async () =>
            await office.AssessUnitsAsync(new AssessUnitsRequest { ScopeUnitId = service.Park.Id, Period = "2026", AsOf = future }));
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
            await service.SupervisionAs(DubanRoles.Lead, service.Park, instance).AssessUnitsAsync(new AssessUnitsRequest { ScopeUnitId = service.Park.Id, Period = "2026", AsOf = past }));
        var own = await service.SupervisionAs(DubanRoles.Lead, service.Park, instance).AssessUnitsAsync(new AssessUnitsRequest { ScopeUnitId = service.Park.Id, Period = "2026" });
        Assert.Equal(service.Park.Id, own.ScopeUnitId);
    }
}
