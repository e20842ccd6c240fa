using Duban.Contracts.Tasks.V1;
using Duban.Web.Backends;
using Duban.Web.Components.Shared;

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
            return await StreamedFile.SendAsync(http, call, piece => (piece.ContentType, piece.FileName, piece.Data), "事项台账.xlsx");
        });
    }
}
