using System.Net.Sockets;
using Google.Rpc;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace Duban.ServiceDefaults.Errors;

/// <summary>
/// What a PostgreSQL failure means for the caller. Constraint and data errors are the caller's (InvalidArgument,
/// AlreadyExists, with the column where the model knows it); a lost connection, a server shutting down or starting up
/// is Unavailable; a serialization failure or deadlock is Aborted. Both of the latter stored nothing and may be
/// retried as they are.
/// </summary>
public static class DatabaseErrors
{
    /// <summary>The status for <paramref name="ex"/> if it is a database failure, else null.</summary>
    public static Google.Rpc.Status? Classify(Exception ex)
    {
        var postgres = Find<PostgresException>(ex);
        if (postgres is not null)
            return FromSqlState(postgres, Find<DbUpdateException>(ex));
        if (Find<NpgsqlException>(ex) is { } npgsql && (npgsql.IsTransient || npgsql.InnerException is IOException or SocketException))
            return Transient(Code.Unavailable, "the database connection was lost; nothing was stored, try again");
        if (Find<SocketException>(ex) is not null && Find<NpgsqlException>(ex) is not null)
            return Transient(Code.Unavailable, "the database cannot be reached; nothing was stored, try again");
        return null;
    }

    private static Google.Rpc.Status? FromSqlState(PostgresException pg, DbUpdateException? update) => pg.SqlState switch
    {
        PostgresErrorCodes.StringDataRightTruncation =>
            Invalid(TooLongColumns(update) is { Count: > 0 } columns ? columns : ["request"], "is longer than the stored field allows"),
        PostgresErrorCodes.CharacterNotInRepertoire or PostgresErrorCodes.UntranslatableCharacter =>
            Invalid(["request"], "contains characters that cannot be stored (such as NUL)"),
        PostgresErrorCodes.InvalidTextRepresentation or PostgresErrorCodes.NumericValueOutOfRange
            or PostgresErrorCodes.DatetimeFieldOverflow or PostgresErrorCodes.InvalidDatetimeFormat =>
            Invalid(["request"], "holds a value the database cannot store: " + pg.MessageText),
        PostgresErrorCodes.UniqueViolation => AlreadyExists(ConstraintColumns(pg, update), "already exists"),
        PostgresErrorCodes.ForeignKeyViolation => Invalid(ConstraintColumns(pg, update), "refers to something that does not exist"),
        PostgresErrorCodes.CheckViolation or PostgresErrorCodes.NotNullViolation or PostgresErrorCodes.ExclusionViolation =>
            Invalid(ConstraintColumns(pg, update), "breaks a rule of the stored data: " + pg.MessageText),
        PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected =>
            Transient(Code.Aborted, "the call collided with a concurrent one and was rolled back; nothing was stored, try again"),
        PostgresErrorCodes.LockNotAvailable =>
            Transient(Code.Aborted, "a record is locked by a concurrent call; nothing was stored, try again"),
        PostgresErrorCodes.QueryCanceled =>
            Transient(Code.DeadlineExceeded, "the database took too long; nothing was stored"),
        _ when pg.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exceptions
            || pg.SqlState.StartsWith("57P", StringComparison.Ordinal) // admin or crash shutdown, cannot connect now
            || pg.SqlState.StartsWith("53", StringComparison.Ordinal) // insufficient resources, too many connections
            || pg.IsTransient =>
            Transient(Code.Unavailable, "the database is restarting or unreachable; nothing was stored, try again"),
        _ => null, // unexpected: logged as a fault of the service
    };

    private static Google.Rpc.Status Transient(Code code, string message) => new()
    {
        Code = (int)code,
        Message = message,
        Details = { Google.Protobuf.WellKnownTypes.Any.Pack(new ErrorInfo { Reason = "DATABASE_TRANSIENT", Domain = "duban" }) },
    };

    private static Google.Rpc.Status Invalid(IEnumerable<string> fields, string description) => WithFields(Code.InvalidArgument, fields, description);

    private static Google.Rpc.Status AlreadyExists(IEnumerable<string> fields, string description) => WithFields(Code.AlreadyExists, fields, description);

    private static Google.Rpc.Status WithFields(Code code, IEnumerable<string> fields, string description)
    {
        var badRequest = new BadRequest();
        foreach (var field in fields)
            badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = field, Description = description });
        return new Google.Rpc.Status
        {
            Code = (int)code,
            Message = "invalid request: " + string.Join("; ", badRequest.FieldViolations.Select(v => $"{v.Field}: {v.Description}")),
            Details = { Google.Protobuf.WellKnownTypes.Any.Pack(badRequest) },
        };
    }

    /// <summary>The columns whose values exceed their declared length, from the entities EF Core tried to save.</summary>
    private static List<string> TooLongColumns(DbUpdateException? update) =>
        update is null ? [] : update.Entries
            .SelectMany(entry => entry.Properties
                .Where(p => p.Metadata.GetMaxLength() is { } max && p.CurrentValue is string s && s.Length > max)
                .Select(p => p.Metadata.GetColumnName()))
            .Distinct().ToList();

    /// <summary>The columns of the violated index or key, as the model names them; the constraint's name when the model does not know it.</summary>
    private static List<string> ConstraintColumns(PostgresException pg, DbUpdateException? update)
    {
        if (pg.ColumnName is { Length: > 0 } column)
            return [column];
        if (pg.ConstraintName is not { Length: > 0 } constraint)
            return ["request"];
        var model = update?.Entries.FirstOrDefault()?.Context.Model;
        var columns = model?.GetEntityTypes()
            .SelectMany(t => t.GetIndexes().Where(i => i.GetDatabaseName() == constraint).Select(i => i.Properties)
                .Concat(t.GetKeys().Where(k => k.GetName() == constraint).Select(k => k.Properties))
                .Concat(t.GetForeignKeys().Where(f => f.GetConstraintName() == constraint).Select(f => f.Properties)))
            .FirstOrDefault();
        return columns is { Count: > 0 } ? columns.Select(p => p.GetColumnName()).ToList() : [constraint];
    }

    private static T? Find<T>(Exception? ex) where T : Exception
    {
        for (var depth = 0; ex is not null && depth < 10; depth++, ex = ex.InnerException)
        {
            if (ex is T found)
                return found;
            if (ex is AggregateException { InnerExceptions.Count: > 0 } aggregate)
                return aggregate.InnerExceptions.Select(Find<T>).FirstOrDefault(e => e is not null);
        }
        return null;
    }
}
