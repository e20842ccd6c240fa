using Duban.Web.Components.Shared;
using Google.Protobuf;
using Grpc.Core;

namespace Duban.Web.Backends;

/// <summary>
/// A file a service streams (an export, a bulletin) passed on to the browser as it comes. The first piece names the
/// file and a refusal arrives before it, so a refused download is an error page, never half a file.
/// </summary>
public static class StreamedFile
{
    public static async Task<IResult> SendAsync<TPiece>(HttpContext http, AsyncServerStreamingCall<TPiece> call,
        Func<TPiece, (string ContentType, string FileName, ByteString Data)> read, string fallbackName)
    {
        try
        {
            if (!await call.ResponseStream.MoveNext(http.RequestAborted))
                return Results.Problem("文件为空");
            var (contentType, fileName, data) = read(call.ResponseStream.Current);
            http.Response.ContentType = contentType;
            http.Response.Headers.ContentDisposition = new Microsoft.Net.Http.Headers.ContentDispositionHeaderValue("attachment")
            {
                FileNameStar = fileName.Length > 0 ? fileName : fallbackName,
            }.ToString();
            await http.Response.Body.WriteAsync(data.Memory, http.RequestAborted);
            while (await call.ResponseStream.MoveNext(http.RequestAborted))
                await http.Response.Body.WriteAsync(read(call.ResponseStream.Current).Data.Memory, http.RequestAborted);
            return Results.Empty;
        }
        catch (RpcException e) when (!http.Response.HasStarted)
        {
            return Results.Text(ServiceErrors.Describe(e), "text/plain; charset=utf-8", statusCode: ServiceErrors.HttpStatus(e));
        }
    }
}
