using Duban.ServiceDefaults.Auth;
using Duban.ServiceDefaults.Errors;
using Duban.Tasks.Grpc;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Contract = Duban.Contracts.Tasks.V1;

namespace Duban.Tasks.Attachments;

/// <summary>
/// Evidence over plain HTTP, beside the gRPC calls, for curl and browsers: JSON transcoding cannot carry an upload, so
/// these two are endpoints of their own, with the same rules, the same authorization and errors in the same
/// google.rpc.Status body as every JSON call. Both stream: a multipart part goes to storage as it arrives.
/// </summary>
public static class AttachmentEndpoints
{
    public static WebApplication MapAttachmentEndpoints(this WebApplication app)
    {
        app.MapPost("/v1/assignments/{assignmentId}/attachments", UploadAsync);
        app.MapGet("/v1/attachments/{id}/content", DownloadAsync);
        return app;
    }

    /// <summary>multipart/form-data with one or more parts named "file"; answers {"attachments": [...]}, as ListAttachments does.</summary>
    private static async Task UploadAsync(HttpContext http, string assignmentId, EvidenceFiles files, IOptions<AttachmentOptions> options)
    {
        var ct = http.RequestAborted;
        var stored = new List<Domain.Attachments.Attachment>();
        try
        {
            // The request's size is bounded by the assignment's room, checked per file as the bytes arrive, not by the
            // service's limit for messages.
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
                size.MaxRequestBodySize = options.Value.MaxBytesPerAssignment + 1024 * 1024;
            var boundary = http.Request.ContentType is { } type && MediaTypeHeaderValue.TryParse(type, out var media)
                && media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
                ? HeaderUtilities.RemoveQuotes(media.Boundary).Value
                : null;
            if (string.IsNullOrEmpty(boundary))
                throw new ValidationFailedException("file", "send multipart/form-data with each file in a part named \"file\" (curl -F file=@请示.pdf)");
            var reader = new MultipartReader(boundary, http.Request.Body) { BodyLengthLimit = null };
            MultipartSection? section;
            var index = 0;
            while ((section = await reader.ReadNextSectionAsync(ct)) is not null)
            {
                var field = $"file[{index}]";
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition()
                    || !disposition.Name.Equals("file", StringComparison.Ordinal))
                    throw new ValidationFailedException(field, "every part is a file named \"file\" (Content-Disposition: form-data; name=\"file\"; filename=…)");
                var name = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value! : HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? "";
                stored.Add(await files.UploadAsync(Caller.From(http.User), assignmentId, name, 0, section.Body, "", field, ct));
                index++;
            }
            if (stored.Count == 0)
                throw new ValidationFailedException("file", "the request holds no file");
            await WriteMessageAsync(http, StatusCodes.Status200OK, new Contract.ListAttachmentsResponse { Attachments = { stored.Select(a => a.ToContract()) } });
        }
        catch (Exception e) when (!ct.IsCancellationRequested && ToStatus(e) is { } status)
        {
            // The files of a refused request stay pending, named by no record, for the janitor; they are not listed as sent.
            await WriteStatusAsync(http, status);
        }
    }

    /// <summary>The file itself, with its type, length and name (RFC 6266: filename* in UTF-8, an ASCII fallback beside it).</summary>
    private static async Task DownloadAsync(HttpContext http, string id, EvidenceFiles files)
    {
        var ct = http.RequestAborted;
        Domain.Attachments.Attachment attachment;
        Stream content;
        try
        {
            (attachment, content) = await files.OpenAsync(Caller.From(http.User), id, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && ToStatus(e) is { } status)
        {
            await WriteStatusAsync(http, status);
            return;
        }
        await using var _ = content;
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(attachment.FileName);
        http.Response.ContentType = attachment.ContentType;
        http.Response.ContentLength = attachment.SizeBytes;
        http.Response.Headers.ContentDisposition = disposition.ToString();
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.ETag = $"\"{attachment.Sha256}\"";
        http.Response.Headers.CacheControl = "private, no-store";
        await content.CopyToAsync(http.Response.Body, 256 * 1024, ct);
    }

    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithTypeRegistry(
        TypeRegistry.FromMessages(BadRequest.Descriptor, PreconditionFailure.Descriptor, ResourceInfo.Descriptor, ErrorInfo.Descriptor)));

    /// <summary>The status a failure answers with, as the gRPC calls would; null for a bug, which stays a bug.</summary>
    private static Google.Rpc.Status? ToStatus(Exception e) => e switch
    {
        DomainException domain => ErrorMappingInterceptor.ToRpcException(domain).GetRpcStatus(),
        RpcException rpc => rpc.GetRpcStatus() ?? new Google.Rpc.Status { Code = (int)rpc.StatusCode, Message = rpc.Status.Detail },
        BadHttpRequestException bad => new Google.Rpc.Status
        {
            Code = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? (int)Code.ResourceExhausted : (int)Code.InvalidArgument,
            Message = bad.Message,
        },
        InvalidDataException bad => new Google.Rpc.Status { Code = (int)Code.InvalidArgument, Message = "the multipart body cannot be read: " + bad.Message },
        _ when DatabaseErrors.Classify(e) is { } database => database,
        _ => null,
    };

    private static Task WriteStatusAsync(HttpContext http, Google.Rpc.Status status) =>
        WriteMessageAsync(http, (Code)status.Code switch
        {
            Code.InvalidArgument or Code.FailedPrecondition or Code.OutOfRange => StatusCodes.Status400BadRequest,
            Code.Unauthenticated => StatusCodes.Status401Unauthorized,
            Code.PermissionDenied => StatusCodes.Status403Forbidden,
            Code.NotFound => StatusCodes.Status404NotFound,
            Code.AlreadyExists or Code.Aborted => StatusCodes.Status409Conflict,
            Code.ResourceExhausted => StatusCodes.Status413PayloadTooLarge,
            Code.Unavailable => StatusCodes.Status503ServiceUnavailable,
            Code.DeadlineExceeded => StatusCodes.Status504GatewayTimeout,
            _ => StatusCodes.Status500InternalServerError,
        }, status);

    private static async Task WriteMessageAsync(HttpContext http, int statusCode, IMessage message)
    {
        if (http.Response.HasStarted)
            return;
        http.Response.StatusCode = statusCode;
        http.Response.ContentType = "application/json; charset=utf-8";
        await http.Response.WriteAsync(Json.Format(message), http.RequestAborted);
    }
}
