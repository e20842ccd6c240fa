namespace Duban.ServiceDefaults.Errors;

/// <summary>Collects every problem of a request so the caller hears about all of them at once.</summary>
public sealed class Violations
{
    private readonly List<FieldViolation> _items = [];

    public bool Any => _items.Count > 0;

    public Violations Add(string field, string description)
    {
        _items.Add(new FieldViolation(field, description));
        return this;
    }

    /// <summary>Requires a non-blank text of at most <paramref name="maxLength"/> characters.</summary>
    public Violations RequireText(string? value, string field, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
            Add(field, "must not be empty");
        else
            MaxLength(value, field, maxLength);
        return this;
    }

    public Violations MaxLength(string? value, string field, int maxLength)
    {
        if (value is not null && value.Trim().Length > maxLength)
            Add(field, $"must be at most {maxLength} characters");
        return this;
    }

    public Violations RequireId(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
            Add(field, "must not be empty");
        else if (!Guid.TryParse(value, out _))
            Add(field, "is not a valid id");
        return this;
    }

    public Violations RequireVersion(long version, string field = "version")
    {
        if (version <= 0)
            Add(field, "must carry the version you read (a positive number)");
        return this;
    }

    public void ThrowIfAny()
    {
        if (_items.Count > 0)
            throw new ValidationFailedException(_items.ToArray());
    }
}
