using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Duban.ServiceDefaults.Errors;
using Duban.Supervision.Data;

namespace Duban.Supervision.Domain.Notifications;

/// <summary>One notice as a message lists it.</summary>
public sealed record NoticeLine(Guid NoticeId, NoticeKind Kind, int Level, int Urgency, Guid AssignmentId, string Title, string LeadUnitName,
    DateOnly? DueDate, string Message);

/// <summary>What a channel sends: a subject, plain text, HTML (e-mail) and markdown (robots).</summary>
public sealed record RenderedMessage(string Subject, string Text, string Html, string Markdown);

/// <summary>
/// The wording of notices: one line template per kind, with placeholders in braces, Chinese by default and editable by
/// the office. A message lists its notices most urgent first, grouped by kind; the link to the workbench is added only
/// when its address is configured.
/// </summary>
public sealed partial class NoticeWording(IReadOnlyDictionary<NoticeKind, string> templates, string workbenchUrl)
{
    public const int MaxTemplateLength = 500;

    public static readonly IReadOnlyList<string> Placeholders = ["title", "unit", "due_date", "level", "message", "link"];

    public static readonly IReadOnlyDictionary<NoticeKind, string> KindNames = new Dictionary<NoticeKind, string>
    {
        [NoticeKind.DueSoon] = "即将到期",
        [NoticeKind.Overdue] = "已逾期",
        [NoticeKind.Escalated] = "升级督办",
        [NoticeKind.MilestoneOverdue] = "节点逾期",
        [NoticeKind.ReportMissing] = "进展未报",
        [NoticeKind.Urged] = "催办",
        [NoticeKind.BehindSchedule] = "进度滞后",
        [NoticeKind.ExplanationReturned] = "情况说明退回",
    };

    public static readonly IReadOnlyDictionary<NoticeKind, string> Defaults = new Dictionary<NoticeKind, string>
    {
        [NoticeKind.DueSoon] = "【即将到期】{unit}牵头的“{title}”将于{due_date}到期，请抓紧办理。{link}",
        [NoticeKind.Overdue] = "【已逾期】{unit}牵头的“{title}”已于{due_date}到期未办结，请说明情况并尽快办结。{link}",
        [NoticeKind.Escalated] = "【升级督办】{unit}牵头的“{title}”逾期未办结，已升级督办（第{level}级）：{message}{link}",
        [NoticeKind.MilestoneOverdue] = "【节点逾期】{unit}牵头的“{title}”有节点逾期：{message}{link}",
        [NoticeKind.ReportMissing] = "【进展未报】{unit}牵头的“{title}”未按时报送进展：{message}{link}",
        [NoticeKind.Urged] = "【催办】{unit}牵头的“{title}”：{message}{link}",
        [NoticeKind.BehindSchedule] = "【进度滞后】{unit}牵头的“{title}”进度落后于序时进度：{message}{link}",
        // {message} is the office's remark, which may be empty: the sentence before it stands on its own.
        [NoticeKind.ExplanationReturned] = "【情况说明退回】{unit}牵头的“{title}”的情况说明已退回，请修改后重新报送。{message}{link}",
    };

    /// <summary>Every problem of a template: empty, too long, unbalanced braces, or placeholders this wording does not know.</summary>
    public static void Check(string template, string field, Violations violations)
    {
        if (string.IsNullOrWhiteSpace(template))
        {
            violations.Add(field, "must not be empty");
            return;
        }
        if (template.Length > MaxTemplateLength)
            violations.Add(field, $"must be at most {MaxTemplateLength} characters");
        if (Placeholder().Replace(template, "").IndexOfAny(['{', '}']) >= 0)
            violations.Add(field, "has a brace that opens or closes no placeholder");
        foreach (var unknown in Placeholder().Matches(template).Select(m => m.Groups[1].Value).Where(p => !Placeholders.Contains(p)).Distinct())
            violations.Add(field, $"unknown placeholder {{{unknown}}}; known: {string.Join(", ", Placeholders.Select(p => "{" + p + "}"))}");
    }

    public string Template(NoticeKind kind) => templates.GetValueOrDefault(kind) ?? Defaults.GetValueOrDefault(kind) ?? "{title}：{message}{link}";

    public string Link(Guid assignmentId) => workbenchUrl.Length == 0 ? "" : $"{workbenchUrl.TrimEnd('/')}/matters/{assignmentId}";

    /// <summary>The line of one notice, with <paramref name="escape"/> applied to every value put in (not to the template).</summary>
    public string Line(NoticeLine notice, Func<string, string> escape, Func<string, string>? link = null) =>
        Placeholder().Replace(Template(notice.Kind), m => m.Groups[1].Value switch
        {
            "title" => escape(notice.Title),
            "unit" => escape(notice.LeadUnitName),
            "due_date" => notice.DueDate is { } due ? $"{due.Year}年{due.Month}月{due.Day}日" : "",
            "level" => notice.Level.ToString(),
            "message" => escape(notice.Message),
            "link" => Link(notice.AssignmentId) is { Length: > 0 } url ? (link ?? (u => " " + u))(url) : "",
            _ => m.Value,
        });

    /// <summary>A message listing <paramref name="notices"/> for one person or group, most urgent first, grouped by kind.</summary>
    public RenderedMessage Render(IReadOnlyList<NoticeLine> notices, bool digest)
    {
        var ordered = notices.OrderByDescending(n => n.Urgency).ThenBy(n => n.DueDate ?? DateOnly.MaxValue).ThenBy(n => n.NoticeId).ToList();
        var groups = ordered.GroupBy(n => n.Kind).ToList();
        var subject = digest
            ? $"督查督办每日提醒：{string.Join("、", groups.Select(g => $"{KindNames.GetValueOrDefault(g.Key, "提醒")}{g.Count()}项"))}"
            : ordered.Count == 1 ? $"督查督办提醒：【{KindNames.GetValueOrDefault(ordered[0].Kind, "提醒")}】{Shorten(ordered[0].Title)}"
            : $"督查督办提醒：{ordered.Count}项";

        var text = new StringBuilder(subject).Append("\n\n");
        var html = new StringBuilder("<html><head><meta charset=\"utf-8\"></head><body><h2>").Append(WebUtility.HtmlEncode(subject)).Append("</h2>");
        var markdown = new StringBuilder("### ").Append(MarkdownEscape(subject)).Append("\n\n");
        foreach (var group in groups)
        {
            var name = KindNames.GetValueOrDefault(group.Key, "提醒");
            text.Append(name).Append("（").Append(group.Count()).Append("项）\n");
            html.Append("<h3>").Append(name).Append("（").Append(group.Count()).Append("项）</h3><ol>");
            markdown.Append("**").Append(name).Append("（").Append(group.Count()).Append("项）**\n\n");
            var i = 0;
            foreach (var notice in group)
            {
                i++;
                text.Append(i).Append(". ").Append(Line(notice, s => s)).Append('\n');
                html.Append("<li>").Append(Line(notice, WebUtility.HtmlEncode, url => $" <a href=\"{WebUtility.HtmlEncode(url)}\">查看事项</a>")).Append("</li>");
                markdown.Append(i).Append(". ").Append(Line(notice, MarkdownEscape, url => $" [查看事项]({url})")).Append('\n');
            }
            text.Append('\n');
            html.Append("</ol>");
            markdown.Append('\n');
        }
        html.Append("<p>此邮件由督查督办系统发送，请勿直接回复。</p></body></html>");
        return new RenderedMessage(subject, text.ToString().TrimEnd() + "\n", html.ToString(), markdown.ToString().TrimEnd());
    }

    private static string Shorten(string title) => title.Length <= 40 ? title : title[..40] + "…";

    private static string MarkdownEscape(string value) => MarkdownSpecial().Replace(value.ReplaceLineEndings(" "), @"\$0");

    [GeneratedRegex(@"\{([a-z_]+)\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"[\\`*_\[\]#>|]")]
    private static partial Regex MarkdownSpecial();
}
