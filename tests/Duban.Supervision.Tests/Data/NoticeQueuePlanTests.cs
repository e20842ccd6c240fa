using Duban.Supervision.Data;
using Duban.Supervision.Notices;
using Duban.Supervision.Notifications;
using Duban.Testing;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Duban.Supervision.Tests.Data;

/// <summary>
/// The background work looks, every poll, for notices still to be named and for named ones still to be queued for
/// delivery. Notices are kept for good, so that look must cost what waits, not every notice ever raised: with 20,000
/// notices all done and sequential scans priced out, each query must read its partial index — a change that makes the
/// query and the index's predicate differ fails here.
/// </summary>
public class NoticeQueuePlanTests
{
    [Fact]
    public async Task The_notices_awaiting_names_and_delivery_are_found_through_their_partial_indexes()
    {
        var database = await TestPostgres.CreateDatabaseAsync("supervision_notice_queue_plans");
        await using var db = new SupervisionDb(new DbContextOptionsBuilder<SupervisionDb>().UseNpgsql(database).UseSnakeCaseNamingConvention().Options);
        await db.Database.MigrateAsync();
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using (var fill = new NpgsqlCommand("""
            INSERT INTO notices (id, assignment_id, kind, deadline_version, level, round, status, plan_id, lead_unit_id, lead_unit_name,
                                 title, message, recipient_unit_ids, recipient_person_ids, queued_at, raised_at)
            SELECT gen_random_uuid(), gen_random_uuid(), 2, 1, 0, 0, 1, gen_random_uuid(), gen_random_uuid(), '经发局', '事项', '逾期',
                   '{}', ARRAY[gen_random_uuid()], now(), now()
            FROM generate_series(1, 20000);
            ANALYZE notices;
            """, connection))
            await fill.ExecuteNonQueryAsync();

        var naming = await PlanAsync(connection, NoticeRecipients.Awaiting(db.Notices).ToQueryString().Replace("@p", "50000"));
        Assert.True(naming.Contains("ix_notices_awaiting_recipients"), naming);
        var queueing = await PlanAsync(connection, NotificationFanoutWriter.AwaitingQueueSql);
        Assert.True(queueing.Contains("ix_notices_awaiting_queue"), queueing);
    }

    private static async Task<string> PlanAsync(NpgsqlConnection connection, string sql)
    {
        await using (var off = new NpgsqlCommand("SET enable_seqscan = off; SET enable_bitmapscan = off;", connection))
            await off.ExecuteNonQueryAsync();
        await using var explain = new NpgsqlCommand("EXPLAIN " + string.Join('\n', sql.Split('\n').Where(l => !l.StartsWith("-- "))), connection);
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                plan.Add(reader.GetString(0));
        return sql + "\n" + string.Join("\n", plan);
    }
}
