using System.Text;
using Microsoft.Playwright;

namespace Duban.Web.Tests;

/// <summary>
/// The office's other screens in a real browser: importing a 任务分解表 from a file (dry run first, problems by row
/// and field, then the import), the weekly review and its bulletin (as a page and as downloads), the assessment.
/// </summary>
public class WorkbenchOfficeTests(WorkbenchFixture workbench) : IClassFixture<WorkbenchFixture>
{
    private const string Header = "序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限\n";

    private static async Task<string> TextAsync(IPage page, string selector) => (await page.Locator(selector).First.InnerTextAsync()).Trim();

    private static async Task UploadAsync(IPage office, string title, string fileName, byte[] content)
    {
        await office.GotoAsync("/import");
        await office.Locator("[data-test=upload] input[name=title]").FillAsync(title);
        await office.Locator("[data-test=upload] select[name=issuer]").SelectOptionAsync(new SelectOptionValue { Label = "试点工业园区管委会" });
        await office.Locator("[data-test=upload] input[name=file]").SetInputFilesAsync(new FilePayload { Name = fileName, MimeType = "text/csv", Buffer = content });
        await office.Locator("[data-test=upload] button[type=submit]").ClickAsync();
        await office.WaitForURLAsync(url => System.Text.RegularExpressions.Regex.IsMatch(url, "/import/[0-9a-f]{32}"));
    }

    [Fact]
    public async Task The_office_imports_a_gbk_file_after_its_dry_run_and_a_file_with_problems_imports_nothing()
    {
        var tag = Guid.NewGuid().ToString("N")[..4];
        var office = await workbench.SignedInAsync("周敏");

        // A unit the directory does not know: the dry run names the row and the field, and offers no import.
        await UploadAsync(office, $"有问题的计划{tag}", "有问题.csv", Encoding.UTF8.GetBytes(Header + $"1,招商引资,引进项目{tag},经发一局,,,2099年6月30日前\n"));
        Assert.Equal("1", await TextAsync(office, "[data-count=problems]"));
        var problem = await TextAsync(office, "[data-test=problems] tbody tr");
        Assert.Equal(["2", "牵头单位"], problem.Split('\t')[..2]);
        Assert.Contains("经发一局", problem);
        Assert.Contains("工业园区经济发展局", problem); // the closest unit, offered
        Assert.Equal(0, await office.Locator("[data-test=commit]").CountAsync());
        await workbench.ScreenshotAsync(office, "import-problems");

        // The same table saved by Excel on Chinese Windows (GBK) with both rows right.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var gbk = Encoding.GetEncoding("GB18030").GetBytes(Header +
            $"1,招商引资,引进重点项目{tag},经发局,财政局,陈志刚,2099年6月30日前\n2,资金保障,拨付专项资金{tag},财政局,,孙丽,2099年5月20日前\n");
        await UploadAsync(office, $"导入测试计划{tag}", "任务分解表.csv", gbk);
        Assert.Equal("0", await TextAsync(office, "[data-count=problems]"));
        Assert.Equal("2", await TextAsync(office, "[data-count=assignments]"));
        Assert.Contains("GB18030", await TextAsync(office, "[data-test=preview]"));
        Assert.Contains($"引进重点项目{tag}", await TextAsync(office, "[data-test=assignments]"));
        await workbench.ScreenshotAsync(office, "import-preview");
        var preview = office.Url;

        await office.Locator("[data-test=commit] button").ClickAsync();
        await office.WaitForURLAsync(url => url.Contains("/ledger?plan="));
        Assert.Contains($"计划《导入测试计划{tag}》已导入，交办 2 项", await TextAsync(office, "[data-test=imported]"));
        Assert.Equal(2, await office.Locator("[data-test=ledger] tbody tr[data-assignment]").CountAsync());

        // The draft is spent: going back cannot import the plan a second time.
        await office.GotoAsync(preview);
        Assert.Contains("已失效", await TextAsync(office, "[data-test=import-error]"));

        // A lead has no import: the service refuses it, whatever the page offers.
        var lead = await workbench.SignedInAsync("陈志刚");
        Assert.Equal(0, await lead.Locator("nav a[href='/import']").CountAsync());
        await UploadAsync(lead, $"越权导入{tag}", "任务分解表.csv", gbk);
        Assert.Contains("无权", await TextAsync(lead, "[data-test=import-error]"));
    }

    [Fact]
    public async Task The_office_runs_a_weekly_review_reads_its_bulletin_downloads_it_and_sees_the_assessment()
    {
        var tag = Guid.NewGuid().ToString("N")[..4];
        await workbench.ImportAsync($"1,资金保障,拨付专项资金{tag},财政局,,孙丽,2026年5月20日前");
        var office = await workbench.SignedInAsync("周敏");

        await office.GotoAsync("/reviews");
        await office.Locator("[data-test=run-review] select").SelectOptionAsync(new SelectOptionValue { Label = "试点工业园区管委会" });
        await office.Locator("[data-test=run-review] button").ClickAsync();
        await office.WaitForURLAsync(url => System.Text.RegularExpressions.Regex.IsMatch(url, "/reviews/[0-9a-f-]{36}$"));
        var bulletin = await TextAsync(office, "[data-test=bulletin]");
        Assert.Contains("财政局", bulletin);
        Assert.Contains($"拨付专项资金{tag}", bulletin);
        Assert.True(await office.Locator("[data-test=bulletin] table").CountAsync() > 0, "the bulletin's tables render as tables");
        await workbench.ScreenshotAsync(office, "bulletin");

        var reviewUrl = office.Url;
        var download = await office.RunAndWaitForDownloadAsync(() => office.Locator("a[data-download=docx]").ClickAsync());
        Assert.EndsWith(".docx", download.SuggestedFilename);
        var path = await download.PathAsync();
        var head = new byte[2];
        await using (var file = File.OpenRead(path))
            Assert.Equal(2, await file.ReadAsync(head));
        Assert.Equal("PK"u8.ToArray(), head);

        // A unit's lead reads the reviews of their own unit and below, not the whole area's.
        var lead = await workbench.SignedInAsync("孙丽");
        await lead.GotoAsync(reviewUrl);
        Assert.Contains("无权", await TextAsync(lead, "[data-test=review-error]"));
        var refused = await lead.APIRequest.GetAsync(reviewUrl + "/bulletin?format=md");
        Assert.Equal(403, refused.Status);

        await office.GotoAsync("/assessments?period=2026-Q2");
        var row = await TextAsync(office, $"[data-test=assessment] tr[data-unit='{workbench.Finance.Id}']");
        Assert.Contains("财政局", row);
        Assert.Contains("不合格", row);
        await workbench.ScreenshotAsync(office, "assessment");
    }

    [Fact]
    public async Task The_office_urges_several_matters_at_once_and_each_lead_sees_the_urging()
    {
        var tag = Guid.NewGuid().ToString("N")[..4];
        var assignments = await workbench.ImportAsync(
            $"1,招商引资,催办甲{tag},经发局,,陈志刚,2026年4月30日前\n2,资金保障,催办乙{tag},财政局,,孙丽,2026年5月20日前\n3,资金保障,不催丙{tag},财政局,,孙丽,2099年5月20日前");
        var office = await workbench.SignedInAsync("周敏");
        await office.GotoAsync($"/ledger?q={tag}");
        var first = assignments.Single(a => a.Title == $"催办甲{tag}");
        var second = assignments.Single(a => a.Title == $"催办乙{tag}");

        // With no message the service refuses each, and says which field.
        await office.Locator($"tr[data-assignment='{first.Id}'] input[type=checkbox]").CheckAsync();
        await office.Locator("[data-test=batch-urge] button").ClickAsync();
        await office.WaitForLoadStateAsync();
        Assert.Contains("message", await TextAsync(office, "[data-test=urge-error]"));

        await office.GotoAsync($"/ledger?q={tag}");
        await office.Locator($"tr[data-assignment='{first.Id}'] input[type=checkbox]").CheckAsync();
        await office.Locator($"tr[data-assignment='{second.Id}'] input[type=checkbox]").CheckAsync();
        await office.Locator("[data-test=batch-urge] input[name='Urge.Message']").FillAsync("请于本周五前报送办理进展及逾期原因");
        await office.Locator("[data-test=batch-urge] input[name='Urge.ReplyBy']").FillAsync("2099-01-08");
        await office.Locator("[data-test=batch-urge] button").ClickAsync();
        await office.WaitForURLAsync(url => url.Contains("done="));
        Assert.Contains("已催办 2 项", await TextAsync(office, "[data-test=done]"));
        await workbench.ScreenshotAsync(office, "ledger-urged");

        var lead = await workbench.SignedInAsync("孙丽");
        await lead.GotoAsync($"/matters/{second.Id}");
        Assert.Contains("请于本周五前报送办理进展及逾期原因", await TextAsync(lead, "[data-test=timeline]"));
        var third = assignments.Single(a => a.Title == $"不催丙{tag}");
        await lead.GotoAsync($"/matters/{third.Id}");
        Assert.DoesNotContain("请于本周五前报送办理进展及逾期原因", await TextAsync(lead, "[data-test=timeline]"));
    }

    [Fact]
    public async Task The_unit_view_counts_each_units_tree_and_its_numbers_open_the_ledger()
    {
        var tag = Guid.NewGuid().ToString("N")[..4];
        await workbench.ImportAsync($"1,资金保障,单位视图甲{tag},财政局,,孙丽,2026年5月20日前\n2,资金保障,单位视图乙{tag},财政局,,孙丽,2099年5月20日前");
        var office = await workbench.SignedInAsync("周敏");
        await office.GotoAsync("/units");
        var park = office.Locator($"[data-test=unit-board] tr[data-unit='{workbench.Park.Id}']");
        var finance = office.Locator($"[data-test=unit-board] tr[data-unit='{workbench.Finance.Id}']");
        var financeTotal = int.Parse(await finance.Locator("[data-count=total]").InnerTextAsync());
        var financeOverdue = int.Parse(await finance.Locator("[data-count=overdue]").InnerTextAsync());
        Assert.True(financeTotal >= 2 && financeOverdue >= 1, $"财政局: {financeTotal} items, {financeOverdue} overdue");
        // The park's tree holds the finance bureau's work.
        Assert.True(int.Parse(await park.Locator("[data-count=total]").InnerTextAsync()) >= financeTotal);
        await workbench.ScreenshotAsync(office, "units");

        await finance.Locator("[data-count=overdue]").ClickAsync();
        await office.WaitForURLAsync(url => url.Contains("overdue=1") && url.Contains(workbench.Finance.Id));
        // Links navigate in place (Blazor's enhanced navigation): the address changes before the page does.
        await office.Locator("[data-test=ledger]").WaitForAsync();
        Assert.Equal(financeOverdue, await office.Locator("[data-test=ledger] tbody tr[data-assignment]").CountAsync());

        // A 分管领导 sees the units they oversee together: each one's tree, and their total.
        var deputy = await workbench.SignedInAsync("李卫东");
        await deputy.GotoAsync("/units");
        var overseen = deputy.Locator("[data-test=overseen]");
        var economyTotal = int.Parse(await overseen.Locator($"tr[data-unit='{workbench.Economy.Id}'] [data-count=total]").InnerTextAsync());
        var overseenFinance = int.Parse(await overseen.Locator($"tr[data-unit='{workbench.Finance.Id}'] [data-count=total]").InnerTextAsync());
        Assert.Equal(financeTotal, overseenFinance);
        Assert.Equal(economyTotal + overseenFinance, int.Parse(await overseen.Locator("tr[data-unit=total] [data-count=total]").InnerTextAsync()));
        Assert.Equal(financeOverdue, int.Parse(await overseen.Locator($"tr[data-unit='{workbench.Finance.Id}'] [data-count=overdue]").InnerTextAsync()));
        await workbench.ScreenshotAsync(deputy, "overseen");

        // A lead sees their own unit's tree only.
        var lead = await workbench.SignedInAsync("孙丽");
        await lead.GotoAsync("/units");
        Assert.Equal(1, await lead.Locator("[data-test=unit-board] tbody tr").CountAsync());
        await lead.GotoAsync($"/units?scope={workbench.Park.Id}");
        Assert.Contains("无权", await TextAsync(lead, "[data-test=units-error]"));
    }

    [Fact]
    public async Task A_lead_decomposes_a_matter_to_a_unit_below_and_an_unreadable_deadline_stores_nothing()
    {
        var tag = Guid.NewGuid().ToString("N")[..4];
        var matter = (await workbench.ImportAsync($"1,招商引资,引进重点项目{tag},经发局,,陈志刚,2099年6月30日前")).Single();
        var lead = await workbench.SignedInAsync("陈志刚");
        await lead.GotoAsync($"/matters/{matter.Id}");
        var form = lead.Locator("[data-test=decompose]");
        await form.Locator("input[name='Decompose.Children[0].Title']").FillAsync($"对接签约企业{tag}");
        await form.Locator("input[name='Decompose.Children[0].DeadlineText']").FillAsync("2099年3月底前");
        await form.Locator("input[name='Decompose.Children[1].Title']").FillAsync($"跟踪落地进度{tag}");
        await form.Locator("input[name='Decompose.Children[1].DeadlineText']").FillAsync("尽快");
        await form.Locator("button").ClickAsync();
        await lead.Locator("[data-test=action-error]").WaitForAsync();
        Assert.Contains("deadline_text", await TextAsync(lead, "[data-test=action-error]"));
        Assert.Equal(0, await lead.Locator("[data-test=children]").CountAsync());

        await lead.GotoAsync($"/matters/{matter.Id}");
        form = lead.Locator("[data-test=decompose]");
        await form.Locator("input[name='Decompose.Children[0].Title']").FillAsync($"对接签约企业{tag}");
        await form.Locator("select[name='Decompose.Children[0].LeadUnitId']").SelectOptionAsync(new SelectOptionValue { Label = "招商专班" });
        await form.Locator("input[name='Decompose.Children[0].DeadlineText']").FillAsync("2099年3月底前");
        await form.Locator("button").ClickAsync();
        await lead.WaitForURLAsync(url => url.Contains("done=decompose"));
        await lead.Locator("[data-test=children]").WaitForAsync();
        var child = await TextAsync(lead, "[data-test=children] tbody tr");
        Assert.Contains($"对接签约企业{tag}", child);
        Assert.Contains("招商专班", child);
        await workbench.ScreenshotAsync(lead, "matter-decomposed");
    }

    [Fact]
    public async Task The_office_decides_extension_requests_from_its_queue_and_the_matter_keeps_its_original_deadline()
    {
        var tag = Guid.NewGuid().ToString("N")[..4];
        var matter = (await workbench.ImportAsync($"1,资金保障,申请延期{tag},财政局,,孙丽,2099年5月20日前")).Single();
        var lead = await workbench.SignedInAsync("孙丽");
        await lead.GotoAsync($"/matters/{matter.Id}");
        await lead.Locator("[data-test=extension] input[name='Extension.NewDueDate']").FillAsync("2099-09-30");
        await lead.Locator("[data-test=extension] textarea").FillAsync("资金拨付需待省级专项下达");
        await lead.Locator("[data-test=extension] button").ClickAsync();
        await lead.WaitForURLAsync(url => url.Contains("done=extension"));

        var office = await workbench.SignedInAsync("周敏");
        await office.GotoAsync("/todo");
        var row = office.Locator($"[data-test=extensions] tr[data-assignment='{matter.Id}']");
        Assert.Contains("2099-09-30", await row.InnerTextAsync());
        Assert.Contains("资金拨付需待省级专项下达", await row.InnerTextAsync());
        await row.Locator("input[type=checkbox]").CheckAsync();
        await office.Locator("[data-test=batch-extension] input[name='Extensions.Remark']").FillAsync("同意");
        await office.Locator("[data-test=batch-extension] button[value=true]").ClickAsync();
        await office.WaitForURLAsync(url => url.Contains("done="));
        Assert.Contains("已同意延期 1 项", await TextAsync(office, "[data-test=done]"));
        Assert.Equal(0, await office.Locator($"[data-test=extensions] tr[data-assignment='{matter.Id}']").CountAsync());

        await office.GotoAsync($"/matters/{matter.Id}");
        var facts = await TextAsync(office, "main");
        Assert.Contains("2099-09-30", facts);
        Assert.Contains("2099-05-20", facts);
    }

    [Fact]
    public async Task A_lead_uploads_evidence_and_submits_it_with_the_completion_and_only_readers_of_the_matter_download_it()
    {
        var tag = Guid.NewGuid().ToString("N")[..4];
        var matter = (await workbench.ImportAsync($"1,资金保障,佐证材料{tag},财政局,,孙丽,2099年5月20日前")).Single();
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
        var lead = await workbench.SignedInAsync("孙丽");
        await lead.GotoAsync($"/matters/{matter.Id}");
        await lead.Locator("[data-test=accept] button").ClickAsync();
        await lead.WaitForURLAsync(url => url.Contains("done=accept"));
        await lead.Locator("[data-test=upload]").WaitForAsync();
        await lead.Locator("[data-test=upload] input[type=file]").SetInputFilesAsync(new FilePayload { Name = "拨付凭证.pdf", MimeType = "application/pdf", Buffer = pdf });
        await lead.Locator("[data-test=upload] button").ClickAsync();
        await lead.WaitForURLAsync(url => url.Contains("done=upload"));
        await lead.Locator("[data-test=attachments]").WaitForAsync();
        Assert.Contains("待提交", await TextAsync(lead, "[data-test=attachments]"));

        // A renamed program is refused by the service, and the page says so.
        await lead.Locator("[data-test=upload] input[type=file]").SetInputFilesAsync(new FilePayload { Name = "说明.pdf", MimeType = "application/pdf", Buffer = [0x4D, 0x5A, 0x90, 0, 3, 0, 0, 0] });
        await lead.Locator("[data-test=upload] button").ClickAsync();
        await lead.Locator("[data-test=upload-error]").WaitForAsync();
        Assert.Contains("说明.pdf", await TextAsync(lead, "[data-test=upload-error]"));

        await lead.Locator("[data-test=confirm] textarea[name='Confirm.Evidence']").FillAsync("专项资金已拨付到位");
        Assert.True(await lead.Locator("[data-test=confirm] [data-test=pending-files] input[type=checkbox]").IsCheckedAsync());
        await lead.Locator("[data-test=confirm] button").ClickAsync();
        try
        {
            await lead.WaitForURLAsync(url => url.Contains("done=confirm"), new PageWaitForURLOptions { Timeout = 10_000 });
        }
        catch (TimeoutException)
        {
            Assert.Fail("no completion: " + string.Join(" | ", await lead.Locator(".wb-error").AllInnerTextsAsync()));
        }
        await lead.Locator("[data-test=attachments]").WaitForAsync();
        Assert.Contains("办结申请", await TextAsync(lead, "[data-test=attachments]"));

        var office = await workbench.SignedInAsync("周敏");
        await office.GotoAsync($"/matters/{matter.Id}");
        var link = office.Locator("[data-test=attachments] a", new PageLocatorOptions { HasText = "拨付凭证.pdf" });
        var download = await office.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        Assert.Equal(pdf, await File.ReadAllBytesAsync(await download.PathAsync()));
        await workbench.ScreenshotAsync(office, "matter-evidence");

        var href = await link.GetAttributeAsync("href");
        var stranger = await workbench.SignedInAsync("陈志刚");
        Assert.Equal(403, (await stranger.APIRequest.GetAsync(href!)).Status);
    }

    [Fact]
    public async Task A_notice_raised_while_a_lead_has_a_page_open_appears_on_it_without_reloading()
    {
        var tag = Guid.NewGuid().ToString("N")[..4];
        var matter = (await workbench.ImportAsync($"1,资金保障,实时通知{tag},财政局,,孙丽,2099年5月20日前")).Single();
        var lead = await workbench.SignedInAsync("孙丽");
        await lead.GotoAsync("/mine");
        var other = await workbench.SignedInAsync("陈志刚");
        await other.GotoAsync("/mine");
        // Both pages are polling before the notice is raised.
        await lead.WaitForRequestAsync(r => r.Url.Contains("/notices/live"));
        await other.WaitForRequestAsync(r => r.Url.Contains("/notices/live"));

        var office = new Duban.Contracts.Supervision.V1.SupervisionService.SupervisionServiceClient(workbench.Supervision.Channel(Duban.Testing.TestTokens.Office()));
        await office.UrgeAsync(new Duban.Contracts.Supervision.V1.UrgeRequest { AssignmentId = matter.Id, Message = $"请今日报送进展{tag}", RequestId = "live-" + tag });

        await Microsoft.Playwright.Assertions.Expect(lead.Locator("[data-test=live-count]")).ToHaveTextAsync("1", new() { Timeout = 15_000 });
        await lead.Locator("[data-live-notices] summary").ClickAsync();
        Assert.Contains($"请今日报送进展{tag}", await TextAsync(lead, "[data-test=live-notices]"));
        Assert.Equal($"/matters/{matter.Id}", await lead.Locator("[data-test=live-notices] a").First.GetAttributeAsync("href"));
        await workbench.ScreenshotAsync(lead, "live-notice");
        // Another unit's lead hears nothing of it.
        Assert.Equal("0", await TextAsync(other, "[data-test=live-count]"));
    }
}
