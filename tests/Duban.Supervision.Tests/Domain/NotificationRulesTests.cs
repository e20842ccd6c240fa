using Duban.Deadlines;
using Duban.ServiceDefaults.Errors;
using Duban.Supervision.Data;
using Duban.Supervision.Domain.Notifications;

namespace Duban.Supervision.Tests.Domain;

public class NotificationRulesTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly WorkingCalendar China = WorkingCalendar.LoadFolder(Path.Combine(AppContext.BaseDirectory, "Calendar"));
    private static readonly NotificationClock Clock = new(Shanghai, new TimeOnly(8, 30), new TimeOnly(22, 0), new TimeOnly(7, 0), China);

    private static DateTimeOffset Local(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.FromHours(8));

    [Fact]
    public void DingTalk_sign_is_the_url_encoded_base64_hmac_of_timestamp_newline_secret()
    {
        // Computed independently (Python: base64(hmac.new(secret, f"{ts}\n{secret}", sha256)), then URL-encoded).
        Assert.Equal("GQTdD2h8xuqlb8XmudD4Eah5iFpDgJYtqFlQIs9dSTg%3D", DingTalkSignature.Sign(1577262236757, "SECxxxxxxxx"));
        Assert.Equal("https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1577262236757&sign=GQTdD2h8xuqlb8XmudD4Eah5iFpDgJYtqFlQIs9dSTg%3D",
            DingTalkSignature.SignedUrl("https://oapi.dingtalk.com/robot/send?access_token=abc", "SECxxxxxxxx", 1577262236757));
    }

    [Theory]
    // Before the digest time on a working day: that morning.
    [InlineData(4, 28, 7, 0, 4, 28)]
    // After it: the next working day.
    [InlineData(4, 28, 9, 0, 4, 29)]
    // Thursday 30 April after 08:30: 1–5 May are the Labour Day holiday, so Wednesday 6 May.
    [InlineData(4, 30, 10, 0, 5, 6)]
    // Friday 8 May evening: Saturday 9 May is a make-up working day (调休上班).
    [InlineData(5, 8, 18, 0, 5, 9)]
    // Saturday 9 May after 08:30: Sunday is off, Monday 11 May.
    [InlineData(5, 9, 12, 0, 5, 11)]
    public void The_digest_goes_at_the_digest_time_of_the_first_working_day_not_past(int month, int day, int hour, int minute, int dueMonth, int dueDay)
    {
        Assert.Equal(Local(dueMonth, dueDay, 8, 30), Clock.DueAt(immediate: false, Local(month, day, hour, minute)));
    }

    [Fact]
    public void Escalations_go_at_once_but_wait_out_quiet_hours_and_not_days_off()
    {
        var sundayNoon = Local(5, 10, 12);
        Assert.Equal(sundayNoon, Clock.DueAt(immediate: true, sundayNoon));
        Assert.Equal(Local(5, 11, 7), Clock.DueAt(immediate: true, Local(5, 10, 23, 15)));
        Assert.Equal(Local(5, 11, 7), Clock.DueAt(immediate: true, Local(5, 11, 3)));
        Assert.Equal(Local(5, 11, 7), Clock.DueAt(immediate: true, Local(5, 11, 7)));
        var none = Clock with { QuietStart = new TimeOnly(0, 0), QuietEnd = new TimeOnly(0, 0) };
        Assert.Equal(Local(5, 11, 3), none.DueAt(immediate: true, Local(5, 11, 3)));
    }

    [Fact]
    public void Templates_with_unknown_placeholders_or_stray_braces_are_refused_each_reported()
    {
        var violations = new Violations();
        NoticeWording.Check("{title}到期{deadline}，{unit}{", "template", violations);
        var ex = Assert.Throws<ValidationFailedException>(violations.ThrowIfAny);
        Assert.Equal(2, ex.Violations.Count);
        Assert.Contains(ex.Violations, v => v.Description.Contains("{deadline}"));
        Assert.Contains(ex.Violations, v => v.Description.Contains("brace"));

        var fine = new Violations();
        foreach (var template in NoticeWording.Defaults.Values)
            NoticeWording.Check(template, "template", fine);
        fine.ThrowIfAny();
    }

    [Fact]
    public void A_digest_lists_notices_most_urgent_first_grouped_by_kind_with_links_only_when_configured()
    {
        var assignment = Guid.NewGuid();
        NoticeLine Line(NoticeKind kind, int urgency, string title) =>
            new(Guid.NewGuid(), kind, 0, urgency, assignment, title, "经发局", new DateOnly(2026, 4, 30), "逾期2天");
        var notices = new[] { Line(NoticeKind.DueSoon, 1, "招商引资"), Line(NoticeKind.Overdue, 5, "园区道路*改造*"), Line(NoticeKind.Overdue, 5, "污水管网") };

        var linked = new NoticeWording(new Dictionary<NoticeKind, string>(), "https://duban.example.cn/").Render(notices, digest: true);
        Assert.Equal("督查督办每日提醒：已逾期2项、即将到期1项", linked.Subject);
        Assert.True(linked.Text.IndexOf("已逾期（2项）", StringComparison.Ordinal) < linked.Text.IndexOf("即将到期（1项）", StringComparison.Ordinal));
        Assert.Contains("经发局牵头的“污水管网”已于2026年4月30日到期未办结", linked.Text);
        Assert.Contains($"https://duban.example.cn/matters/{assignment}", linked.Text);
        Assert.Contains($"<a href=\"https://duban.example.cn/matters/{assignment}\">查看事项</a>", linked.Html);
        Assert.Contains(@"园区道路\*改造\*", linked.Markdown);

        var bare = new NoticeWording(new Dictionary<NoticeKind, string> { [NoticeKind.Overdue] = "逾期：{title}{link}" }, "").Render(notices, digest: true);
        Assert.DoesNotContain("matters", bare.Text);
        Assert.Contains(". 逾期：园区道路*改造*", bare.Text);
    }
}
