using System.Text.RegularExpressions;
using Duban.ServiceDefaults.Auth;

namespace Duban.Cli.Tests;

/// <summary>`explain --file` and `ack --file`: the files go up to the tasks service first, then their ids with the record.</summary>
[Collection(CliFixture.Collection)]
public class EvidenceCliTests(CliFixture cli) : IClassFixture<CliFixture>
{
    private static readonly string Office = CliFixture.Token(DubanRoles.Office);

    private static string Id(string json) => Regex.Match(json, "\"id\": \"([0-9a-f-]{36})\"").Groups[1].Value;

    /// <summary>An assignment of 财政局 due on 2026-04-30, imported by the office, with the unit's lead's token.</summary>
    private async Task<(string Assignment, string LeadToken)> AssignmentAsync()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var csv = Path.Combine(Path.GetTempPath(), $"evidence-{tag}.csv");
        await File.WriteAllTextAsync(csv, $"序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限\n1,资金拨付,拨付专项资金{tag},财政局,,杨帆,2026年4月30日前\n");
        var imported = await cli.RunOkAsync("plan", "import", csv, "--issuer", "党工委", "--issue-date", "2026-03-01", "--title", $"佐证{tag}", "--token", Office);
        File.Delete(csv);
        var plan = Regex.Match(imported, @"（计划 ([0-9a-f-]{36})）").Groups[1].Value;
        var assignment = Id(await cli.RunOkAsync("assignments", "list", "--plan", plan, "--json", "--token", Office));
        return (assignment, CliFixture.Token(DubanRoles.Lead, await cli.UnitIdAsync("财政局", Office)));
    }

    /// <summary>The assignment's notice of a kind; scans (as of a day after its deadline) until the projection has it.</summary>
    private async Task<string> NoticeAsync(string assignment, string kind, string lead, bool scan)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(20); ; await Task.Delay(200))
        {
            if (scan)
                await cli.RunOkAsync("scan", "--as-of", "2026-05-02T12:00:00+08:00", "--token", Office);
            var notices = await cli.RunOkAsync("notices", "--json", "--token", lead);
            var match = Regex.Match(notices, "\"id\": \"([0-9a-f-]{36})\",\\s*\"kind\": \"" + kind + "\"(?:(?!\"id\": )[\\s\\S])*\"assignmentId\": \"" + assignment + "\"");
            if (match.Success)
                return match.Groups[1].Value;
            Assert.True(DateTime.UtcNow < deadline, $"no {kind} notice for {assignment}");
        }
    }

    private static async Task<string> JpegAsync(string name)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("duban-evidence-").FullName, name);
        await File.WriteAllBytesAsync(path, [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xFF, 0xD9]);
        return path;
    }

    [Fact]
    public async Task Explain_uploads_its_files_and_sends_their_ids_with_the_explanation()
    {
        var (assignment, lead) = await AssignmentAsync();
        var notice = await NoticeAsync(assignment, "NOTICE_KIND_OVERDUE", lead, scan: true);
        var photo = await JpegAsync("现场.jpg");
        var minutes = Path.Combine(Path.GetDirectoryName(photo)!, "协调会纪要.txt");
        await File.WriteAllTextAsync(minutes, "协调会纪要\n一、资金拨付需省厅批复。\n");

        var output = await cli.RunOkAsync("explain", notice, "--reasons", "省厅批复未下达", "--file", photo, "--file", minutes, "--token", lead);
        Assert.Contains("已上传 现场.jpg", output);
        Assert.Matches(@"情况说明 [0-9a-f-]{36} 已提交，附佐证材料 2 份", output);

        var files = await cli.RunOkAsync("attachments", assignment, "--token", Office);
        Assert.Matches(@"现场\.jpg\s+image/jpeg\s+\S+ B\s+情况说明", files);
        Assert.Matches(@"协调会纪要\.txt\s+text/plain", files);
        Assert.Contains("2 份", await cli.RunOkAsync("explanations", "--token", Office));

        // A missing file stops the command before anything is sent.
        var (exit, _, error) = await cli.RunAsync("explain", notice, "--reasons", "再说明", "--file", "/nonexistent/请示.pdf", "--token", lead);
        Assert.Equal(2, exit);
        Assert.Contains("找不到文件", error);
    }

    [Fact]
    public async Task Ack_of_an_urging_is_its_reply_and_takes_files_another_units_lead_is_refused()
    {
        var (assignment, lead) = await AssignmentAsync();
        // The urging needs the assignment in supervision's projection; the notice list shows when it is there.
        for (var deadline = DateTime.UtcNow.AddSeconds(20); ; await Task.Delay(200))
        {
            var (exit, _, error) = await cli.RunAsync("urge", assignment, "--message", "请报送资金拨付进展", "--token", Office);
            if (exit == 0)
                break;
            Assert.True(DateTime.UtcNow < deadline, error);
        }
        var urged = await NoticeAsync(assignment, "NOTICE_KIND_URGED", lead, scan: false);
        var photo = await JpegAsync("拨付凭证.jpg");

        var outsider = CliFixture.Token(DubanRoles.Lead, await cli.UnitIdAsync("经发局", Office));
        var (refused, _, why) = await cli.RunAsync("ack", urged, "--file", photo, "--token", outsider);
        Assert.Equal(1, refused);
        Assert.Contains("PermissionDenied", why);

        await cli.RunOkAsync("ack", urged, "--file", photo, "--token", lead);
        Assert.Matches(@"拨付凭证\.jpg\s+image/jpeg\s+\S+ B\s+催办回复", await cli.RunOkAsync("attachments", assignment, "--token", Office));
        var notices = await cli.RunOkAsync("notices", "--json", "--token", Office);
        Assert.Matches("\"id\": \"" + urged + "\"[\\s\\S]*?\"replyAttachmentIds\": \\[\\s*\"[0-9a-f-]{36}\"", notices);
    }
}
