using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Duban.Contracts.Tasks.V1;
using Duban.Contracts.Units.V1;
using Duban.Tasks.Tests.Domain.Import.Documents;
using Duban.Testing;
using Google.Protobuf;
using Grpc.Core;

namespace Duban.Tasks.Tests.Grpc;

/// <summary>
/// Office files sent as they are (ImportPlanRequest.document): each must import the plan that the same content imports as
/// UTF-8 table_text or outline_text — same items, same assignments to the same units with the same deadlines.
/// </summary>
public class DocumentImportTests(SampleUnitsFixture service) : IClassFixture<SampleUnitsFixture>
{
    private async Task<ImportPlanRequest> RequestAsync() => new()
    {
        Title = "贯彻落实《实施方案》任务分解表",
        IssuingUnitId = (await service.UnitsOffice.ResolveUnitNamesAsync(new ResolveUnitNamesRequest { Names = { "党工委" } })).Results[0].Unit.Id,
        IssueDate = new Google.Type.Date { Year = 2026, Month = 3, Day = 1 },
        DryRun = true,
    };

    private async Task<ImportPlanResponse> DocumentAsync(byte[] bytes, string fileName, bool dryRun = true)
    {
        var request = await RequestAsync();
        request.Document = ByteString.CopyFrom(bytes);
        request.FileName = fileName;
        request.DryRun = dryRun;
        return await service.Office.ImportPlanAsync(request);
    }

    private async Task<ImportPlanResponse> TableTextAsync(string text)
    {
        var request = await RequestAsync();
        request.TableText = text;
        return await service.Office.ImportPlanAsync(request);
    }

    private async Task<ImportPlanResponse> OutlineTextAsync(string text)
    {
        var request = await RequestAsync();
        request.OutlineText = text;
        return await service.Office.ImportPlanAsync(request);
    }

    /// <summary>What a dry run would store: every item, and every assignment with its units and deadline.</summary>
    internal static List<string> Shape(ImportPlanResponse response)
    {
        Assert.Empty(response.Problems);
        Assert.NotEmpty(response.Assignments);
        return response.Items.Select(i => $"item {i.PathLabel} {i.Kind} {i.Text}")
            .Concat(response.Assignments.Select(a => $"assignment {a.Title} | lead {a.LeadUnitId} | co {string.Join(",", a.CoUnitIds.Order())} | "
                + $"{a.Deadline.Kind} {a.Deadline.OriginalText} {a.Deadline.DueDate} | owner {a.OwnerName}"))
            .ToList();
    }

    [Fact]
    public async Task The_sample_table_saved_as_gbk_imports_as_its_utf8_text_does()
    {
        var text = Samples.Text(Samples.TableFile);
        var expected = await TableTextAsync(text);

        var response = await DocumentAsync(Samples.Gbk(text), "任务分解表.csv");

        Assert.Equal(("csv", "GB18030"), (response.DetectedFormat, response.Encoding));
        Assert.Equal(27, response.Assignments.Count);
        Assert.Equal(Shape(expected), Shape(response));
        Assert.Equal(("csv", ""), (expected.DetectedFormat, expected.Encoding));
    }

    [Fact]
    public async Task The_sample_outline_saved_as_gbk_imports_as_its_utf8_text_does()
    {
        var text = Samples.Text(Samples.OutlineFile);
        var expected = await OutlineTextAsync(text);

        var response = await DocumentAsync(Samples.Gbk(text), "实施方案.txt");

        Assert.Equal(("outline", "GB18030"), (response.DetectedFormat, response.Encoding));
        Assert.Equal(Shape(expected), Shape(response));
    }

    [Fact]
    public async Task Utf8_with_a_byte_order_mark_and_utf16_with_one_import_the_same_table()
    {
        var text = Samples.Text(Samples.TableFile);
        var expected = Shape(await TableTextAsync(text));

        var utf8 = await DocumentAsync([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)], "任务分解表.csv");
        Assert.Equal(("csv", "UTF-8"), (utf8.DetectedFormat, utf8.Encoding));
        Assert.Equal(expected, Shape(utf8));

        var utf16 = await DocumentAsync([.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes(text)], "");
        Assert.Equal(("csv", "UTF-16BE"), (utf16.DetectedFormat, utf16.Encoding));
        Assert.Equal(expected, Shape(utf16));
    }

    [Fact]
    public async Task An_xlsx_task_table_with_titles_merged_cells_and_dates_imports_as_its_text_does()
    {
        var sheet = Workbooks.SampleSheet();
        var expected = await TableTextAsync(Workbooks.Csv(sheet));

        var response = await DocumentAsync(Workbooks.Write(sheet), "任务分解表.xlsx");

        Assert.Equal(("xlsx", ""), (response.DetectedFormat, response.Encoding));
        Assert.Equal(27, response.Assignments.Count);
        Assert.Equal(Shape(expected), Shape(response));
        // A date cell shown as 2026年4月 is due at the end of April, as the office meant it.
        var publicity = response.Assignments.Single(a => a.Title.StartsWith("制定更加详细具体的宣传工作方案"));
        Assert.Equal(("2026年4月", new Google.Type.Date { Year = 2026, Month = 4, Day = 30 }), (publicity.Deadline.OriginalText, publicity.Deadline.DueDate));
    }

    [Fact]
    public async Task A_docx_outline_numbered_by_word_imports_as_its_text_does()
    {
        var text = Samples.Text(Samples.OutlineFile);
        var expected = await OutlineTextAsync(text);

        var response = await DocumentAsync(WordFiles.Write(WordFiles.NumberedOutline(text), WordFiles.OfficialNumbering()), "实施方案.docx");

        Assert.Equal(("docx", ""), (response.DetectedFormat, response.Encoding));
        Assert.Equal(Shape(expected), Shape(response));
    }

    [Fact]
    public async Task A_task_table_in_a_docx_imports_as_its_text_does()
    {
        var rows = WordFiles.SampleRows();
        var expected = await TableTextAsync(WordFiles.FilledDown(rows, 0, 1));

        var response = await DocumentAsync(WordFiles.Write([WordFiles.Paragraph("附件1"), WordFiles.Table(rows, 0, 1)]), "附件1.docx");

        Assert.Equal(("docx-table", ""), (response.DetectedFormat, response.Encoding));
        Assert.Equal(27, response.Assignments.Count);
        Assert.Equal(Shape(expected), Shape(response));
    }

    [Fact]
    public async Task A_sheet_that_is_not_there_is_refused_on_the_sheet_naming_those_that_are()
    {
        var request = await RequestAsync();
        request.Document = ByteString.CopyFrom(Workbooks.Write(Workbooks.SampleSheet()));
        request.Sheet = "汇总";
        request.DryRun = false;

        var refused = await RpcAssert.ThrowsAsync(StatusCode.InvalidArgument, async () => await service.Office.ImportPlanAsync(request));
        Assert.Equal(["sheet"], RpcAssert.FieldsOf(refused));
        Assert.Contains("任务分解表", refused.Status.Detail + string.Join("", refused.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations));
    }

    [Fact]
    public async Task A_gbk_table_imported_for_real_stores_the_plan_of_its_text()
    {
        var text = Samples.Text(Samples.TableFile);
        var request = await RequestAsync();
        request.Title = "任务分解表（GBK）";
        request.Document = ByteString.CopyFrom(Samples.Gbk(text));
        request.FileName = "任务分解表.csv";
        request.DryRun = false;
        request.RequestId = Guid.NewGuid().ToString();

        var response = await service.Office.ImportPlanAsync(request);

        Assert.Equal(27, response.Plan.AssignmentCount);
        Assert.Equal(text, response.Plan.SourceText);
        Assert.Equal(text, (await service.Office.GetPlanAsync(new GetPlanRequest { Id = response.Plan.Id })).SourceText);
        // A title needs no document: the list and GetPlan with omit_source_text leave it out.
        var light = await service.Office.GetPlanAsync(new GetPlanRequest { Id = response.Plan.Id, OmitSourceText = true });
        Assert.Equal(("", "任务分解表（GBK）", 27), (light.SourceText, light.Title, light.AssignmentCount));
        var listed = (await service.Office.ListPlansAsync(new ListPlansRequest { PageSize = 100 })).Plans.Single(p => p.Id == response.Plan.Id);
        Assert.Equal("", listed.SourceText);
        var tree = await service.Office.GetPlanTreeAsync(new GetPlanTreeRequest { PlanId = response.Plan.Id });
        Assert.Contains(tree.Nodes.SelectMany(n => n.Assignments), a => a.Title.StartsWith("加快集装箱") && a.Deadline.OriginalText == "2026年9月底前");
        // The same bytes again under the same request id are the same request.
        Assert.Equal(response.Plan.Id, (await service.Office.ImportPlanAsync(request)).Plan.Id);
    }

    [Fact]
    public async Task Garbage_bytes_are_refused_on_the_document_and_nothing_is_stored()
    {
        var garbage = new byte[8192];
        new Random(7).NextBytes(garbage);
        var plans = await service.CountAsync("SELECT count(*) FROM plans");

        var dry = await DocumentAsync(garbage, "任务分解表.csv");
        var problem = Assert.Single(dry.Problems);
        Assert.Equal("document", problem.Field);
        Assert.StartsWith("按 GB18030 读取时第", problem.Message); // where the text stops being text
        Assert.Empty(dry.Items);
        Assert.Equal("", dry.DetectedFormat);

        var refused = await RpcAssert.ThrowsAsync(StatusCode.InvalidArgument, async () => await DocumentAsync(garbage, "任务分解表.csv", dryRun: false));
        Assert.Equal(["document"], RpcAssert.FieldsOf(refused));
        Assert.Equal(plans, await service.CountAsync("SELECT count(*) FROM plans"));
    }

    [Fact]
    public async Task An_empty_document_and_a_file_name_with_control_characters_are_refused_on_their_fields()
    {
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "document", async () => await DocumentAsync([], "a.csv"));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "file_name", async () =>
            await DocumentAsync(Encoding.UTF8.GetBytes(Samples.Text(Samples.TableFile)), "任务\u0007分解表.csv"));
    }

    [Fact]
    public async Task Over_json_the_document_travels_as_base64()
    {
        var request = await RequestAsync();
        using var http = service.Tasks.Http(TestTokens.Office());
        var body = new
        {
            issuingUnitId = request.IssuingUnitId,
            issueDate = new { year = 2026, month = 3, day = 1 },
            document = Convert.ToBase64String(Samples.Gbk(Samples.Text(Samples.TableFile))),
            fileName = "任务分解表.csv",
            dryRun = true,
        };

        using var response = await http.PostAsJsonAsync("/v1/plans:import", body);

        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("csv", json.RootElement.GetProperty("detectedFormat").GetString());
        Assert.Equal("GB18030", json.RootElement.GetProperty("encoding").GetString());
        Assert.Equal(27, json.RootElement.GetProperty("assignments").GetArrayLength());
    }
}
