using Duban.ServiceDefaults.Errors;
using Duban.ServiceDefaults.Resilience;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Tasks = Duban.Contracts.Tasks.V1;

namespace Duban.Supervision.Evidence;

/// <summary>The calls supervision makes to the tasks service on a caller's behalf.</summary>
public sealed class TasksClientOptions
{
    public const string Section = "Tasks";

    /// <summary>The deadline of each call (the incoming call's, when that is sooner).</summary>
    public double TimeoutSeconds { get; set; } = 30;
}

/// <summary>
/// Ties evidence files (佐证材料) to a record of supervision through the tasks service's BindAttachments. The typed
/// client forwards the caller's own token, so the tasks service checks that the files are the caller's uploads of that
/// assignment. BindAttachments sent again for the same record changes nothing, so it goes through the one retry layer.
/// </summary>
public sealed class EvidenceBinder(Tasks.TasksService.TasksServiceClient tasks, EvidenceBinder.Pipeline pipeline, IOptions<TasksClientOptions> options)
{
    /// <summary>One circuit breaker per process for the calls to the tasks service.</summary>
    public sealed class Pipeline() : ServiceCallPipeline("the tasks service");

    /// <summary>
    /// Refuses, with the tasks service's reasons under <paramref name="field"/>, files that may not go with the record;
    /// Unavailable when the tasks service cannot be reached.
    /// </summary>
    public async Task BindAsync(Guid assignmentId, IReadOnlyList<Guid> ids, Tasks.AttachmentRecordKind kind, Guid recordId, string field, CancellationToken ct)
    {
        if (ids.Count == 0)
            return;
        var request = new Tasks.BindAttachmentsRequest
        {
            AssignmentId = assignmentId.ToString(), RecordKind = kind, RecordId = recordId.ToString(), AttachmentIds = { ids.Select(id => id.ToString()) },
        };
        try
        {
            await pipeline.ExecuteIdempotentAsync(async token =>
                await tasks.BindAttachmentsAsync(request, deadline: DateTime.UtcNow.AddSeconds(options.Value.TimeoutSeconds), cancellationToken: token), ct);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument)
        {
            // The tasks service names the files by their place in the list, which is the caller's list (duplicates were
            // refused before the call).
            var violations = new Violations();
            foreach (var v in ex.GetRpcStatus()?.GetDetail<Google.Rpc.BadRequest>()?.FieldViolations ?? [])
                violations.Add(v.Field.StartsWith("attachment_ids", StringComparison.Ordinal) ? field + v.Field["attachment_ids".Length..] : field,
                    v.Description);
            if (!violations.Any)
                violations.Add(field, ex.Status.Detail);
            violations.ThrowIfAny();
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            // The projection knows an assignment the tasks service does not: nothing to tie the files to.
            throw new FailedPreconditionException("ASSIGNMENT_UNKNOWN", $"assignments/{assignmentId}", "the tasks service does not know the assignment: " + ex.Status.Detail);
        }
    }
}
