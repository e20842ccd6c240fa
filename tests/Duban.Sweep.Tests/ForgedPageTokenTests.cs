using Duban.Contracts.Supervision.V1;
using Duban.Contracts.Tasks.V1;
using Duban.Contracts.Units.V1;
using Duban.ServiceDefaults.Paging;
using Duban.Testing;
using Grpc.Core;

namespace Duban.Sweep.Tests;

/// <summary>
/// A page token made by hand for the right query, with a seal that checks out (the seal finds damage, not forgery),
/// but a last key the list never gave out: refused on page_token, never a crash.
/// </summary>
[Collection(ThreeServicesCollection.Name)]
public class ForgedPageTokenTests(ThreeServicesFixture services)
{
    public static TheoryData<string> MalformedKeys => ["not-a-key", "", "|", "1|not-a-guid", "99999999999999999999|x", "-1|00000000-0000-0000-0000-000000000000"];

    private static readonly Guid Subscription = Guid.NewGuid();

    /// <summary>Each list whose fingerprint for an empty request is plain, and the call with a forged token.</summary>
    private Func<string, Task> ListCall(string list) => list switch
    {
        "people" => token => new UnitsService.UnitsServiceClient(services.Units.Channel(services.Token))
            .ListPeopleAsync(new ListPeopleRequest { PageToken = PageToken.Encode("people|||", token) }).ResponseAsync,
        "collectives" => token => new UnitsService.UnitsServiceClient(services.Units.Channel(services.Token))
            .ListCollectivesAsync(new ListCollectivesRequest { PageToken = PageToken.Encode("collectives||False", token) }).ResponseAsync,
        "plans" => token => new TasksService.TasksServiceClient(services.Tasks.Channel(services.Token))
            .ListPlansAsync(new ListPlansRequest { PageToken = PageToken.Encode("plans|", token) }).ResponseAsync,
        "reviews" => token => Supervision.ListWeeklyReviewsAsync(new ListWeeklyReviewsRequest { PageToken = PageToken.Encode("reviews||", token) }).ResponseAsync,
        "webhooks" => token => Supervision.ListWebhookSubscriptionsAsync(
            new ListWebhookSubscriptionsRequest { PageToken = PageToken.Encode("webhooks|False", token) }).ResponseAsync,
        "deliveries" => token => Supervision.ListWebhookDeliveriesAsync(new ListWebhookDeliveriesRequest
        {
            SubscriptionId = Subscription.ToString(), PageToken = PageToken.Encode($"webhook-deliveries|{Subscription}||", token),
        }).ResponseAsync,
        "notices" => token => Supervision.ListNoticesAsync(new ListNoticesRequest { PageToken = PageToken.Encode("notices-by-urgency||False|||||", token) }).ResponseAsync,
        _ => throw new ArgumentOutOfRangeException(nameof(list)),
    };

    private SupervisionService.SupervisionServiceClient Supervision => new(services.Supervision.Channel(services.Token));

    [Theory]
    [MemberData(nameof(MalformedKeys))]
    public async Task A_sealed_token_with_a_malformed_key_is_refused_on_page_token(string key)
    {
        foreach (var list in new[] { "people", "collectives", "plans", "reviews", "webhooks", "deliveries", "notices" })
        {
            var ex = await RpcAssert.ThrowsAsync(StatusCode.InvalidArgument, () => ListCall(list)(key));
            Assert.True(RpcAssert.FieldsOf(ex).Contains("page_token"), $"{list}: {ex.Status.Detail}");
            // Refused for its key, not for belonging to another query (which A_well_formed_key_… rules out).
            Assert.DoesNotContain("does not belong", ex.Status.Detail);
        }
    }

    [Fact]
    public async Task A_well_formed_key_under_the_same_fingerprint_is_accepted()
    {
        var guid = Guid.Empty.ToString();
        foreach (var (list, key) in new[]
        {
            ("people", guid), ("collectives", guid), ("plans", guid), ("reviews", guid), ("webhooks", guid), ("deliveries", $"{DateTimeOffset.UtcNow.UtcTicks}|{guid}"),
            ("notices", $"1|{DateOnly.FromDateTime(DateTime.UtcNow).DayNumber}|{guid}"),
        })
            await ListCall(list)(key);
    }
}
