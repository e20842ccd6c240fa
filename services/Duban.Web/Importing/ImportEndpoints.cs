using System.Globalization;
using Duban.Contracts.Tasks.V1;
using Duban.Web.Components.Shared;
using Duban.Web.Signing;
using Grpc.Core;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace Duban.Web.Importing;

/// <summary>
/// The import form's two posts: the upload, kept as a draft and shown as the tasks service's dry run (the page
/// /import/{id}), and the confirmation, which imports exactly that draft once (its request id is the draft's).
/// </summary>
public static class ImportEndpoints
{
    public static void MapImportEndpoints(this WebApplication app)
    {
        app.MapPost("/import/upload", async (HttpContext http, ImportDrafts drafts, IOptions<ImportOptions> options, IAntiforgery antiforgery) =>
        {
            // A file up to the form's limit, and a little for the form's other fields (Kestrel's own default is 30 MB).
            if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
                size.MaxRequestBodySize = (options.Value.MaxFileMegabytes + 1) * 1024L * 1024;
            // The form is read by hand (a file of tens of MB), so its antiforgery token is checked by hand too.
            if (!await antiforgery.IsRequestValidAsync(http))
                return Results.BadRequest("表单已过期，请刷新页面后重新上传");
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            var file = form.Files.GetFile("file");
            if (file is null || file.Length == 0)
                return Results.Redirect("/import?missing=file");
            if (file.Length > options.Value.MaxFileMegabytes * 1024L * 1024)
                return Results.Redirect($"/import?toolarge={options.Value.MaxFileMegabytes}");
            // An unreadable date is sent as no date: the service names issue_date, the page shows it.
            DateOnly.TryParseExact(form["issueDate"].ToString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var issueDate);
            using var bytes = new MemoryStream((int)file.Length);
            await file.CopyToAsync(bytes, http.RequestAborted);
            var draft = new ImportDraft(form["title"].ToString().Trim(), form["issuer"].ToString(), issueDate, form["source"].ToString().Trim(),
                Path.GetFileName(file.FileName), form["sheet"].ToString().Trim(), bytes.ToArray());
            var id = await drafts.SaveAsync(WorkbenchUser.From(http.User).PersonId, draft, http.RequestAborted);
            return Results.Redirect($"/import/{id}");
        });

        app.MapPost("/import/{id}/commit", async (string id, HttpContext http, ImportDrafts drafts, TasksService.TasksServiceClient tasks,
            IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(http))
                return Results.BadRequest("表单已过期，请刷新页面后重试");
            var person = WorkbenchUser.From(http.User).PersonId;
            var draft = await drafts.FindAsync(person, id, http.RequestAborted);
            if (draft is null)
                return Results.Redirect("/import?lapsed=1");
            try
            {
                var response = await tasks.ImportPlanAsync(Request(draft, dryRun: false, requestId: "web-import-" + id), cancellationToken: http.RequestAborted);
                await drafts.RemoveAsync(person, id, http.RequestAborted);
                return Results.Redirect($"/ledger?plan={response.Plan.Id}&imported={response.Plan.AssignmentCount}");
            }
            catch (RpcException e)
            {
                return Results.Redirect($"/import/{id}?refused={Uri.EscapeDataString(ServiceErrors.Describe(e))}");
            }
        });
    }

    public static ImportPlanRequest Request(ImportDraft draft, bool dryRun, string requestId = "") => new()
    {
        Title = draft.Title, IssuingUnitId = draft.IssuingUnitId, Source = draft.Source, FileName = draft.FileName, Sheet = draft.Sheet,
        IssueDate = draft.IssueDate == default ? null : Labels.ToDate(draft.IssueDate),
        Document = Google.Protobuf.ByteString.CopyFrom(draft.Document), DryRun = dryRun, RequestId = requestId,
    };
}
