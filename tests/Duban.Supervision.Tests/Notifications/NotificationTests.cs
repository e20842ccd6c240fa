using System.Text.Json;
using Duban.Contracts.Supervision.V1;
using Duban.Contracts.Units.V1;
using Duban.ServiceDefaults.Auth;
using Duban.Supervision.Notifications;
using Duban.Testing;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Duban.Supervision.Tests.Notifications;

/// <summary>
/// Notices reaching people over real parts: e-mail through smtp4dev (read back through its API), 钉钉 and 企业微信 robots
/// and an SMS gateway on local receivers that check what the real ones check.
/// </summary>
public class NotificationTests(NotificationFixture service) : IClassFixture<NotificationFixture>
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private async Task<List<Duban.Harness.Mail.ReceivedMail>> MailToAsync(string address) =>
        (await service.Mail.MessagesAsync()).Where(m => m.To.Contains(address)).ToList();

    private static string Mail(string who) => $"{who}-{Guid.NewGuid():N}@park.example.cn";

    [Fact]
    public async Task An_overdue_notice_waits_for_the_digest_then_reaches_every_channel_once()
    {
        var unit = await service.NewUnitAsync("通知局");
        var (dingTalkUrl, secret, token) = service.Robots.NewDingTalkRobot();
        var (weComUrl, key) = service.Robots.NewWeComRobot();
        await service.UnitsOffice.SetUnitRobotsAsync(new SetUnitRobotsRequest
        {
            UnitId = unit.Id, Version = unit.Version, UpdateMask = FieldMask.FromString("dingtalk,wecom"),
            Dingtalk = new() { WebhookUrl = dingTalkUrl, Secret = secret }, Wecom = new() { WebhookUrl = weComUrl },
        });
        string leadMail = Mail("lead"), contactMail = Mail("contact");
        var mobile = "139" + Random.Shared.Next(10_000_000, 99_999_999);
        await service.NewPersonAsync("张局长", unit, UnitRole.Lead, leadMail, mobile);
        await service.NewPersonAsync("李联络", unit, UnitRole.Contact, contactMail);

        var (assignment, notice) = await service.RaiseOverdueAsync(unit, "通知测试道路改造");
        await NotificationFixture.RoundAsync(service.Supervision);

        var queued = await service.DeliveriesAsync(notice.Id);
        Assert.Equal(["Dingtalk", "Email", "Email", "Sms", "Wecom"], queued.Select(d => d.Channel.ToString()).Order());
        Assert.All(queued, d => Assert.Equal((DeliveryStatus.Pending, false), (d.Status, d.Immediate)));
        var due = TimeZoneInfo.ConvertTime(queued[0].NextAttemptTime.ToDateTimeOffset(), Shanghai);
        Assert.Equal(new TimeSpan(8, 30, 0), due.TimeOfDay);
        Assert.True(due > DateTimeOffset.UtcNow);
        // Not due yet: a round sends nothing.
        await NotificationFixture.RoundAsync(service.Supervision);
        Assert.Empty(await MailToAsync(leadMail));

        Assert.Equal(5, await service.DigestTimeComesAsync(notice.Id));
        await service.SendAllAsync();

        var delivered = await service.DeliveriesAsync(notice.Id);
        Assert.All(delivered, d => Assert.Equal((DeliveryStatus.Delivered, 1), (d.Status, d.AttemptCount)));
        var mail = Assert.Single(await MailToAsync(leadMail));
        Assert.Equal("督查督办每日提醒：已逾期1项", mail.Subject);
        var text = await service.Mail.PlainTextAsync(mail.Id);
        Assert.Contains("“通知测试道路改造”已于2026年4月30日到期未办结", text);
        Assert.Contains($"https://duban.park.example.cn/matters/{assignment.Id}", text);
        Assert.Contains("查看事项", await service.Mail.HtmlAsync(mail.Id));
        Assert.Single(await MailToAsync(contactMail));

        Assert.Empty(service.Robots.Refused);
        var ding = Assert.Single(service.Robots.For(token)).Json;
        Assert.Equal("markdown", ding.GetProperty("msgtype").GetString());
        Assert.Contains("通知测试道路改造", ding.GetProperty("markdown").GetProperty("text").GetString());
        Assert.Equal([mobile], ding.GetProperty("at").GetProperty("atMobiles").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("@" + mobile, ding.GetProperty("markdown").GetProperty("text").GetString());
        Assert.Contains("通知测试道路改造", Assert.Single(service.Robots.For(key)).Json.GetProperty("markdown").GetProperty("content").GetString());
        var sms = Assert.Single(service.Robots.For(mobile));
        Assert.Equal(NotificationFixture.SmsAuthorization, sms.Authorization);
        Assert.Contains("通知测试道路改造", sms.Json.GetProperty("content").GetString());

        // Delivered is final: more rounds send nothing again.
        await service.DigestTimeComesAsync(notice.Id);
        await service.SendAllAsync();
        Assert.Single(await MailToAsync(leadMail));
        Assert.Single(service.Robots.For(token));
    }

    [Fact]
    public async Task A_persons_new_notices_go_in_one_digest_and_an_opted_out_channel_gets_nothing()
    {
        var unit = await service.NewUnitAsync("汇总局");
        var leadMail = Mail("digest");
        var quietMail = Mail("optout");
        await service.NewPersonAsync("汇总局长", unit, UnitRole.Lead, leadMail);
        await service.NewPersonAsync("免扰联络", unit, UnitRole.Contact, quietMail, "", NotificationChannel.Email);
        var first = await service.RaiseOverdueAsync(unit, "汇总一号");
        var second = await service.RaiseOverdueAsync(unit, "汇总二号");
        await NotificationFixture.RoundAsync(service.Supervision);
        Assert.Equal(2, await service.DigestTimeComesAsync(first.Notice.Id, second.Notice.Id));
        await service.SendAllAsync();

        var mail = Assert.Single(await MailToAsync(leadMail));
        Assert.Equal("督查督办每日提醒：已逾期2项", mail.Subject);
        var text = await service.Mail.PlainTextAsync(mail.Id);
        Assert.Contains("汇总一号", text);
        Assert.Contains("汇总二号", text);
        Assert.Empty(await MailToAsync(quietMail));
        var rows = (await service.DeliveriesAsync(first.Notice.Id)).Concat(await service.DeliveriesAsync(second.Notice.Id)).ToList();
        Assert.Single(rows.Select(d => d.MessageId).Distinct());
    }

    [Fact]
    public async Task An_urge_goes_at_once_without_waiting_for_the_digest()
    {
        var unit = await service.NewUnitAsync("催办局");
        var leadMail = Mail("urged");
        await service.NewPersonAsync("催办局长", unit, UnitRole.Lead, leadMail);
        var assignment = (await service.ImportAsync($"1,催办即发,催办即发,{unit.ShortName},,,2026年12月31日前")).Single();
        var urged = await service.Office.UrgeAsync(new UrgeRequest { AssignmentId = assignment.Id, Message = "请本周内报送进展" });
        await service.NamedAsync(urged.Id);
        await service.SendAllAsync();

        var delivery = Assert.Single(await service.DeliveriesAsync(urged.Id));
        Assert.Equal((DeliveryStatus.Delivered, true), (delivery.Status, delivery.Immediate));
        var mail = Assert.Single(await MailToAsync(leadMail));
        Assert.StartsWith("督查督办提醒：【催办】", mail.Subject);
        Assert.Contains("请本周内报送进展", await service.Mail.PlainTextAsync(mail.Id));
    }

    [Fact]
    public async Task Two_dispatchers_sending_at_once_never_send_a_row_twice()
    {
        var unit = await service.NewUnitAsync("并发局");
        var mails = Enumerable.Range(0, 12).Select(i => Mail("both" + i)).ToList();
        for (var i = 0; i < mails.Count; i++)
            await service.NewPersonAsync($"并发{i}", unit, i == 0 ? UnitRole.Lead : UnitRole.Contact, mails[i]);
        var notices = new List<string>();
        for (var i = 0; i < 3; i++)
            notices.Add((await service.RaiseOverdueAsync(unit, $"并发事项{i}")).Notice.Id);

        await using var second = service.NewSupervision(service.Supervision.ConnectionString, followFeed: false);
        await second.StartAsync();
        // Both queue at once too: the unique (notice, channel, recipient) keeps one row each.
        await Task.WhenAll(NotificationFixture.RoundAsync(service.Supervision), NotificationFixture.RoundAsync(second));
        Assert.Equal(36, await service.CountAsync($"SELECT count(*) FROM notification_deliveries WHERE notice_id IN ('{string.Join("','", notices)}')"));
        await service.DigestTimeComesAsync([.. notices]);
        await Task.WhenAll(service.SendAllAsync(), service.SendAllAsync(second));

        foreach (var address in mails)
        {
            var received = await MailToAsync(address);
            Assert.StartsWith("督查督办每日提醒：已逾期3项", Assert.Single(received).Subject);
        }
        Assert.Equal(36, await service.CountAsync($"SELECT count(*) FROM notification_deliveries WHERE status = 2 AND attempt_count = 1 AND notice_id IN ('{string.Join("','", notices)}')"));
    }

    [Fact]
    public async Task A_sender_that_dies_holding_its_claim_loses_nothing_and_sends_nothing_twice()
    {
        var unit = await service.NewUnitAsync("宕机局");
        var mails = Enumerable.Range(0, 4).Select(i => Mail("crash" + i)).ToList();
        for (var i = 0; i < mails.Count; i++)
            await service.NewPersonAsync($"宕机{i}", unit, i == 0 ? UnitRole.Lead : UnitRole.Contact, mails[i]);
        var (_, notice) = await service.RaiseOverdueAsync(unit, "宕机事项");

        // A second instance queues the rows and claims them, then dies before sending a thing.
        var doomed = service.NewSupervision(service.Supervision.ConnectionString, followFeed: false);
        await doomed.StartAsync();
        await NotificationFixture.RoundAsync(doomed);
        await service.DigestTimeComesAsync(notice.Id);
        await using (var scope = doomed.Services.CreateAsyncScope())
        {
            var claimed = await scope.ServiceProvider.GetRequiredService<NotificationQueue>()
                .ClaimAsync(DateTimeOffset.UtcNow, TimeSpan.FromSeconds(3), 1000, CancellationToken.None);
            Assert.Equal(4, claimed.Count(c => c.Notice.NoticeId.ToString() == notice.Id));
        }
        await doomed.DisposeAsync();

        // While its lease runs nobody else sends them; after it, the survivor sends each once.
        await NotificationFixture.RoundAsync(service.Supervision);
        foreach (var address in mails)
            Assert.Empty(await MailToAsync(address));
        await Task.Delay(TimeSpan.FromSeconds(3.2));
        await service.SendAllAsync();
        foreach (var address in mails)
            Assert.Single(await MailToAsync(address));
        Assert.All(await service.DeliveriesAsync(notice.Id), d => Assert.Equal((DeliveryStatus.Delivered, 1), (d.Status, d.AttemptCount)));
    }

    [Fact]
    public async Task A_failing_gateway_is_retried_with_backoff_and_a_given_up_delivery_is_retried_by_the_office_only()
    {
        var unit = await service.NewUnitAsync("短信局");
        var mobile = "137" + Random.Shared.Next(10_000_000, 99_999_999);
        await service.NewPersonAsync("短信局长", unit, UnitRole.Lead, "", mobile);
        var (_, notice) = await service.RaiseOverdueAsync(unit, "短信事项");
        await NotificationFixture.RoundAsync(service.Supervision);
        await service.DigestTimeComesAsync(notice.Id);

        service.Robots.FailSmsWith = 503;
        try
        {
            var before = DateTimeOffset.UtcNow;
            await NotificationFixture.RoundAsync(service.Supervision);
            var failing = Assert.Single(await service.DeliveriesAsync(notice.Id));
            Assert.Equal((DeliveryStatus.Pending, 1, "status 503"), (failing.Status, failing.AttemptCount, failing.LastError));
            Assert.True(failing.NextAttemptTime.ToDateTimeOffset() > before);

            // Failing past the give-up age: FAILED, and left alone.
            await service.CountAsync($"WITH d AS (UPDATE notification_deliveries SET created_at = now() - interval '3 days', next_attempt_at = now() WHERE notice_id = '{notice.Id}' RETURNING 1) SELECT count(*) FROM d");
            await NotificationFixture.RoundAsync(service.Supervision);
        }
        finally
        {
            service.Robots.FailSmsWith = 0;
        }
        var failed = Assert.Single(await service.DeliveriesAsync(notice.Id));
        Assert.Equal((DeliveryStatus.Failed, 2), (failed.Status, failed.AttemptCount));
        Assert.Empty(service.Robots.For(mobile));

        var lead = service.SupervisionAs(DubanRoles.Lead, unit);
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, () => lead.RetryDeliveryAsync(new RetryDeliveryRequest { Id = failed.Id }).ResponseAsync);
        await RpcAssert.ThrowsAsync(StatusCode.NotFound, () => service.Office.RetryDeliveryAsync(new RetryDeliveryRequest { Id = Guid.NewGuid().ToString() }).ResponseAsync);
        var retried = await service.Office.RetryDeliveryAsync(new RetryDeliveryRequest { Id = failed.Id });
        Assert.Equal((DeliveryStatus.Pending, 0), (retried.Status, retried.AttemptCount));
        await service.SendAllAsync();
        Assert.Single(service.Robots.For(mobile));
        var again = await RpcAssert.ThrowsAsync(StatusCode.FailedPrecondition,
            () => service.Office.RetryDeliveryAsync(new RetryDeliveryRequest { Id = failed.Id }).ResponseAsync);
        Assert.Contains("delivered", again.Status.Detail);
    }

    [Fact]
    public async Task A_robot_gets_at_most_one_message_per_interval_and_what_waits_goes_together()
    {
        var unit = await service.NewUnitAsync("限流局");
        var (url, secret, token) = service.Robots.NewDingTalkRobot();
        await service.UnitsOffice.SetUnitRobotsAsync(new SetUnitRobotsRequest
        {
            UnitId = unit.Id, Version = unit.Version, UpdateMask = FieldMask.FromString("dingtalk"), Dingtalk = new() { WebhookUrl = url, Secret = secret },
        });
        var first = await service.RaiseOverdueAsync(unit, "限流一号");
        await NotificationFixture.RoundAsync(service.Supervision);
        await service.DigestTimeComesAsync(first.Notice.Id);
        await NotificationFixture.RoundAsync(service.Supervision);
        Assert.Single(service.Robots.For(token));

        var second = await service.RaiseOverdueAsync(unit, "限流二号");
        var third = await service.RaiseOverdueAsync(unit, "限流三号");
        await NotificationFixture.RoundAsync(service.Supervision);
        await service.DigestTimeComesAsync(second.Notice.Id, third.Notice.Id);
        await NotificationFixture.RoundAsync(service.Supervision);
        Assert.Single(service.Robots.For(token));
        var waiting = await service.DeliveriesAsync(second.Notice.Id);
        Assert.Equal((DeliveryStatus.Pending, 0), (waiting[0].Status, waiting[0].AttemptCount));

        await Task.Delay(TimeSpan.FromSeconds(3.2));
        await service.SendAllAsync();
        var messages = service.Robots.For(token);
        Assert.Equal(2, messages.Count);
        var text = messages[1].Json.GetProperty("markdown").GetProperty("text").GetString()!;
        Assert.Contains("限流二号", text);
        Assert.Contains("限流三号", text);
        Assert.Empty(service.Robots.Refused);
    }

    [Fact]
    public async Task The_office_edits_a_kinds_wording_and_unknown_placeholders_are_refused()
    {
        var listed = await service.Office.ListNotificationTemplatesAsync(new ListNotificationTemplatesRequest());
        var urged = listed.Templates.Single(t => t.Kind == NoticeKind.Urged);
        Assert.True(urged.IsDefault);

        var bad = await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "template", () => service.Office.UpdateNotificationTemplateAsync(
            new UpdateNotificationTemplateRequest { Kind = NoticeKind.Urged, Template = "{title}{负责人}{owner}", Version = urged.Version }).ResponseAsync);
        Assert.Equal(["template", "template"], RpcAssert.FieldsOf(bad));
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, () => service.SupervisionAs(DubanRoles.Lead, service.Economy).UpdateNotificationTemplateAsync(
            new UpdateNotificationTemplateRequest { Kind = NoticeKind.Urged, Template = "{title}", Version = urged.Version }).ResponseAsync);

        var updated = await service.Office.UpdateNotificationTemplateAsync(new UpdateNotificationTemplateRequest
        {
            Kind = NoticeKind.Urged, Template = "【督办提示】请{unit}抓紧“{title}”：{message}{link}", Version = urged.Version,
        });
        Assert.Equal((false, 1), (updated.IsDefault, updated.Version));
        await RpcAssert.ThrowsAsync(StatusCode.Aborted, () => service.Office.UpdateNotificationTemplateAsync(
            new UpdateNotificationTemplateRequest { Kind = NoticeKind.Urged, Template = "{title}", Version = 0 }).ResponseAsync);

        try
        {
            var unit = await service.NewUnitAsync("措辞局");
            var leadMail = Mail("wording");
            await service.NewPersonAsync("措辞局长", unit, UnitRole.Lead, leadMail);
            var assignment = (await service.ImportAsync($"1,措辞事项,措辞事项,{unit.ShortName},,,2026年12月31日前")).Single();
            var notice = await service.Office.UrgeAsync(new UrgeRequest { AssignmentId = assignment.Id, Message = "请加快" });
            await service.NamedAsync(notice.Id);
            await service.SendAllAsync();
            var mail = Assert.Single(await MailToAsync(leadMail));
            Assert.Contains($"【督办提示】请{unit.Name}抓紧“措辞事项”：请加快", await service.Mail.PlainTextAsync(mail.Id));
        }
        finally
        {
            // Back to the default, so other tests read the stock wording.
            await service.Office.UpdateNotificationTemplateAsync(new UpdateNotificationTemplateRequest { Kind = NoticeKind.Urged, Template = "", Version = 1 });
        }
        Assert.True((await service.Office.ListNotificationTemplatesAsync(new())).Templates.Single(t => t.Kind == NoticeKind.Urged).IsDefault);
    }

    [Fact]
    public async Task A_returned_explanation_reaches_the_owner_and_the_lead_units_people_at_once_in_the_offices_wording()
    {
        var unit = await service.NewUnitAsync("退回局");
        string ownerMail = Mail("returned-owner"), leadMail = Mail("returned-lead"), contactMail = Mail("returned-contact");
        await service.NewPersonAsync("退回局长", unit, UnitRole.Lead, leadMail);
        await service.NewPersonAsync("退回联络", unit, UnitRole.Contact, contactMail);
        var ownerName = "退回经办" + Guid.NewGuid().ToString("N")[..4];
        await service.NewPersonAsync(ownerName, unit, UnitRole.Staff, ownerMail);
        var assignment = (await service.ImportAsync($"1,退回事项,退回事项,{unit.ShortName},,{ownerName},2026年4月30日前")).Single();
        Assert.NotEmpty(assignment.OwnerPersonId);
        await service.Office.ScanNowAsync(new ScanNowRequest { AsOf = NotificationFixture.At(2026, 5, 2) });
        var overdue = (await service.Office.ListNoticesAsync(new ListNoticesRequest { AssignmentId = assignment.Id, Kinds = { NoticeKind.Overdue } })).Notices.Single();
        var lead = service.SupervisionAs(DubanRoles.Lead, unit);

        var explanation = await lead.SubmitExplanationAsync(new SubmitExplanationRequest { NoticeId = overdue.Id, Reasons = "施工单位进场延误" });
        await service.Office.DecideExplanationAsync(new DecideExplanationRequest { Id = explanation.Id, Accept = false, Remark = "请写明整改时限并附佐证材料" });
        var returned = (await service.Office.ListNoticesAsync(new ListNoticesRequest { AssignmentId = assignment.Id, Kinds = { NoticeKind.ExplanationReturned } }))
            .Notices.Single();
        Assert.Equal(("请写明整改时限并附佐证材料", NoticeStatus.Open), (returned.Message, returned.Status));
        await service.NamedAsync(returned.Id);
        await service.SendAllAsync();

        // At once, without the digest, to the owner and the lead unit's lead and contact; the overdue notice still waits for its digest.
        var told = await service.DeliveriesAsync(returned.Id);
        Assert.Equal(3, told.Count);
        Assert.All(told, d => Assert.Equal((DeliveryChannel.Email, DeliveryStatus.Delivered, true), (d.Channel, d.Status, d.Immediate)));
        Assert.All(await service.DeliveriesAsync(overdue.Id), d => Assert.Equal(DeliveryStatus.Pending, d.Status));
        foreach (var address in new[] { ownerMail, leadMail, contactMail })
        {
            var mail = Assert.Single(await MailToAsync(address));
            Assert.Equal("督查督办提醒：【情况说明退回】退回事项", mail.Subject);
            Assert.Contains($"【情况说明退回】{unit.Name}牵头的“退回事项”的情况说明已退回，请修改后重新报送。请写明整改时限并附佐证材料", await service.Mail.PlainTextAsync(mail.Id));
        }

        // The office's own wording for returns; a second return is a second notice, told again.
        var template = (await service.Office.ListNotificationTemplatesAsync(new())).Templates.Single(t => t.Kind == NoticeKind.ExplanationReturned);
        Assert.True(template.IsDefault);
        await service.Office.UpdateNotificationTemplateAsync(new UpdateNotificationTemplateRequest
        {
            Kind = NoticeKind.ExplanationReturned, Template = "【情况说明退回】{title}：{message}", Version = template.Version,
        });
        try
        {
            var again = await lead.SubmitExplanationAsync(new SubmitExplanationRequest { NoticeId = overdue.Id, Reasons = "施工单位进场延误，6月15日前完成" });
            await service.Office.DecideExplanationAsync(new DecideExplanationRequest { Id = again.Id, Accept = false, Remark = "佐证材料仍未附上" });
            var second = (await service.Office.ListNoticesAsync(new ListNoticesRequest { AssignmentId = assignment.Id, Kinds = { NoticeKind.ExplanationReturned } }))
                .Notices.Single(n => n.Id != returned.Id);
            await service.NamedAsync(second.Id);
            await service.SendAllAsync();
            var mails = await MailToAsync(leadMail);
            Assert.Equal(2, mails.Count);
            Assert.Contains("【情况说明退回】退回事项：佐证材料仍未附上", await service.Mail.PlainTextAsync(mails[1].Id));
        }
        finally
        {
            await service.Office.UpdateNotificationTemplateAsync(new UpdateNotificationTemplateRequest { Kind = NoticeKind.ExplanationReturned, Template = "", Version = 1 });
        }

        // An accepted explanation tells nobody anything new.
        var third = await lead.SubmitExplanationAsync(new SubmitExplanationRequest { NoticeId = overdue.Id, Reasons = "已附佐证材料" });
        await service.Office.DecideExplanationAsync(new DecideExplanationRequest { Id = third.Id, Accept = true });
        Assert.Equal(2, (await service.Office.ListNoticesAsync(new ListNoticesRequest { AssignmentId = assignment.Id, Kinds = { NoticeKind.ExplanationReturned } }))
            .Notices.Count);
    }

    [Fact]
    public async Task Deliveries_are_listed_to_the_office_and_to_the_person_themself_only()
    {
        var unit = await service.NewUnitAsync("查询局");
        var person = await service.NewPersonAsync("查询局长", unit, UnitRole.Lead, Mail("list"));
        var (_, notice) = await service.RaiseOverdueAsync(unit, "查询事项");
        await NotificationFixture.RoundAsync(service.Supervision);

        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, () => service.SupervisionAs(DubanRoles.Lead, unit)
            .ListDeliveriesAsync(new ListDeliveriesRequest { PersonId = person.Id }).ResponseAsync);
        var self = new SupervisionService.SupervisionServiceClient(service.Supervision.Channel(
            Duban.ServiceDefaults.Auth.LocalTokens.Mint(TestTokens.Key, person.Id, unit.Id, [DubanRoles.Lead], TimeSpan.FromHours(1))));
        var mine = await self.ListDeliveriesAsync(new ListDeliveriesRequest { PersonId = person.Id });
        Assert.Equal(notice.Id, Assert.Single(mine.Deliveries).NoticeId);
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "notice_id", () => service.Office.ListDeliveriesAsync(new ListDeliveriesRequest()).ResponseAsync);
        await RpcAssert.ThrowsAsync(StatusCode.NotFound, () => service.Office.ListDeliveriesAsync(new ListDeliveriesRequest { NoticeId = Guid.NewGuid().ToString() }).ResponseAsync);
    }

    [Fact]
    public async Task Templates_and_deliveries_answer_over_json_as_readme_calls_them()
    {
        var unit = await service.NewUnitAsync("接口局");
        await service.NewPersonAsync("接口局长", unit, UnitRole.Lead, Mail("json"));
        var (_, notice) = await service.RaiseOverdueAsync(unit, "接口事项");
        await NotificationFixture.RoundAsync(service.Supervision);

        using var http = service.Supervision.Http(NotificationFixture.Token(DubanRoles.Office));
        using var templates = JsonDocument.Parse(await http.GetStringAsync("/v1/notificationTemplates"));
        Assert.Contains(templates.RootElement.GetProperty("templates").EnumerateArray(),
            t => t.GetProperty("kind").GetString() == "NOTICE_KIND_URGED" && t.GetProperty("template").GetString()!.Contains("催办"));
        using var deliveries = JsonDocument.Parse(await http.GetStringAsync($"/v1/deliveries?noticeId={notice.Id}"));
        var row = Assert.Single(deliveries.RootElement.GetProperty("deliveries").EnumerateArray());
        Assert.Equal(("DELIVERY_CHANNEL_EMAIL", "接口局长", "DELIVERY_STATUS_PENDING"),
            (row.GetProperty("channel").GetString(), row.GetProperty("recipientName").GetString(), row.GetProperty("status").GetString()));
    }
}
