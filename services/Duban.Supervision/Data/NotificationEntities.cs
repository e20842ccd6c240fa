namespace Duban.Supervision.Data;

/// <summary>How a notice reaches someone (the numbers are those of the units service's NotificationChannel).</summary>
public enum DeliveryChannel
{
    Email = 1,
    Sms = 2,
    /// <summary>钉钉 group robot of the lead unit.</summary>
    DingTalk = 3,
    /// <summary>企业微信 group robot of the lead unit.</summary>
    WeCom = 4,
}

public enum NotificationStatus
{
    /// <summary>Waiting for its time (the digest, the end of quiet hours) or for a retry.</summary>
    Pending = 1,
    Delivered = 2,
    /// <summary>Given up after Notifications:GiveUpAfterHours; RetryDelivery sends it again.</summary>
    Failed = 3,
    /// <summary>Its notice was resolved or superseded before its time came: nothing was sent.</summary>
    Withdrawn = 4,
}

/// <summary>
/// One notice to one recipient on one channel: a person's e-mail or SMS, or a unit's group robot. Unique per (notice,
/// channel, recipient), so it is sent at most once whatever the number of replicas; several due rows of one recipient
/// go out together as one message (a digest, or one robot message listing several notices).
/// </summary>
public sealed class NotificationDelivery
{
    public Guid Id { get; init; }
    public Guid NoticeId { get; init; }
    public DeliveryChannel Channel { get; init; }
    /// <summary>The person (e-mail, SMS) or the unit whose group robot is told (钉钉, 企业微信).</summary>
    public Guid RecipientId { get; init; }
    /// <summary>The person's name or the unit's name, as when queued.</summary>
    public string RecipientName { get; init; } = "";
    /// <summary>E-mail address or mobile, as when queued; empty for robots (their URLs are read from the units service when sending).</summary>
    public string Address { get; init; } = "";
    /// <summary>Robots: the mobiles of the people concerned, mentioned (@) in the group.</summary>
    public string[] Mentions { get; init; } = [];
    /// <summary>Escalations and 催办 go at once; the rest wait for the daily digest.</summary>
    public bool Immediate { get; init; }
    public NotificationStatus Status { get; set; } = NotificationStatus.Pending;
    public int AttemptCount { get; set; }
    /// <summary>When it is due (again); while a sender holds it, the end of that sender's lease.</summary>
    public DateTimeOffset NextAttemptAt { get; set; }
    public string LastError { get; set; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? DeliveredAt { get; set; }
    /// <summary>The message it went out in (several deliveries share one digest); the e-mail's Message-ID is built from it.</summary>
    public Guid? MessageId { get; set; }
}

/// <summary>When a unit's robot last got a message: 钉钉 takes at most 20 a minute per robot.</summary>
public sealed class RobotSend
{
    public DeliveryChannel Channel { get; init; }
    public Guid UnitId { get; init; }
    public DateTimeOffset LastSentAt { get; set; }
}

/// <summary>The office's wording for one kind of notice; kinds without a row use the Chinese default.</summary>
public sealed class NotificationTemplateRecord
{
    public NoticeKind Kind { get; init; }
    public string Template { get; set; } = "";
    public int Version { get; set; }
    public string UpdatedBy { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }
}
