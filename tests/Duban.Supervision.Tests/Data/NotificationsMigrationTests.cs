using Duban.Supervision.Data;
using Duban.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace Duban.Supervision.Tests.Data;

/// <summary>
/// Upgrading to the Notifications migration marks every notice already stored as told, so the first digest after an
/// upgrade carries only notices raised after it, not every open notice of the past.
/// </summary>
public class NotificationsMigrationTests
{
    private const string BeforeNotifications = "20261202061251_DocumentTemplates";
    private const string BeforeQueuedAt = "20261203132123_ReviewCountsOpenByUnitIndex";

    [Fact]
    public async Task Notices_stored_before_the_upgrade_are_not_queued_for_people()
    {
        var database = await TestPostgres.CreateDatabaseAsync("supervision_notifications_migration");
        await using (var db = Open(database))
            await db.GetService<IMigrator>().MigrateAsync(BeforeNotifications);
        var old = Guid.NewGuid();
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand("""
                INSERT INTO notices (id, assignment_id, kind, deadline_version, level, round, status, plan_id, lead_unit_id, lead_unit_name,
                                     title, message, recipient_unit_ids, recipient_person_ids, raised_at)
                VALUES ($1, gen_random_uuid(), 2, 1, 0, 0, 1, gen_random_uuid(), gen_random_uuid(), '经发局', '旧事项', '逾期', '{}', '{}', now())
                """, connection);
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = old });
            await insert.ExecuteNonQueryAsync();
        }

        await using (var db = Open(database))
        {
            await db.GetService<IMigrator>().MigrateAsync();
            Assert.Equal([old], await db.Notices.Where(n => n.QueuedAt != null).Select(n => n.Id).ToListAsync());
            Assert.Empty(await db.NotificationDeliveries.ToListAsync());
        }
    }

    /// <summary>Queued notices were marked in a table of their own before <c>20261203172410_NoticeQueuesIndexed</c>; the marks move onto the notices.</summary>
    [Fact]
    public async Task Notices_queued_before_the_queue_moved_onto_them_stay_queued_and_the_rest_wait()
    {
        var database = await TestPostgres.CreateDatabaseAsync("supervision_notice_queue_migration");
        await using (var db = Open(database))
            await db.GetService<IMigrator>().MigrateAsync(BeforeQueuedAt);
        var (queued, named, unnamed) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var queuedAt = new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.Zero);
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand("""
                INSERT INTO notices (id, assignment_id, kind, deadline_version, level, round, status, plan_id, lead_unit_id, lead_unit_name,
                                     title, message, recipient_unit_ids, recipient_person_ids, raised_at)
                SELECT id, gen_random_uuid(), 2, 1, 0, 0, 1, gen_random_uuid(), gen_random_uuid(), '经发局', '事项', '逾期', '{}', people, now()
                FROM (VALUES ($1, '{}'::uuid[]), ($2, '{}'::uuid[]), ($3, NULL::uuid[])) AS v(id, people)
                """, connection);
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = queued });
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = named });
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = unnamed });
            await insert.ExecuteNonQueryAsync();
            await using var mark = new NpgsqlCommand("INSERT INTO notification_fanouts (notice_id, queued_at) VALUES ($1, $2)", connection);
            mark.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = queued });
            mark.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = queuedAt });
            await mark.ExecuteNonQueryAsync();
        }

        await using (var db = Open(database))
        {
            await db.GetService<IMigrator>().MigrateAsync();
            var marks = await db.Notices.ToDictionaryAsync(n => n.Id, n => n.QueuedAt);
            Assert.Equal(queuedAt, marks[queued]);
            Assert.Null(marks[named]);
            Assert.Null(marks[unnamed]);
        }
    }

    private static SupervisionDb Open(string connectionString) =>
        new(new DbContextOptionsBuilder<SupervisionDb>().UseNpgsql(connectionString).UseSnakeCaseNamingConvention().Options);
}
