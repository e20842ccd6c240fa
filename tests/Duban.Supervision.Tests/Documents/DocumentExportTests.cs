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
}
