using Duban.Contracts.Tasks.V1;
using Duban.Web.Backends;
using Duban.Web.Components.Shared;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Antiforgery;

namespace Duban.Web.Evidence;

/// <summary>
/// 佐证材料 from the browser: files uploaded to a matter (pending, seen by their uploader only, until a progress report,
/// a completion or an explanation names them), and any file of a matter the viewer may read, downloaded. Both pass
/// through to the tasks service, streamed, with the person's token: it decides who may do what.
/// </summary>
public static class EvidenceEndpoints
{
    private const int ChunkBytes = 256 * 1024;

    /// <summary>The most the upload form takes at once; each file's own limit is the tasks service's.</summary>
    public const long MaxRequestBytes = 512L * 1024 * 1024;

    public static void MapEvidenceEndpoints(this WebApplication app)
    {
        app.MapPost("/matters/{id}/attachments", async (string id, HttpContext http, TasksService.TasksServiceClient tasks, IAntiforgery antiforgery) =>
        {
            if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
                size.MaxRequestBodySize = MaxRequestBytes;
            if (!await antiforgery.IsRequestValidAsync(http))
                return Results.BadRequest("表单已过期，请刷新页面后重新上传");
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            var back = $"/matters/{Uri.EscapeDataString(id)}";
            if (form.Files.Count == 0)
                return Results.Redirect(back + "?uploaderror=" + Uri.EscapeDataString("请选择要上传的文件。"));
            var uploaded = 0;
            foreach (var file in form.Files)
            {
                try
                {
                    await UploadAsync(tasks, id, file, http.RequestAborted);
                    uploaded++;
                }
                catch (RpcException e)
                {
                    var text = $"已上传 {uploaded} 个；“{file.FileName}”未能上传：{ServiceErrors.Describe(e)}";
                    return Results.Redirect(back + "?uploaderror=" + Uri.EscapeDataString(text));
                }
            }
            return Results.Redirect(back + "?done=upload");
        });

        app.MapGet("/attachments/{id}", async (string id, HttpContext http, TasksService.TasksServiceClient tasks) =>
        {
            using var call = tasks.DownloadAttachment(new DownloadAttachmentRequest { Id = id }, cancellationToken: http.RequestAborted);
            return await StreamedFile.SendAsync(http, call,
                piece => (piece.Attachment?.ContentType ?? "", piece.Attachment?.FileName ?? "", piece.Data), "佐证材料");
        });
    }

    /// <summary>The file's description, then its bytes in pieces as they are read from the form.</summary>
    private static async Task UploadAsync(TasksService.TasksServiceClient tasks, string assignmentId, IFormFile file, CancellationToken ct)
    {
        using var call = tasks.UploadAttachment(cancellationToken: ct);
        await call.RequestStream.WriteAsync(new UploadAttachmentRequest
        {
            Metadata = new AttachmentUpload { AssignmentId = assignmentId, FileName = file.FileName, SizeBytes = file.Length },
        }, ct);
        await using var stream = file.OpenReadStream();
        var buffer = new byte[ChunkBytes];
        int read;
        try
        {
            while ((read = await stream.ReadAsync(buffer, ct)) > 0)
                await call.RequestStream.WriteAsync(new UploadAttachmentRequest { Chunk = ByteString.CopyFrom(buffer, 0, read) }, ct);
            await call.RequestStream.CompleteAsync();
        }
        catch (InvalidOperationException)
        {
            // The service ended the call early (a refused file): its status says why.
        }
        await call;
    }
}
