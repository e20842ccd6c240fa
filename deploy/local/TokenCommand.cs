using Duban.Harness.Postgres;
using Duban.ServiceDefaults.Auth;
using Npgsql;

namespace Duban.Local;

/// <summary>`token`: mints a bearer token with the local signing key, for a sample person or explicit ids.</summary>
public static class TokenCommand
{
    public static async Task<int> RunAsync(LocalLayout layout, string[] args)
    {
        var options = Parse(args);
        if (!File.Exists(layout.SigningKeyFile))
            throw new InvalidOperationException("no local signing key yet: run `dotnet run --project deploy/local` once first.");
        var key = LocalTokens.LoadOrCreateKey(layout.SigningKeyFile);

        var personId = options.GetValueOrDefault("person", "");
        var unitId = options.GetValueOrDefault("unit", "");
        var name = options.GetValueOrDefault("as", "");
        var roles = options.GetValueOrDefault("roles", "");
        if (name.Length > 0)
        {
            var found = await SamplePeople.FindAsync(LocalConnection(), name)
                ?? throw new InvalidOperationException($"no person named '{name}' (is the system running?)");
            (personId, unitId) = (found.PersonId, unitId.Length > 0 ? unitId : found.UnitId);
            if (roles.Length == 0)
                roles = found.IsLead ? DubanRoles.Lead : DubanRoles.Staff;
        }
        if (personId.Length == 0)
            throw new InvalidOperationException("say who the token is for: --as NAME, or --person ID [--unit ID]");
        var roleList = (roles.Length > 0 ? roles : DubanRoles.Staff).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (roleList.FirstOrDefault(r => !DubanRoles.All.Contains(r)) is { } unknown)
            throw new InvalidOperationException($"unknown role '{unknown}'; roles are {string.Join(", ", DubanRoles.All)}");

        var hours = double.Parse(options.GetValueOrDefault("hours", "12"), System.Globalization.CultureInfo.InvariantCulture);
        Console.WriteLine(LocalTokens.Mint(key, personId, unitId, roleList, TimeSpan.FromHours(hours), name.Length > 0 ? name : null));
        return 0;
    }

    internal static string LocalConnection() => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = LocalLayout.PostgresPort, Database = "duban_units", Username = PostgresCluster.SuperUser,
    }.ConnectionString;

    private static Dictionary<string, string> Parse(string[] args)
    {
        var options = new Dictionary<string, string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--") || i + 1 >= args.Length)
                throw new InvalidOperationException($"unexpected argument '{args[i]}'; see --help");
            options[args[i][2..]] = args[++i];
        }
        return options;
    }
}

/// <summary>Looks people of the sample up in the local units database, for tokens by name.</summary>
public static class SamplePeople
{
    public sealed record Found(string PersonId, string UnitId, bool IsLead);

    public static async Task<Found?> FindAsync(string connectionString, string name)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // The first role listed is the person's main unit; lead (1) and deputy (2) act as leads.
        await using var command = new NpgsqlCommand("""
            SELECT p.id, coalesce(r.unit_id::text, ''), coalesce(r.role IN (1, 2), false)
            FROM people p LEFT JOIN person_roles r ON r.person_id = p.id
            WHERE p.name = $1 ORDER BY r.role LIMIT 1
            """, connection) { Parameters = { new() { Value = name } } };
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? new Found(reader.GetGuid(0).ToString(), reader.GetString(1), reader.GetBoolean(2)) : null;
    }

    public static async Task<string> UnitIdAsync(string connectionString, string code)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id FROM units WHERE code = $1", connection) { Parameters = { new() { Value = code } } };
        return (await command.ExecuteScalarAsync()) is Guid id ? id.ToString() : throw new InvalidOperationException($"no sample unit {code}");
    }
}
