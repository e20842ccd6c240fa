using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Duban.ServiceDefaults.Data;

public static class BulkStatements
{
    /// <summary>
    /// For the rest of the current transaction, PostgreSQL runs statements without JIT compilation. A statement over a
    /// million rows looks expensive enough to be compiled, and compiling its expressions costs a few hundred milliseconds
    /// that the plain interpreter never loses on such simple expressions.
    /// </summary>
    public static Task WithoutJitAsync(this DatabaseFacade database, CancellationToken ct) =>
        database.ExecuteSqlRawAsync("SET LOCAL jit = off", ct);
}
