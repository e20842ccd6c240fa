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
            Assert.Equal([old], await db.NotificationFanouts.Select(f => f.NoticeId).ToListAsync());
            Assert.Empty(await db.NotificationDeliveries.ToListAsync());
        }
    }

    private static SupervisionDb Open(string connectionString) =>
        new(new DbContextOptionsBuilder<SupervisionDb>().UseNpgsql(connectionString).UseSnakeCaseNamingConvention().Options);
}
