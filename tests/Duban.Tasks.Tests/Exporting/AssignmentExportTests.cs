using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Duban.Contracts.Tasks.V1;
using Duban.OfficeFiles;
using Duban.Testing;
using Grpc.Core;
using MiniExcelLibs;

namespace Duban.Tasks.Tests.Exporting;

/// <summary>The 台账 of assignments, read back with MiniExcel and OpenXml: the rows ListAssignments lists, with the office's columns.</summary>
public class AssignmentExportTests(TasksServiceFixture service) : IClassFixture<TasksServiceFixture>
{
    private async Task<(string PlanId, string Tag)> PlanAsync()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var table = $"""
            序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限
            1,承接产业转移{tag},拿出承接方案{tag},经发局,财政局,陈志刚,2023年12月底前
            2,承接产业转移{tag},"=SUM(A1)招商, 引资{tag}",财政局,,,2099年6月30日前
            3,优化营商环境{tag},梳理审批事项{tag},经发局,,,长期坚持
            """;
        var response = await service.Office.ImportPlanAsync(new ImportPlanRequest
        {
            Title = "台账" + tag, IssuingUnitId = service.Tree.Park.Id, IssueDate = new Google.Type.Date { Year = 2023, Month = 3, Day = 1 }, TableText = table,
        });
        var first = (await service.Office.ListAssignmentsAsync(new ListAssignmentsRequest { PlanId = response.Plan.Id })).Assignments[0];
        var lead = service.LeadOf(service.Tree.Economy, service.Tree.EconomyLead.Id);
        var a = await lead.AcceptAssignmentAsync(new AcceptAssignmentRequest { Id = first.Id, Version = first.Version });
        await lead.ReportProgressAsync(new ReportProgressRequest { Id = a.Id, Version = a.Version, Percent = 40, Narrative = "方案初稿已形成" + tag });
        return (response.Plan.Id, tag);
    }

    private async Task<(byte[] File, ExportChunk First)> ExportAsync(ExportAssignmentsRequest request, TasksService.TasksServiceClient? client = null)
    {
        using var call = (client ?? service.Office).ExportAssignments(request);
        var chunks = new List<ExportChunk>();
        await foreach (var chunk in call.ResponseStream.ReadAllAsync())
            chunks.Add(chunk);
        return (chunks.SelectMany(c => c.Data.ToByteArray()).ToArray(), chunks[0]);
    }

    [Fact]
    public async Task Over_json_the_export_streams_the_same_file_as_base64_pieces()
    {
        var (plan, _) = await PlanAsync();
        var (overGrpc, _) = await ExportAsync(new ExportAssignmentsRequest { Filter = new ListAssignmentsRequest { PlanId = plan }, Format = AssignmentExportFormat.Csv });
        using var http = service.Tasks.Http(TestTokens.Office());
        var response = await http.PostAsync("/v1/assignments:export", new StringContent(
            $$"""{"filter": {"planId": "{{plan}}"}, "format": "ASSIGNMENT_EXPORT_FORMAT_CSV"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        // One JSON object per piece, each on a line of its own.
        var pieces = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("data").GetBytesFromBase64()).ToList();
        Assert.Equal(overGrpc, pieces.SelectMany(p => p).ToArray());
        Assert.Equal([0xEF, 0xBB, 0xBF], overGrpc[..3]);
    }

    [Fact]
    public async Task The_workbook_has_a_row_per_listed_assignment_with_the_offices_columns()
    {
        var (plan, tag) = await PlanAsync();
        var listed = (await service.Office.ListAssignmentsAsync(new ListAssignmentsRequest { PlanId = plan })).Assignments;
        var (file, first) = await ExportAsync(new ExportAssignmentsRequest { Filter = new ListAssignmentsRequest { PlanId = plan } });
        Assert.Equal((Ledger.ContentType, "台账.xlsx"), (first.ContentType, first.FileName));

        var rows = new MemoryStream(file).Query(useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(["序号", "计划", "重点任务", "具体措施", "牵头单位", "配合单位", "责任人", "完成时限", "到期日", "状态", "进展(%)", "逾期天数", "最新情况"],
            rows[0].Keys);
        Assert.Equal(listed.Select(a => a.Title), rows.Select(r => (string)r["具体措施"]!));
        var first_ = rows.Single(r => (string)r["具体措施"]! == $"拿出承接方案{tag}");
        Assert.Equal(($"台账{tag}", $"承接产业转移{tag}", "经发局", "财政局", "陈志刚", "2023年12月底前", "推进中"),
            ((string)first_["计划"]!, (string)first_["重点任务"]!, (string)first_["牵头单位"]!, (string)first_["配合单位"]!, (string)first_["责任人"]!,
             (string)first_["完成时限"]!, (string)first_["状态"]!));
        Assert.Equal(new DateTime(2023, 12, 31), first_["到期日"]);
        Assert.Equal(40d, Convert.ToDouble(first_["进展(%)"]));
        Assert.True(Convert.ToDouble(first_["逾期天数"]) > 700);
        Assert.Equal($"方案初稿已形成{tag}", first_["最新情况"]);
        var ongoing = rows.Single(r => (string)r["具体措施"]! == $"梳理审批事项{tag}");
        Assert.Null(ongoing["到期日"]);
        Assert.Null(ongoing["逾期天数"]);

        using var document = SpreadsheetDocument.Open(new MemoryStream(file), false);
        var sheet = document.WorkbookPart!.WorksheetParts.Single().Worksheet!;
        Assert.Equal(PaneStateValues.Frozen, sheet.Descendants<Pane>().Single().State!.Value);
        var widths = sheet.Descendants<Column>().ToDictionary(c => (int)c.Min!.Value, c => c.Width!.Value);
        Assert.All(AssignmentLedgerColumns(), c => Assert.True(widths[c.Index] >= Ledger.DisplayWidth(c.Header) + 1, c.Header));
    }

    private static IEnumerable<(int Index, string Header)> AssignmentLedgerColumns() =>
        Duban.Tasks.Exporting.AssignmentLedger.Columns.Select((c, i) => (i + 1, c.Header));

    [Fact]
    public async Task The_CSV_has_a_byte_order_mark_one_table_and_no_formulas()
    {
        var (plan, tag) = await PlanAsync();
        var (file, first) = await ExportAsync(new ExportAssignmentsRequest { Filter = new ListAssignmentsRequest { PlanId = plan }, Format = AssignmentExportFormat.Csv });
        Assert.Equal("台账.csv", first.FileName);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, file[..3]);
        var lines = System.Text.Encoding.UTF8.GetString(file[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("序号,计划,重点任务,具体措施,", lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.Contains(lines, l => l.Contains($"\"'=SUM(A1)招商, 引资{tag}\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_unit_exports_only_what_it_may_read_and_paging_is_refused()
    {
        var (plan, _) = await PlanAsync();
        var (file, _) = await ExportAsync(new ExportAssignmentsRequest { Filter = new ListAssignmentsRequest { PlanId = plan } }, service.StaffOf(service.Tree.Organisation));
        Assert.Empty(new MemoryStream(file).Query(useHeaderRow: true));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "filter.page_size", async () =>
            await ExportAsync(new ExportAssignmentsRequest { Filter = new ListAssignmentsRequest { PlanId = plan, PageSize = 10 } }));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "filter.include_subtree", async () =>
            await ExportAsync(new ExportAssignmentsRequest { Filter = new ListAssignmentsRequest { IncludeSubtree = true } }));
    }
}
