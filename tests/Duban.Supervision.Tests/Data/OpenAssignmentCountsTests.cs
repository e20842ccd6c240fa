using Duban.Supervision.Data;
using Duban.Supervision.Domain.Reviews;
using Duban.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace Duban.Supervision.Tests.Data;

/// <summary>
/// A weekly review reads each unit's count of open assignments from <c>open_assignments_by_unit</c>, which the
/// projection's triggers keep (migration <c>OpenAssignmentsCountedByUnit</c>). Whatever writes the projection — the
/// applier through EF, a bulk insert, concurrent writers, a delete, a truncate — the counts must equal a count of the
/// rows, unit by unit; and rows stored before the migration must be counted by it.
/// </summary>
public class OpenAssignmentCountsTests
{
    private const string BeforeCounts = "20261204013742_IncrementalScan";

    [Fact]
    public async Task Every_write_to_the_projection_keeps_each_units_open_count_equal_to_its_rows()
    {
        var database = await TestPostgres.CreateDatabaseAsync("supervision_open_counts");
        await using var db = Context(database);
        await db.Database.MigrateAsync();
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        var units = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToArray();

        // A bulk insert (as COPY or a catch-up would write): 400 rows over four units, a quarter of them closed.
        await ExecuteAsync(connection, $"""
            INSERT INTO assignments (id, plan_id, lead_unit_id, assigning_unit_id, owner_name, title, status, deadline_version,
                                     progress_percent, time_zone, assigned_at, version, rejected_completions, approved_extensions,
                                     extension_approved_before_original_due, updated_at)
            SELECT gen_random_uuid(), gen_random_uuid(), (ARRAY['{units[0]}', '{units[1]}', '{units[2]}', '{units[3]}']::uuid[])[1 + i % 4],
                   gen_random_uuid(), '', '事项', 1 + (i / 4) % 6, 1, 0, 'Asia/Shanghai', now(), 1, 0, 0, false, now()
            FROM generate_series(0, 399) AS i
            """);
        await AssertCountsAsync(connection);

        // The applier's way: EF inserts and updates one row at a time.
        var added = Enumerable.Range(0, 6).Select(i => new ProjectedAssignment
        {
            Id = Guid.NewGuid(), PlanId = Guid.NewGuid(), LeadUnitId = units[i % 2], AssigningUnitId = Guid.NewGuid(),
            Title = "新增事项", Status = AssignmentState.Assigned, AssignedAt = DateTimeOffset.UtcNow, Version = 1, UpdatedAt = DateTimeOffset.UtcNow,
        }).ToList();
        db.Assignments.AddRange(added);
        await db.SaveChangesAsync();
        await AssertCountsAsync(connection);

        added[0].Status = AssignmentState.CompletionRequested;   // out of open: the lead confirms completion
        added[1].Status = AssignmentState.InProgress;            // open to open: no change
        added[2].LeadUnitId = units[3];                          // moved to another unit, still open
        added[3].Status = AssignmentState.Completed;
        added[3].LeadUnitId = units[2];                          // closed and moved at once
        added[4].ProgressPercent = 40;                           // neither status nor unit
        await db.SaveChangesAsync();
        await AssertCountsAsync(connection);

        added[0].Status = AssignmentState.InProgress;            // 退办: the completion returned, open again
        added[3].Status = AssignmentState.Accepted;              // reopened in the unit it moved to
        await db.SaveChangesAsync();
        await AssertCountsAsync(connection);

        // Writers side by side, each with rows of its own, moving them from unit to unit and in and out of open: writers queue
        // on the counts they share. Two that lock the same counts in different orders deadlock, and PostgreSQL rolls one
        // back whole; like the feed follower, which applies its batch again from the stored cursor, that writer tries again.
        var rowsOf = new List<Guid[]>();
        for (var writer = 0; writer < 4; writer++)
            rowsOf.Add(await db.Assignments.OrderBy(a => a.Id).Skip(writer * 100).Take(100).Select(a => a.Id).ToArrayAsync());
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async writer =>
        {
            await using var own = new NpgsqlConnection(database);
            await own.OpenAsync();
            for (var round = 0; round < 20; round++)
            {
                await using var move = new NpgsqlCommand("""
                    UPDATE assignments SET status = 1 + (status + $1) % 6, lead_unit_id = $3 WHERE lead_unit_id = $2 AND id = ANY($4)
                    """, own);
                move.Parameters.Add(new NpgsqlParameter<int> { TypedValue = writer + 1 });
                move.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = units[(writer + round) % 4] });
                move.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = units[(writer + round + 1) % 4] });
                move.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = rowsOf[writer] });
                while (true)
                {
                    try
                    {
                        await move.ExecuteNonQueryAsync();
                        break;
                    }
                    catch (PostgresException deadlock) when (deadlock.SqlState == PostgresErrorCodes.DeadlockDetected)
                    {
                    }
                }
            }
        }));
        await AssertCountsAsync(connection);

        await ExecuteAsync(connection, $"DELETE FROM assignments WHERE lead_unit_id = '{units[1]}' AND status IN (1, 5)");
        await AssertCountsAsync(connection);

        await ExecuteAsync(connection, "TRUNCATE assignments");
        Assert.Equal(0L, await ScalarAsync(connection, "SELECT count(*) FROM open_assignments_by_unit"));
    }

    [Fact]
    public async Task The_migration_counts_the_rows_already_projected()
    {
        var database = await TestPostgres.CreateDatabaseAsync("supervision_open_counts_migration");
        await using var db = Context(database);
        await db.GetService<IMigrator>().MigrateAsync(BeforeCounts);
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await ExecuteAsync(connection, """
            INSERT INTO assignments (id, plan_id, lead_unit_id, assigning_unit_id, owner_name, title, status, deadline_version,
                                     progress_percent, time_zone, assigned_at, version, rejected_completions, approved_extensions,
                                     extension_approved_before_original_due, updated_at)
            SELECT gen_random_uuid(), gen_random_uuid(), ('00000000-0000-0000-0000-00000000000' || (i % 3))::uuid, gen_random_uuid(),
                   '', '事项', 1 + i % 6, 1, 0, 'Asia/Shanghai', now(), 1, 0, 0, false, now()
            FROM generate_series(0, 89) AS i
            """);

        await db.Database.MigrateAsync();

        Assert.Equal(3L, await ScalarAsync(connection, "SELECT count(*) FROM open_assignments_by_unit"));
        await AssertCountsAsync(connection);
    }

    private static SupervisionDb Context(string database) =>
        new(new DbContextOptionsBuilder<SupervisionDb>().UseNpgsql(database).UseSnakeCaseNamingConvention().Options);

    /// <summary>The kept counts, unit by unit, against a count of the rows; units with none open may keep a zero.</summary>
    private static async Task AssertCountsAsync(NpgsqlConnection connection)
    {
        var mismatches = await ScalarAsync(connection, """
            SELECT count(*) FROM (
                SELECT lead_unit_id, count(*) AS open_count FROM assignments WHERE status IN (1, 2, 3) GROUP BY lead_unit_id) counted
            FULL JOIN (SELECT * FROM open_assignments_by_unit WHERE open_count <> 0) kept USING (lead_unit_id)
            WHERE counted.open_count IS DISTINCT FROM kept.open_count
            """);
        Assert.Equal(0L, mismatches);
        Assert.True(await ScalarAsync(connection, "SELECT count(*) FROM assignments WHERE status IN (1, 2, 3)") > 0, "some rows are open");
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
