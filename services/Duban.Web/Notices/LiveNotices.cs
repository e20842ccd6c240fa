using Duban.Web.Components.Shared;
using Duban.Web.Signing;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Supervision = Duban.Contracts.Supervision.V1;

namespace Duban.Web.Notices;

/// <summary>
/// Live notices by long polling (no WebSocket needed, as on intranets whose proxies drop them): the page asks for the
/// notices raised after the last one it has, and the answer waits until one is raised or <see cref="Wait"/> passes.
/// Underneath, supervision's WatchNotices with the person's token: the office hears every notice, a unit its own
/// subtree's.
/// </summary>
public static class LiveNotices
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(25);

    /// <summary>After the first notice, a moment more for the others raised by the same scan, so they come in one answer.</summary>
    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(300);

    public sealed record LiveNotice(string Id, string AssignmentId, string Kind, string Message, string Unit, DateTimeOffset RaiseTime);

    public static void MapLiveNotices(this WebApplication app)
    {
        app.MapGet("/notices/live", async (DateTimeOffset? after, HttpContext http, Supervision.SupervisionService.SupervisionServiceClient supervision,
            TimeProvider clock) =>
        {
            var user = WorkbenchUser.From(http.User);
            var since = after ?? clock.GetUtcNow();
            // The backlog covers the time since the page was drawn (whole hours back); older ones are filtered out below.
            var backlog = (int)Math.Clamp(Math.Ceiling((clock.GetUtcNow() - since).TotalHours), 0, 24 * 7);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
            timeout.CancelAfter(Wait);
            var found = new List<LiveNotice>();
            try
            {
                using var call = supervision.WatchNotices(new Supervision.WatchNoticesRequest
                {
                    LeadUnitId = user.IsOffice ? "" : user.UnitId, IncludeSubtree = !user.IsOffice, BacklogHours = backlog,
                }, cancellationToken: timeout.Token);
                while (await call.ResponseStream.MoveNext(timeout.Token))
                {
                    var n = call.ResponseStream.Current;
                    if (n.RaiseTime is null || n.RaiseTime.ToDateTimeOffset() <= since)
                        continue;
                    found.Add(new LiveNotice(n.Id, n.AssignmentId, Labels.Notice(n), n.Message, n.LeadUnitName, n.RaiseTime.ToDateTimeOffset()));
                    if (found.Count == 1)
                        timeout.CancelAfter(Gather);
                }
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled || timeout.IsCancellationRequested)
            {
                // The wait is over: what was found so far is the answer.
            }
            catch (OperationCanceledException) when (!http.RequestAborted.IsCancellationRequested)
            {
            }
            catch (RpcException e)
            {
                return Results.Json(new { error = ServiceErrors.Describe(e) }, statusCode: ServiceErrors.HttpStatus(e));
            }
            return Results.Json(new { notices = found.OrderBy(n => n.RaiseTime) });
        });
    }
}
