using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Duban.ServiceDefaults.Data;

/// <summary>
/// Migrates, then seeds, before the server accepts calls. A failure stops start-up loudly rather than
/// serving against a half-made schema.
/// </summary>
public sealed class DatabaseMigrator<TContext>(IServiceProvider services, IOptions<DatabaseOptions> options,
    ILogger<DatabaseMigrator<TContext>> logger) : IHostedService where TContext : DbContext
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.MigrateOnStartup)
            return;
        logger.LogInformation("Applying migrations of {Context}", typeof(TContext).Name);
        await MigrateAndSeedAsync(services, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static async Task MigrateAndSeedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        // Creating the history table first keeps a fresh database's first start free of a logged
        // "relation does not exist" error. EF Core takes a database lock while migrating, so several
        // replicas may start at once.
        await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
        foreach (var seeder in scope.ServiceProvider.GetServices<IDatabaseSeeder<TContext>>())
            await seeder.SeedAsync(db, cancellationToken);
    }
}
