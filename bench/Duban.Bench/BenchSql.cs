using Npgsql;
using NpgsqlTypes;

namespace Duban.Bench;

/// <summary>A generated unit, in the columns the units service's migrations define.</summary>
public sealed record UnitRow(Guid Id, string Code, string Name, string Level, Guid? ParentId, string Path, int Depth, string Kind);

/// <summary>SQL the scenarios run for set-up and checks, and the COPY of generated unit trees.</summary>
public static class BenchSql
{
    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    /// <summary>COPY straight into the units service's tables, then ANALYZE them.</summary>
    public static async Task LoadUnitsAsync(string connectionString, IReadOnlyList<UnitRow> units)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var now = DateTime.UtcNow;
        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY units (id, code, name, short_name, level_code, parent_id, kind, status, version, path, depth, time_zone, create_time, update_time) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var u in units)
            {
                await writer.StartRowAsync();
                await writer.WriteAsync(u.Id, NpgsqlDbType.Uuid);
                await writer.WriteAsync(u.Code, NpgsqlDbType.Varchar);
                await writer.WriteAsync(u.Name, NpgsqlDbType.Varchar);
                await writer.WriteAsync("", NpgsqlDbType.Varchar);
                await writer.WriteAsync(u.Level, NpgsqlDbType.Varchar);
                if (u.ParentId is { } parent)
                    await writer.WriteAsync(parent, NpgsqlDbType.Uuid);
                else
                    await writer.WriteNullAsync();
                await writer.WriteAsync(u.Kind, NpgsqlDbType.Varchar);
                await writer.WriteAsync(1, NpgsqlDbType.Integer);
                await writer.WriteAsync(1L, NpgsqlDbType.Bigint);
                await writer.WriteAsync(u.Path, NpgsqlDbType.Varchar);
                await writer.WriteAsync(u.Depth, NpgsqlDbType.Integer);
                await writer.WriteAsync("Asia/Shanghai", NpgsqlDbType.Varchar);
                await writer.WriteAsync(now, NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(now, NpgsqlDbType.TimestampTz);
            }
            await writer.CompleteAsync();
        }
        await using (var writer = await connection.BeginBinaryImportAsync("COPY unit_names (unit_id, kind, text, normalized) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var u in units)
            {
                // Generated names carry no spacing, punctuation or capitals, so they are their own normal form.
                foreach (var (kind, text) in new[] { (1, u.Name), (4, u.Code) })
                {
                    await writer.StartRowAsync();
                    await writer.WriteAsync(u.Id, NpgsqlDbType.Uuid);
                    await writer.WriteAsync(kind, NpgsqlDbType.Integer);
                    await writer.WriteAsync(text, NpgsqlDbType.Varchar);
                    await writer.WriteAsync(text, NpgsqlDbType.Varchar);
                }
            }
            await writer.CompleteAsync();
        }
        await using var analyze = new NpgsqlCommand("ANALYZE units; ANALYZE unit_names;", connection);
        await analyze.ExecuteNonQueryAsync();
    }
}
