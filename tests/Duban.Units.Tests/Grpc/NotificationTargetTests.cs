using Duban.Contracts.Units.V1;
using Duban.ServiceDefaults.Auth;
using Duban.Testing;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Duban.Units.Tests.Grpc;

/// <summary>A unit's group robots and a person's channels: set by the office, secrets read by the notifier only.</summary>
public class NotificationTargetTests(UnitsServiceFixture service) : IClassFixture<UnitsServiceFixture>
{
    private const string DingTalkUrl = "https://oapi.dingtalk.com/robot/send?access_token=0a1b2c3d4e";
    private const string WeComUrl = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx";

    private UnitsService.UnitsServiceClient Notifier => service.As(Guid.NewGuid().ToString(), "", DubanRoles.Service);

    private Task<Unit> SetBothAsync(Unit unit) => service.Office.SetUnitRobotsAsync(new SetUnitRobotsRequest
    {
        UnitId = unit.Id, Version = unit.Version, UpdateMask = FieldMask.FromString("dingtalk,wecom"),
        Dingtalk = new() { WebhookUrl = DingTalkUrl, Secret = "SECabc123" }, Wecom = new() { WebhookUrl = WeComUrl },
    }).ResponseAsync;

    [Fact]
    public async Task Robots_are_read_without_their_tokens_and_secret_and_the_notifier_gets_them_whole()
    {
        var unit = await service.CreateUnitAsync("机器人局", "district");
        var set = await SetBothAsync(unit);
        Assert.Equal(unit.Version + 1, set.Version);

        foreach (var read in new[] { set, await service.Office.GetUnitAsync(new GetUnitRequest { Id = unit.Id }),
                     await service.Staff.GetUnitAsync(new GetUnitRequest { Id = unit.Id }) })
        {
            Assert.Equal("https://oapi.dingtalk.com/robot/send", read.DingtalkRobot.WebhookAddress);
            Assert.True(read.DingtalkRobot.SecretSet);
            Assert.Equal("https://qyapi.weixin.qq.com/cgi-bin/webhook/send", read.WecomRobot.WebhookAddress);
            Assert.True(read.WecomRobot.KeySet);
            Assert.DoesNotContain("SECabc123", read.ToString());
            Assert.DoesNotContain("0a1b2c3d4e", read.ToString());
            Assert.DoesNotContain("693a91f6", read.ToString());
        }

        var targets = await Notifier.GetNotificationTargetsAsync(new GetNotificationTargetsRequest { UnitIds = { unit.Id } });
        var robots = targets.Units.Single();
        Assert.Equal((DingTalkUrl, "SECabc123", WeComUrl, "机器人局"),
            (robots.DingtalkWebhookUrl, robots.DingtalkSecret, robots.WecomWebhookUrl, robots.UnitName));
    }

    [Fact]
    public async Task A_robot_named_in_the_mask_without_a_url_is_removed_and_the_other_is_kept()
    {
        var unit = await SetBothAsync(await service.CreateUnitAsync("撤机器人局", "district"));
        var cleared = await service.Office.SetUnitRobotsAsync(new SetUnitRobotsRequest
        {
            UnitId = unit.Id, Version = unit.Version, UpdateMask = FieldMask.FromString("dingtalk"),
        });
        Assert.Null(cleared.DingtalkRobot);
        Assert.NotNull(cleared.WecomRobot);
        Assert.Equal(0, await service.CountAsync($"SELECT count(*) FROM units WHERE id = '{unit.Id}' AND (dingtalk_secret <> '' OR dingtalk_webhook_url <> '')"));
    }

    [Fact]
    public async Task Bad_robots_are_refused_field_by_field_and_nothing_is_stored()
    {
        var unit = await service.CreateUnitAsync("坏机器人局", "district");
        var ex = await Assert.ThrowsAsync<RpcException>(() => service.Office.SetUnitRobotsAsync(new SetUnitRobotsRequest
        {
            UnitId = unit.Id, Version = unit.Version, UpdateMask = FieldMask.FromString("dingtalk,wecom"),
            Dingtalk = new() { WebhookUrl = "http://oapi.dingtalk.com/robot/send?access_token=x", Secret = "" },
            Wecom = new() { WebhookUrl = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send" },
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var fields = RpcAssert.FieldsOf(ex);
        Assert.Contains("dingtalk.webhook_url", fields);
        Assert.Contains("dingtalk.secret", fields);
        Assert.Contains("wecom.webhook_url", fields);
        Assert.Equal(0, await service.CountAsync($"SELECT count(*) FROM units WHERE id = '{unit.Id}' AND (dingtalk_webhook_url <> '' OR wecom_webhook_url <> '')"));

        var stale = await Assert.ThrowsAsync<RpcException>(() => service.Office.SetUnitRobotsAsync(new SetUnitRobotsRequest
        {
            UnitId = unit.Id, Version = unit.Version + 5, UpdateMask = FieldMask.FromString("wecom"), Wecom = new() { WebhookUrl = WeComUrl },
        }).ResponseAsync);
        Assert.Equal(StatusCode.Aborted, stale.StatusCode);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => service.Office.SetUnitRobotsAsync(new SetUnitRobotsRequest
        {
            UnitId = Guid.NewGuid().ToString(), Version = 1, UpdateMask = FieldMask.FromString("wecom"), Wecom = new() { WebhookUrl = WeComUrl },
        }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Only_the_office_sets_robots_and_only_the_service_reads_targets()
    {
        var unit = await service.CreateUnitAsync("权限机器人局", "district");
        var lead = service.As(Guid.NewGuid().ToString(), unit.Id, DubanRoles.Lead);
        var denied = await Assert.ThrowsAsync<RpcException>(() => lead.SetUnitRobotsAsync(new SetUnitRobotsRequest
        {
            UnitId = unit.Id, Version = unit.Version, UpdateMask = FieldMask.FromString("wecom"), Wecom = new() { WebhookUrl = WeComUrl },
        }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        var secrets = await Assert.ThrowsAsync<RpcException>(() => service.Office.GetNotificationTargetsAsync(new GetNotificationTargetsRequest
        {
            UnitIds = { unit.Id },
        }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, secrets.StatusCode);
    }

    [Fact]
    public async Task Opt_outs_are_kept_as_a_set_shown_to_the_office_and_the_person_and_given_to_the_notifier()
    {
        var person = await service.Office.CreatePersonAsync(new CreatePersonRequest
        {
            Name = "免扰者", Email = "mianrao@park.example.cn", Phone = "13800000001",
            OptedOutChannels = { NotificationChannel.Sms, NotificationChannel.Sms },
        });
        Assert.Equal([NotificationChannel.Sms], person.OptedOutChannels);
        var updated = await service.Office.UpdatePersonAsync(new UpdatePersonRequest
        {
            Person = new Person { Id = person.Id, Version = person.Version, OptedOutChannels = { NotificationChannel.Wecom, NotificationChannel.Email } },
            UpdateMask = FieldMask.FromString("opted_out_channels"),
        });
        Assert.Equal([NotificationChannel.Email, NotificationChannel.Wecom], updated.OptedOutChannels);
        Assert.Equal("13800000001", updated.Phone);

        Assert.Empty((await service.Staff.GetPersonAsync(new GetPersonRequest { Id = person.Id })).OptedOutChannels);
        var self = service.As(person.Id, "", DubanRoles.Staff);
        Assert.Equal(2, (await self.GetPersonAsync(new GetPersonRequest { Id = person.Id })).OptedOutChannels.Count);

        var targets = await Notifier.GetNotificationTargetsAsync(new GetNotificationTargetsRequest { PersonIds = { person.Id, Guid.NewGuid().ToString() } });
        var target = targets.People.Single();
        Assert.Equal(("mianrao@park.example.cn", "13800000001", true), (target.Email, target.Phone, target.Active));
        Assert.Equal([NotificationChannel.Email, NotificationChannel.Wecom], target.OptedOutChannels);

        var bad = await Assert.ThrowsAsync<RpcException>(() => service.Office.UpdatePersonAsync(new UpdatePersonRequest
        {
            Person = new Person { Id = person.Id, Version = updated.Version, OptedOutChannels = { NotificationChannel.Unspecified } },
            UpdateMask = FieldMask.FromString("opted_out_channels"),
        }).ResponseAsync);
        Assert.Equal(["person.opted_out_channels[0]"], RpcAssert.FieldsOf(bad));
    }
}
