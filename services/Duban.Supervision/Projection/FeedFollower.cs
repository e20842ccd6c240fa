using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Duban.Supervision.Data;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Contract = Duban.Contracts.Tasks.V1;

namespace Duban.Supervision.Projection;

public sealed class ProjectionOptions
{
    public const string Section = "Projection";

    /// <summary>Follow the tasks feed (turn off only for a replica that must not read it).</summary>
    public bool Enabled { get; set; } = true;
    /// <summary>Events per catch-up page, and at most per transaction while watching.</summary>
    public int BatchSize { get; set; } = 2000;
}

/// <summary>
/// Follows the tasks service's feed into the projection: pages of ListEvents from the stored cursor until
/// caught up, then a WatchEvents stream whose events are applied as they arrive, those that arrived together
/// in one transaction; any break (either service restarting) resumes from the stored cursor after a short,
/// growing pause.
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
                await FollowAsync(cursor, stoppingToken);
                pause = TimeSpan.FromMilliseconds(200);
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                // Shutting down: the open stream ends with it.
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Whatever broke (a service restarting, a bad event), the cursor is stored: resume from it. Tasks being
                // away is expected (a restart, Ctrl+C reaching both at once) and needs no stack trace.
                if (ex is global::Grpc.Core.RpcException { StatusCode: global::Grpc.Core.StatusCode.Unavailable } unavailable)
                    logger.LogWarning("Following the tasks feed stopped: {Status}; resuming in {Pause}", unavailable.Status.Detail, pause);
                else
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
            await ApplyAsync(page.Events, page.NextCursor, ct);
            cursor = page.NextCursor;
            Volatile.Write(ref _lagSeconds, Math.Max(0, (time.GetUtcNow() - page.Events[^1].Time.ToDateTimeOffset()).TotalSeconds));
        }
    }

    /// <summary>
    /// Applies what the watch stream delivers after <paramref name="cursor"/> until the stream ends. A reader
    /// hands events to the applier through a bounded channel, so events that arrive while a batch is being
    /// written go into the next batch together instead of one transaction each.
    /// </summary>
    private async Task FollowAsync(string cursor, CancellationToken ct)
    {
        var batchSize = Math.Max(1, options.Value.BatchSize);
        var received = Channel.CreateBounded<Contract.AssignmentEvent>(new BoundedChannelOptions(batchSize) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var watch = tasks.WatchEvents(new Contract.WatchEventsRequest { AfterCursor = cursor, HeartbeatSeconds = 5 }, cancellationToken: stop.Token);
        var reading = ReadAsync(watch.ResponseStream, received, stop.Token);
        try
        {
            var batch = new List<Contract.AssignmentEvent>(batchSize);
            // Faults with the reader's exception when the stream broke; returns false when it ended.
            while (await received.Reader.WaitToReadAsync(ct))
            {
                while (batch.Count < batchSize && received.Reader.TryRead(out var e))
                    batch.Add(e);
                await ApplyAsync(batch, batch[^1].Cursor, ct);
                if (received.Reader.Count == 0)
                    Volatile.Write(ref _lagSeconds, Math.Max(0, (time.GetUtcNow() - batch[^1].Time.ToDateTimeOffset()).TotalSeconds));
                batch.Clear();
            }
        }
        finally
        {
            await stop.CancelAsync();
            await reading.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task ReadAsync(IAsyncStreamReader<Contract.WatchEventsResponse> stream, Channel<Contract.AssignmentEvent> received, CancellationToken ct)
    {
        try
        {
            while (await stream.MoveNext(ct))
            {
                if (stream.Current.KindCase == Contract.WatchEventsResponse.KindOneofCase.Event)
                    await received.Writer.WriteAsync(stream.Current.Event, ct);
                else if (received.Reader.Count == 0)
                    Volatile.Write(ref _lagSeconds, 0); // a heartbeat with nothing waiting: caught up
            }
            received.Writer.TryComplete();
        }
        catch (Exception ex)
        {
            received.Writer.TryComplete(ex);
        }
    }

    private async Task ApplyAsync(IReadOnlyList<Contract.AssignmentEvent> events, string cursor, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ProjectionApplier>().ApplyAsync(events, cursor, ct);
    }

    private async Task<string> StoredCursorAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SupervisionDb>();
        var position = await db.FeedPositions.AsNoTracking().SingleAsync(ct);
        return position.TransactionId == 0 && position.Sequence == 0 ? "" : $"{position.TransactionId}.{position.Sequence}";
    }
}
