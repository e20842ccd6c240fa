using Duban.Supervision.Data;
using Duban.Supervision.Domain.Reviews;
using Google.Protobuf.WellKnownTypes;
using Contract = Duban.Contracts.Supervision.V1;

namespace Duban.Supervision.Grpc;

internal static class SupervisionMapping
{
    public static Google.Type.Date ToDate(this DateOnly date) => new() { Year = date.Year, Month = date.Month, Day = date.Day };

    public static DateOnly? ToDateOnly(this Google.Type.Date? date) =>
        date is null || date.Year == 0 ? null : new DateOnly(date.Year, date.Month, date.Day);

    public static Contract.Notice ToContract(this Notice n, DateTimeOffset asOf) => new()
    {
        Id = n.Id.ToString(),
        Kind = (Contract.NoticeKind)(int)n.Kind,
        Level = n.Level,
        Round = n.Round,
        Status = (Contract.NoticeStatus)(int)n.Status,
        AssignmentId = n.AssignmentId.ToString(),
        PlanId = n.PlanId.ToString(),
        LeadUnitId = n.LeadUnitId.ToString(),
        LeadUnitName = n.LeadUnitName,
        OwnerPersonId = n.OwnerPersonId?.ToString() ?? "",
        Title = n.Title,
        DueDate = n.DueDate?.ToDate(),
        DeadlineVersion = n.DeadlineVersion,
        DaysOverdue = n.DueDate is { } due && n.Kind is NoticeKind.Overdue or NoticeKind.Escalated
            ? Math.Max(0, ReviewClock.DaysPast(due, asOf, ReviewClock.DefaultTimeZone)) : 0,
        Message = n.Message,
        RecipientUnitIds = { n.RecipientUnitIds.Select(id => id.ToString()) },
        RecipientPersonIds = { (n.RecipientPersonIds ?? []).Select(id => id.ToString()) },
        RaiseTime = Timestamp.FromDateTimeOffset(n.RaisedAt),
        AcknowledgeTime = n.AcknowledgedAt is { } ack ? Timestamp.FromDateTimeOffset(ack) : null,
        ResolveTime = n.ResolvedAt is { } resolved ? Timestamp.FromDateTimeOffset(resolved) : null,
        ReplyBy = n.ReplyBy?.ToDate(),
        ReplyAttachmentIds = { n.ReplyAttachmentIds.Select(id => id.ToString()) },
    };

    public static Contract.Explanation ToContract(this Explanation e, string title = "", string leadUnitName = "") => new()
    {
        Title = title,
        LeadUnitName = leadUnitName,
        Id = e.Id.ToString(),
        NoticeId = e.NoticeId.ToString(),
        AssignmentId = e.AssignmentId.ToString(),
        LeadUnitId = e.LeadUnitId.ToString(),
        Reasons = e.Reasons,
        RemedyDate = e.RemedyDate?.ToDate(),
        Status = (Contract.ExplanationStatus)(int)e.Status,
        DecisionRemark = e.DecisionRemark,
        SubmitTime = Timestamp.FromDateTimeOffset(e.SubmittedAt),
        DecideTime = e.DecidedAt is { } decided ? Timestamp.FromDateTimeOffset(decided) : null,
        AttachmentIds = { e.AttachmentIds.Select(id => id.ToString()) },
    };

    public static Contract.WeeklyReview ToContract(this WeeklyReviewSummary r) => new()
    {
        Id = r.Id.ToString(),
        ScopeUnitId = r.ScopeUnitId.ToString(),
        Week = r.Week,
        AsOf = Timestamp.FromDateTimeOffset(r.AsOf),
        CreateTime = Timestamp.FromDateTimeOffset(r.CreatedAt),
        Assigned = r.Assigned,
        Overdue = r.Overdue,
        CompletedOnTime = r.CompletedOnTime,
        OverdueWithoutExplanation = r.OverdueWithoutExplanation,
        Revision = r.Revision,
        Final = r.Final,
    };

    /// <summary>Without the secret: only the create call returns it.</summary>
    public static Contract.WebhookSubscription ToContract(this WebhookSubscription s) => new()
    {
        Id = s.Id.ToString(),
        Name = s.Name,
        Url = s.Url,
        Kinds = { s.Kinds.Select(k => (Contract.NoticeKind)(int)k) },
        LeadUnitId = s.LeadUnitId?.ToString() ?? "",
        Active = s.Active,
        CreateTime = Timestamp.FromDateTimeOffset(s.CreatedAt),
        DeactivateTime = s.DeactivatedAt is { } deactivated ? Timestamp.FromDateTimeOffset(deactivated) : null,
    };

    public static Contract.WebhookDelivery ToContract(this WebhookDelivery d) => new()
    {
        Id = d.Id.ToString(),
        SubscriptionId = d.SubscriptionId.ToString(),
        NoticeId = d.NoticeId.ToString(),
        Status = (Contract.WebhookDeliveryStatus)(int)d.Status,
        AttemptCount = d.AttemptCount,
        NextAttemptTime = d.Status == WebhookDeliveryStatus.Pending ? Timestamp.FromDateTimeOffset(d.NextAttemptAt) : null,
        LastError = d.LastError,
        LastStatusCode = d.LastStatusCode ?? 0,
        CreateTime = Timestamp.FromDateTimeOffset(d.CreatedAt),
        DeliverTime = d.DeliveredAt is { } delivered ? Timestamp.FromDateTimeOffset(delivered) : null,
        ReplayId = d.ReplayId?.ToString() ?? "",
    };

    public static Contract.Delivery ToContract(this NotificationDelivery d) => new()
    {
        Id = d.Id.ToString(),
        NoticeId = d.NoticeId.ToString(),
        Channel = (Contract.DeliveryChannel)(int)d.Channel,
        RecipientId = d.RecipientId.ToString(),
        RecipientName = d.RecipientName,
        Status = (Contract.DeliveryStatus)(int)d.Status,
        Immediate = d.Immediate,
        AttemptCount = d.AttemptCount,
        NextAttemptTime = d.Status == NotificationStatus.Pending ? Timestamp.FromDateTimeOffset(d.NextAttemptAt) : null,
        LastError = d.LastError,
        CreateTime = Timestamp.FromDateTimeOffset(d.CreatedAt),
        DeliverTime = d.DeliveredAt is { } delivered ? Timestamp.FromDateTimeOffset(delivered) : null,
        MessageId = d.MessageId?.ToString() ?? "",
    };

    public static Contract.NotificationTemplate ToContract(this Notifications.NotificationTemplateView t) => new()
    {
        Kind = (Contract.NoticeKind)(int)t.Kind,
        Template = t.Template,
        IsDefault = t.IsDefault,
        Version = t.Version,
        UpdatedBy = t.UpdatedBy,
        UpdateTime = t.UpdatedAt is { } at ? Timestamp.FromDateTimeOffset(at) : null,
    };
}
