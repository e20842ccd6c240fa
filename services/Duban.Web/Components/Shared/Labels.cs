using Duban.Contracts.Tasks.V1;
using Google.Protobuf.WellKnownTypes;

namespace Duban.Web.Components.Shared;

/// <summary>The Chinese words the pages show for the services' values.</summary>
public static class Labels
{
    public static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    public static string Status(AssignmentStatus status) => status switch
    {
        AssignmentStatus.Assigned => "已交办",
        AssignmentStatus.Accepted => "已签收",
        AssignmentStatus.InProgress => "办理中",
        AssignmentStatus.CompletionRequested => "待核验",
        AssignmentStatus.Completed => "已办结",
        AssignmentStatus.Cancelled => "已撤销",
        _ => "未知",
    };

    public static readonly AssignmentStatus[] Statuses =
    [
        AssignmentStatus.Assigned, AssignmentStatus.Accepted, AssignmentStatus.InProgress, AssignmentStatus.CompletionRequested,
        AssignmentStatus.Completed, AssignmentStatus.Cancelled,
    ];

    public static string History(string type) => type switch
    {
        "ASSIGNED" => "交办",
        "ACCEPTED" => "签收",
        "PROGRESS_REPORTED" => "报送进展",
        "COMPLETION_CONFIRMED" => "申请办结",
        "COMPLETION_VERIFIED" => "核验办结",
        "COMPLETION_REJECTED" => "退回（退办）",
        "EXTENSION_REQUESTED" => "申请延期",
        "EXTENSION_APPROVED" => "同意延期",
        "EXTENSION_REFUSED" => "不同意延期",
        "CANCELLED" => "撤销",
        "DECOMPOSED" => "分解交办",
        _ => type,
    };

    public static string Date(Google.Type.Date? date) =>
        date is null || date.Year == 0 ? "—" : $"{date.Year}-{date.Month:D2}-{date.Day:D2}";

    public static DateOnly? ToDateOnly(Google.Type.Date? date) =>
        date is null || date.Year == 0 ? null : new DateOnly(date.Year, date.Month, date.Day);

    public static Google.Type.Date ToDate(DateOnly date) => new() { Year = date.Year, Month = date.Month, Day = date.Day };

    /// <summary>A time as the office reads it: Beijing time, to the minute.</summary>
    public static string Time(Timestamp? time) =>
        time is null ? "—" : TimeZoneInfo.ConvertTime(time.ToDateTimeOffset(), Shanghai).ToString("yyyy-MM-dd HH:mm");

    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), Shanghai).DateTime);

    /// <summary>What a notice is called, its level with an escalation.</summary>
    public static string Notice(Duban.Contracts.Supervision.V1.Notice n) => n.Kind switch
    {
        Duban.Contracts.Supervision.V1.NoticeKind.DueSoon => "临期提醒",
        Duban.Contracts.Supervision.V1.NoticeKind.Overdue => "逾期通知",
        Duban.Contracts.Supervision.V1.NoticeKind.Escalated => $"升级督办（{n.Level}级）",
        Duban.Contracts.Supervision.V1.NoticeKind.MilestoneOverdue => "节点逾期",
        Duban.Contracts.Supervision.V1.NoticeKind.ReportMissing => "进展未报",
        Duban.Contracts.Supervision.V1.NoticeKind.Urged => "催办",
        Duban.Contracts.Supervision.V1.NoticeKind.BehindSchedule => "进度滞后",
        Duban.Contracts.Supervision.V1.NoticeKind.ExplanationReturned => "情况说明退回",
        _ => "通知",
    };
}
