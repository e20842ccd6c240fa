using Duban.Contracts.Supervision.V1;
using Duban.ServiceDefaults.Auth;
using Duban.Testing;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Duban.Supervision.Tests.Grpc;

/// <summary>Separation of duties on explanations, and urgings that arrive at the same moment, over the full wire.</summary>
public class ExplanationAndUrgeTests(SupervisionFixture service) : IClassFixture<SupervisionFixture>
{
    private static Timestamp At(int year, int month, int day) =>
        Timestamp.FromDateTimeOffset(new DateTimeOffset(year, month, day, 12, 0, 0, TimeSpan.FromHours(8)));

    private SupervisionService.SupervisionServiceClient As(string personId, Duban.Contracts.Units.V1.Unit? unit, params string[] roles) =>
        new(service.Supervision.Channel(LocalTokens.Mint(TestTokens.Key, personId, unit?.Id ?? "", roles, TimeSpan.FromDays(30))));

    private async Task<Notice> OverdueNoticeAsync(string unitShortName)
    {
        var assignment = (await service.ImportAsync($"1,说明{Guid.NewGuid():N},措施,{unitShortName},,,2026年4月30日前")).Single();
        await service.Office.ScanNowAsync(new ScanNowRequest { AsOf = At(2026, 5, 2) });
        var notices = await service.Office.ListNoticesAsync(new ListNoticesRequest { AssignmentId = assignment.Id, Kinds = { NoticeKind.Overdue } });
        return notices.Notices.Single();
    }

    [Fact]
    public async Task Whoever_submitted_an_explanation_cannot_decide_it_even_holding_the_office_role()
    {
        var notice = await OverdueNoticeAsync("经发局");
        // One person who leads the unit and also sits in the office.
        var both = As(service.EconomyLead.Id, service.Economy, DubanRoles.Lead, DubanRoles.Office);
        var explanation = await both.SubmitExplanationAsync(new SubmitExplanationRequest { NoticeId = notice.Id, Reasons = "配套资金未到位" });

        foreach (var accept in new[] { true, false })
        {
            var denied = await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
                await both.DecideExplanationAsync(new DecideExplanationRequest { Id = explanation.Id, Accept = accept }));
            Assert.Contains("不能核验自己提交的", denied.Status.Detail);
        }

        // Refused means untouched: another person of the office still decides it.
        var decided = await As(Guid.NewGuid().ToString(), null, DubanRoles.Office)
            .DecideExplanationAsync(new DecideExplanationRequest { Id = explanation.Id, Accept = true, Remark = "同意" });
        Assert.Equal(ExplanationStatus.Accepted, decided.Status);
    }

    [Fact]
    public async Task Explanations_are_listed_for_the_office_by_status_and_for_a_unit_only_its_own()
    {
        var economyNotice = await OverdueNoticeAsync("经发局");
        var financeNotice = await OverdueNoticeAsync("财政局");
        var economyLead = As(service.EconomyLead.Id, service.Economy, DubanRoles.Lead);
        var financeLead = As(Guid.NewGuid().ToString(), service.Finance, DubanRoles.Lead);
        var economy = await economyLead.SubmitExplanationAsync(new SubmitExplanationRequest { NoticeId = economyNotice.Id, Reasons = "用地指标未落实" });
        var finance = await financeLead.SubmitExplanationAsync(new SubmitExplanationRequest { NoticeId = financeNotice.Id, Reasons = "资金拨付流程较长" });
        var office = As(Guid.NewGuid().ToString(), null, DubanRoles.Office);

        var queue = (await office.ListExplanationsAsync(new ListExplanationsRequest { Statuses = { ExplanationStatus.Submitted }, PageSize = 1000 })).Explanations;
        var listed = queue.Single(e => e.Id == economy.Id);
        Assert.Equal(economyNotice.Title, listed.Title);
        Assert.Equal(service.Economy.Name, listed.LeadUnitName);
        Assert.Contains(queue, e => e.Id == finance.Id);
        // Oldest first.
        Assert.True(queue.ToList().FindIndex(e => e.Id == economy.Id) < queue.ToList().FindIndex(e => e.Id == finance.Id));

        await office.DecideExplanationAsync(new DecideExplanationRequest { Id = economy.Id, Accept = true });
        var stillWaiting = (await office.ListExplanationsAsync(new ListExplanationsRequest { Statuses = { ExplanationStatus.Submitted }, PageSize = 1000 })).Explanations;
        Assert.DoesNotContain(stillWaiting, e => e.Id == economy.Id);
        Assert.Single((await office.ListExplanationsAsync(new ListExplanationsRequest { NoticeId = economyNotice.Id })).Explanations,
            e => e.Status == ExplanationStatus.Accepted);

        // A unit sees its own, and asking for another's is refused.
        var own = (await economyLead.ListExplanationsAsync(new ListExplanationsRequest { PageSize = 1000 })).Explanations;
        Assert.Contains(own, e => e.Id == economy.Id);
        Assert.DoesNotContain(own, e => e.Id == finance.Id);
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
            await economyLead.ListExplanationsAsync(new ListExplanationsRequest { LeadUnitId = service.Finance.Id }));

        // Paging: one at a time, each once.
        var seen = new List<string>();
        var token = "";
        do
        {
            var page = await office.ListExplanationsAsync(new ListExplanationsRequest { PageSize = 1, PageToken = token });
            seen.AddRange(page.Explanations.Select(e => e.Id));
            token = page.NextPageToken;
        } while (token.Length > 0);
        Assert.Equal(seen.Distinct().Count(), seen.Count);
        Assert.Contains(economy.Id, seen);
        Assert.Contains(finance.Id, seen);
    }

    [Fact]
    public async Task An_urging_cannot_ask_for_a_reply_by_a_day_already_gone()
    {
        var assignment = (await service.ImportAsync($"1,催办{Guid.NewGuid():N},措施,财政局,,,2026年9月30日前")).Single();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).DateTime);
        Google.Type.Date Day(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };

        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "reply_by", () => service.Office.UrgeAsync(new UrgeRequest
        {
            AssignmentId = assignment.Id, Message = "请加快推进", ReplyBy = Day(today.AddDays(-1)),
        }).ResponseAsync);
        var listed = await service.Office.ListNoticesAsync(new ListNoticesRequest { AssignmentId = assignment.Id, Kinds = { NoticeKind.Urged } });
        Assert.Empty(listed.Notices);

        var urged = await service.Office.UrgeAsync(new UrgeRequest { AssignmentId = assignment.Id, Message = "请加快推进", ReplyBy = Day(today) });
        Assert.Equal(NoticeKind.Urged, urged.Kind);
    }

    [Fact]
    public async Task Urgings_sent_at_once_without_a_request_id_are_all_raised_each_at_its_own_level()
    {
        var assignment = (await service.ImportAsync($"1,催办{Guid.NewGuid():N},措施,财政局,,,2026年9月30日前")).Single();
        const int urgings = 8;
        var start = new TaskCompletionSource();
        var calls = Enumerable.Range(0, urgings).Select(async i =>
        {
            await start.Task;
            return await service.Office.UrgeAsync(new UrgeRequest { AssignmentId = assignment.Id, Message = $"请加快推进（{i}）" });
        }).ToList();
        start.SetResult();
        var raised = await Task.WhenAll(calls);

        Assert.Equal(urgings, raised.Select(n => n.Id).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, urgings), raised.Select(n => n.Level).Order());
        var listed = await service.Office.ListNoticesAsync(new ListNoticesRequest { AssignmentId = assignment.Id, Kinds = { NoticeKind.Urged } });
        Assert.Equal(urgings, listed.Notices.Count);
    }

    [Fact]
    public async Task Urgings_sent_at_once_with_one_request_id_all_get_the_first_notice()
    {
        var assignment = (await service.ImportAsync($"1,催办{Guid.NewGuid():N},措施,财政局,,,2026年9月30日前")).Single();
        var requestId = "urge-" + Guid.NewGuid().ToString("N");
        var start = new TaskCompletionSource();
        var calls = Enumerable.Range(0, 6).Select(async _ =>
        {
            await start.Task;
            return await service.Office.UrgeAsync(new UrgeRequest { AssignmentId = assignment.Id, Message = "请加快推进", RequestId = requestId });
        }).ToList();
        start.SetResult();
        var raised = await Task.WhenAll(calls);

        Assert.Single(raised.Select(n => n.Id).Distinct());
        var listed = await service.Office.ListNoticesAsync(new ListNoticesRequest { AssignmentId = assignment.Id, Kinds = { NoticeKind.Urged } });
        Assert.Single(listed.Notices);
    }
}
