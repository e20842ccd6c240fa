using Microsoft.Playwright;

namespace Duban.Web.Tests;

/// <summary>
/// The daily loop in a real browser, as people do it: a lead accepts, reports progress and confirms with evidence; the
/// office returns it (退办), the lead confirms again, the office verifies; the dashboard follows; another unit's lead
/// sees none of it. Screenshots of each screen go to the test output.
/// </summary>
public class WorkbenchLoopTests(WorkbenchFixture workbench) : IClassFixture<WorkbenchFixture>
{
    private static async Task<string> TextAsync(IPage page, string selector) => (await page.Locator(selector).First.InnerTextAsync()).Trim();

    /// <summary>Submits a form and waits for the page it leads to; a refusal shown instead fails with its words.</summary>
    private static async Task SubmitAsync(IPage page, string button, string expectedUrlPart)
    {
        await page.Locator(button).First.ClickAsync();
        try
        {
            await page.WaitForURLAsync(url => url.Contains(expectedUrlPart), new PageWaitForURLOptions { Timeout = 10_000 });
        }
        catch (TimeoutException)
        {
            var shown = await page.Locator(".wb-error").AllInnerTextsAsync();
            Assert.Fail($"no {expectedUrlPart} after {button}; the page says: {string.Join(" | ", shown)} ({page.Url})");
        }
    }

    /// <summary>Reloads until the selector's text is the one expected: the dashboard follows the projection within moments.</summary>
    private static async Task EventuallyAsync(IPage page, string selector, string expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await TextAsync(page, selector) != expected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{selector} shows '{await TextAsync(page, selector)}', not '{expected}'");
            await Task.Delay(200);
            await page.ReloadAsync();
        }
    }

    [Fact]
    public async Task A_lead_and_the_office_take_a_matter_from_assigned_through_a_return_to_verified()
    {
        var tag = Guid.NewGuid().ToString("N")[..4];
        var assignments = await workbench.ImportAsync($"1,招商引资,引进重点项目{tag},经发局,财政局,陈志刚,2099年6月30日前\n2,资金保障,拨付专项资金{tag},财政局,,孙丽,2026年5月20日前");
        var matter = assignments.Single(a => a.Title == $"引进重点项目{tag}");

        var office = await workbench.SignedInAsync("周敏");
        Assert.Equal("周敏 · 督查室", await TextAsync(office, "[data-test=who]"));
        await EventuallyAsync(office, "[data-count=total]", "2");
        Assert.Equal("1", await TextAsync(office, "[data-count=red]"));
        Assert.Contains("财政局", await TextAsync(office, "[data-test=ranking]"));
        await workbench.ScreenshotAsync(office, "dashboard");

        // Each 督办等级 opens the ledger of that level: supervision chooses the matters, the ledger shows them.
        await office.Locator("a.wb-card.red").ClickAsync();
        await office.WaitForURLAsync(url => url.Contains("level=red"));
        await office.Locator("[data-test=ledger]").WaitForAsync();
        var red = office.Locator("[data-test=ledger] tbody tr[data-assignment]");
        Assert.Equal(1, await red.CountAsync());
        Assert.Contains($"拨付专项资金{tag}", await red.InnerTextAsync());
        Assert.Equal(1, await office.Locator("[data-test=ledger] tbody tr[data-assignment] .wb-light.red").CountAsync());
        Assert.Equal(1, await office.Locator("[data-test=export-off]").CountAsync());
        await workbench.ScreenshotAsync(office, "ledger-level");
        await office.GotoAsync("/ledger?level=purple");
        Assert.Contains("没有“purple”这种督办等级", await office.InnerTextAsync("main"));

        await office.GotoAsync("/ledger");
        Assert.Equal(2, await office.Locator("[data-test=ledger] tbody tr[data-assignment]").CountAsync());
        await office.Locator("input[name=overdue]").CheckAsync();
        await office.Locator("[data-test=filters] button[type=submit]").ClickAsync();
        await office.WaitForURLAsync(url => url.Contains("overdue=1"));
        var overdueRow = office.Locator("[data-test=ledger] tbody tr[data-assignment]");
        Assert.Equal(1, await overdueRow.CountAsync());
        Assert.Contains("逾期", await overdueRow.InnerTextAsync());
        await office.GotoAsync("/ledger");
        await workbench.ScreenshotAsync(office, "ledger");

        // The lead accepts from 我的事项, then works in the matter's page.
        var lead = await workbench.SignedInAsync("陈志刚");
        await lead.GotoAsync("/mine");
        await lead.Locator($"tr[data-assignment='{matter.Id}'] input[type=checkbox]").CheckAsync();
        await SubmitAsync(lead, "[data-test=batch-accept] button[type=submit]", "done=");
        Assert.Contains("已签收 1 项", await TextAsync(lead, "[data-test=done]"));
        await workbench.ScreenshotAsync(lead, "mine");

        await lead.GotoAsync($"/matters/{matter.Id}");
        Assert.Equal("已签收", await TextAsync(lead, "[data-test=status]"));
        await lead.Locator("[data-test=progress] input[name='Progress.Percent']").FillAsync("60");
        await lead.Locator("[data-test=progress] textarea").FillAsync("已完成项目洽谈，正在办理签约手续");
        await SubmitAsync(lead, "[data-test=progress] button", "done=progress");
        await ConfirmAsync(lead, "项目已签约落地，附签约文件", "https://oa.example.cn/docs/qianyue.pdf");
        Assert.Equal("待核验", await TextAsync(lead, "[data-test=status]"));

        // The ledger, latest change first, shows the report as 最新进展.
        await office.GotoAsync($"/ledger?q={tag}&sort=updated");
        var latest = office.Locator("[data-test=ledger] tbody tr[data-assignment]").First;
        Assert.Equal(matter.Id, await latest.GetAttributeAsync("data-assignment"));
        Assert.Contains("已完成项目洽谈", await latest.Locator("[data-test=latest]").InnerTextAsync());

        // The office returns it with a reason (退办): supervision resumes.
        await office.GotoAsync("/todo");
        await office.Locator($"[data-test=requested] tr[data-assignment='{matter.Id}'] a").ClickAsync();
        await office.WaitForURLAsync(url => url.Contains(matter.Id));
        await office.Locator("[data-test=reject] textarea").FillAsync("佐证材料不全，请补充签约文件扫描件");
        await SubmitAsync(office, "[data-test=reject] button", "done=reject");
        Assert.Equal("办理中", await TextAsync(office, "[data-test=status]"));
        Assert.Contains("佐证材料不全", await TextAsync(office, "[data-test=timeline]"));
        await workbench.ScreenshotAsync(office, "matter");

        await lead.GotoAsync($"/matters/{matter.Id}");
        await ConfirmAsync(lead, "已补充签约文件扫描件", "https://oa.example.cn/docs/qianyue-scan.pdf");

        await office.GotoAsync("/todo");
        await workbench.ScreenshotAsync(office, "todo");
        await office.Locator($"[data-test=requested] tr[data-assignment='{matter.Id}'] input[type=checkbox]").CheckAsync();
        await SubmitAsync(office, "[data-test=batch-verify] button[type=submit]", "done=");
        Assert.Contains("已核验 1 项", await TextAsync(office, "[data-test=done]"));

        await office.GotoAsync("/");
        await EventuallyAsync(office, "[data-count=completed]", "1");
        Assert.Equal("2", await TextAsync(office, "[data-count=total]"));
        await office.GotoAsync($"/matters/{matter.Id}");
        Assert.Equal("已办结", await TextAsync(office, "[data-test=status]"));
        var timeline = await TextAsync(office, "[data-test=timeline]");
        foreach (var step in new[] { "交办", "签收", "报送进展", "申请办结", "退回（退办）", "核验办结" })
            Assert.Contains(step, timeline);
    }

    private static async Task ConfirmAsync(IPage lead, string evidence, string link)
    {
        await lead.Locator("[data-test=confirm] textarea[name='Confirm.Evidence']").FillAsync(evidence);
        await lead.Locator("[data-test=confirm] textarea[name='Confirm.Links']").FillAsync(link);
        await SubmitAsync(lead, "[data-test=confirm] button", "done=confirm");
    }

    [Fact]
    public async Task A_lead_sees_only_their_own_units_matters_and_is_refused_another_units_page()
    {
        var tag = Guid.NewGuid().ToString("N")[..4];
        var assignments = await workbench.ImportAsync($"1,招商引资,经发局独办{tag},经发局,,,2099年6月30日前\n2,资金保障,财政局独办{tag},财政局,,,2099年6月30日前");
        var economyOnly = assignments.Single(a => a.Title == $"经发局独办{tag}");

        var finance = await workbench.SignedInAsync("孙丽");
        await finance.GotoAsync($"/ledger?q={tag}");
        var rows = await finance.Locator("[data-test=ledger] tbody tr[data-assignment]").AllInnerTextsAsync();
        Assert.Equal([$"财政局独办{tag}"], rows.Select(r => r.Split('\t').First(c => c.Contains(tag)).Trim()).ToList());

        await finance.GotoAsync($"/matters/{economyOnly.Id}");
        Assert.Contains("无权", await TextAsync(finance, "main"));
        Assert.Equal(0, await finance.Locator("[data-test=accept]").CountAsync());
        // The menu offers a lead no office queue.
        Assert.Equal(0, await finance.Locator("nav a[href='/todo']").CountAsync());
    }

    [Fact]
    public async Task Pages_need_a_signed_in_person_and_a_stranger_cannot_sign_in_as_anyone()
    {
        var context = await workbench.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = workbench.Web.Address.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/ledger");
        Assert.Contains("/signin", page.Url);
        Assert.Contains("仅用于本地运行", await TextAsync(page, "[data-test=local-only]"));
        await workbench.ScreenshotAsync(page, "signin");

        // A forged form naming a unit the person holds no role in is refused.
        using var http = new HttpClient { BaseAddress = workbench.Web.Address };
        var form = await http.GetStringAsync("/signin");
        var antiforgery = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var response = await http.PostAsync("/signin/local", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["personId"] = workbench.FinanceLead.Id, ["unitId"] = workbench.Office.Id, ["__RequestVerificationToken"] = antiforgery,
        }));
        Assert.Contains("refused=1", response.RequestMessage!.RequestUri!.ToString());
    }
}
