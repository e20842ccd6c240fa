using Duban.Harness.Postgres;

namespace Duban.Testing;

/// <summary>
/// One throwaway PostgreSQL cluster for the whole test run, started on first use and removed when the
/// process exits; each test class gets a database of its own in it.
/// </summary>
public static class TestPostgres
{
    private static readonly Lazy<Task<PostgresCluster>> Cluster = new(StartAsync);

    public static Task<PostgresCluster> GetClusterAsync() => Cluster.Value;

    /// <summary>A new empty database; returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix)
    {
        var cluster = await Cluster.Value;
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)];
        await cluster.CreateDatabaseAsync(name);
        return cluster.ConnectionString(name);
    }

    private static async Task<PostgresCluster> StartAsync()
    {
        var cluster = await PostgresCluster.StartThrowawayAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return cluster;
    }
}
