using Duban.Supervision.Data;
using Duban.Testing;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Duban.Supervision.Tests.Data;

/// <summary>
/// A city's review stores 5 MB of gzipped lists and 2.4 MB of report JSON. The lists must not go through PostgreSQL's
/// compression again (storage EXTERNAL), and the report compresses with lz4 on a server built with it (this one is).
/// </summary>
public class WeeklyReviewColumnStorageTests
{
    [Fact]
    public async Task The_lists_are_stored_as_they_come_and_the_report_with_lz4()
    {
        var database = await TestPostgres.CreateDatabaseAsync("supervision_review_storage");
        await using var db = new SupervisionDb(new DbContextOptionsBuilder<SupervisionDb>().UseNpgsql(database).UseSnakeCaseNamingConvention().Options);
        await db.Database.MigrateAsync();
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT attname, attstorage::text, attcompression::text FROM pg_attribute
            WHERE attrelid = 'weekly_reviews'::regclass AND attname IN ('lists', 'report') ORDER BY attname
            """, connection);
        var columns = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                columns.Add($"{reader.GetString(0)} {reader.GetString(1)} {reader.GetString(2)}");
        Assert.Equal(["lists e ", "report x l"], columns);
    }
}
