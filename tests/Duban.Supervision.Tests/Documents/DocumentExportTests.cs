using DocumentFormat.OpenXml.Packaging;
using Duban.Contracts.Supervision.V1;
using Duban.ServiceDefaults.Auth;
using Duban.Testing;
using Grpc.Core;

namespace Duban.Supervision.Tests.Documents;

/// <summary>The office documents over the wire: what ExportBulletin and StreamBulletin send opens as the document it claims to be.</summary>
public class DocumentExportTests(SupervisionFixture service) : IClassFixture<SupervisionFixture>
{
    private async Task<WeeklyReview> ReviewAsync(string title)
    {
        await service.ImportAsync($"1,推进事项,{title},经发局,,,2026年5月20日前\n2,按期事项,按期措施{title},财政局,,,2027年6月30日前");
        return await service.Office.RunWeeklyReviewAsync(new RunWeeklyReviewRequest { ScopeUnitId = service.Park.Id, Week = "current" });
    }

    [Fact]
    public async Task The_Word_bulletin_sent_whole_or_in_pieces_says_what_the_Markdown_says()
    {
        var title = "逾期措施" + Guid.NewGuid().ToString("N")[..6];
        var review = await ReviewAsync(title);
        var markdown = (await service.Office.ExportBulletinAsync(new ExportBulletinRequest { ReviewId = review.Id, Format = BulletinFormat.Markdown })).Content;

        var docx = await service.Office.ExportBulletinAsync(new ExportBulletinRequest { ReviewId = review.Id, Format = BulletinFormat.Docx });
        Assert.Equal("application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx.ContentType);
        Assert.EndsWith(".docx", docx.FileName);
        Assert.Empty(docx.Content);
        using (var document = WordprocessingDocument.Open(new MemoryStream(docx.Data.ToByteArray()), false))
        {
            var lines = BulletinDocxTests.BodyLines(document);
            Assert.Equal(BulletinDocxTests.MarkdownLines(markdown), lines);
            Assert.Contains(lines, l => l.Contains(title, StringComparison.Ordinal));
        }

        var chunks = new List<BulletinChunk>();
        using (var call = service.Office.StreamBulletin(new ExportBulletinRequest { ReviewId = review.Id, Format = BulletinFormat.Docx }))
        {
            await foreach (var chunk in call.ResponseStream.ReadAllAsync())
                chunks.Add(chunk);
        }
        Assert.Equal((docx.ContentType, docx.FileName), (chunks[0].ContentType, chunks[0].FileName));
        Assert.Equal(docx.Data.ToByteArray(), chunks.SelectMany(c => c.Data.ToByteArray()).ToArray());

        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
            await service.SupervisionAs(DubanRoles.Lead, service.OtherPark).ExportBulletinAsync(new ExportBulletinRequest { ReviewId = review.Id, Format = BulletinFormat.Docx }));
    }

    [Fact]
    public async Task The_workbook_holds_every_item_and_with_a_period_the_assessment_as_a_sheet()
    {
        var title = "台账措施" + Guid.NewGuid().ToString("N")[..6];
        var review = await ReviewAsync(title);
        var csv = (await service.Office.ExportBulletinAsync(new ExportBulletinRequest { ReviewId = review.Id, Format = BulletinFormat.Csv, Table = BulletinTable.Items })).Content;

        var chunks = new List<BulletinChunk>();
        using (var call = service.Office.StreamBulletin(new ExportBulletinRequest { ReviewId = review.Id, Format = BulletinFormat.Xlsx, AssessmentPeriod = "2026" }))
        {
            await foreach (var chunk in call.ResponseStream.ReadAllAsync())
                chunks.Add(chunk);
        }
        Assert.Equal(Duban.OfficeFiles.Ledger.ContentType, chunks[0].ContentType);
        using var file = new MemoryStream(chunks.SelectMany(c => c.Data.ToByteArray()).ToArray());
        Assert.Contains("考核2026", MiniExcelLibs.MiniExcel.GetSheetNames(file));
        var assessed = MiniExcelLibs.MiniExcel.Query(file, useHeaderRow: true, sheetName: "考核2026").Cast<IDictionary<string, object?>>().ToList();
        var expected = await service.Office.AssessUnitsAsync(new AssessUnitsRequest { ScopeUnitId = service.Park.Id, Period = "2026", AsOf = review.AsOf });
        Assert.NotEmpty(expected.Units);
        Assert.Equal(expected.Units.Select(u => (u.UnitName, (double)u.Due, u.Score)),
            assessed.Select(r => ((string)r["单位"]!, Convert.ToDouble(r["应完成"]), Convert.ToDouble(r["得分"]))));

        // Every item of the CSV is on the sheet of its list.
        var itemRows = csv.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).ToList();
        foreach (var list in itemRows.GroupBy(r => r[0]))
        {
            var sheet = MiniExcelLibs.MiniExcel.Query(file, useHeaderRow: true, sheetName: list.Key).Cast<IDictionary<string, object?>>().ToList();
            Assert.Equal(list.Select(r => r[2]), sheet.Select(r => (string)r["任务"]!));
        }
        Assert.Contains(itemRows, r => r[2] == title);

        var whole = await service.Office.ExportBulletinAsync(new ExportBulletinRequest { ReviewId = review.Id, Format = BulletinFormat.Xlsx });
        Assert.DoesNotContain("考核2026", MiniExcelLibs.MiniExcel.GetSheetNames(new MemoryStream(whole.Data.ToByteArray())));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "assessment_period", async () =>
            await service.Office.ExportBulletinAsync(new ExportBulletinRequest { ReviewId = review.Id, Format = BulletinFormat.Xlsx, AssessmentPeriod = "2026-X1" }));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "assessment_period", async () =>
            await service.Office.ExportBulletinAsync(new ExportBulletinRequest { ReviewId = review.Id, Format = BulletinFormat.Docx, AssessmentPeriod = "2026" }));
    }
}
