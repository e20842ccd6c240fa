using Duban.Tasks.Domain;
using Duban.Tasks.Domain.Deadlines;
using Duban.Tasks.Events;
using Duban.Tasks.Domain.Import;
using Google.Protobuf.WellKnownTypes;
using Contract = Duban.Contracts.Tasks.V1;

namespace Duban.Tasks.Grpc;

/// <summary>Domain values to and from their wire form.</summary>
public static class TaskMapping
{
    private const int ReportDatesShown = 3;

    public static Google.Type.Date ToDate(this DateOnly date) => new() { Year = date.Year, Month = date.Month, Day = date.Day };

    public static DateOnly? ToDateOnly(this Google.Type.Date? date) =>
        date is null || date.Year == 0 ? null : new DateOnly(date.Year, date.Month, date.Day);

    /// <param name="now">Report dates are listed from the day it is now in the assignment's zone.</param>
    public static Contract.Assignment ToContract(this Assignment a, DateTimeOffset now)
    {
        var contract = new Contract.Assignment
        {
            Id = a.Id.ToString(),
            PlanId = a.PlanId.ToString(),
            ItemId = a.ItemId.ToString(),
            ParentAssignmentId = a.ParentAssignmentId?.ToString() ?? "",
            AssigningUnitId = a.AssigningUnitId.ToString(),
            LeadUnitId = a.LeadUnitId.ToString(),
            CoUnitIds = { a.CoUnitIds.Select(id => id.ToString()) },
            LeadCollective = a.LeadCollective,
            OwnerPersonId = a.OwnerPersonId?.ToString() ?? "",
            OwnerName = a.OwnerName,
            Title = a.Title,
            Deadline = DeadlineOf(a, DueTime.LocalDate(now, a.TimeZone)),
            OriginalDueDate = a.OriginalDueDate?.ToDate(),
            DeadlineVersion = a.DeadlineVersion,
            Target = a.Target is { } t ? new Contract.QuantitativeTarget { Metric = t.Metric, Value = t.Value, UnitOfMeasure = t.UnitOfMeasure, ByText = t.ByText } : null,
            Source = a.Source,
            Status = (Contract.AssignmentStatus)(int)a.Status,
            ProgressPercent = a.ProgressPercent,
            Version = a.Version,
            TimeZone = a.TimeZone,
            CreateTime = Timestamp.FromDateTimeOffset(a.CreateTime),
            UpdateTime = Timestamp.FromDateTimeOffset(a.UpdateTime),
            CompletionRequestedTime = a.CompletionRequestedTime is { } requested ? Timestamp.FromDateTimeOffset(requested) : null,
            CompletedTime = a.CompletedTime is { } completed ? Timestamp.FromDateTimeOffset(completed) : null,
            ChildCount = a.ChildCount,
            OpenChildCount = a.OpenChildCount,
        };
        if (a.PendingExtension is { } pending)
            contract.PendingExtension = new Contract.ExtensionRequest
            {
                RequestedDueDate = pending.RequestedDueDate.ToDate(),
                Reason = pending.Reason,
                RequestedBy = pending.RequestedBy?.ToString() ?? "",
                RequestTime = Timestamp.FromDateTimeOffset(pending.RequestTime),
            };
        return contract;
    }

    private static Contract.Deadline DeadlineOf(Assignment a, DateOnly today)
    {
        var deadline = new Contract.Deadline
        {
            Kind = EventMapping.ToContract(a.DeadlineKind),
            OriginalText = a.DeadlineText,
            DueDate = a.DueDate?.ToDate(),
            Precision = a.DuePrecision is { } p ? ToContract(p) : Contract.DatePrecision.Unspecified,
            Milestones = { a.Milestones.Select(m => new Contract.Milestone { Date = m.Date.ToDate(), Precision = ToContract(m.Precision), Label = m.Label }) },
        };
        var typed = a.Deadline;
        var cadence = typed switch
        {
            RecurringDeadline recurring => recurring.Recurrence,
            OngoingDeadline ongoing => ongoing.ReportingCadence,
            _ => null,
        };
        if (cadence is not null)
        {
            deadline.ReportRule = EventMapping.ToContract(cadence);
            deadline.NextReportDates.AddRange(cadence.NextDueDates(today.AddDays(-1), ReportDatesShown).Select(d => d.ToDate()));
        }
        if (a.RelativePeriod is { } relative)
            deadline.Relative = new Contract.RelativePeriod
            {
                Count = relative.Count,
                Unit = relative.Unit switch
                {
                    DurationUnit.CalendarDays => Contract.PeriodUnit.CalendarDays,
                    DurationUnit.WorkingDays => Contract.PeriodUnit.WorkingDays,
                    DurationUnit.Weeks => Contract.PeriodUnit.Weeks,
                    DurationUnit.Months => Contract.PeriodUnit.Months,
                    _ => Contract.PeriodUnit.Unspecified,
                },
                Anchor = relative.Anchor switch
                {
                    RelativeAnchor.Meeting => Contract.PeriodAnchor.Meeting,
                    RelativeAnchor.AssignmentReceipt => Contract.PeriodAnchor.AssignmentReceipt,
                    RelativeAnchor.DocumentIssue => Contract.PeriodAnchor.DocumentIssue,
                    _ => Contract.PeriodAnchor.Unspecified,
                },
                AnchorDate = a.RelativeAnchorDate.ToDate(),
            };
        return deadline;
    }

    public static Contract.DatePrecision ToContract(DatePrecision precision) => precision switch
    {
        DatePrecision.Day => Contract.DatePrecision.Day,
        DatePrecision.MonthEnd => Contract.DatePrecision.MonthEnd,
        DatePrecision.QuarterEnd => Contract.DatePrecision.QuarterEnd,
        DatePrecision.HalfYearEnd => Contract.DatePrecision.HalfYearEnd,
        DatePrecision.YearEnd => Contract.DatePrecision.YearEnd,
        _ => Contract.DatePrecision.Unspecified,
    };

    public static Contract.HistoryEntry ToContract(this HistoryEntry h) => new()
    {
        Type = h.Type,
        Time = Timestamp.FromDateTimeOffset(h.Time),
        PersonId = h.PersonId?.ToString() ?? "",
        UnitId = h.UnitId?.ToString() ?? "",
        StatusAfter = (Contract.AssignmentStatus)(int)h.StatusAfter,
        ProgressPercent = h.ProgressPercent,
        Text = h.Text,
        Links = { h.Links },
        DueDate = h.DueDate?.ToDate(),
        Version = h.Version,
    };

    public static Contract.Attachment ToContract(this Domain.Attachments.Attachment a) => new()
    {
        Id = a.Id.ToString(),
        AssignmentId = a.AssignmentId.ToString(),
        FileName = a.FileName,
        ContentType = a.ContentType,
        SizeBytes = a.SizeBytes,
        Sha256 = a.Sha256,
        UploaderPersonId = a.UploaderPersonId?.ToString() ?? "",
        UploaderUnitId = a.UploaderUnitId?.ToString() ?? "",
        UploadTime = Timestamp.FromDateTimeOffset(a.UploadTime),
        RecordKind = a.State == Domain.Attachments.AttachmentState.Bound ? (Contract.AttachmentRecordKind)(int)a.RecordKind : Contract.AttachmentRecordKind.Unspecified,
        HistoryVersion = a.HistoryVersion ?? 0,
        RecordId = a.RecordId?.ToString() ?? "",
    };

    public static Contract.Plan ToContract(this Plan plan, int itemCount, int assignmentCount) => new()
    {
        Id = plan.Id.ToString(),
        Title = plan.Title,
        IssuingUnitId = plan.IssuingUnitId.ToString(),
        IssueDate = plan.IssueDate.ToDate(),
        TimeZone = plan.TimeZone,
        SourceText = plan.SourceText,
        Status = (Contract.PlanStatus)(int)plan.Status,
        Version = plan.Version,
        ItemCount = itemCount,
        AssignmentCount = assignmentCount,
        CreateTime = Timestamp.FromDateTimeOffset(plan.CreateTime),
        WithdrawReason = plan.WithdrawReason,
        WithdrawTime = plan.WithdrawnAt is { } withdrawn ? Timestamp.FromDateTimeOffset(withdrawn) : null,
    };

    public static Contract.PlanItem ToContract(this PlanItem item) => new()
    {
        Id = item.Id.ToString(),
        PlanId = item.PlanId.ToString(),
        ParentId = item.ParentId?.ToString() ?? "",
        Kind = ToContract(item.Kind),
        Numbering = item.Numbering,
        PathLabel = item.PathLabel,
        Text = item.Text,
        Description = item.Description,
        Attributes = { item.Attributes },
        SourceLine = item.SourceLine,
    };

    /// <summary>A dry run's item, with what the document gives it.</summary>
    public static Contract.PlanItem ToContract(this PlanItem item, DraftItem draft)
    {
        var contract = item.ToContract();
        contract.Responsibility = new Contract.ItemResponsibility
        {
            LeadUnits = { draft.LeadUnits.Select(u => u.Text) },
            CoUnits = { draft.CoUnits.Select(u => u.Text) },
            Owner = draft.Owner ?? "",
            DeadlineText = draft.DeadlineText ?? "",
            InheritedFrom = { draft.InheritedFrom.ToDictionary() },
        };
        return contract;
    }

    public static Contract.ItemKind ToContract(DraftItemKind kind) => kind switch
    {
        DraftItemKind.Goal => Contract.ItemKind.Goal,
        DraftItemKind.Area => Contract.ItemKind.Area,
        DraftItemKind.KeyTask => Contract.ItemKind.KeyTask,
        DraftItemKind.Measure => Contract.ItemKind.Measure,
        DraftItemKind.SubMeasure => Contract.ItemKind.SubMeasure,
        _ => Contract.ItemKind.Unspecified,
    };

    public static DraftItemKind ToDomain(Contract.ItemKind kind) => kind switch
    {
        Contract.ItemKind.Goal => DraftItemKind.Goal,
        Contract.ItemKind.Area => DraftItemKind.Area,
        Contract.ItemKind.KeyTask => DraftItemKind.KeyTask,
        Contract.ItemKind.SubMeasure => DraftItemKind.SubMeasure,
        _ => DraftItemKind.Measure,
    };
}
