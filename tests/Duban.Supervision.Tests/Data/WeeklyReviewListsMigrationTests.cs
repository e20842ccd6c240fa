using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Duban.Supervision.Data;
using Duban.Supervision.Reviews;
using Duban.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace Duban.Supervision.Tests.Data;

/// <summary>
/// The data the review-list migrations move. Reviews stored before WeeklyReviewItems kept their four item lists inside the
/// report's JSON; that migration made them rows of weekly_review_items, in their list and order, with every field, and
/// WeeklyReviewListsCompressed made each review's rows one value beside its report, which the service reads
/// (<see cref="StoredReviewLists"/>). Reviews written in the oldest shape (by plain SQL, as the service wrote them then)
/// must come through both with every item in its place; and going back down must put the same items where they were.
/// </summary>
public class WeeklyReviewListsMigrationTests
{
    private const string InitialSupervision = "20261124035013_InitialSupervision";
    private const string WeeklyReviewItems = "20261124041945_WeeklyReviewItems";

    private static readonly Guid Park = Guid.Parse("c720748f-0fb7-4c93-9514-dc932570b0cd");
    private static readonly Guid Economy = Guid.Parse("81855e56-9bc3-4670-9735-b9332807b274");
    private static readonly Guid Finance = Guid.Parse("d5a24bcb-ff4f-464d-b5d2-3d6f4555d442");
    private static readonly Guid ReviewWithItems = Guid.Parse("9e40cc8f-5dfb-42ba-887e-2eb8f2bc166b");
    private static readonly Guid ReviewWithoutItems = Guid.Parse("11fd56c5-465a-4af9-820b-bb49db9708bb");

    // As the service stored it before the migration (BulletinRenderer.RenderJson: camelCase, indented). The items of a
    // list are not in assignment id order, so only the array's own order gives the positions expected below; stillOverdue
    // is empty between filled lists, so a list numbered by its place among the non-empty ones would show.
    private static readonly string ReportWithItems = $$"""
        {
          "scopeUnitId": "{{Park}}",
          "week": "2026-W46",
          "weekStart": "2026-11-09",
          "weekEnd": "2026-11-15",
          "asOf": "2026-11-15T16:00:00+00:00",
          "timeZone": "Asia/Shanghai",
          "totals": { "assigned": 12, "completedOnTime": 1, "completedLate": 1, "open": 10, "dueNextWeek": 1, "overdue": 2, "overdueWithoutExplanation": 1, "onTimeRate": 50.0 },
          "units": [
            { "unitId": "{{Economy}}", "unitName": "工业园区经济发展局", "counts": { "assigned": 7, "completedOnTime": 0, "completedLate": 1, "open": 6, "dueNextWeek": 1, "overdue": 1, "overdueWithoutExplanation": 0, "onTimeRate": 0.0 }, "light": "yellow" },
            { "unitId": "{{Finance}}", "unitName": "工业园区财政局", "counts": { "assigned": 5, "completedOnTime": 1, "completedLate": 0, "open": 4, "dueNextWeek": 0, "overdue": 1, "overdueWithoutExplanation": 1, "onTimeRate": 100.0 }, "light": "red" }
          ],
          "newlyOverdue": [
            { "assignmentId": "dcc205ef-a6ff-43f8-a2a1-624ab3341b5a", "title": "完善\"一网通办\"事项清单", "unitId": "{{Economy}}", "unitName": "工业园区经济发展局", "ownerName": "", "dueDate": "2026-11-10", "daysOverdue": 5, "progressPercent": 60, "hasExplanation": true },
            { "assignmentId": "a22c66bb-ff84-4452-9bfe-ea759fb06a46", "title": "编制园区产业招商图谱", "unitId": "{{Finance}}", "unitName": "工业园区财政局", "ownerName": "刘洋", "dueDate": "2026-11-13", "daysOverdue": 2, "progressPercent": 30, "hasExplanation": false }
          ],
          "stillOverdue": [],
          "completedThisWeek": [
            { "assignmentId": "ba61811a-b4ad-493f-af20-af5b47bc2108", "title": "清理政府性债务台账", "unitId": "{{Finance}}", "unitName": "工业园区财政局", "ownerName": "王建国", "dueDate": null, "daysOverdue": 0, "progressPercent": 100, "hasExplanation": false },
            { "assignmentId": "a4830c67-03d6-40d5-bb8d-577245463db8", "title": "出台中小企业纾困十条", "unitId": "{{Economy}}", "unitName": "工业园区经济发展局", "ownerName": "陈志刚", "dueDate": "2026-11-06", "daysOverdue": 2, "progressPercent": 100, "hasExplanation": true }
          ],
          "dueNextWeek": [
            { "assignmentId": "ad473051-4eb5-4db2-b60a-d9e473edb046", "title": "完成标准厂房二期验收", "unitId": "{{Economy}}", "unitName": "工业园区经济发展局", "ownerName": "刘洋", "dueDate": "2026-11-18", "daysOverdue": 0, "progressPercent": 80, "hasExplanation": false }
          ],
          "unitsToExplain": [ { "unitId": "{{Finance}}", "unitName": "工业园区财政局", "overdueWithoutExplanation": 1 } ],
          "change": null
        }
        """;

    private static readonly string ReportWithoutItems = $$"""
        {
          "scopeUnitId": "{{Park}}",
          "week": "2026-W47",
          "weekStart": "2026-11-16",
          "weekEnd": "2026-11-22",
          "asOf": "2026-11-22T16:00:00+00:00",
          "timeZone": "Asia/Shanghai",
          "totals": { "assigned": 0, "completedOnTime": 0, "completedLate": 0, "open": 0, "dueNextWeek": 0, "overdue": 0, "overdueWithoutExplanation": 0, "onTimeRate": 100 },
          "units": [],
          "newlyOverdue": [],
          "stillOverdue": [],
          "completedThisWeek": [],
          "dueNextWeek": [],
          "unitsToExplain": [],
          "change": { "previousWeek": "2026-W46", "overdueDelta": -2, "onTimeRateDelta": 50.0, "units": [] }
        }
        """;

    private static readonly ItemRow[] ExpectedRows =
    [
        new(ReviewWithItems, ReviewList.NewlyOverdue, 0, Guid.Parse("dcc205ef-a6ff-43f8-a2a1-624ab3341b5a"), "完善\"一网通办\"事项清单", Economy, "工业园区经济发展局", "", new DateOnly(2026, 11, 10), 5, 60, true),
        new(ReviewWithItems, ReviewList.NewlyOverdue, 1, Guid.Parse("a22c66bb-ff84-4452-9bfe-ea759fb06a46"), "编制园区产业招商图谱", Finance, "工业园区财政局", "刘洋", new DateOnly(2026, 11, 13), 2, 30, false),
        new(ReviewWithItems, ReviewList.CompletedThisWeek, 0, Guid.Parse("ba61811a-b4ad-493f-af20-af5b47bc2108"), "清理政府性债务台账", Finance, "工业园区财政局", "王建国", null, 0, 100, false),
        new(ReviewWithItems, ReviewList.CompletedThisWeek, 1, Guid.Parse("a4830c67-03d6-40d5-bb8d-577245463db8"), "出台中小企业纾困十条", Economy, "工业园区经济发展局", "陈志刚", new DateOnly(2026, 11, 6), 2, 100, true),
        new(ReviewWithItems, ReviewList.DueNextWeek, 0, Guid.Parse("ad473051-4eb5-4db2-b60a-d9e473edb046"), "完成标准厂房二期验收", Economy, "工业园区经济发展局", "刘洋", new DateOnly(2026, 11, 18), 0, 80, false),
    ];

    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Fact]
    public async Task Up_moves_every_listed_item_to_a_row_in_its_list_and_order_and_empties_the_report_lists()
    {
        var database = await CreateOldDatabaseAsync();
        await using var db = Open(database);

        await db.GetService<IMigrator>().MigrateAsync(WeeklyReviewItems);

        Assert.Equal(ExpectedRows, await ReadItemsAsync(database));
        // Everything else in the report stays as it was: totals, units, the change, the scope.
        Assert.Equal(Canonical(WithEmptyLists(ReportWithItems)), Canonical(await ReadReportAsync(database, ReviewWithItems)));
        Assert.Equal(Canonical(ReportWithoutItems), Canonical(await ReadReportAsync(database, ReviewWithoutItems)));
    }

    [Fact]
    public async Task Down_puts_the_rows_back_into_the_report_lists_in_their_order_and_drops_the_table()
    {
        var database = await CreateOldDatabaseAsync();
        await using var db = Open(database);
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync(WeeklyReviewItems);
        // Rewriting the first item of each list moves it behind the others in the table, and with statistics the planner
        // reads the few rows in table order rather than by the primary key: only Down's own ORDER BY keeps the items in order.
        await ExecuteAsync(database, "UPDATE weekly_review_items SET title = title WHERE position = 0; ANALYZE weekly_review_items");

        await migrator.MigrateAsync(InitialSupervision);

        // Parsed and with keys sorted: jsonb orders keys its own way, and the rebuilt items' keys come in another order.
        Assert.Equal(Canonical(ReportWithItems), Canonical(await ReadReportAsync(database, ReviewWithItems)));
        Assert.Equal(Canonical(ReportWithoutItems), Canonical(await ReadReportAsync(database, ReviewWithoutItems)));
        Assert.Null(await ScalarAsync(database, "SELECT to_regclass('weekly_review_items')::text"));
        Assert.Equal(new[] { InitialSupervision }, await db.Database.GetAppliedMigrationsAsync());
    }

    [Fact]
    public async Task Up_to_the_latest_gives_each_review_its_lists_as_the_service_reads_them()
    {
        var database = await CreateOldDatabaseAsync();
        await using var db = Open(database);

        await db.GetService<IMigrator>().MigrateAsync();

        Assert.Equal(ExpectedRows, await ReadListsAsync(database));
        Assert.Equal(Canonical(WithEmptyLists(ReportWithItems)), Canonical(await ReadReportAsync(database, ReviewWithItems)));
        Assert.Null(await ScalarAsync(database, "SELECT to_regclass('weekly_review_items')::text"));
        // A review without items has four empty lists, not a missing value.
        var empty = StoredReviewLists.Read((byte[])(await ScalarAsync(database, $"SELECT lists FROM weekly_reviews WHERE id = '{ReviewWithoutItems}'"))!);
        Assert.Equal(0, empty.Count);
    }

    [Fact]
    public async Task Down_from_the_latest_refuses_while_a_review_holds_lists_and_changes_nothing()
    {
        var database = await CreateOldDatabaseAsync();
        await using var db = Open(database);
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync();
        var stored = await ReadListsAsync(database);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => migrator.MigrateAsync(WeeklyReviewItems));

        Assert.Contains("cannot be moved back to rows", refused.MessageText);
        Assert.Equal(stored, await ReadListsAsync(database));
        Assert.Null(await ScalarAsync(database, "SELECT to_regclass('weekly_review_items')::text"));
    }

    [Fact]
    public async Task Down_from_the_latest_with_only_empty_lists_brings_back_the_item_table_and_drops_the_lists()
    {
        var database = await CreateOldDatabaseAsync();
        await using var db = Open(database);
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync();
        await ExecuteAsync(database, $"DELETE FROM weekly_reviews WHERE id = '{ReviewWithItems}'");

        await migrator.MigrateAsync(WeeklyReviewItems);

        Assert.Equal("weekly_review_items", await ScalarAsync(database, "SELECT to_regclass('weekly_review_items')::text"));
        Assert.Null(await ScalarAsync(database, "SELECT column_name FROM information_schema.columns WHERE table_name = 'weekly_reviews' AND column_name = 'lists'"));
        Assert.Equal(WeeklyReviewItems, (await db.Database.GetAppliedMigrationsAsync()).Last());
    }

    /// <summary>A fresh database at the migration before WeeklyReviewItems, holding the two reviews in the old shape.</summary>
    private static async Task<string> CreateOldDatabaseAsync()
    {
        var database = await TestPostgres.CreateDatabaseAsync("supervision_migration");
        await using (var db = Open(database))
            await db.GetService<IMigrator>().MigrateAsync(InitialSupervision);

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        foreach (var (id, week, report, assigned, overdue, onTime, withoutExplanation) in new[]
        {
            (ReviewWithItems, "2026-W46", ReportWithItems, 12, 2, 1, 1),
            (ReviewWithoutItems, "2026-W47", ReportWithoutItems, 0, 0, 0, 0),
        })
        {
            await using var insert = new NpgsqlCommand("""
                INSERT INTO weekly_reviews (id, scope_unit_id, week, as_of, created_at, scope_name, report,
                                            assigned, overdue, completed_on_time, overdue_without_explanation)
                VALUES ($1, $2, $3, ($4::jsonb->>'asOf')::timestamptz, now(), '试点工业园区管委会', $4::jsonb, $5, $6, $7, $8)
                """, connection);
            insert.Parameters.Add(new() { Value = id });
            insert.Parameters.Add(new() { Value = Park });
            insert.Parameters.Add(new() { Value = week });
            insert.Parameters.Add(new() { Value = report });
            insert.Parameters.Add(new() { Value = assigned });
            insert.Parameters.Add(new() { Value = overdue });
            insert.Parameters.Add(new() { Value = onTime });
            insert.Parameters.Add(new() { Value = withoutExplanation });
            await insert.ExecuteNonQueryAsync();
        }
        return database;
    }

    /// <summary>The context as the service configures it (AddServiceDatabase: Npgsql, default history table; snake_case names).</summary>
    private static SupervisionDb Open(string connectionString) =>
        new(new DbContextOptionsBuilder<SupervisionDb>().UseNpgsql(connectionString).UseSnakeCaseNamingConvention().Options);

    private static async Task<List<ItemRow>> ReadItemsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT review_id, list, position, assignment_id, title, unit_id, unit_name, owner_name, due_date, days, progress_percent, has_explanation
            FROM weekly_review_items ORDER BY review_id, list, position
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<ItemRow>();
        while (await reader.ReadAsync())
            rows.Add(new ItemRow(reader.GetGuid(0), (ReviewList)reader.GetInt16(1), reader.GetInt32(2), reader.GetGuid(3), reader.GetString(4),
                reader.GetGuid(5), reader.GetString(6), reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetFieldValue<DateOnly>(8),
                reader.GetInt32(9), reader.GetInt32(10), reader.GetBoolean(11)));
        return rows;
    }

    /// <summary>The stored lists of every review, read by the service's own reader, as rows in the order of <see cref="ReadItemsAsync"/>.</summary>
    private static async Task<List<ItemRow>> ReadListsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id, lists FROM weekly_reviews ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<ItemRow>();
        while (await reader.ReadAsync())
        {
            var reviewId = reader.GetGuid(0);
            var lists = StoredReviewLists.Read(reader.GetFieldValue<byte[]>(1));
            foreach (var (list, items) in new[] { (ReviewList.NewlyOverdue, lists.NewlyOverdue), (ReviewList.StillOverdue, lists.StillOverdue),
                         (ReviewList.CompletedThisWeek, lists.CompletedThisWeek), (ReviewList.DueNextWeek, lists.DueNextWeek) })
                rows.AddRange(items.Select((i, position) => new ItemRow(reviewId, list, position, i.AssignmentId, i.Title, i.UnitId, i.UnitName,
                    i.OwnerName, i.DueDate, i.DaysOverdue, i.ProgressPercent, i.HasExplanation)));
        }
        return rows;
    }

    private static async Task<string> ReadReportAsync(string database, Guid reviewId)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT report::text FROM weekly_reviews WHERE id = $1", connection)
        {
            Parameters = { new() { Value = reviewId } },
        };
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<object?> ScalarAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    private static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static string WithEmptyLists(string report)
    {
        var json = JsonNode.Parse(report)!.AsObject();
        foreach (var list in (string[])["newlyOverdue", "stillOverdue", "completedThisWeek", "dueNextWeek"])
            json[list] = new JsonArray();
        return json.ToJsonString();
    }

    /// <summary>The JSON with every object's keys sorted, compact: equal for equal values, and a readable diff otherwise.</summary>
    private static string Canonical(string json) => Sorted(JsonNode.Parse(json))?.ToJsonString(Readable) ?? "null";

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Sorted).ToArray()),
        _ => node?.DeepClone(),
    };

    // The lists as weekly_review_items numbered them.
    private enum ReviewList : short { NewlyOverdue = 1, StillOverdue = 2, CompletedThisWeek = 3, DueNextWeek = 4 }

    private sealed record ItemRow(Guid ReviewId, ReviewList List, int Position, Guid AssignmentId, string Title, Guid UnitId, string UnitName,
        string OwnerName, DateOnly? DueDate, int Days, int ProgressPercent, bool HasExplanation);
}
