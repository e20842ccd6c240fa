using Npgsql;

namespace Duban.Tasks.Events;

/// <summary>
/// One LISTEN connection per process that wakes every watcher when events commit, instead of one
/// connection per watch stream. Watchers also poll on a short timer, so a lost notification or a
/// transaction that held the feed back only delays delivery, never loses it.
/// </summary>
public sealed class FeedNotifier(NpgsqlDataSource dataSource, ILogger<FeedNotifier> logger) : BackgroundService
{
    private TaskCompletionSource _next = NewSignal();

    /// <summary>Completes at the next notification.</summary>
    public Task NextAsync() => Volatile.Read(ref _next).Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, _) => Interlocked.Exchange(ref _next, NewSignal()).TrySetResult();
                await using (var listen = new NpgsqlCommand($"LISTEN {EventFeed.Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                while (!stoppingToken.IsCancellationRequested)
                    await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Event notifications interrupted; watchers fall back to polling until they resume");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
