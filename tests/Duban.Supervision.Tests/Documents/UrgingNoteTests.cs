using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Duban.Contracts.Supervision.V1;
using Duban.ServiceDefaults.Auth;
using Duban.Supervision.Documents;
using Duban.Testing;
using Grpc.Core;

namespace Duban.Supervision.Tests.Documents;

/// <summary>督办单 and 催办单 over the wire: one note per page, the fields from the three services, the level's colour.</summary>
public class UrgingNoteTests(SupervisionFixture service) : IClassFixture<SupervisionFixture>
{
    private async Task<byte[]> NotesAsync(ExportUrgingNotesRequest request, SupervisionService.SupervisionServiceClient? client = null)
    {
        using var call = (client ?? service.Office).StreamUrgingNotes(request);
        var chunks = new List<BulletinChunk>();
        await foreach (var chunk in call.ResponseStream.ReadAllAsync())
            chunks.Add(chunk);
        Assert.EndsWith(".docx", chunks[0].FileName);
        return chunks.SelectMany(c => c.Data.ToByteArray()).ToArray();
    }

    /// <summary>Each note's table as (label, value) pairs, in page order.</summary>
    private static List<Dictionary<string, string>> Notes(WordprocessingDocument document) =>
        document.MainDocumentPart!.Document!.Body!.Elements<Table>()
            .Select(t => t.Elements<TableRow>().ToDictionary(r => r.Elements<TableCell>().First().InnerText.Replace("　", "").Replace(" ", ""),
                r => r.Elements<TableCell>().Last().InnerText))
            .ToList();

    [Fact]
    public async Task Over_json_the_notes_stream_as_base64_pieces_of_the_same_document()
    {
        var late = (await service.ImportAsync($"1,推进事项,JSON催办{Guid.NewGuid():N},经发局,,,2026年5月20日前")).Single();
        using var http = service.Supervision.Http(SupervisionFixture.Token(Duban.ServiceDefaults.Auth.DubanRoles.Office));
        var response = await http.PostAsync("/v1/urging-notes:export", new StringContent(
            $$"""{"assignmentIds": ["{{late.Id}}"], "kind": "URGING_NOTE_KIND_URGING", "message": "请于本周内报送进展"}""",
            System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var bytes = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(line => System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("data").GetBytesFromBase64()).ToArray();
        using var document = WordprocessingDocument.Open(new MemoryStream(bytes), false);
        Assert.Equal("工业园区经济发展局", Assert.Single(Notes(document))["承办单位"]);
    }

    [Fact]
    public async Task A_batch_prints_one_note_per_page_with_unit_deadline_days_overdue_and_the_level()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var assignments = await service.ImportAsync($"1,推进事项,逾期措施{tag},经发局,,,2026年5月20日前\n2,按期事项,长远措施{tag},财政局,,,2099年6月30日前");
        var late = assignments.Single(a => a.Title == $"逾期措施{tag}");
        var later = assignments.Single(a => a.Title == $"长远措施{tag}");

        var bytes = await NotesAsync(new ExportUrgingNotesRequest
        {
            AssignmentIds = { late.Id, later.Id }, Kind = UrgingNoteKind.Urging, Message = "请于本周内报送进展",
            ReplyBy = new Google.Type.Date { Year = 2026, Month = 12, Day = 9 },
        });
        using var document = WordprocessingDocument.Open(new MemoryStream(bytes), false);
        var notes = Notes(document);
        Assert.Equal(2, notes.Count);
        Assert.Single(document.MainDocumentPart!.Document!.Body!.Descendants<Break>(), b => b.Type?.Value == BreakValues.Page);
        Assert.Contains("催办单", document.MainDocumentPart.Document.Body.InnerText);

        var first = notes[0];
        Assert.Equal("工业园区经济发展局", first["承办单位"]);
        Assert.Equal($"逾期措施{tag}", first["事项"]);
        Assert.Equal("2026年5月20日前（2026年5月20日）", first["完成时限"]);
        var days = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8)).DayNumber - new DateOnly(2026, 5, 20).DayNumber;
        Assert.Equal($"{days}天", first["已逾期天数"]);
        Assert.Equal("红色督办（已逾期）", first["督办等级"]);
        Assert.Equal("请于本周内报送进展", first["办理要求"]);
        Assert.Equal("2026年12月9日前", first["反馈时限"]);
        Assert.Equal(service.EconomyContact.Name, first["联系人"]);
        // Personal data is the office's to see: its token goes with the lookup, so the note carries the phone.
        Assert.Equal("0571-86001234", first["联系电话"]);
        Assert.StartsWith("督办测试", first["来源"]);
        Assert.Equal(("工业园区财政局", "未逾期"), (notes[1]["承办单位"], notes[1]["已逾期天数"]));

        // The red level's cell is red.
        var levelCell = document.MainDocumentPart.Document.Body.Elements<Table>().First().Elements<TableRow>()
            .Single(r => r.InnerText.Contains("督办等级", StringComparison.Ordinal)).Elements<TableCell>().Last();
        Assert.Equal("FF0000", levelCell.TableCellProperties!.Shading!.Fill!.Value);
        Assert.DoesNotContain("{{", document.MainDocumentPart.Document.Body.InnerText);

        var folder = Directory.CreateTempSubdirectory("duban-notes-").FullName;
        try
        {
            var docx = Path.Combine(folder, "催办单.docx");
            await File.WriteAllBytesAsync(docx, bytes);
            var pdf = await LibreOffice.ConvertToPdfAsync(docx, folder);
            var png = await LibreOffice.FirstPagePngAsync(pdf, Path.Combine(folder, "page1"));
            if (Environment.GetEnvironmentVariable("DUBAN_DOCUMENT_IMAGES") is { Length: > 0 } images)
                File.Copy(png, Path.Combine(images, "urging-note.png"), overwrite: true);
            Assert.Equal(2, await LibreOffice.PageCountAsync(pdf));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Only_the_office_issues_notes_and_bad_batches_are_refused_naming_the_field()
    {
        var assignment = (await service.ImportAsync($"1,推进事项,权限措施{Guid.NewGuid():N},经发局,,,2026年5月20日前")).Single();
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
            await NotesAsync(new ExportUrgingNotesRequest { AssignmentIds = { assignment.Id } }, service.SupervisionAs(DubanRoles.Lead, service.Economy)));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "assignment_ids", async () => await NotesAsync(new ExportUrgingNotesRequest()));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "assignment_ids", async () =>
            await NotesAsync(new ExportUrgingNotesRequest { AssignmentIds = { Enumerable.Range(0, 101).Select(_ => assignment.Id) } }));
        await RpcAssert.ThrowsAsync(StatusCode.NotFound, async () =>
            await NotesAsync(new ExportUrgingNotesRequest { AssignmentIds = { Guid.NewGuid().ToString() } }));
    }
}
