using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Duban.ServiceDefaults.Data;

public static class DatabaseExtensions
{
    /// <summary>
    /// Registers the service's own PostgreSQL database: an Npgsql data source from
    /// ConnectionStrings:{connectionName}, a pooled DbContext over it, a readiness check, and the
    /// hosted migrator that applies migrations (and the seeder, if any) before the service takes calls.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDatabase<TContext>(this IHostApplicationBuilder builder, string connectionName,
        Action<DbContextOptionsBuilder>? configure = null)
        where TContext : DbContext
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{connectionName} is not set.");

        var sourceBuilder = new NpgsqlDataSourceBuilder(connectionString) { Name = connectionName };
        Tune(sourceBuilder.ConnectionStringBuilder, connectionString);
        var dataSource = sourceBuilder.Build();
        builder.Services.AddSingleton(dataSource);
        builder.Services.AddDbContextPool<TContext>(options =>
        {
            options.UseNpgsql(dataSource);
            configure?.Invoke(options);
        });
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck<TContext>>("database", tags: [HealthTags.Ready]);
        builder.Services.AddOptions<DatabaseHealthOptions>().Bind(builder.Configuration.GetSection(DatabaseHealthOptions.Section)).ValidateOnStart();

        builder.Services.Configure<DatabaseOptions>(builder.Configuration.GetSection(DatabaseOptions.Section));
        builder.Services.AddHostedService<DatabaseMigrator<TContext>>();
        return builder;
    }

    /// <summary>How many recurring statements each pooled connection prepares unless the connection string says otherwise.</summary>
    public const int DefaultMaxAutoPrepare = 200;

    /// <summary>The services' connection settings, on top of what <paramref name="connectionString"/> sets.</summary>
    public static void Tune(NpgsqlConnectionStringBuilder settings, string connectionString)
    {
        // The services set no session state outside transactions, so a pooled connection needs no
        // DISCARD ALL on every return to the pool.
        settings.NoResetOnClose = true;
        // The same few statements run on every call: prepared on each pooled connection once they recur, PostgreSQL stops
        // parsing and planning them each time. A connection string that names its own value keeps it: 0 turns it off, for
        // a pooler in front of PostgreSQL that cannot keep prepared statements.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
            settings.MaxAutoPrepare = DefaultMaxAutoPrepare;
    }

    /// <summary>
    /// Handles the <c>migrate</c> command: apply migrations (and seed) and exit, for deployments that
    /// migrate in a separate step (a Kubernetes Job) rather than at start-up.
    /// </summary>
    public static async Task<bool> RunMigrateCommandAsync<TContext>(this WebApplication app, string[] args)
        where TContext : DbContext
    {
        if (!args.Contains("migrate"))
            return false;
        await DatabaseMigrator<TContext>.MigrateAndSeedAsync(app.Services, CancellationToken.None);
        return true;
    }
}

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Apply pending migrations when the service starts (default). Turn off when a Job runs <c>migrate</c>.</summary>
    public bool MigrateOnStartup { get; set; } = true;
}

/// <summary>Puts first data into an empty database after migrations (e.g. the sample units).</summary>
public interface IDatabaseSeeder<TContext> where TContext : DbContext
{
    Task SeedAsync(TContext db, CancellationToken cancellationToken);
}
