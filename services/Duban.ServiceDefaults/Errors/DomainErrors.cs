namespace Duban.ServiceDefaults.Errors;

/// <summary>One offending field of a request and what is wrong with it.</summary>
public sealed record FieldViolation(string Field, string Description);

/// <summary>
/// A rule of the domain was broken. Thrown by domain code and request validation; mapped to a gRPC
/// status with details by <see cref="ErrorMappingInterceptor"/>, so domain code never touches gRPC types.
/// </summary>
public abstract class DomainException(string message) : Exception(message);

/// <summary>The request itself is malformed: InvalidArgument with every offending field.</summary>
public sealed class ValidationFailedException(string message, IReadOnlyList<FieldViolation> violations)
    : DomainException(message)
{
    public ValidationFailedException(IReadOnlyList<FieldViolation> violations)
        : this(Describe(violations), violations) { }

    public ValidationFailedException(string field, string description)
        : this([new FieldViolation(field, description)]) { }

    public IReadOnlyList<FieldViolation> Violations { get; } = violations;

    private static string Describe(IReadOnlyList<FieldViolation> violations) =>
        "invalid request: " + string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}"));
}

/// <summary>The resource addressed by the call does not exist: NotFound.</summary>
public sealed class NotFoundException(string resourceType, string resourceName)
    : DomainException($"{resourceType} '{resourceName}' not found")
{
    public string ResourceType { get; } = resourceType;
    public string ResourceName { get; } = resourceName;
}

/// <summary>Something with the same identity already exists: AlreadyExists, naming the field.</summary>
public sealed class AlreadyExistsException(string field, string description)
    : DomainException($"{field}: {description}")
{
    public string Field { get; } = field;
    public string Description { get; } = description;
}

/// <summary>The system is not in a state that allows the call: FailedPrecondition.</summary>
public sealed class FailedPreconditionException(string type, string subject, string description)
    : DomainException(description)
{
    /// <summary>A short machine-readable kind, e.g. "STATE" or "OPEN_CHILDREN".</summary>
    public string Type { get; } = type;
    public string Subject { get; } = subject;
}

/// <summary>The caller read an older version than the stored one: Aborted (read again, then retry).</summary>
public sealed class StaleVersionException(string resourceType, string id, long sentVersion, long currentVersion)
    : DomainException($"{resourceType} '{id}' is at version {currentVersion}, the request carried {sentVersion}; read it again")
{
    public long CurrentVersion { get; } = currentVersion;
}

/// <summary>The caller is known but may not do this: PermissionDenied.</summary>
public sealed class PermissionDeniedException(string message) : DomainException(message);

/// <summary>A service this call depends on cannot be reached: Unavailable.</summary>
public sealed class DependencyUnavailableException(string dependency, Exception? inner = null)
    : DomainException($"{dependency} is unavailable; nothing was stored, try again later")
{
    public Exception? Cause { get; } = inner;
}
