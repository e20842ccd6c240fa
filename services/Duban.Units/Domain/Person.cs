namespace Duban.Units.Domain;

public enum UnitRole
{
    /// <summary>负责人</summary>
    Lead = 1,
    /// <summary>副职</summary>
    Deputy = 2,
    /// <summary>联络员</summary>
    Contact = 3,
    /// <summary>工作人员</summary>
    Staff = 4,
}

/// <summary>A person who can hold roles in units and oversee units as a leader.</summary>
public sealed class Person
{
    public Guid Id { get; init; }
    public required string Name { get; set; }
    public string Phone { get; set; } = "";
    public string Email { get; set; } = "";
    public bool Active { get; set; } = true;
    /// <summary>Channels the person is not to be told on.</summary>
    public List<NotificationChannel> OptedOutChannels { get; set; } = [];
    public long Version { get; set; } = 1;
    public string? CreateRequestId { get; init; }
    public DateTimeOffset CreateTime { get; init; }
    public DateTimeOffset UpdateTime { get; set; }

    public List<PersonRole> Roles { get; set; } = [];
    /// <summary>分管: the units this person oversees as a leader.</summary>
    public List<Oversight> Oversights { get; set; } = [];

    public void Touch(DateTimeOffset now)
    {
        Version++;
        UpdateTime = now;
    }
}

public sealed class PersonRole
{
    public Guid PersonId { get; init; }
    public Guid UnitId { get; init; }
    public UnitRole Role { get; init; }
    /// <summary>职务, e.g. 局长.</summary>
    public string Title { get; set; } = "";
}

public sealed class Oversight
{
    public Guid PersonId { get; init; }
    public Guid UnitId { get; init; }
}
