using System.Text.RegularExpressions;
using Duban.Tasks.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Duban.Tasks.Tests.Data;

/// <summary>
/// The ledger's pages are read from an index in their order, not by sorting every matching assignment: at a million
/// rows a sort is seconds, an index walk a few milliseconds. With sorting and sequential scans priced out, the plan of
/// each page's SQL, as the service writes it, must still walk the order's index — so a change that makes the SQL and the
/// index differ (a parameter where the index has a constant) fails here.
/// </summary>
public class LedgerOrderPlanTests(TasksServiceFixture service) : IClassFixture<TasksServiceFixture>
{
    public static TheoryData<AssignmentOrder, string?, string> Orders => new()
    {
        { AssignmentOrder.DueDate, null, "ix_assignments_ledger_order" },
        { AssignmentOrder.DueDate, $"2026-06-30|{Guid.Empty}", "ix_assignments_ledger_order" },
        { AssignmentOrder.DueDateDescending, null, "ix_assignments_ledger_order" },
        { AssignmentOrder.DueDateDescending, $"2026-06-30|{Guid.Empty}", "ix_assignments_ledger_order" },
        { AssignmentOrder.RecentlyUpdated, null, "ix_assignments_recently_updated" },
        { AssignmentOrder.RecentlyUpdated, $"{DateTimeOffset.UtcNow.UtcTicks}|{Guid.Empty}", "ix_assignments_recently_updated" },
    };

    [Theory, MemberData(nameof(Orders))]
    public async Task Each_dated_order_walks_its_index(AssignmentOrder order, string? after, string index)
    {
        using var scope = service.Tasks.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TasksDb>();
        var sql = Inline(AssignmentQueries.PageInOrder(db.Assignments.AsNoTracking(), order, after, 20).ToQueryString());

        await using var connection = new NpgsqlConnection(service.Tasks.ConnectionString);
        await connection.OpenAsync();
        await using (var off = new NpgsqlCommand("SET enable_sort = off; SET enable_seqscan = off; SET enable_bitmapscan = off;", connection))
            await off.ExecuteNonQueryAsync();
        await using var explain = new NpgsqlCommand("EXPLAIN " + sql, connection);
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                plan.Add(reader.GetString(0));

        Assert.True(plan.Any(line => line.Contains(index)), sql + "\n" + string.Join("\n", plan));
        Assert.DoesNotContain(plan, line => Regex.IsMatch(line, @"^\s*(->\s*)?Sort\b"));
    }

    /// <summary>EF's query text names its parameters in comments ("-- @p='21'"); EXPLAIN needs them written in.</summary>
    private static string Inline(string queryString)
    {
        var lines = queryString.Split('\n');
        var values = lines.Select(l => Regex.Match(l, @"^-- (@\w+)='(.*)'( \(DbType = (\w+)\))?\s*$")).Where(m => m.Success)
            .ToDictionary(m => m.Groups[1].Value, m => Literal(m.Groups[2].Value, m.Groups[4].Value));
        var sql = string.Join('\n', lines.Where(l => !l.StartsWith("-- ")));
        return Regex.Replace(sql, @"@\w+", m => values.TryGetValue(m.Value, out var v) ? v : m.Value);
    }

    private static string Literal(string value, string dbType) => dbType switch
    {
        "Date" => $"DATE '{DateOnly.Parse(value, System.Globalization.CultureInfo.InvariantCulture):yyyy-MM-dd}'",
        "DateTime" or "DateTimeOffset" => $"TIMESTAMPTZ '{DateTimeOffset.Parse(value, System.Globalization.CultureInfo.InvariantCulture):O}'",
        "Guid" => $"'{value}'::uuid",
        _ when long.TryParse(value, out _) => value,
        _ when Guid.TryParse(value, out _) => $"'{value}'::uuid",
        _ => $"'{value.Replace("'", "''")}'",
    };
}
