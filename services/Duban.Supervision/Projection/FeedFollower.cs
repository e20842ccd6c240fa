using System.Diagnostics.Metrics;
using Duban.Supervision.Data;
using Microsoft.EntityFrameworkCore;
using Contract = Duban.Contracts.Tasks.V1;

namespace Duban.Supervision.Projection;

public sealed class ProjectionOptions
{
    public const string Section = "Projection";

    /// <summary>Follow the tasks feed (turn off only for a replica that must not read it).</summary>
    public bool Enabled { get; set; } = true;
    /// <summary>Events per catch-up page.</summary>
    public int BatchSize { get; set; } = 2000;
}

/// <summary>
/// Follows the tasks service's feed into the projection: pages of ListEvents from the stored cursor until
/// caught up, then a WatchEvents stream that wakes it for the next event; any break (either service
/// restarting) resumes from the stored cursor after a short, growing pause.
/// </summary>
public sealed class FeedFollower(IServiceScopeFactory scopes, Contract.TasksService.TasksServiceClient tasks,
    Microsoft.Extensions.Options.IOptions<ProjectionOptions> options, TimeProvider time, ILogger<FeedFollower> logger) : BackgroundService
{
    public static readonly Meter Meter = new("Duban.Supervision");
    private double _lagSeconds;

    public double LagSeconds => Volatile.Read(ref _lagSeconds);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
            return;
        Meter.CreateObservableGauge("duban.projection.lag", () => LagSeconds, "s", "How far the projection is behind the tasks feed");
        var pause = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var cursor = await CatchUpAsync(await StoredCursorAsync(stoppingToken), stoppingToken);
                await WaitForNextAsync(cursor, stoppingToken);
                pause = TimeSpan.FromMilliseconds(200);
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                // Shutting down: the open stream ends with it.
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Whatever broke (a service restarting, a bad event), the cursor is stored: resume from it.
                logger.LogWarning(ex, "Following the tasks feed stopped; resuming in {Pause}", pause);
                await Task.Delay(pause, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    private async Task<string> CatchUpAsync(string cursor, CancellationToken ct)
    {
        while (true)
        {
            var page = await tasks.ListEventsAsync(new Contract.ListEventsRequest { AfterCursor = cursor, Limit = options.Value.BatchSize },
                deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct);
            if (page.Events.Count == 0)
            {
                Volatile.Write(ref _lagSeconds, 0);
                return cursor;
            }
            await using (var scope = scopes.CreateAsyncScope())
                await scope.ServiceProvider.GetRequiredService<ProjectionApplier>().ApplyAsync(page.Events, page.NextCursor, ct);
            cursor = page.NextCursor;
            Volatile.Write(ref _lagSeconds, Math.Max(0, (time.GetUtcNow() - page.Events[^1].Time.ToDateTimeOffset()).TotalSeconds));
        }
    }

    /// <summary>Blocks until the feed has something after <paramref name="cursor"/>; heartbeats keep the stream alive.</summary>
    private async Task WaitForNextAsync(string cursor, CancellationToken ct)
    {
        using var watch = tasks.WatchEvents(new Contract.WatchEventsRequest { AfterCursor = cursor, HeartbeatSeconds = 5 }, cancellationToken: ct);
        while (await watch.ResponseStream.MoveNext(ct))
            if (watch.ResponseStream.Current.KindCase == Contract.WatchEventsResponse.KindOneofCase.Event)
                return;
    }

    private async Task<string> StoredCursorAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SupervisionDb>();
        var position = await db.FeedPositions.AsNoTracking().SingleAsync(ct);
        return position.TransactionId == 0 && position.Sequence == 0 ? "" : $"{position.TransactionId}.{position.Sequence}";
    }
}
