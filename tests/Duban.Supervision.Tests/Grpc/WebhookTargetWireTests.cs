using Duban.Contracts.Supervision.V1;
using Duban.Testing;
using Grpc.Core;

namespace Duban.Supervision.Tests.Grpc;

/// <summary>A supervision instance as configured by default (production): https only, no inside targets at all.</summary>
public class WebhookTargetWireTests(SupervisionFixture service) : IClassFixture<SupervisionFixture>
{
    [Theory]
    [InlineData("https://127.0.0.1/hooks/a", "loopback")]
    [InlineData("https://[::1]:8443/hooks/a", "loopback")]
    [InlineData("https://2130706433/", "loopback")]
    [InlineData("https://0x7f.1/", "loopback")]
    [InlineData("https://10.1.2.3/hook", "private")]
    [InlineData("https://169.254.169.254/latest/meta-data/", "link-local")]
    [InlineData("https://0.0.0.0/", "unspecified")]
    [InlineData("https://user:secret@hooks.example.cn/duban", "credentials")]
    [InlineData("http://hooks.example.cn/duban", "https")]
    public async Task A_subscription_to_an_inside_or_plain_http_target_is_refused_on_url(string url, string why)
    {
        var refused = await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "url", async () =>
            await service.Office.CreateWebhookSubscriptionAsync(new CreateWebhookSubscriptionRequest { Name = "内网探测", Url = url }));
        Assert.Contains(why, refused.Status.Detail);
        var all = await service.Office.ListWebhookSubscriptionsAsync(new ListWebhookSubscriptionsRequest { IncludeInactive = true });
        Assert.DoesNotContain(all.Subscriptions, s => s.Url == url);
    }

    [Fact]
    public async Task A_public_https_target_is_accepted()
    {
        var created = await service.Office.CreateWebhookSubscriptionAsync(new CreateWebhookSubscriptionRequest
        {
            Name = "外部系统", Url = "https://hooks.example.cn/duban", Secret = "s3cret-of-the-office-0123456789",
        });
        Assert.Equal("https://hooks.example.cn/duban", created.Url);
        await service.Office.DeactivateWebhookSubscriptionAsync(new DeactivateWebhookSubscriptionRequest { Id = created.Id });
    }
}
