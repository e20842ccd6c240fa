using Duban.Tasks.Data;
using Duban.Tasks.Domain.Attachments;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Duban.Tasks.Attachments;

/// <summary>
/// Removes what no record will ever name: uploads whose process died mid-way (Uploading past Attachments:UploadTimeout)
/// and pending uploads past Attachments:PendingTimeout, bytes first, then the row, so that a failure leaves the row to
/// find them by next time. Rows are taken with SKIP LOCKED: several replicas sweep at once without doing anything twice.
/// </summary>
public sealed class AttachmentJanitor(IServiceScopeFactory scopes, IOptions<AttachmentOptions> options, TimeProvider time,
    ILogger<AttachmentJanitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CleanupInterval, time);
        do
        {
            try
            {
                var removed = await SweepAsync(stoppingToken);
                if (removed > 0)
                    logger.LogInformation("Removed {Count} unused or broken uploads", removed);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Sweeping unused uploads failed; trying again in {Interval}", options.Value.CleanupInterval);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One sweep: every expired upload, in batches; returns how many were removed.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var removed = 0;
        while (true)
        {
            var batch = await SweepBatchAsync(ct);
            removed += batch;
            if (batch < BatchSize)
                return removed;
        }
    }

    private const int BatchSize = 100;

    private async Task<int> SweepBatchAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TasksDb>();
        var storage = scope.ServiceProvider.GetRequiredService<IEvidenceStorage>();
        var now = time.GetUtcNow();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await using var transaction = await connection.BeginTransactionAsync(ct);
            var expired = new List<(Guid Id, string Key)>();
            await using (var select = new NpgsqlCommand("""
                SELECT id, storage_key FROM attachments
                WHERE state = $1 AND upload_time < $2 OR state = $3 AND upload_time < $4
                ORDER BY upload_time LIMIT $5 FOR UPDATE SKIP LOCKED
                """, connection, transaction))
            {
                select.Parameters.Add(new NpgsqlParameter<int> { TypedValue = (int)AttachmentState.Uploading });
                select.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now - options.Value.UploadTimeout });
                select.Parameters.Add(new NpgsqlParameter<int> { TypedValue = (int)AttachmentState.Pending });
                select.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now - options.Value.PendingTimeout });
                select.Parameters.Add(new NpgsqlParameter<int> { TypedValue = BatchSize });
                await using var reader = await select.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                    expired.Add((reader.GetGuid(0), reader.GetString(1)));
            }
            if (expired.Count == 0)
                return 0;
            var ids = expired.Select(e => e.Id).ToArray();
            await using (var delete = new NpgsqlCommand("DELETE FROM attachments WHERE id = ANY($1)", connection, transaction))
            {
                delete.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids });
                await delete.ExecuteNonQueryAsync(ct);
            }
            // A key another row still names (a file kept once for the same bytes) stays.
            var stillNamed = new HashSet<string>();
            await using (var shared = new NpgsqlCommand("SELECT DISTINCT storage_key FROM attachments WHERE storage_key = ANY($1)", connection, transaction))
            {
                shared.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = expired.Select(e => e.Key).Distinct().ToArray() });
                await using var reader = await shared.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                    stillNamed.Add(reader.GetString(0));
            }
            foreach (var key in expired.Select(e => e.Key).Distinct().Where(k => !stillNamed.Contains(k)))
                await storage.DeleteAsync(key, ct);
            await transaction.CommitAsync(ct);
            return expired.Count;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
