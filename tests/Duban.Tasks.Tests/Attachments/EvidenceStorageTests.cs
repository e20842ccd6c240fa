using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Duban.Contracts.Tasks.V1;
using Duban.ServiceDefaults.Auth;
using Duban.Testing;
using Google.Protobuf;
using Grpc.Core;

namespace Duban.Tasks.Tests.Attachments;

/// <summary>Evidence files over the wire, the same tests against each storage backend.</summary>
public abstract class EvidenceStorageTests<TFixture>(TFixture service) where TFixture : EvidenceFixture
{
    [Fact]
    public async Task A_lead_uploads_over_grpc_confirms_with_the_files_and_readers_of_the_assignment_download_them_but_no_other_unit()
    {
        var a = await service.AcceptedAssignmentAsync();
        var pdf = EvidenceUpload.PdfPieces(300 * 1024).ToList();
        var request = await service.EconomyLead.UploadAsync(a.Id, "C:\\材料\\请示.pdf", pdf);
        var photo = await service.EconomyLead.UploadAsync(a.Id, "现场", EvidenceUpload.Png);

        Assert.Equal("请示.pdf", request.FileName);
        Assert.Equal("application/pdf", request.ContentType);
        Assert.Equal(300 * 1024, request.SizeBytes);
        Assert.Equal(EvidenceUpload.Sha256Of(pdf), request.Sha256);
        Assert.Equal(service.Tree.EconomyLead.Id, request.UploaderPersonId);
        Assert.Equal(AttachmentRecordKind.Unspecified, request.RecordKind);
        Assert.Equal(("现场.png", "image/png"), (photo.FileName, photo.ContentType));

        // Pending: its uploader sees it, nobody else does, not even the office or a colleague of the same unit.
        Assert.Equal(2, (await service.EconomyLead.ListAttachmentsAsync(new ListAttachmentsRequest { AssignmentId = a.Id })).Attachments.Count);
        Assert.Empty((await service.Office.ListAttachmentsAsync(new ListAttachmentsRequest { AssignmentId = a.Id })).Attachments);
        var colleague = service.StaffOf(service.Tree.Economy);
        await RpcAssert.ThrowsAsync(StatusCode.NotFound, async () => await colleague.DownloadAsync(request.Id));

        var confirmed = await service.EconomyLead.ConfirmCompletionAsync(new ConfirmCompletionRequest
        {
            Id = a.Id, Version = a.Version, Evidence = "方案已印发", AttachmentIds = { request.Id, photo.Id },
        });

        var record = await service.Office.GetAssignmentAsync(new GetAssignmentRequest { Id = a.Id });
        var entry = record.History.Single(h => h.Type == "COMPLETION_CONFIRMED");
        Assert.Equal(["请示.pdf", "现场.png"], entry.Attachments.Select(f => f.FileName));
        Assert.All(entry.Attachments, f => Assert.Equal((AttachmentRecordKind.Completion, confirmed.Version), (f.RecordKind, f.HistoryVersion)));

        var (described, sha, length, start) = await service.Office.DownloadAsync(request.Id);
        Assert.Equal((request.Sha256, 300L * 1024, "请示.pdf"), (sha, length, described.FileName));
        Assert.Equal("%PDF-1.7"u8.ToArray(), start[..8]);
        // A co-unit reads the assignment, so it reads its evidence.
        var coUnit = service.LeadOf(service.Tree.Finance);
        Assert.Equal(request.Sha256, (await coUnit.DownloadAsync(request.Id)).Sha256);
        Assert.Equal(2, (await colleague.ListAttachmentsAsync(new ListAttachmentsRequest { AssignmentId = a.Id })).Attachments.Count);

        // Another park's lead: refused, for the file, the list and the history alike.
        var outsider = service.LeadOf(service.Tree.OtherFinance);
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () => await outsider.DownloadAsync(request.Id));
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
            await outsider.ListAttachmentsAsync(new ListAttachmentsRequest { AssignmentId = a.Id }));
        var scheduler = service.Client(TestTokens.For("scheduler", "", DubanRoles.Scheduler));
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () => await scheduler.DownloadAsync(photo.Id));
    }

    [Fact]
    public async Task Files_go_with_a_progress_report_once_and_only_their_uploaders_own()
    {
        var a = await service.AcceptedAssignmentAsync();
        var staff = service.StaffOf(service.Tree.Economy);
        var mine = await service.EconomyLead.UploadAsync(a.Id, "会议纪要.txt", "专题会议纪要：\n一、方案已通过。\n"u8.ToArray());
        var theirs = await staff.UploadAsync(a.Id, "现场.png", EvidenceUpload.Png);
        Assert.Equal("text/plain; charset=utf-8", mine.ContentType);

        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "attachment_ids[1]", async () =>
            await service.EconomyLead.ReportProgressAsync(new ReportProgressRequest
            {
                Id = a.Id, Version = a.Version, Percent = 50, AttachmentIds = { mine.Id, theirs.Id },
            }));
        var reported = await service.EconomyLead.ReportProgressAsync(new ReportProgressRequest
        {
            Id = a.Id, Version = a.Version, Percent = 50, Narrative = "方案已通过", AttachmentIds = { mine.Id },
        });
        // Part of a record now: it cannot go with another.
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "attachment_ids[0]", async () =>
            await service.EconomyLead.ReportProgressAsync(new ReportProgressRequest
            {
                Id = a.Id, Version = reported.Version, Percent = 60, AttachmentIds = { mine.Id },
            }));
        var listed = (await service.Office.ListAttachmentsAsync(new ListAttachmentsRequest { AssignmentId = a.Id })).Attachments.Single();
        Assert.Equal((mine.Id, AttachmentRecordKind.ProgressReport, reported.Version), (listed.Id, listed.RecordKind, listed.HistoryVersion));
    }

    [Fact]
    public async Task Supervision_ties_uploads_to_an_explanation_idempotently()
    {
        var a = await service.AcceptedAssignmentAsync();
        var file = await service.EconomyLead.UploadAsync(a.Id, "情况说明.png", EvidenceUpload.Png);
        var explanation = Guid.NewGuid().ToString();
        var bind = new BindAttachmentsRequest
        {
            AssignmentId = a.Id, AttachmentIds = { file.Id }, RecordKind = AttachmentRecordKind.Explanation, RecordId = explanation,
        };
        var first = await service.EconomyLead.BindAttachmentsAsync(bind);
        var again = await service.EconomyLead.BindAttachmentsAsync(bind);
        Assert.Equal(first.Attachments.Single().Id, again.Attachments.Single().Id);
        Assert.Equal((AttachmentRecordKind.Explanation, explanation), (again.Attachments[0].RecordKind, again.Attachments[0].RecordId));
        bind.RecordId = Guid.NewGuid().ToString();
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "attachment_ids[0]", async () => await service.EconomyLead.BindAttachmentsAsync(bind));
        bind.RecordKind = AttachmentRecordKind.Completion;
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "record_kind", async () => await service.EconomyLead.BindAttachmentsAsync(bind));
    }

    [Theory]
    [InlineData("请示.pdf", "MZ")]
    [InlineData("现场.jpg", "%PDF-")]
    [InlineData("数据.zip", "PK")]
    public async Task A_file_whose_bytes_are_no_evidence_or_not_what_its_name_says_is_refused_and_leaves_nothing(string name, string kind)
    {
        var a = await service.AcceptedAssignmentAsync();
        var before = await service.StoredCountAsync();
        byte[] bytes = kind switch
        {
            "MZ" => [(byte)'M', (byte)'Z', 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xFF, 0xFF, 0, 0],
            "PK" => ZipWith("数据.csv"),
            _ => "%PDF-1.4\n%\u00e2\u00e3\n"u8.ToArray(),
        };
        var field = kind == "%PDF-" ? "metadata.file_name" : "chunk";
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, field, async () => await service.EconomyLead.UploadAsync(a.Id, name, bytes));
        Assert.Empty((await service.EconomyLead.ListAttachmentsAsync(new ListAttachmentsRequest { AssignmentId = a.Id })).Attachments);
        Assert.Equal(0, await service.CountAsync($"SELECT count(*) FROM attachments WHERE assignment_id = '{a.Id}'"));
        Assert.Equal(before, await service.StoredCountAsync());
    }

    [Fact]
    public async Task Uploads_are_refused_past_the_limits_and_from_those_who_write_no_record_of_it()
    {
        var a = await service.AcceptedAssignmentAsync();
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "metadata.size_bytes", async () =>
            await service.EconomyLead.UploadAsync(a.Id, "大文件.pdf", EvidenceUpload.PdfPieces(1024), declaredSize: 201L * 1024 * 1024));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "metadata.file_name", async () =>
            await service.EconomyLead.UploadAsync(a.Id, "../..", EvidenceUpload.Png));
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
            await service.LeadOf(service.Tree.Finance).UploadAsync(a.Id, "现场.png", EvidenceUpload.Png));
        await RpcAssert.ThrowsAsync(StatusCode.NotFound, async () =>
            await service.EconomyLead.UploadAsync(Guid.NewGuid().ToString(), "现场.png", EvidenceUpload.Png));
        using var call = service.EconomyLead.UploadAttachment();
        await call.RequestStream.WriteAsync(new UploadAttachmentRequest { Chunk = ByteString.CopyFrom(EvidenceUpload.Png) });
        await call.RequestStream.CompleteAsync();
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "metadata", async () => await call);
        Assert.Equal(0, await service.CountAsync($"SELECT count(*) FROM attachments WHERE assignment_id = '{a.Id}'"));
    }

    [Fact]
    public async Task The_same_bytes_already_on_record_are_stored_once()
    {
        var a = await service.AcceptedAssignmentAsync();
        var pieces = EvidenceUpload.PdfPieces(64 * 1024, seed: 11).ToList();
        var first = await service.EconomyLead.UploadAsync(a.Id, "批复.pdf", pieces);
        await service.EconomyLead.ReportProgressAsync(new ReportProgressRequest { Id = a.Id, Version = a.Version, Percent = 30, AttachmentIds = { first.Id } });
        var stored = await service.StoredCountAsync();
        var second = await service.EconomyLead.UploadAsync(a.Id, "批复（再次）.pdf", pieces);

        Assert.Equal(first.Sha256, second.Sha256);
        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(stored, await service.StoredCountAsync());
        Assert.Equal(1, await service.CountAsync($"SELECT count(DISTINCT storage_key) FROM attachments WHERE assignment_id = '{a.Id}'"));
        Assert.Equal(first.Sha256, (await service.EconomyLead.DownloadAsync(second.Id)).Sha256);

        // The second copy expires unused; the bytes stay for the first.
        await service.CountAsync($"UPDATE attachments SET upload_time = now() - interval '2 days' WHERE id = '{second.Id}'");
        Assert.True(await service.Janitor.SweepAsync(CancellationToken.None) >= 1);
        Assert.Equal(first.Sha256, (await service.Office.DownloadAsync(first.Id)).Sha256);
        Assert.Equal(stored, await service.StoredCountAsync());
    }

    [Fact]
    public async Task An_upload_cut_off_half_way_leaves_nothing_anyone_sees_and_the_janitor_removes_what_a_crash_leaves()
    {
        var a = await service.AcceptedAssignmentAsync();
        var before = await service.StoredCountAsync();
        using (var cancel = new CancellationTokenSource())
        {
            var call = service.EconomyLead.UploadAttachment(cancellationToken: cancel.Token);
            await call.RequestStream.WriteAsync(new UploadAttachmentRequest { Metadata = new AttachmentUpload { AssignmentId = a.Id, FileName = "请示.pdf" } });
            foreach (var piece in EvidenceUpload.PdfPieces(12L * 1024 * 1024, piece: 256 * 1024))
                await call.RequestStream.WriteAsync(new UploadAttachmentRequest { Chunk = ByteString.CopyFrom(piece) });
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<Exception>(async () => await call);
            call.Dispose();
        }
        // The service notices the reset and removes what it stored; no one ever saw the file.
        for (var i = 0; i < 100 && await service.CountAsync($"SELECT count(*) FROM attachments WHERE assignment_id = '{a.Id}'") > 0; i++)
            await Task.Delay(100);
        Assert.Equal(0, await service.CountAsync($"SELECT count(*) FROM attachments WHERE assignment_id = '{a.Id}'"));
        Assert.Empty((await service.EconomyLead.ListAttachmentsAsync(new ListAttachmentsRequest { AssignmentId = a.Id })).Attachments);
        Assert.Equal(before, await service.StoredCountAsync());

        // A process that died mid-upload leaves its row Uploading and some bytes; a pending file nobody named expires.
        var pending = await service.EconomyLead.UploadAsync(a.Id, "现场.png", EvidenceUpload.Png);
        var crashed = Guid.NewGuid();
        var storage = (Duban.Tasks.Attachments.IEvidenceStorage)service.Tasks.Services.GetService(typeof(Duban.Tasks.Attachments.IEvidenceStorage))!;
        await storage.WriteAsync($"{a.Id:N}/{crashed:N}", new MemoryStream(new byte[100_000]), CancellationToken.None);
        await service.CountAsync($"""
            INSERT INTO attachments (id, assignment_id, file_name, content_type, size_bytes, sha256, storage_key, upload_time, state, record_kind)
            VALUES ('{crashed}', '{a.Id}', '断点.pdf', '', 0, '', '{a.Id:N}/{crashed:N}', now() - interval '2 hours', 1, 0)
            """);
        Assert.Equal(before + 2 * Pieces, await service.StoredCountAsync());
        Assert.Equal(1, await service.Janitor.SweepAsync(CancellationToken.None)); // only the dead upload has expired yet
        await service.CountAsync($"UPDATE attachments SET upload_time = now() - interval '25 hours' WHERE id = '{pending.Id}'");
        Assert.Equal(1, await service.Janitor.SweepAsync(CancellationToken.None));
        Assert.Equal(0, await service.CountAsync($"SELECT count(*) FROM attachments WHERE assignment_id = '{a.Id}'"));
        Assert.Equal(before, await service.StoredCountAsync());
    }

    /// <summary>How many stored things one small file is: one object, or one row of pieces.</summary>
    private const int Pieces = 1;

    [Fact]
    public async Task A_100_MB_file_streams_in_and_out_with_flat_memory()
    {
        const long size = 100L * 1024 * 1024;
        const int piece = 256 * 1024;
        var a = await service.AcceptedAssignmentAsync();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0;
        // What is alive, after a full collection, every 8 MB on the way in and on the way out: garbage aside, a file held
        // whole anywhere (client, service, storage client — they share this process) would show as 100 MB.
        void Measure(long at)
        {
            if (at % (8 * 1024 * 1024) < piece)
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true));
        }
        var uploaded = await service.EconomyLead.UploadAsync(a.Id, "全景航拍.pdf",
            EvidenceUpload.PdfPieces(size, piece, seed: 3).Select((p, i) => { Measure((long)i * piece); return p; }), size);
        var downloaded = await service.EconomyLead.DownloadAsync(uploaded.Id, Measure);

        Assert.Equal((size, size), (uploaded.SizeBytes, downloaded.Length));
        Assert.Equal(EvidenceUpload.Sha256Of(EvidenceUpload.PdfPieces(size, piece, seed: 3)), uploaded.Sha256);
        Assert.Equal(uploaded.Sha256, downloaded.Sha256);
        var grown = (peak - baseline) / (1024 * 1024);
        // Other test classes run in this process at the same time and hold their own live objects (up to ~45 MB seen):
        // the bound sits between that and a file held whole (100 MB).
        Assert.True(grown < 70, $"live memory grew by {grown} MB while 100 MB went in and out");
    }

    [Fact]
    public async Task Over_http_a_multipart_upload_and_a_download_with_the_utf8_file_name()
    {
        var a = await service.AcceptedAssignmentAsync();
        using var http = service.Tasks.Http(TestTokens.For(service.Tree.EconomyLead.Id, service.Tree.Economy.Id, DubanRoles.Lead));
        using var form = new MultipartFormDataContent();
        var pdf = new ByteArrayContent(EvidenceUpload.PdfPieces(10_000).Single());
        pdf.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(pdf, "file", "请示（2026）12号.pdf");
        form.Add(new ByteArrayContent(EvidenceUpload.Png), "file", "现场 照片.png");
        var response = await http.PostAsync($"/v1/assignments/{a.Id}/attachments", form);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        var attachments = JsonDocument.Parse(body).RootElement.GetProperty("attachments");
        Assert.Equal(["请示（2026）12号.pdf", "现场 照片.png"], attachments.EnumerateArray().Select(f => f.GetProperty("fileName").GetString()));
        var id = attachments[0].GetProperty("id").GetString();

        var download = await http.GetAsync($"/v1/attachments/{id}/content");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/pdf", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal("请示（2026）12号.pdf", download.Content.Headers.ContentDisposition!.FileNameStar);
        Assert.Equal(EvidenceUpload.PdfPieces(10_000).Single(), await download.Content.ReadAsByteArrayAsync());

        using var outsider = service.Tasks.Http(TestTokens.For(Guid.NewGuid().ToString(), service.Tree.OtherFinance.Id, DubanRoles.Lead));
        var refused = await outsider.GetAsync($"/v1/attachments/{id}/content");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(7, JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetInt32());

        using var exe = new MultipartFormDataContent { { new ByteArrayContent([(byte)'M', (byte)'Z', 0x90, 0, 3, 0]), "file", "通知.pdf" } };
        var bad = await http.PostAsync($"/v1/assignments/{a.Id}/attachments", exe);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("file[0]", await bad.Content.ReadAsStringAsync());
        var none = await http.PostAsync($"/v1/assignments/{a.Id}/attachments", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
    }

    private static byte[] ZipWith(string entry)
    {
        var memory = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(memory, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        using (var writer = new StreamWriter(zip.CreateEntry(entry).Open()))
            writer.Write("序号,名称\n1,项目\n");
        return memory.ToArray();
    }
}

public sealed class PostgresEvidenceStorageTests(PostgresEvidenceFixture service)
    : EvidenceStorageTests<PostgresEvidenceFixture>(service), IClassFixture<PostgresEvidenceFixture>;

public sealed class S3EvidenceStorageTests(S3EvidenceFixture service)
    : EvidenceStorageTests<S3EvidenceFixture>(service), IClassFixture<S3EvidenceFixture>;
