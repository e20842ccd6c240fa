using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Duban.Contracts.Supervision.V1;
using Duban.ServiceDefaults.Auth;
using Duban.Testing;
using Google.Protobuf;
using Grpc.Core;

namespace Duban.Supervision.Tests.Documents;

/// <summary>The office's own templates: listed, uploaded, replaced, checked on upload, and used for the scope and the units below it.</summary>
public class DocumentTemplateTests(SupervisionFixture service) : IClassFixture<SupervisionFixture>
{
    private static ByteString Template(string mark) => ByteString.CopyFrom(BulletinDocxTests.Template(body =>
    {
        body.Append(new Paragraph(new Run(new Text($"{mark}{{{{发文机关}}}}"))));
        body.Append(new Paragraph(new Run(new Text("{{标题}}"))));
        body.Append(new Paragraph(new Run(new Text("{{正文}}"))));
    }));

    private async Task<string> BulletinTextAsync(string reviewId)
    {
        var docx = await service.Office.ExportBulletinAsync(new ExportBulletinRequest { ReviewId = reviewId, Format = BulletinFormat.Docx });
        using var document = WordprocessingDocument.Open(new MemoryStream(docx.Data.ToByteArray()), false);
        return document.MainDocumentPart!.Document!.Body!.InnerText;
    }

    [Fact]
    public async Task An_uploaded_template_replaces_the_shipped_one_for_its_scope_and_the_units_below()
    {
        var listed = await service.Office.ListDocumentTemplatesAsync(new ListDocumentTemplatesRequest { ScopeUnitId = service.Economy.Id });
        Assert.Equal([DocumentTemplateKind.Bulletin, DocumentTemplateKind.SupervisionNote, DocumentTemplateKind.UrgingNote], listed.Templates.Select(t => t.Kind));
        Assert.All(listed.Templates, t => Assert.True(t.Shipped && t.Content.Length > 1000));

        var first = await service.Office.UploadDocumentTemplateAsync(new UploadDocumentTemplateRequest
        {
            ScopeUnitId = service.Park.Id, Kind = DocumentTemplateKind.Bulletin, FileName = "园区通报.docx", Content = Template("园区红头一"),
        });
        Assert.Equal((1, false), (first.Version, first.Shipped));
        var second = await service.Office.UploadDocumentTemplateAsync(new UploadDocumentTemplateRequest
        {
            ScopeUnitId = service.Park.Id, Kind = DocumentTemplateKind.Bulletin, FileName = "园区通报.docx", Content = Template("园区红头二"),
        });
        Assert.Equal(2, second.Version);

        // The park's own, and inherited by the units below it; the other kinds stay shipped.
        listed = await service.Office.ListDocumentTemplatesAsync(new ListDocumentTemplatesRequest { ScopeUnitId = service.Economy.Id });
        var bulletin = listed.Templates.Single(t => t.Kind == DocumentTemplateKind.Bulletin);
        Assert.Equal((service.Park.Id, 2, false), (bulletin.ScopeUnitId, bulletin.Version, bulletin.Shipped));
        Assert.Equal(second.Content, bulletin.Content);
        Assert.True(listed.Templates.Single(t => t.Kind == DocumentTemplateKind.UrgingNote).Shipped);
        Assert.True((await service.Office.ListDocumentTemplatesAsync(new ListDocumentTemplatesRequest { ScopeUnitId = service.OtherPark.Id }))
            .Templates.Single(t => t.Kind == DocumentTemplateKind.Bulletin).Shipped);

        await service.ImportAsync($"1,推进事项,模板措施{Guid.NewGuid():N},经发局,,,2026年5月20日前");
        var review = await service.Office.RunWeeklyReviewAsync(new RunWeeklyReviewRequest { ScopeUnitId = service.Park.Id, Week = "current" });
        var text = await BulletinTextAsync(review.Id);
        Assert.Contains("园区红头二" + service.Park.Name, text);
        Assert.DoesNotContain("各有关单位", text);
        Assert.Contains("一、总体情况", text);
    }

    [Fact]
    public async Task A_template_without_a_required_placeholder_is_refused_naming_it_and_only_the_office_uploads()
    {
        var lacking = ByteString.CopyFrom(BulletinDocxTests.Template(body => body.Append(new Paragraph(new Run(new Text("{{发文机关}}{{标题}}"))))));
        var refused = await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "content", async () =>
            await service.Office.UploadDocumentTemplateAsync(new UploadDocumentTemplateRequest
            {
                ScopeUnitId = service.Finance.Id, Kind = DocumentTemplateKind.Bulletin, Content = lacking,
            }));
        Assert.Contains("{{正文}}", refused.Status.Detail);
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "content", async () =>
            await service.Office.UploadDocumentTemplateAsync(new UploadDocumentTemplateRequest
            {
                ScopeUnitId = service.Finance.Id, Kind = DocumentTemplateKind.UrgingNote, Content = Template("x"),
            }));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "kind", async () =>
            await service.Office.UploadDocumentTemplateAsync(new UploadDocumentTemplateRequest { ScopeUnitId = service.Finance.Id, Content = Template("x") }));
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
            await service.SupervisionAs(DubanRoles.Lead, service.Finance).UploadDocumentTemplateAsync(new UploadDocumentTemplateRequest
            {
                ScopeUnitId = service.Finance.Id, Kind = DocumentTemplateKind.Bulletin, Content = Template("x"),
            }));
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
            await service.SupervisionAs(DubanRoles.Lead, service.Finance).ListDocumentTemplatesAsync(new ListDocumentTemplatesRequest { ScopeUnitId = service.Finance.Id }));
        Assert.Equal(0, await service.CountAsync($"SELECT count(*) FROM document_templates WHERE scope_unit_id = '{service.Finance.Id}'"));
    }
}
