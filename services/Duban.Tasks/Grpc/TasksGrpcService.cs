using Duban.ServiceDefaults.Auth;
using Duban.ServiceDefaults.Errors;
using Duban.ServiceDefaults.Validation;
using Duban.Tasks.Attachments;
using Duban.Tasks.Data;
using Duban.Tasks.Domain;
using Duban.Tasks.Domain.Import;
using Duban.Tasks.Domain.Import.Documents;
using Duban.Tasks.Events;
using Duban.Tasks.Importing;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Contract = Duban.Contracts.Tasks.V1;

namespace Duban.Tasks.Grpc;

/// <summary>The tasks API: thin — validate the shape, call the store, map the result.</summary>
public sealed class TasksGrpcService(PlanImporter importer, Decomposer decomposer, PlanWithdrawal withdrawal, AssignmentStore store, AssignmentQueries queries,
    Exporting.AssignmentLedger ledger, ReadAccess access, EventFeed feed, FeedNotifier notifier, EvidenceFiles files, IHostApplicationLifetime lifetime,
    TimeProvider time) : Contract.TasksService.TasksServiceBase
{
    public override async Task<Contract.ImportPlanResponse> ImportPlan(Contract.ImportPlanRequest request, ServerCallContext context)
    {
        AssignmentPermissions.CheckImport(context.GetCaller());
        var (form, text) = request.ContentCase switch
        {
            Contract.ImportPlanRequest.ContentOneofCase.TableText => (ImportForm.Table, request.TableText),
            Contract.ImportPlanRequest.ContentOneofCase.OutlineText => (ImportForm.Outline, request.OutlineText),
            Contract.ImportPlanRequest.ContentOneofCase.Structure => (ImportForm.Structure, ""),
            Contract.ImportPlanRequest.ContentOneofCase.Document => (ImportForm.Document, ""),
            _ => throw new ValidationFailedException("content", "give table_text, outline_text, document or structure"),
        };
        var structure = form == ImportForm.Structure ? StructureMapping.ToDraft(request.Structure) : null;
        // The request's own buffer, not a copy: a document may be tens of megabytes.
        var document = form == ImportForm.Document ? new ImportDocument(request.Document.Memory, request.FileName.Trim(), request.Sheet.Trim()) : null;
        var outcome = await importer.ImportAsync(new ImportRequest(request.Title, request.IssuingUnitId.Trim(), request.IssueDate.ToDateOnly(),
            request.TimeZone.Trim(), form, text, structure, document, request.DryRun, request.Source, request.RequestId.Trim(), ImportHash(request)),
            context.CancellationToken);

        var now = time.GetUtcNow();
        var response = new Contract.ImportPlanResponse
        {
            Plan = outcome.Plan?.ToContract(outcome.Items.Count, outcome.Assignments.Count),
            ResolvedUnits = { outcome.Resolved.Select(r => new Contract.ResolvedUnitName { Name = r.Name, UnitId = r.UnitId.ToString(), UnitName = r.UnitName }) },
            Problems = { outcome.Problems.Select(ToContract) },
            Warnings = { outcome.Warnings.Select(ToContract) },
            DetectedFormat = outcome.DetectedFormat,
            Encoding = outcome.Encoding,
        };
        // The parsed tree comes back on a dry run, to show what would be stored; after a real import, read it with GetPlanTree.
        if (request.DryRun)
        {
            response.Items.AddRange(outcome.Items.Select(i =>
                outcome.Drafts.TryGetValue(i.Id, out var draft) ? i.ToContract(draft) : i.ToContract()));
            response.Assignments.AddRange(outcome.Assignments.Select(a => a.ToContract(now)));
        }
        else if (outcome.Plan is { } plan && outcome.Items.Count == 0)
        {
            // A repeated request_id: the plan stored the first time, with its counts.
            var (_, items, assignments) = await queries.GetPlanAsync(plan.Id.ToString(), readable: null, context.CancellationToken);
            response.Plan = plan.ToContract(items, assignments);
        }
        return response;
    }

    public override async Task<Contract.Plan> GetPlan(Contract.GetPlanRequest request, ServerCallContext context)
    {
        var readable = await ReadableAsync(context);
        var omit = (request.OmitSourceText ? PlanOmissions.SourceText : PlanOmissions.None) | (request.OmitCounts ? PlanOmissions.Counts : PlanOmissions.None);
        var (plan, items, assignments) = await queries.GetPlanAsync(request.Id, readable, context.CancellationToken, omit);
        return plan.ToContract(items, assignments);
    }

    public override async Task<Contract.ListPlansResponse> ListPlans(Contract.ListPlansRequest request, ServerCallContext context)
    {
        var readable = await ReadableAsync(context);
        var page = await queries.ListPlansAsync(request.IssuingUnitId.Trim(), request.PageSize, request.PageToken, request.IncludeWithdrawn,
            request.OmitCounts, readable, context.CancellationToken);
        return new()
        {
            Plans = { page.Items.Select(p => p.Plan.ToContract(p.Items, p.Assignments)) },
            NextPageToken = page.NextPageToken,
        };
    }

    public override async Task<Contract.WithdrawPlanResponse> WithdrawPlan(Contract.WithdrawPlanRequest request, ServerCallContext context)
    {
        var (plan, cancelled) = await withdrawal.WithdrawAsync(request.Id, request.Reason, request.Force, context.GetCaller(), context.CancellationToken);
        var (_, items, assignments) = await queries.GetPlanAsync(plan.Id.ToString(), readable: null, context.CancellationToken);
        return new() { Plan = plan.ToContract(items, assignments), CancelledCount = cancelled };
    }

    public override async Task<Contract.PlanTree> GetPlanTree(Contract.GetPlanTreeRequest request, ServerCallContext context)
    {
        var readable = await ReadableAsync(context);
        var tree = await queries.GetPlanTreeAsync(request.PlanId, readable, context.CancellationToken);
        var now = time.GetUtcNow();
        return new Contract.PlanTree
        {
            Plan = tree.Plan.ToContract(tree.ItemCount, tree.AssignmentCount),
            Nodes = { tree.Nodes.Select(n => new Contract.PlanTreeNode
            {
                Item = n.Item.ToContract(),
                Assignments = { n.Assignments.Select(a => a.ToContract(now)) },
                ProgressPercent = n.ProgressPercent,
                Counts = ToContract(n.Counts),
                Depth = n.Depth,
            }) },
            Counts = ToContract(tree.Counts),
            ProgressPercent = tree.ProgressPercent,
        };
    }

    public override async Task<Contract.DecomposeResponse> Decompose(Contract.DecomposeRequest request, ServerCallContext context)
    {
        var specs = request.Assignments.Select(a => new NewAssignmentSpec(a.Title, a.LeadUnitId.Trim(), a.CoUnitIds.Select(id => id.Trim()).ToList(),
            a.OwnerPersonId.Trim(), a.DeadlineText, a.Target is { } t ? new QuantitativeTarget(t.Metric, t.Value, t.UnitOfMeasure, t.ByText) : null,
            a.Source)).ToList();
        var created = await decomposer.DecomposeAsync(request.ItemId.Trim(), request.AssignmentId.Trim(), request.ParentVersion, specs,
            request.RequestId.Trim(), context.GetCaller(), context.CancellationToken);
        var now = time.GetUtcNow();
        return new() { Assignments = { created.Select(a => a.ToContract(now)) } };
    }

    public override async Task<Contract.Assignment> GetAssignment(Contract.GetAssignmentRequest request, ServerCallContext context)
    {
        var scope = AssignmentPermissions.ReadScopeOf(context.GetCaller());
        var (assignment, history) = await queries.GetAsync(request.Id, context.CancellationToken);
        await access.CheckAsync(scope, assignment, context.CancellationToken);
        var contract = assignment.ToContract(time.GetUtcNow());
        var evidence = await files.OfHistoryAsync(assignment.Id, context.CancellationToken);
        contract.History.AddRange(history.Select(h =>
        {
            var entry = h.ToContract();
            entry.Attachments.AddRange(evidence[h.Version].Select(a => a.ToContract()));
            return entry;
        }));
        return contract;
    }

    public override async Task<Contract.ListAssignmentsResponse> ListAssignments(Contract.ListAssignmentsRequest request, ServerCallContext context)
    {
        var readable = await ReadableAsync(context);
        var page = await queries.ListAsync(new AssignmentFilter(request.LeadUnitId.Trim(), request.IncludeSubtree, request.OwnerPersonId.Trim(),
            request.Statuses.Where(s => s != Contract.AssignmentStatus.Unspecified).Select(s => (AssignmentStatus)(int)s).ToList(),
            request.PlanId.Trim(), request.DueAfter.ToDateOnly(), request.DueBefore.ToDateOnly(), request.OverdueAsOf.ToDateOnly(),
            request.ParentAssignmentId.Trim(), request.PageSize, request.PageToken, request.Text, Order(request.OrderBy),
            request.PendingExtension, request.AssignmentIds), readable, context.CancellationToken);
        var now = time.GetUtcNow();
        var progress = await queries.LatestProgressAsync(page.Items.Select(a => a.Id).ToList(), context.CancellationToken);
        return new()
        {
            Assignments =
            {
                page.Items.Select(a =>
                {
                    var contract = a.ToContract(now);
                    if (progress.TryGetValue(a.Id, out var latest))
                        contract.LatestProgress = new Contract.LatestProgress { Narrative = latest.Text, Percent = latest.ProgressPercent, Time = Timestamp.FromDateTimeOffset(latest.Time) };
                    return contract;
                }),
            },
            NextPageToken = page.NextPageToken,
        };
    }

    private static AssignmentOrder Order(Contract.AssignmentOrder order) => order switch
    {
        Contract.AssignmentOrder.Unspecified => AssignmentOrder.DueDate,
        Contract.AssignmentOrder.DueDateDesc => AssignmentOrder.DueDateDescending,
        Contract.AssignmentOrder.RecentlyUpdated => AssignmentOrder.RecentlyUpdated,
        Contract.AssignmentOrder.Title => AssignmentOrder.Title,
        _ => throw new ValidationFailedException("order_by", $"{(int)order} is not an order this contract defines"),
    };

    public override async Task ExportAssignments(Contract.ExportAssignmentsRequest request, IServerStreamWriter<Contract.ExportChunk> responseStream,
        ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var f = request.Filter ?? new Contract.ListAssignmentsRequest();
        var violations = new Violations();
        if (f.PageSize != 0)
            violations.Add("filter.page_size", "an export holds every matching assignment: leave page_size unset");
        if (f.PageToken.Length > 0)
            violations.Add("filter.page_token", "an export holds every matching assignment: leave page_token unset");
        violations.ThrowIfAny();
        var readable = await ReadableAsync(context);
        var filter = new AssignmentFilter(f.LeadUnitId.Trim(), f.IncludeSubtree, f.OwnerPersonId.Trim(),
            f.Statuses.Where(s => s != Contract.AssignmentStatus.Unspecified).Select(s => (AssignmentStatus)(int)s).ToList(),
            f.PlanId.Trim(), f.DueAfter.ToDateOnly(), f.DueBefore.ToDateOnly(), f.OverdueAsOf.ToDateOnly(), f.ParentAssignmentId.Trim(), 0, "", f.Text,
            PendingExtension: f.PendingExtension, AssignmentIds: f.AssignmentIds);
        var csv = request.Format == Contract.AssignmentExportFormat.Csv;

        // Written to a temporary file first (a zip seeks back as it is written), so that a refused filter is an error
        // status rather than a broken file, and then sent in pieces.
        await using var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
        var rows = ledger.RowsAsync(filter, readable, ct);
        if (csv)
        {
            await using (var writer = new StreamWriter(file, new System.Text.UTF8Encoding(true), 64 * 1024, leaveOpen: true))
            {
                await writer.WriteAsync(Exporting.AssignmentLedger.CsvLine(Exporting.AssignmentLedger.Columns.Select(c => c.Header).ToList()));
                await foreach (var row in rows)
                    await writer.WriteAsync(Exporting.AssignmentLedger.CsvLine(row));
            }
        }
        else
        {
            // MiniExcel pulls rows synchronously; the pages come from the database asynchronously underneath.
            await Task.Run(() => Duban.OfficeFiles.Ledger.Write(file,
                [new Duban.OfficeFiles.LedgerSheet("台账", Exporting.AssignmentLedger.Columns, rows.ToBlockingEnumerable(ct))]), ct);
        }
        file.Position = 0;
        var buffer = new byte[256 * 1024];
        var first = true;
        int read;
        while ((read = await file.ReadAsync(buffer, ct)) > 0 || first)
        {
            var chunk = new Contract.ExportChunk { Data = ByteString.CopyFrom(buffer, 0, read) };
            if (first)
                (chunk.ContentType, chunk.FileName) = csv ? ("text/csv; charset=utf-8", "台账.csv") : (Duban.OfficeFiles.Ledger.ContentType, "台账.xlsx");
            await responseStream.WriteAsync(chunk, ct);
            first = false;
        }
    }

    public override Task<Contract.Assignment> AcceptAssignment(Contract.AcceptAssignmentRequest request, ServerCallContext context) =>
        ChangeAsync(request.Id, request.Version, context, (caller, a) => AssignmentPermissions.CheckAccept(caller, a),
            (a, actor, now) => a.Accept(actor, now));

    public override Task<Contract.Assignment> ReportProgress(Contract.ReportProgressRequest request, ServerCallContext context)
    {
        new Violations().MaxLength(request.Narrative, "narrative", 4000).ThrowIfAny();
        return ChangeAsync(request.Id, request.Version, context, (caller, a) => AssignmentPermissions.CheckReportProgress(caller, a),
            (a, actor, now) => a.ReportProgress(actor, request.Percent, request.Narrative.Trim(), now),
            new AssignmentStore.Evidence(request.AttachmentIds, Domain.Attachments.AttachmentRecordKind.ProgressReport));
    }

    public override Task<Contract.Assignment> ConfirmCompletion(Contract.ConfirmCompletionRequest request, ServerCallContext context)
    {
        var violations = new Violations().RequireText(request.Evidence, "evidence", 4000);
        if (request.Links.Count > EvidenceLink.MaxCount)
            violations.Add("links", $"at most {EvidenceLink.MaxCount} links");
        for (var i = 0; i < request.Links.Count; i++)
            if (EvidenceLink.Problem(request.Links[i]) is { } problem)
                violations.Add($"links[{i}]", problem);
        violations.ThrowIfAny();
        return ChangeAsync(request.Id, request.Version, context, (caller, a) => AssignmentPermissions.CheckConfirmCompletion(caller, a),
            (a, actor, now) => a.ConfirmCompletion(actor, request.Evidence.Trim(), request.Links, now),
            new AssignmentStore.Evidence(request.AttachmentIds, Domain.Attachments.AttachmentRecordKind.Completion));
    }

    public override Task<Contract.Assignment> VerifyCompletion(Contract.VerifyCompletionRequest request, ServerCallContext context)
    {
        new Violations().MaxLength(request.Remark, "remark", 4000).ThrowIfAny();
        return ChangeAsync(request.Id, request.Version, context, (caller, _) => AssignmentPermissions.CheckOfficeDecision(caller, "verifies completion"),
            (a, actor, now) => a.Verify(actor, request.Remark.Trim(), now));
    }

    public override Task<Contract.Assignment> RejectCompletion(Contract.RejectCompletionRequest request, ServerCallContext context)
    {
        new Violations().RequireText(request.Reason, "reason", 4000).ThrowIfAny();
        return ChangeAsync(request.Id, request.Version, context, (caller, _) => AssignmentPermissions.CheckOfficeDecision(caller, "returns a completion"),
            (a, actor, now) => a.Reject(actor, request.Reason.Trim(), now));
    }

    public override async Task<Contract.Assignment> RequestExtension(Contract.RequestExtensionRequest request, ServerCallContext context)
    {
        var violations = new Violations().RequireText(request.Reason, "reason", 4000);
        var newDate = request.NewDueDate.ToDateOnly();
        if (newDate is null)
            violations.Add("new_due_date", "must be given");
        violations.ThrowIfAny();
        var parentDue = await ParentDueDateAsync(request.Id, context.CancellationToken);
        return await ChangeAsync(request.Id, request.Version, context, (caller, a) => AssignmentPermissions.CheckRequestExtension(caller, a),
            (a, actor, now) => a.RequestExtension(actor, newDate!.Value, request.Reason.Trim(), parentDue, now));
    }

    public override Task<Contract.Assignment> DecideExtension(Contract.DecideExtensionRequest request, ServerCallContext context)
    {
        new Violations().MaxLength(request.Remark, "remark", 4000).ThrowIfAny();
        return ChangeAsync(request.Id, request.Version, context, (caller, _) => AssignmentPermissions.CheckOfficeDecision(caller, "decides extensions"),
            (a, actor, now) => a.DecideExtension(actor, request.Approve, request.Remark.Trim(), now));
    }

    public override async Task<Contract.Assignment> CancelAssignment(Contract.CancelAssignmentRequest request, ServerCallContext context)
    {
        new Violations().RequireText(request.Reason, "reason", 4000).ThrowIfAny();
        var assignment = await store.CancelAsync(request.Id, request.Version, request.Reason.Trim(), context.GetCaller(), context.CancellationToken);
        return assignment.ToContract(time.GetUtcNow());
    }

    public override async Task<Contract.Attachment> UploadAttachment(IAsyncStreamReader<Contract.UploadAttachmentRequest> requestStream,
        ServerCallContext context)
    {
        var ct = context.CancellationToken;
        if (!await requestStream.MoveNext(ct) || requestStream.Current.PartCase != Contract.UploadAttachmentRequest.PartOneofCase.Metadata)
            throw new ValidationFailedException("metadata", "the first message names the assignment and the file; the bytes follow in later messages");
        // Client streams pass no interceptor's request check: the metadata gets it here, as every unary request does.
        RequestValidator.ThrowIfInvalid(requestStream.Current);
        var metadata = requestStream.Current.Metadata;
        await using var chunks = new UploadChunkStream(requestStream);
        var attachment = await files.UploadAsync(context.GetCaller(), metadata.AssignmentId.Trim(), metadata.FileName, metadata.SizeBytes, chunks,
            "metadata.", "chunk", ct);
        return attachment.ToContract();
    }

    public override async Task<Contract.ListAttachmentsResponse> ListAttachments(Contract.ListAttachmentsRequest request, ServerCallContext context)
    {
        new Violations().RequireId(request.AssignmentId, "assignment_id").ThrowIfAny();
        var attachments = await files.ListAsync(context.GetCaller(), request.AssignmentId.Trim(), context.CancellationToken);
        return new() { Attachments = { attachments.Select(a => a.ToContract()) } };
    }

    public override async Task DownloadAttachment(Contract.DownloadAttachmentRequest request, IServerStreamWriter<Contract.AttachmentChunk> responseStream,
        ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var (attachment, content) = await files.OpenAsync(context.GetCaller(), request.Id, ct);
        await using var _ = content;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(DownloadPieceBytes);
        try
        {
            var first = new Contract.AttachmentChunk { Attachment = attachment.ToContract() };
            int read;
            while ((read = await FillAsync(content, buffer, ct)) > 0 || first is not null)
            {
                var chunk = first ?? new Contract.AttachmentChunk();
                // The message is written out before WriteAsync returns, so one buffer serves every piece.
                chunk.Data = UnsafeByteOperations.UnsafeWrap(buffer.AsMemory(0, read));
                await responseStream.WriteAsync(chunk, ct);
                first = null;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private const int DownloadPieceBytes = 256 * 1024;

    private static async Task<int> FillAsync(Stream content, byte[] buffer, CancellationToken ct)
    {
        var filled = 0;
        int read;
        while (filled < DownloadPieceBytes && (read = await content.ReadAsync(buffer.AsMemory(filled, DownloadPieceBytes - filled), ct)) > 0)
            filled += read;
        return filled;
    }

    public override async Task<Contract.BindAttachmentsResponse> BindAttachments(Contract.BindAttachmentsRequest request, ServerCallContext context)
    {
        var bound = await files.BindToRecordAsync(context.GetCaller(), request.AssignmentId.Trim(), request.AttachmentIds,
            (Domain.Attachments.AttachmentRecordKind)(int)request.RecordKind, request.RecordId.Trim(), context.CancellationToken);
        return new() { Attachments = { bound.Select(a => a.ToContract()) } };
    }

    public override async Task<Contract.ListEventsResponse> ListEvents(Contract.ListEventsRequest request, ServerCallContext context)
    {
        AssignmentPermissions.CheckReadFeed(context.GetCaller());
        var after = FeedCursor.Parse(request.AfterCursor, "after_cursor");
        if (request.Limit is < 0 or > EventFeed.MaxLimit)
            throw new ValidationFailedException("limit", $"must be between 1 and {EventFeed.MaxLimit}");
        var events = await feed.ReadAsync(after, request.Limit == 0 ? EventFeed.DefaultLimit : request.Limit, context.CancellationToken);
        return new()
        {
            Events = { events.Select(e => e.ToContract()) },
            NextCursor = (events.Count > 0 ? events[^1].Cursor : after).ToString(),
        };
    }

    /// <summary>The backlog first, then events as they commit; a heartbeat when nothing happened for a while.</summary>
    public override async Task WatchEvents(Contract.WatchEventsRequest request, IServerStreamWriter<Contract.WatchEventsResponse> responseStream,
        ServerCallContext context)
    {
        AssignmentPermissions.CheckReadFeed(context.GetCaller());
        var cursor = FeedCursor.Parse(request.AfterCursor, "after_cursor");
        if (request.HeartbeatSeconds is < 0 or > 300)
            throw new ValidationFailedException("heartbeat_seconds", "must be between 1 and 300");
        var heartbeat = TimeSpan.FromSeconds(request.HeartbeatSeconds == 0 ? 5 : request.HeartbeatSeconds);
        // A watch ends with the call or with the service: shutting down must not wait for every follower to hang up.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        try
        {
            await StreamEventsAsync(cursor, heartbeat, responseStream, stopping.Token);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // The service is stopping: the stream ends cleanly and the follower resumes from its cursor.
        }
    }

    private async Task StreamEventsAsync(FeedCursor cursor, TimeSpan heartbeat, IServerStreamWriter<Contract.WatchEventsResponse> responseStream,
        CancellationToken ct)
    {
        var lastSent = time.GetUtcNow();
        while (!ct.IsCancellationRequested)
        {
            var wake = notifier.NextAsync();
            var events = await feed.ReadAsync(cursor, EventFeed.MaxLimit, ct);
            foreach (var e in events)
                await responseStream.WriteAsync(new Contract.WatchEventsResponse { Event = e.ToContract() }, ct);
            if (events.Count > 0)
            {
                cursor = events[^1].Cursor;
                lastSent = time.GetUtcNow();
                if (events.Count == EventFeed.MaxLimit)
                    continue;
            }
            else if (time.GetUtcNow() - lastSent >= heartbeat)
            {
                await responseStream.WriteAsync(new Contract.WatchEventsResponse { HeartbeatCursor = cursor.ToString() }, ct);
                lastSent = time.GetUtcNow();
            }
            // Woken by a commit, or by the poll that catches events a running older transaction held back.
            await Task.WhenAny(wake, Task.Delay(WatchPoll, ct));
        }
    }

    private static readonly TimeSpan WatchPoll = TimeSpan.FromMilliseconds(200);

    /// <summary>The caller's readable subtree for a list or a plan (null: everything); refuses callers who read nothing.</summary>
    private Task<IReadOnlySet<Guid>?> ReadableAsync(ServerCallContext context) =>
        access.SubtreeAsync(AssignmentPermissions.ReadScopeOf(context.GetCaller()), context.CancellationToken);

    private async Task<Contract.Assignment> ChangeAsync(string id, long version, ServerCallContext context, Action<Caller, Assignment> authorize,
        AssignmentStore.Change change, AssignmentStore.Evidence? evidence = null)
    {
        var caller = context.GetCaller();
        var assignment = await store.ChangeAsync(id, version, caller, a => authorize(caller, a), change, context.CancellationToken, evidence);
        return assignment.ToContract(time.GetUtcNow());
    }

    private async Task<DateOnly?> ParentDueDateAsync(string id, CancellationToken ct)
    {
        var (assignment, _) = await queries.GetAsync(id, ct);
        if (assignment.ParentAssignmentId is not { } parentId)
            return null;
        return (await queries.GetAsync(parentId.ToString(), ct)).Assignment.DueDate;
    }

    /// <summary>The import as sent, hashed without dry_run (a dry run and the real import ask for the same plan) and request_id.</summary>
    private static string ImportHash(Contract.ImportPlanRequest request)
    {
        var body = request.Clone();
        body.DryRun = false;
        body.RequestId = "";
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body.ToByteArray()));
    }


    private static Contract.ImportProblem ToContract(ImportIssue issue) => new()
    {
        Line = issue.Line,
        Field = issue.Field,
        Message = issue.Message,
        Suggestions = { issue.Suggestions.Select(s => new Contract.UnitSuggestion
        {
            UnitId = s.UnitId == Guid.Empty ? "" : s.UnitId.ToString(), Name = s.Name, Score = s.Score,
            CollectiveId = s.CollectiveId == Guid.Empty ? "" : s.CollectiveId.ToString(),
        }) },
    };

    private static Contract.StatusCounts ToContract(StatusCount c) => new()
    {
        Assigned = c.Assigned,
        Accepted = c.Accepted,
        InProgress = c.InProgress,
        CompletionRequested = c.CompletionRequested,
        Completed = c.Completed,
        Cancelled = c.Cancelled,
        Overdue = c.Overdue,
        Total = c.Total,
    };
}
