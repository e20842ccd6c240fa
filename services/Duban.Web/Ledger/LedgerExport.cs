using Duban.Contracts.Tasks.V1;
using Duban.Web.Components.Shared;
using Grpc.Core;

namespace Duban.Web.Ledger;

/// <summary>导出 Excel: the ledger's filter as the tasks service's .xlsx export, streamed through as it comes.</summary>
public static class LedgerExport
{
    public static void MapLedgerExport(this WebApplication app)
    {
        app.MapGet("/ledger/export", async (HttpContext http, TasksService.TasksServiceClient tasks, TimeProvider clock) =>
        {
            var problems = new List<string>();
            var filter = LedgerFilter.Parse(http.Request.Query.ToDictionary(p => p.Key, p => p.Value), problems);
            if (problems.Count > 0)
                return Results.BadRequest(string.Join("；", problems));
            using var call = tasks.ExportAssignments(new ExportAssignmentsRequest
            {
                Filter = filter.ToRequest(Labels.Today(clock), paged: false), Format = AssignmentExportFormat.Xlsx,
            }, cancellationToken: http.RequestAborted);
            try
            {
                // The first piece names the file; a refused filter fails here, before anything is sent.
                if (!await call.ResponseStream.MoveNext(http.RequestAborted))
                    return Results.Problem("导出为空");
                var first = call.ResponseStream.Current;
                http.Response.ContentType = first.ContentType;
                http.Response.Headers.ContentDisposition = new Microsoft.Net.Http.Headers.ContentDispositionHeaderValue("attachment")
                {
                    FileNameStar = first.FileName.Length > 0 ? first.FileName : "事项台账.xlsx",
                }.ToString();
                await http.Response.Body.WriteAsync(first.Data.Memory, http.RequestAborted);
                while (await call.ResponseStream.MoveNext(http.RequestAborted))
                    await http.Response.Body.WriteAsync(call.ResponseStream.Current.Data.Memory, http.RequestAborted);
                return Results.Empty;
            }
            catch (RpcException e) when (!http.Response.HasStarted)
            {
                return Results.Text(ServiceErrors.Describe(e), "text/plain; charset=utf-8",
                    statusCode: e.StatusCode == StatusCode.PermissionDenied ? 403 : e.StatusCode == StatusCode.InvalidArgument ? 400 : 502);
            }
        });
    }
}
