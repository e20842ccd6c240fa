using Duban.Contracts.Supervision.V1;
using Duban.ServiceDefaults.Auth;
using Duban.Supervision.Tests.Webhooks;
using Duban.Testing;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Duban.Supervision.Tests.Grpc;

/// <summary>
/// Outgoing webhooks over the full wire: notices raised by a scan reach a receiver on loopback, signed, once; a
/// receiver that is down gets them when it is back; a replay sends the same event under a new delivery id.
/// </summary>
public class WebhookTests(WebhookFixture service) : IClassFixture<WebhookFixture>
{
    private const string Secret = "s3cret-of-the-office-0123456789";

    private static Timestamp At(int year, int month, int day, int hour = 12) =>
        Timestamp.FromDateTimeOffset(new DateTimeOffset(year, month, day, hour, 0, 0, TimeSpan.FromHours(8)));

    private WebhookReceiver Receiver => service.Receiver;

    private async Task<(string Hook, WebhookSubscription Subscription)> SubscribeAsync(string? url = null, string secret = Secret,
        NoticeKind[]? kinds = null, string leadUnitId = "")
    {
        var hook = "hook" + Guid.NewGuid().ToString("N")[..8];
        var subscription = await service.Office.CreateWebhookSubscriptionAsync(new CreateWebhookSubscriptionRequest
        {
            Name = "督办平台 " + hook, Url = url ?? Receiver.UrlOf(hook), Secret = secret, Kinds = { kinds ?? [] }, LeadUnitId = leadUnitId,
        });
        Receiver.Expect(hook, subscription.Secret);
        return (hook, subscription);
    }

    /// <summary>Imports one assignment due 2026-04-30 and scans as of 2026-05-02: it is overdue. Returns its OVERDUE notice.</summary>
    private async Task<Notice> RaiseOverdueAsync(string unitShortName)
    {
        var assignment = (await service.ImportAsync($"1,推送{Guid.NewGuid():N},措施,{unitShortName},,,2026年4月30日前")).Single();
        await service.Office.ScanNowAsync(new ScanNowRequest { AsOf = At(2026, 5, 2) });
        var notices = await service.Office.ListNoticesAsync(new ListNoticesRequest { AssignmentId = assignment.Id, Kinds = { NoticeKind.Overdue } });
        return notices.Notices.Single();
    }

    private async Task<List<WebhookDelivery>> DeliveriesAsync(string subscriptionId, string noticeId = "") =>
        (await service.Office.ListWebhookDeliveriesAsync(new ListWebhookDeliveriesRequest { SubscriptionId = subscriptionId, NoticeId = noticeId, PageSize = 1000 }))
        .Deliveries.ToList();

    /// <summary>Polls the API until every delivery of the subscription (at least one) has left PENDING.</summary>
    private async Task<List<WebhookDelivery>> SettledAsync(string subscriptionId, string noticeId = "", int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var deliveries = await DeliveriesAsync(subscriptionId, noticeId);
            if (deliveries.Count > 0 && deliveries.All(d => d.Status != WebhookDeliveryStatus.Pending))
                return deliveries;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"deliveries still pending after {seconds} s: {string.Join("; ", deliveries.Select(d => $"{d.Status} {d.AttemptCount} {d.LastError}"))}");
            await Task.Delay(25);
        }
    }

    [Fact]
    public async Task A_notice_raised_by_a_scan_reaches_the_receiver_once_signed_and_with_the_three_headers()
    {
        var (hook, subscription) = await SubscribeAsync(kinds: [NoticeKind.Overdue], leadUnitId: service.Economy.Id);
        Assert.Equal(Secret, subscription.Secret);
        var notice = await RaiseOverdueAsync("经发局");
        var other = await RaiseOverdueAsync("财政局"); // another lead unit: filtered out

        var delivery = Assert.Single(await SettledAsync(subscription.Id, notice.Id));
        Assert.Equal((WebhookDeliveryStatus.Delivered, 1, 200), (delivery.Status, delivery.AttemptCount, delivery.LastStatusCode));
        Assert.Empty(await DeliveriesAsync(subscription.Id, other.Id));

        // Delivered is final: the row is never claimed again, so what arrived is all that will.
        var received = Assert.Single(Receiver.Of(hook), r => r.EventId == notice.Id);
        Assert.True(received.SignatureValid);
        Assert.Equal((delivery.Id, notice.Id, "application/json"), (received.DeliveryId, received.EventId, received.ContentType));
        var json = received.Json;
        Assert.Equal(delivery.Id, json.GetProperty("deliveryId").GetString());
        Assert.Equal(notice.Id, json.GetProperty("eventId").GetString());
        Assert.Equal(subscription.Id, json.GetProperty("subscriptionId").GetString());
        Assert.Equal("NOTICE_KIND_OVERDUE", json.GetProperty("notice").GetProperty("kind").GetString());
        Assert.Equal(notice.Title, json.GetProperty("notice").GetProperty("title").GetString());
        Assert.Equal(service.Economy.Id, json.GetProperty("notice").GetProperty("leadUnitId").GetString());
        Assert.Equal("2026-04-30", json.GetProperty("notice").GetProperty("dueDate").GetString());
        Assert.All(Receiver.Of(hook), r => Assert.True(r.SignatureValid));
    }

    [Fact]
    public async Task A_receiver_answering_503_for_a_while_gets_every_event_once_it_recovers()
    {
        var (hook, subscription) = await SubscribeAsync(secret: "", leadUnitId: service.Finance.Id);
        Assert.True(subscription.Secret.Length >= 16, "a secret is generated when none is given");
        Receiver.FailWith(hook, 503);
        var notice = await RaiseOverdueAsync("财政局");

        // Several rounds fail (each with its quick retry), and the delivery stays pending: rescheduled, not dropped.
        await Receiver.WaitAsync(hook, seen => seen.Count(r => r.EventId == notice.Id) >= 4);
        var waiting = Assert.Single(await DeliveriesAsync(subscription.Id, notice.Id));
        Assert.Equal(WebhookDeliveryStatus.Pending, waiting.Status);
        Assert.True(waiting.AttemptCount >= 1);
        Assert.Equal(503, waiting.LastStatusCode);

        Receiver.FailWith(hook, null);
        var deliveries = await SettledAsync(subscription.Id);
        Assert.All(deliveries, d => Assert.Equal(WebhookDeliveryStatus.Delivered, d.Status));

        var received = Receiver.Of(hook);
        Assert.All(received, r => Assert.True(r.SignatureValid));
        foreach (var group in received.GroupBy(r => r.EventId))
        {
            // Retries of one delivery only: one delivery id per event, and exactly one success.
            Assert.Single(group.Select(r => r.DeliveryId).Distinct());
            Assert.Single(group, r => r.Answered == 200);
        }
        Assert.Equal(deliveries.Select(d => d.NoticeId).Order(), received.Select(r => r.EventId).Distinct().Order());
        Assert.Contains(notice.Id, received.Select(r => r.EventId));
    }

    [Fact]
    public async Task A_receiver_that_is_not_listening_gets_the_delivery_when_it_starts()
    {
        var port = WebhookReceiver.FreePort();
        var (hook, subscription) = await SubscribeAsync(url: $"http://127.0.0.1:{port}/hooks/late", kinds: [NoticeKind.Overdue],
            leadUnitId: service.Finance.Id);
        var notice = await RaiseOverdueAsync("财政局");

        var deadline = DateTime.UtcNow.AddSeconds(20);
        WebhookDelivery? failing;
        while ((failing = (await DeliveriesAsync(subscription.Id, notice.Id)).SingleOrDefault()) is not { AttemptCount: >= 2 })
        {
            Assert.True(DateTime.UtcNow < deadline, "the delivery was not attempted twice in 20 s");
            await Task.Delay(25);
        }
        Assert.Equal(WebhookDeliveryStatus.Pending, failing.Status);
        // A category, not the socket's message.
        Assert.Equal("connection refused", failing.LastError);

        await using var late = await WebhookReceiver.StartAsync(port);
        late.Expect("late", Secret);
        var delivered = Assert.Single(await SettledAsync(subscription.Id, notice.Id));
        Assert.Equal(WebhookDeliveryStatus.Delivered, delivered.Status);
        var received = Assert.Single(late.Of("late"), r => r.EventId == notice.Id);
        Assert.True(received.SignatureValid);
        Assert.Equal(delivered.Id, received.DeliveryId);
        Assert.Empty(Receiver.Of(hook));
    }

    [Fact]
    public async Task A_name_that_resolves_to_loopback_is_refused_at_delivery_although_its_address_is_allowed()
    {
        // "localhost" is a name: accepted at subscription, resolved when sending. It lands on 127.0.0.1 (and ::1), which the
        // allow-list names only as an address written in a URL, so nothing is sent.
        var hook = "hook" + Guid.NewGuid().ToString("N")[..8];
        var (_, subscription) = await SubscribeAsync(url: Receiver.UrlOf(hook).Replace("127.0.0.1", "localhost"), kinds: [NoticeKind.Overdue],
            leadUnitId: service.Economy.Id);
        Assert.Contains("localhost", subscription.Url);
        var notice = await RaiseOverdueAsync("经发局");

        var deadline = DateTime.UtcNow.AddSeconds(20);
        WebhookDelivery? refused;
        while ((refused = (await DeliveriesAsync(subscription.Id, notice.Id)).SingleOrDefault()) is not { AttemptCount: >= 2 })
        {
            Assert.True(DateTime.UtcNow < deadline, "the delivery was not attempted twice in 20 s");
            await Task.Delay(25);
        }
        Assert.Equal((WebhookDeliveryStatus.Pending, "refused: loopback address", 0), (refused.Status, refused.LastError, refused.LastStatusCode));
        // The receiver was listening all along: nothing reached it.
        Assert.Empty(Receiver.Of(hook));
    }

    [Fact]
    public async Task A_replay_sends_the_same_event_again_under_a_new_delivery_id()
    {
        var (hook, subscription) = await SubscribeAsync(kinds: [NoticeKind.Overdue], leadUnitId: service.Economy.Id);
        var notice = await RaiseOverdueAsync("经发局");
        var first = Assert.Single(await SettledAsync(subscription.Id, notice.Id));

        var replay = await service.Office.ReplayWebhookDeliveriesAsync(new ReplayWebhookDeliveriesRequest
        {
            SubscriptionId = subscription.Id, Since = notice.RaiseTime, RequestId = "replay-" + hook,
        });
        Assert.True(replay.Enqueued >= 1);
        // The same request id again: nothing more is enqueued, and the first result comes back.
        var again = await service.Office.ReplayWebhookDeliveriesAsync(new ReplayWebhookDeliveriesRequest
        {
            SubscriptionId = subscription.Id, Since = notice.RaiseTime, RequestId = "replay-" + hook,
        });
        Assert.Equal((replay.ReplayId, replay.Enqueued), (again.ReplayId, again.Enqueued));

        var deliveries = await SettledAsync(subscription.Id, notice.Id);
        Assert.Equal(2, deliveries.Count);
        var second = Assert.Single(deliveries, d => d.Id != first.Id);
        Assert.Equal(replay.ReplayId, second.ReplayId);
        Assert.Equal(WebhookDeliveryStatus.Delivered, second.Status);

        var received = Receiver.Of(hook).Where(r => r.EventId == notice.Id).ToList();
        Assert.Equal(new[] { first.Id, second.Id }.Order(), received.Select(r => r.DeliveryId).Order());
        Assert.All(received, r => Assert.True(r.SignatureValid));
        Assert.Equal(2, received.Count);
    }

    [Fact]
    public async Task Only_the_office_manages_webhooks_and_bad_input_names_the_field()
    {
        var request = new CreateWebhookSubscriptionRequest { Name = "外部系统", Url = "https://hooks.example.cn/duban", Secret = Secret };
        foreach (var caller in new[] { service.SupervisionAs(DubanRoles.Lead, service.Economy), service.SupervisionAs(DubanRoles.Scheduler),
                     service.SupervisionAs(DubanRoles.Service) })
        {
            await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () => await caller.CreateWebhookSubscriptionAsync(request));
            await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () => await caller.ListWebhookSubscriptionsAsync(new ListWebhookSubscriptionsRequest()));
        }

        foreach (var url in new[] { "", "hooks.example.cn/duban", "/duban", "ftp://hooks.example.cn/duban", "javascript:alert(1)",
                     // Inside addresses the allow-list does not name, in any spelling, and credentials even to an allowed one.
                     "http://127.0.0.2/hooks/x", "http://2130706434/", "http://0x7f.2/", "http://[::1]/", "http://[::ffff:127.0.0.2]/",
                     "http://10.0.0.8/", "http://169.254.169.254/latest/meta-data/", "http://0.0.0.0/", "http://user:pw@127.0.0.1/hooks/x" })
            await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "url", async () =>
                await service.Office.CreateWebhookSubscriptionAsync(new CreateWebhookSubscriptionRequest { Name = "x", Url = url }));
        // An id that is no id is refused with the request's shape, before the service's own rules are read.
        var malformed = await RpcAssert.ThrowsAsync(StatusCode.InvalidArgument, async () =>
            await service.Office.CreateWebhookSubscriptionAsync(new CreateWebhookSubscriptionRequest { Url = "ftp://x", Secret = "short", LeadUnitId = "nope" }));
        Assert.Equal(["lead_unit_id"], RpcAssert.FieldsOf(malformed));
        var bad = await RpcAssert.ThrowsAsync(StatusCode.InvalidArgument, async () =>
            await service.Office.CreateWebhookSubscriptionAsync(new CreateWebhookSubscriptionRequest { Url = "ftp://x", Secret = "short" }));
        Assert.Equal(["name", "url", "secret"], RpcAssert.FieldsOf(bad));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "since", async () =>
            await service.Office.ReplayWebhookDeliveriesAsync(new ReplayWebhookDeliveriesRequest { SubscriptionId = Guid.NewGuid().ToString() }));

        // The secret leaves the service once; a deactivated subscription lists as such and cannot be replayed.
        var created = await service.Office.CreateWebhookSubscriptionAsync(request);
        var listed = (await service.Office.ListWebhookSubscriptionsAsync(new ListWebhookSubscriptionsRequest())).Subscriptions.Single(s => s.Id == created.Id);
        Assert.Equal("", listed.Secret);
        var deactivated = await service.Office.DeactivateWebhookSubscriptionAsync(new DeactivateWebhookSubscriptionRequest { Id = created.Id });
        Assert.False(deactivated.Active);
        Assert.DoesNotContain(created.Id, (await service.Office.ListWebhookSubscriptionsAsync(new ListWebhookSubscriptionsRequest())).Subscriptions.Select(s => s.Id));
        Assert.Contains(created.Id, (await service.Office.ListWebhookSubscriptionsAsync(new ListWebhookSubscriptionsRequest { IncludeInactive = true }))
            .Subscriptions.Select(s => s.Id));
        await RpcAssert.ThrowsAsync(StatusCode.FailedPrecondition, async () =>
            await service.Office.ReplayWebhookDeliveriesAsync(new ReplayWebhookDeliveriesRequest { SubscriptionId = created.Id, Since = At(2026, 1, 1) }));
    }
}
