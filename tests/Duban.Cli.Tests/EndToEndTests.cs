using System.Text.RegularExpressions;
using Duban.ServiceDefaults.Auth;

namespace Duban.Cli.Tests;

/// <summary>
/// The whole loop across the three real services over loopback gRPC, driven by the `duban` command as the office,
/// the leads and a scheduler would: import → decompose to a lower level → progress → a deadline passes (the scan's
/// as-of time) → notices → explanation → confirm → verify → weekly review twice → the bulletin.
/// </summary>
[Collection(CliFixture.Collection)]
public class EndToEndTests(CliFixture cli) : IClassFixture<CliFixture>
{
    private static readonly string Office = CliFixture.Token(DubanRoles.Office);

    private static string Id(string json, string field = "id") => Regex.Match(json, $"\"{field}\": \"([0-9a-f-]{{36}})\"").Groups[1].Value;

    [Fact]
    public async Task A_plan_goes_from_import_to_a_bulletin_across_the_three_services()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var csv = Path.Combine(Path.GetTempPath(), $"e2e-{tag}.csv");
        await File.WriteAllTextAsync(csv, $"""
            序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限
            1,承接产业转移,拿出产业承接方案{tag},经发局,财政局,陈志刚,2026年12月31日前
            2,宣传发动,制定宣传工作方案{tag},宣传办,,高翔,2026年11月20日前
            """);
        var imported = await cli.RunOkAsync("plan", "import", csv, "--issuer", "党工委", "--issue-date", "2026-03-01", "--title", $"端到端{tag}", "--token", Office);
        var planId = Regex.Match(imported, @"（计划 ([0-9a-f-]{36})）").Groups[1].Value;

        // The lead of 经发局 accepts and decomposes to its working group.
        var economy = await cli.UnitIdAsync("经发局", Office);
        var team = await cli.UnitIdAsync("产业承接专班", Office);
        var economyLead = CliFixture.Token(DubanRoles.Lead, economy);
        var teamLead = CliFixture.Token(DubanRoles.Lead, team);
        var parent = Id(await cli.RunOkAsync("assignments", "list", "--plan", planId, "--unit", "经发局", "--json", "--token", Office));
        await cli.RunOkAsync("accept", parent, "--token", economyLead);
        var decomposed = await cli.RunOkAsync("decompose", parent, "--unit", "产业承接专班", "--title", $"对接省发改委{tag}", "--deadline", "2026年11月15日前", "--token", economyLead);
        var child = Regex.Match(decomposed, @"已交办 ([0-9a-f-]{36})").Groups[1].Value;
        await cli.RunOkAsync("accept", child, "--token", teamLead);
        Assert.Contains("推进中，进度 40%", await cli.RunOkAsync("progress", child, "40", "--note", "已对接两次", "--token", teamLead));

        // The office looks back: on 2026-11-17 the working group's deadline had passed; by 11-20 it was escalated.
        var scanned = await cli.RunOkAsync("scan", "--as-of", "2026-11-17T12:00:00+08:00", "--token", Office);
        Assert.Matches(@"^新增提醒：逾期 [1-9]", scanned);
        // A later scan under the same rules reads only the items that changed or came due since.
        Assert.Matches(@"读取有变化或到点的事项 [1-9]", await cli.RunOkAsync("scan", "--as-of", "2026-11-20T12:00:00+08:00", "--token", Office));
        var notices = await cli.RunOkAsync("notices", "--unit", "产业承接专班", "--json", "--token", teamLead);
        Assert.Contains("NOTICE_KIND_OVERDUE", notices);
        Assert.Contains("NOTICE_KIND_ESCALATED", notices);
        // The table: most urgent first (the escalation above what it superseded), with the lead unit's short name.
        var table = (await cli.RunOkAsync("notices", "--unit", "产业承接专班", "--token", teamLead)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("牵头单位", table[0]);
        Assert.StartsWith("升级督办", table[2]);
        Assert.Contains("产业承接专班", table[2]);
        var overdue = Regex.Match(notices, "\"id\": \"([0-9a-f-]{36})\",\\s*\"kind\": \"NOTICE_KIND_OVERDUE\"").Groups[1].Value;
        Assert.Contains("已提交", await cli.RunOkAsync("explain", overdue, "--reasons", "省级批复延迟", "--remedy-date", "2026-12-25", "--token", teamLead));

        // Done: the working group confirms, the office verifies; then the parent.
        await cli.RunOkAsync("confirm", child, "--evidence", "对接纪要", "--token", teamLead);
        await cli.RunOkAsync("verify", child, "--token", Office);
        Assert.Contains("待核验", await cli.RunOkAsync("confirm", parent, "--evidence", "承接方案已印发", "--token", economyLead));
        Assert.Contains("已办结，进度 100%", await cli.RunOkAsync("verify", parent, "--token", Office));

        // The weekly review, triggered twice by the scheduler, is one review; its bulletin names the late unit and item.
        var scheduler = CliFixture.Token(DubanRoles.Scheduler);
        var first = await cli.RunOkAsync("review", "run", "--week", "current", "--scope", "党工委", "--token", scheduler);
        var second = await cli.RunOkAsync("review", "run", "--week", "current", "--scope", "党工委", "--token", scheduler);
        var review = Regex.Match(first, @"（周调度 ([0-9a-f-]{36})）").Groups[1].Value;
        Assert.Contains(review, second);
        var bulletin = await cli.RunOkAsync("review", "export", review, "--token", Office);
        Assert.Contains("工业园区宣传办公室", bulletin);
        Assert.Contains($"制定宣传工作方案{tag}", bulletin);
        Assert.Contains("请单位主要负责人于下次调度会上作出说明", bulletin);
    }
}
