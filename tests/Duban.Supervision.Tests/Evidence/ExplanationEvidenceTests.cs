using Duban.Contracts.Supervision.V1;
using Duban.Contracts.Tasks.V1;
using Duban.ServiceDefaults.Auth;
using Duban.Tasks.Tests.Attachments;
using Duban.Testing;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Duban.Supervision.Tests.Evidence;

/// <summary>
/// 佐证材料 with explanations and urging replies, over the full wire: the lead uploads to the tasks service, supervision
/// ties the files to its record with the lead's own token, and a refusal leaves no record behind.
/// </summary>
public class ExplanationEvidenceTests(SupervisionFixture service) : IClassFixture<SupervisionFixture>
{
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xFF, 0xD9];

    private string EconomyLeadToken => LocalTokens.Mint(TestTokens.Key, service.EconomyLead.Id, service.Economy.Id, [DubanRoles.Lead], TimeSpan.FromDays(1));

    private SupervisionService.SupervisionServiceClient Supervision(string token) => new(service.Supervision.Channel(token));

    private TasksService.TasksServiceClient Tasks(string token) => new(service.Tasks.Channel(token));

    private async Task<(Duban.Contracts.Tasks.V1.Assignment Assignment, Notice Notice)> OverdueAsync()
    {
        var assignment = (await service.ImportAsync($"1,佐证{Guid.NewGuid():N},措施,经发局,,,2026年4月30日前")).Single();
        await service.Office.ScanNowAsync(new ScanNowRequest
        {
            AsOf = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 5, 2, 12, 0, 0, TimeSpan.FromHours(8))),
        });
        var notice = (await service.Office.ListNoticesAsync(new ListNoticesRequest { AssignmentId = assignment.Id, Kinds = { NoticeKind.Overdue } })).Notices.Single();
        return (assignment, notice);
    }

    private async Task<IReadOnlyList<Attachment>> FilesAsync(string assignmentId) =>
        (await Tasks(EconomyLeadToken).ListAttachmentsAsync(new ListAttachmentsRequest { AssignmentId = assignmentId })).Attachments;

    [Fact]
    public async Task An_explanation_carries_the_leads_uploads_which_the_tasks_service_then_lists_as_its_own()
    {
        var (assignment, notice) = await OverdueAsync();
        var token = EconomyLeadToken;
        var minutes = await Tasks(token).UploadAsync(assignment.Id, "协调会纪要.pdf", EvidenceUpload.PdfPieces(40 * 1024));
        var photo = await Tasks(token).UploadAsync(assignment.Id, "现场.jpg", Jpeg);

        var explanation = await Supervision(token).SubmitExplanationAsync(new SubmitExplanationRequest
        {
            NoticeId = notice.Id, Reasons = "用地指标未落实", AttachmentIds = { minutes.Id, photo.Id },
        });

        Assert.Equal([minutes.Id, photo.Id], explanation.AttachmentIds);
        var listed = (await service.Office.ListExplanationsAsync(new ListExplanationsRequest { NoticeId = notice.Id })).Explanations.Single();
        Assert.Equal([minutes.Id, photo.Id], listed.AttachmentIds);
        // Bound now: on the assignment's record for whoever reads it, the office included.
        var office = (await service.TasksAs(DubanRoles.Office).ListAttachmentsAsync(new ListAttachmentsRequest { AssignmentId = assignment.Id })).Attachments;
        Assert.Equal([("协调会纪要.pdf", AttachmentRecordKind.Explanation, explanation.Id), ("现场.jpg", AttachmentRecordKind.Explanation, explanation.Id)],
            office.Select(f => (f.FileName, f.RecordKind, f.RecordId)));
    }

    [Fact]
    public async Task Files_the_tasks_service_refuses_leave_no_explanation_and_the_field_is_named()
    {
        var (assignment, notice) = await OverdueAsync();
        var (other, _) = await OverdueAsync();
        var token = EconomyLeadToken;
        var photo = await Tasks(token).UploadAsync(assignment.Id, "现场.jpg", Jpeg);
        var elsewhere = await Tasks(token).UploadAsync(other.Id, "别处.jpg", Jpeg);
        var lead = Supervision(token);

        // An id no upload has, an upload of another assignment, an id that is none, a file listed twice.
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "attachment_ids[1]", async () => await lead.SubmitExplanationAsync(
            new SubmitExplanationRequest { NoticeId = notice.Id, Reasons = "原因", AttachmentIds = { photo.Id, Guid.NewGuid().ToString() } }));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "attachment_ids[0]", async () => await lead.SubmitExplanationAsync(
            new SubmitExplanationRequest { NoticeId = notice.Id, Reasons = "原因", AttachmentIds = { elsewhere.Id } }));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "attachment_ids[0]", async () => await lead.SubmitExplanationAsync(
            new SubmitExplanationRequest { NoticeId = notice.Id, Reasons = "原因", AttachmentIds = { "现场.jpg" } }));
        var twice = await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "attachment_ids[1]", async () => await lead.SubmitExplanationAsync(
            new SubmitExplanationRequest { NoticeId = notice.Id, Reasons = "", AttachmentIds = { photo.Id, photo.Id } }));
        Assert.Contains("reasons", RpcAssert.FieldsOf(twice));

        // Someone else's upload, even a colleague's of the same unit.
        var colleague = LocalTokens.Mint(TestTokens.Key, Guid.NewGuid().ToString(), service.Economy.Id, [DubanRoles.Staff], TimeSpan.FromDays(1));
        var theirs = await Tasks(colleague).UploadAsync(assignment.Id, "同事.jpg", Jpeg);
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "attachment_ids[0]", async () => await lead.SubmitExplanationAsync(
            new SubmitExplanationRequest { NoticeId = notice.Id, Reasons = "原因", AttachmentIds = { theirs.Id } }));

        // Nothing was stored, and the lead's upload is still pending: the next submission takes it.
        Assert.Empty((await service.Office.ListExplanationsAsync(new ListExplanationsRequest { NoticeId = notice.Id })).Explanations);
        Assert.Equal(0, await service.CountAsync($"SELECT count(*) FROM explanations WHERE notice_id = '{notice.Id}'"));
        Assert.Equal(AttachmentRecordKind.Unspecified, (await FilesAsync(assignment.Id)).Single(f => f.Id == photo.Id).RecordKind);
        var explanation = await lead.SubmitExplanationAsync(new SubmitExplanationRequest { NoticeId = notice.Id, Reasons = "原因", AttachmentIds = { photo.Id } });
        Assert.Equal([photo.Id], explanation.AttachmentIds);
    }

    [Fact]
    public async Task Another_units_lead_is_refused_and_the_files_stay_pending()
    {
        var (assignment, notice) = await OverdueAsync();
        var photo = await Tasks(EconomyLeadToken).UploadAsync(assignment.Id, "现场.jpg", Jpeg);
        var financeLead = LocalTokens.Mint(TestTokens.Key, Guid.NewGuid().ToString(), service.Finance.Id, [DubanRoles.Lead], TimeSpan.FromDays(1));

        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () => await Supervision(financeLead).SubmitExplanationAsync(
            new SubmitExplanationRequest { NoticeId = notice.Id, Reasons = "代为说明", AttachmentIds = { photo.Id } }));
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () => await Supervision(financeLead).AcknowledgeNoticeAsync(
            new AcknowledgeNoticeRequest { Id = notice.Id }));

        Assert.Empty((await service.Office.ListExplanationsAsync(new ListExplanationsRequest { NoticeId = notice.Id })).Explanations);
        Assert.Equal(AttachmentRecordKind.Unspecified, (await FilesAsync(assignment.Id)).Single().RecordKind);
    }

    [Fact]
    public async Task When_the_tasks_service_cannot_be_reached_no_explanation_is_stored()
    {
        var (assignment, notice) = await OverdueAsync();
        var photo = await Tasks(EconomyLeadToken).UploadAsync(assignment.Id, "现场.jpg", Jpeg);
        // A second supervision on the same database whose tasks service is a closed port.
        await using var cut = service.NewSupervision(service.Supervision.ConnectionString, followFeed: false)
            .With("Tasks:Address", "http://127.0.0.1:9")
            .WithServices(services => services.AddGrpcClient<TasksService.TasksServiceClient>("Tasks").ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler()));
        await cut.StartAsync();

        await RpcAssert.ThrowsAsync(StatusCode.Unavailable, async () => await new SupervisionService.SupervisionServiceClient(cut.Channel(EconomyLeadToken))
            .SubmitExplanationAsync(new SubmitExplanationRequest { NoticeId = notice.Id, Reasons = "原因", AttachmentIds = { photo.Id } }));

        Assert.Equal(0, await service.CountAsync($"SELECT count(*) FROM explanations WHERE notice_id = '{notice.Id}'"));
        Assert.Equal(AttachmentRecordKind.Unspecified, (await FilesAsync(assignment.Id)).Single().RecordKind);
    }

    [Fact]
    public async Task The_reply_to_an_urging_carries_files_once_and_a_retry_with_the_same_files_changes_nothing()
    {
        var assignment = (await service.ImportAsync($"1,催办佐证{Guid.NewGuid():N},措施,经发局,,,2026年12月30日前")).Single();
        var urged = await service.Office.UrgeAsync(new UrgeRequest { AssignmentId = assignment.Id, Message = "请报送推进情况" });
        var token = EconomyLeadToken;
        var lead = Supervision(token);
        var photo = await Tasks(token).UploadAsync(assignment.Id, "推进情况.jpg", Jpeg);
        var later = await Tasks(token).UploadAsync(assignment.Id, "补充.txt", "补充说明\n"u8.ToArray());

        // A foreign id refuses the reply, and the notice stays open.
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "attachment_ids[0]", async () =>
            await lead.AcknowledgeNoticeAsync(new AcknowledgeNoticeRequest { Id = urged.Id, AttachmentIds = { Guid.NewGuid().ToString() } }));
        Assert.Equal(NoticeStatus.Open, (await lead.GetNoticeAsync(new GetNoticeRequest { Id = urged.Id })).Status);

        var replied = await lead.AcknowledgeNoticeAsync(new AcknowledgeNoticeRequest { Id = urged.Id, AttachmentIds = { photo.Id } });
        Assert.Equal(NoticeStatus.Acknowledged, replied.Status);
        Assert.Equal([photo.Id], replied.ReplyAttachmentIds);
        var bound = (await FilesAsync(assignment.Id)).Single(f => f.Id == photo.Id);
        Assert.Equal((AttachmentRecordKind.UrgingReply, urged.Id), (bound.RecordKind, bound.RecordId));

        // Sent again (a retry): the same notice. Other files for an answered urging: refused, and nothing is tied.
        var again = await lead.AcknowledgeNoticeAsync(new AcknowledgeNoticeRequest { Id = urged.Id, AttachmentIds = { photo.Id } });
        Assert.Equal(replied.AcknowledgeTime, again.AcknowledgeTime);
        Assert.Equal([photo.Id], again.ReplyAttachmentIds);
        await RpcAssert.ThrowsAsync(StatusCode.FailedPrecondition, async () =>
            await lead.AcknowledgeNoticeAsync(new AcknowledgeNoticeRequest { Id = urged.Id, AttachmentIds = { later.Id } }));
        Assert.Equal(AttachmentRecordKind.Unspecified, (await FilesAsync(assignment.Id)).Single(f => f.Id == later.Id).RecordKind);
        Assert.Equal([photo.Id], (await service.Office.GetNoticeAsync(new GetNoticeRequest { Id = urged.Id })).ReplyAttachmentIds);
    }

    [Fact]
    public async Task Only_an_urging_takes_files_with_its_acknowledgement()
    {
        var (assignment, notice) = await OverdueAsync();
        var photo = await Tasks(EconomyLeadToken).UploadAsync(assignment.Id, "现场.jpg", Jpeg);

        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "attachment_ids", async () =>
            await Supervision(EconomyLeadToken).AcknowledgeNoticeAsync(new AcknowledgeNoticeRequest { Id = notice.Id, AttachmentIds = { photo.Id } }));
        Assert.Equal(NoticeStatus.Open, (await service.Office.GetNoticeAsync(new GetNoticeRequest { Id = notice.Id })).Status);
        // Another unit does not see the notice at all.
        var financeLead = LocalTokens.Mint(TestTokens.Key, Guid.NewGuid().ToString(), service.Finance.Id, [DubanRoles.Lead], TimeSpan.FromDays(1));
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () => await Supervision(financeLead).GetNoticeAsync(new GetNoticeRequest { Id = notice.Id }));
    }
}
