using Duban.ServiceDefaults.Auth;
using Duban.ServiceDefaults.Errors;
using Duban.Supervision.Data;
using Duban.Supervision.Documents;
using Duban.Supervision.Domain.Reviews;
using Duban.Supervision.Notices;
using Duban.Supervision.Projection;
using Duban.Supervision.Reviews;
using Duban.Supervision.Webhooks;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Contract = Duban.Contracts.Supervision.V1;

namespace Duban.Supervision.Grpc;

/// <summary>
/// The supervision API. The office sees everything; a unit sees notices and reviews of itself and the units
/// below it; schedulers may only trigger scans and reviews.
/// </summary>
public sealed class SupervisionGrpcService(SupervisionDb db, NoticeScanner scanner, NoticeStore notices, WeeklyReviews reviews,
    Assessments assessments, WebhookSubscriptions webhooks, FeedFollower follower, DocumentTemplates templates, UrgingNotes urgingNotes,
    Dashboard.Dashboards dashboards, Notifications.NotificationDeliveries deliveries, Notifications.NotificationTemplates wording,
    Duban.ServiceDefaults.Memory.MemoryReclaimer memory, TimeProvider time) : Contract.SupervisionService.SupervisionServiceBase
{
    public override async Task<Contract.BatchGetUrgingLevelsResponse> BatchGetUrgingLevels(Contract.BatchGetUrgingLevelsRequest request,
        ServerCallContext context)
    {
        var (levels, unknown) = await dashboards.LevelsAsync(request.AssignmentIds, context.GetCaller(), context.CancellationToken);
        var reply = new Contract.BatchGetUrgingLevelsResponse { UnknownIds = { unknown } };
        reply.Levels.AddRange(levels.Select(l => new Contract.AssignmentLevel
        {
            AssignmentId = l.AssignmentId.ToString(),
            Level = l.Level switch
            {
                UrgingLevel.Red => Contract.UrgingLevel.Red,
                UrgingLevel.Yellow => Contract.UrgingLevel.Yellow,
                UrgingLevel.Blue => Contract.UrgingLevel.Blue,
                UrgingLevel.None => Contract.UrgingLevel.Green,
                _ => Contract.UrgingLevel.None,
            },
            DaysOverdue = l.DaysOverdue,
            DaysLeft = l.DaysLeft,
            HasDeadline = l.HasDeadline,
        }));
        return reply;
    }

    public override async Task<Contract.ListAssignmentsByLevelResponse> ListAssignmentsByLevel(Contract.ListAssignmentsByLevelRequest request,
        ServerCallContext context)
    {
        UrgingLevel? level = request.Level switch
        {
            Contract.UrgingLevel.Red => UrgingLevel.Red,
            Contract.UrgingLevel.Yellow => UrgingLevel.Yellow,
            Contract.UrgingLevel.Blue => UrgingLevel.Blue,
            _ => null,
        };
        var (asOf, ids, next) = await dashboards.ListByLevelAsync(level, request.ScopeUnitId, request.PageSize, request.PageToken, context.GetCaller(),
            context.CancellationToken);
        return new() { AssignmentIds = { ids.Select(id => id.ToString()) }, NextPageToken = next, AsOf = Timestamp.FromDateTimeOffset(asOf) };
    }

    public override async Task<Contract.UnitBoard> GetUnitBoard(Contract.GetUnitBoardRequest request, ServerCallContext context)
    {
        var (asOf, scopeId, rows) = await dashboards.GetUnitBoardAsync(request.ScopeUnitId, context.GetCaller(), context.CancellationToken);
        var reply = new Contract.UnitBoard { AsOf = Timestamp.FromDateTimeOffset(asOf), ScopeUnitId = scopeId.ToString() };
        reply.Units.AddRange(rows.Select(r => new Contract.UnitBoardRow
        {
            UnitId = r.Unit.Id, Name = r.Unit.Name, ShortName = r.Unit.ShortName, ParentId = r.ParentId, Depth = r.Depth,
            Own = ToContract(r.Own), Subtree = ToContract(r.Subtree),
        }));
        return reply;
    }

    private static Contract.UnitTally ToContract(Dashboard.UnitTally t) => new()
    {
        Total = t.Total, Open = t.Open, CompletionRequested = t.CompletionRequested, Completed = t.Completed, Overdue = t.Overdue, Behind = t.Behind,
        DueWithin7Days = t.DueWithin7Days, MaxDaysOverdue = t.MaxDaysOverdue,
    };

    public override async Task<Contract.Dashboard> GetDashboard(Contract.GetDashboardRequest request, ServerCallContext context)
    {
        var view = await dashboards.GetAsync(request.ScopeUnitId, request.RankingSize, request.TrendWeeks, context.GetCaller(), context.CancellationToken);
        var all = view.Units;
        var reply = new Contract.Dashboard
        {
            AsOf = Timestamp.FromDateTimeOffset(view.AsOf),
            ScopeUnitId = view.ScopeUnitId?.ToString() ?? "",
            ScopeName = view.ScopeName,
            Assigned = all.Sum(u => u.Assigned),
            Accepted = all.Sum(u => u.Accepted),
            InProgress = all.Sum(u => u.InProgress),
            CompletionRequested = all.Sum(u => u.CompletionRequested),
            Completed = all.Sum(u => u.Completed),
            Cancelled = all.Sum(u => u.Cancelled),
            Red = all.Sum(u => u.Red),
            Yellow = all.Sum(u => u.Yellow),
            Blue = all.Sum(u => u.Blue),
            Green = all.Sum(u => u.Open - u.Red - u.Yellow - u.Blue),
            DueWithin7Days = all.Sum(u => u.DueWithin7Days),
            DueSoonDays = view.DueSoonDays,
        };
        reply.Total = reply.Assigned + reply.Accepted + reply.InProgress + reply.CompletionRequested + reply.Completed;
        reply.OverdueRanking.AddRange(view.Ranking.Select(r => new Contract.UnitOverdue
        {
            UnitId = r.Counts.UnitId.ToString(), UnitName = r.Name, Overdue = r.Counts.Red, Open = r.Counts.Open, MaxDaysOverdue = r.Counts.MaxDaysOverdue,
        }));
        reply.Trend.AddRange(view.Trend.Select(w => new Contract.DashboardWeek
        {
            Week = w.Week, ReviewId = w.ReviewId.ToString(), AsOf = Timestamp.FromDateTimeOffset(w.AsOf), Assigned = w.Assigned, Overdue = w.Overdue,
            CompletedOnTime = w.CompletedOnTime, OverdueWithoutExplanation = w.OverdueWithoutExplanation,
        }));
        return reply;
    }

    [Authorize(Roles = DubanRoles.Office + "," + DubanRoles.Service)]
    public override async Task<Contract.ProjectionStatus> GetProjectionStatus(Contract.GetProjectionStatusRequest request, ServerCallContext context)
    {
        var position = await db.FeedPositions.AsNoTracking().SingleAsync(context.CancellationToken);
        return new Contract.ProjectionStatus
        {
            Cursor = position.TransactionId == 0 ? "" : $"{position.TransactionId}.{position.Sequence}",
            Assignments = await db.Assignments.LongCountAsync(context.CancellationToken),
            LastEventTime = position.LastEventTime is { } e ? Timestamp.FromDateTimeOffset(e) : null,
            LastAppliedTime = position.AppliedAt is { } a ? Timestamp.FromDateTimeOffset(a) : null,
            LagSeconds = follower.LagSeconds,
        };
    }

    [Authorize(Roles = DubanRoles.Office + "," + DubanRoles.Scheduler)]
    public override async Task<Contract.ScanResult> ScanNow(Contract.ScanNowRequest request, ServerCallContext context)
    {
        var asOf = AsOf(request.AsOf, context) ?? time.GetUtcNow();
        var outcome = await scanner.ScanAsync(asOf, context.CancellationToken);
        return new Contract.ScanResult
        {
            AsOf = Timestamp.FromDateTimeOffset(outcome.AsOf),
            DueSoon = outcome.DueSoon,
            Overdue = outcome.Overdue,
            Escalated = outcome.Escalated,
            BehindSchedule = outcome.BehindSchedule,
            MilestoneOverdue = outcome.MilestoneOverdue,
            ReportMissing = outcome.ReportMissing,
            Resolved = outcome.Resolved,
            Superseded = outcome.Superseded,
            AssignmentsRead = outcome.Read,
            ReadAll = outcome.ReadAll,
        };
    }

    /// <summary>
    /// Time travel is the office's tool for looking back, not a scheduler's: an as-of instant only from the office, and
    /// never in the future (a notice dated after it was raised would be a false record).
    /// </summary>
    private DateTimeOffset? AsOf(Timestamp? asOf, ServerCallContext context)
    {
        if (asOf is null)
            return null;
        if (!context.GetCaller().IsOffice)
            throw new PermissionDeniedException("only the supervision office gives an as-of time; leave it out to use now");
        var instant = asOf.ToDateTimeOffset();
        if (instant > time.GetUtcNow())
            throw new ValidationFailedException("as_of", "must not be in the future");
        return instant;
    }

    public override async Task<Contract.ListNoticesResponse> ListNotices(Contract.ListNoticesRequest request, ServerCallContext context)
    {
        var page = await notices.ListAsync(new NoticeFilter(request.LeadUnitId.Trim(), request.IncludeSubtree, request.OwnerPersonId.Trim(),
            request.Kinds.Where(k => k != Contract.NoticeKind.Unspecified).Select(k => (NoticeKind)(int)k).ToList(),
            request.Statuses.Where(s => s != Contract.NoticeStatus.Unspecified).Select(s => (NoticeStatus)(int)s).ToList(),
            request.PlanId.Trim(), request.AssignmentId.Trim(), request.PageSize, request.PageToken), context.GetCaller(), context.CancellationToken);
        var asOf = time.GetUtcNow();
        return new() { Notices = { page.Items.Select(n => n.ToContract(asOf)) }, NextPageToken = page.NextPageToken };
    }

    public override async Task<Contract.ListExplanationsResponse> ListExplanations(Contract.ListExplanationsRequest request, ServerCallContext context)
    {
        var page = await notices.ListExplanationsAsync(new ExplanationFilter(request.LeadUnitId.Trim(), request.IncludeSubtree,
            request.Statuses.Where(s => s != Contract.ExplanationStatus.Unspecified).Select(s => (ExplanationStatus)(int)s).ToList(),
            request.NoticeId.Trim(), request.AssignmentId.Trim(), request.PageSize, request.PageToken), context.GetCaller(), context.CancellationToken);
        return new()
        {
            Explanations = { page.Items.Select(i => i.Explanation.ToContract(i.Title, i.LeadUnitName)) },
            NextPageToken = page.NextPageToken,
        };
    }

    /// <summary>Polls for newly raised notices the caller may see and streams them, oldest first.</summary>
    public override async Task WatchNotices(Contract.WatchNoticesRequest request, IServerStreamWriter<Contract.Notice> responseStream,
        ServerCallContext context)
    {
        var caller = context.GetCaller();
        var filter = new NoticeFilter(request.LeadUnitId.Trim(), request.IncludeSubtree, "",
            request.Kinds.Where(k => k != Contract.NoticeKind.Unspecified).Select(k => (NoticeKind)(int)k).ToList(), [], "", "", 0, "");
        if (request.BacklogHours is < 0 or > 24 * 366)
            throw new ValidationFailedException("backlog_hours", "must be between 0 and 8784");
        var ct = context.CancellationToken;
        var since = time.GetUtcNow().AddHours(-request.BacklogHours);
        var after = await notices.LastSequenceBeforeAsync(since, ct);
        while (!ct.IsCancellationRequested)
        {
            var fresh = await notices.RaisedAfterAsync(filter, caller, after, 500, ct);
            foreach (var notice in fresh)
                await responseStream.WriteAsync(notice.ToContract(time.GetUtcNow()), ct);
            if (fresh.Count > 0)
                after = fresh[^1].Sequence;
            else
                await Task.Delay(NoticePoll, ct);
        }
    }

    private static readonly TimeSpan NoticePoll = TimeSpan.FromMilliseconds(500);

    public override async Task<Contract.Assessment> AssessUnits(Contract.AssessUnitsRequest request, ServerCallContext context)
    {
        var assessment = await assessments.AssessAsync(request.ScopeUnitId.Trim(), request.Period, AsOf(request.AsOf, context),
            context.GetCaller(), context.CancellationToken);
        return new Contract.Assessment
        {
            ScopeUnitId = request.ScopeUnitId.Trim(),
            Period = assessment.Period.ToString(),
            AsOf = Timestamp.FromDateTimeOffset(assessment.AsOf),
            Units = { assessment.Units.Select(u => new Contract.UnitAssessment
            {
                UnitId = u.UnitId.ToString(), UnitName = u.UnitName, Due = u.Due, CompletedOnTime = u.CompletedOnTime, CompletedLate = u.CompletedLate,
                OpenOverdue = u.OpenOverdue, DaysOverdue = u.DaysOverdue, OverdueWithoutExplanation = u.OverdueWithoutExplanation,
                RejectedCompletions = u.RejectedCompletions, Urgings = u.Urgings, ApprovedExtensions = u.ApprovedExtensions,
                OnTimeRate = (double)u.OnTimeRate, Score = (double)u.Score, Grade = u.GradeName, GradeLetter = u.GradeLetter.ToString(),
            }) },
        };
    }

    public override async Task<Contract.Notice> GetNotice(Contract.GetNoticeRequest request, ServerCallContext context) =>
        (await notices.GetAsync(request.Id, context.GetCaller(), context.CancellationToken)).ToContract(time.GetUtcNow());

    public override async Task<Contract.Notice> AcknowledgeNotice(Contract.AcknowledgeNoticeRequest request, ServerCallContext context) =>
        (await notices.AcknowledgeAsync(request.Id, request.AttachmentIds, context.GetCaller(), context.CancellationToken)).ToContract(time.GetUtcNow());

    public override async Task<Contract.Notice> Urge(Contract.UrgeRequest request, ServerCallContext context) =>
        (await notices.UrgeAsync(request.AssignmentId, request.Message, request.ReplyBy.ToDateOnly(), request.RequestId.Trim(),
            context.GetCaller(), context.CancellationToken)).ToContract(time.GetUtcNow());

    public override async Task<Contract.Explanation> SubmitExplanation(Contract.SubmitExplanationRequest request, ServerCallContext context) =>
        (await notices.ExplainAsync(request.NoticeId, request.Reasons, request.RemedyDate.ToDateOnly(), request.AttachmentIds, context.GetCaller(),
            context.CancellationToken)).ToContract();

    public override async Task<Contract.Explanation> DecideExplanation(Contract.DecideExplanationRequest request, ServerCallContext context) =>
        (await notices.DecideAsync(request.Id, request.Accept, request.Remark, context.GetCaller(), context.CancellationToken)).ToContract();

    [Authorize(Roles = DubanRoles.Office + "," + DubanRoles.Scheduler)]
    public override async Task<Contract.WeeklyReview> RunWeeklyReview(Contract.RunWeeklyReviewRequest request, ServerCallContext context) =>
        (await reviews.RunAsync(request.ScopeUnitId.Trim(), request.Week, context.CancellationToken)).ToContract();

    public override async Task<Contract.WeeklyReview> GetWeeklyReview(Contract.GetWeeklyReviewRequest request, ServerCallContext context) =>
        (await VisibleReviewAsync(request.Id, context)).ToContract();

    public override async Task<Contract.ListWeeklyReviewsResponse> ListWeeklyReviews(Contract.ListWeeklyReviewsRequest request, ServerCallContext context)
    {
        var violations = new Violations();
        var scopeText = request.ScopeUnitId.Trim();
        var weekText = request.Week.Trim();
        if (scopeText.Length > 0)
            violations.RequireId(scopeText, "scope_unit_id");
        if (weekText.Length > 0 && !IsoWeek.TryParse(weekText, out _))
            violations.Add("week", "must be an ISO week such as 2026-W47");
        else if (weekText.Length > 0 && scopeText.Length == 0)
            violations.Add("week", "needs scope_unit_id: the revisions of a week are those of one scope");
        violations.ThrowIfAny();

        var visible = await notices.VisibleUnitsAsync(context.GetCaller(), context.CancellationToken);
        var query = reviews.Records;
        if (scopeText.Length > 0)
        {
            var scope = Guid.Parse(scopeText);
            query = query.Where(r => r.ScopeUnitId == scope);
        }
        if (weekText.Length > 0)
        {
            var week = IsoWeek.Parse(weekText).ToString();
            query = query.Where(r => r.Week == week);
        }
        if (visible is not null)
            query = query.Where(r => visible.Contains(r.ScopeUnitId));
        var size = Duban.ServiceDefaults.Paging.PageToken.Size(request.PageSize);
        var fingerprint = $"reviews|{scopeText}|{weekText}";
        var after = Duban.ServiceDefaults.Paging.PageToken.Decode(request.PageToken, fingerprint);
        if (after is not null)
        {
            var afterId = Duban.ServiceDefaults.Paging.PageToken.Key(after, Guid.Parse);
            query = query.Where(r => r.Id.CompareTo(afterId) < 0);
        }
        var rows = await WeeklyReviews.Summaries(query.OrderByDescending(r => r.Id).Take(size + 1)).ToListAsync(context.CancellationToken);
        var response = new Contract.ListWeeklyReviewsResponse();
        response.Reviews.AddRange(rows.Take(size).Select(r => r.ToContract()));
        if (rows.Count > size)
            response.NextPageToken = Duban.ServiceDefaults.Paging.PageToken.Encode(fingerprint, rows[size - 1].Id.ToString());
        return response;
    }

    public override async Task<Contract.Bulletin> ExportBulletin(Contract.ExportBulletinRequest request, ServerCallContext context)
    {
        var review = await VisibleReviewAsync(request.ReviewId, context);
        var table = CsvTable(request);
        var (contentType, fileName) = BulletinFile(review, request.Format, table);
        if (request.Format == Contract.BulletinFormat.Docx)
        {
            using var file = new MemoryStream();
            await WriteDocxAsync(review, file, context.CancellationToken);
            return new() { Data = Google.Protobuf.ByteString.CopyFrom(file.GetBuffer(), 0, (int)file.Length), ContentType = contentType, FileName = fileName };
        }
        if (request.Format == Contract.BulletinFormat.Xlsx)
        {
            await using var file = await WorkbookAsync(review, request.AssessmentPeriod, context);
            return new() { Data = await Google.Protobuf.ByteString.FromStreamAsync(file, context.CancellationToken), ContentType = contentType, FileName = fileName };
        }
        string content;
        if (request.Format is Contract.BulletinFormat.Csv or Contract.BulletinFormat.Json)
        {
            var report = await reviews.ReportAsync(review.Id, context.CancellationToken);
            content = request.Format == Contract.BulletinFormat.Csv
                ? BulletinRenderer.RenderCsv(report, table)
                : BulletinRenderer.RenderJson(report);
        }
        else
            content = await MarkdownAsync(review, context.CancellationToken);
        return new() { Content = content, ContentType = contentType, FileName = fileName };
    }

    public override async Task StreamBulletin(Contract.ExportBulletinRequest request, IServerStreamWriter<Contract.BulletinChunk> responseStream,
        ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var table = CsvTable(request);
        var review = await VisibleReviewAsync(request.ReviewId, context);
        var (contentType, fileName) = BulletinFile(review, request.Format, table);
        var sink = new BulletinChunkStream(responseStream, contentType, fileName);
        if (request.Format == Contract.BulletinFormat.Json)
            await BulletinRenderer.WriteJsonAsync(sink, await reviews.ReportAsync(review.Id, ct), ct);
        else if (request.Format == Contract.BulletinFormat.Docx)
        {
            using var file = new MemoryStream();
            await WriteDocxAsync(review, file, ct);
            file.Position = 0;
            await file.CopyToAsync(sink, BulletinChunkStream.ChunkBytes, ct);
        }
        else if (request.Format == Contract.BulletinFormat.Xlsx)
        {
            await using var file = await WorkbookAsync(review, request.AssessmentPeriod, context);
            await file.CopyToAsync(sink, BulletinChunkStream.ChunkBytes, ct);
        }
        else
        {
            await using var writer = new StreamWriter(sink, new System.Text.UTF8Encoding(false), BulletinChunkStream.ChunkBytes, leaveOpen: true);
            if (request.Format == Contract.BulletinFormat.Csv)
            {
                foreach (var part in BulletinRenderer.CsvParts(await reviews.ReportAsync(review.Id, ct), table))
                    await writer.WriteAsync(part);
            }
            else
                await writer.WriteAsync(await MarkdownAsync(review, ct));
            await writer.FlushAsync(ct);
        }
        await sink.CompleteAsync();
    }

    public override async Task StreamUrgingNotes(Contract.ExportUrgingNotesRequest request, IServerStreamWriter<Contract.BulletinChunk> responseStream,
        ServerCallContext context)
    {
        var kind = request.Kind == Contract.UrgingNoteKind.Urging ? DocumentTemplateKind.UrgingNote : DocumentTemplateKind.SupervisionNote;
        using var file = new MemoryStream();
        await urgingNotes.RenderAsync(request.AssignmentIds, kind, request.Message, request.ReplyBy.ToDateOnly(), context.GetCaller(), file, context.CancellationToken);
        var name = kind == DocumentTemplateKind.UrgingNote ? "催办单" : "督办单";
        var sink = new BulletinChunkStream(responseStream, "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            $"{name}-{DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime):yyyyMMdd}.docx");
        file.Position = 0;
        await file.CopyToAsync(sink, BulletinChunkStream.ChunkBytes, context.CancellationToken);
        await sink.CompleteAsync();
    }

    public override async Task<Contract.ListDocumentTemplatesResponse> ListDocumentTemplates(Contract.ListDocumentTemplatesRequest request,
        ServerCallContext context)
    {
        var list = await templates.ListAsync(request.ScopeUnitId.Trim(), context.GetCaller(), context.CancellationToken);
        return new() { Templates = { list.Select(t => ToContract(t.Kind, t.Template)) } };
    }

    public override async Task<Contract.DocumentTemplate> UploadDocumentTemplate(Contract.UploadDocumentTemplateRequest request, ServerCallContext context)
    {
        DocumentTemplateKind? kind = request.Kind == Contract.DocumentTemplateKind.Unspecified ? null : (DocumentTemplateKind)(int)request.Kind;
        var stored = await templates.UploadAsync(request.ScopeUnitId.Trim(), kind, request.FileName, request.Content.ToByteArray(), context.GetCaller(),
            context.CancellationToken);
        return ToContract(stored.Kind, stored);
    }

    private static Contract.DocumentTemplate ToContract(DocumentTemplateKind kind, DocumentTemplateRecord? template) => template is null
        ? new()
        {
            Kind = (Contract.DocumentTemplateKind)(int)kind, Shipped = true, FileName = $"{KindName(kind)}（默认模板）.docx",
            Content = Google.Protobuf.ByteString.CopyFrom(DefaultTemplates.For(kind)),
        }
        : new()
        {
            Kind = (Contract.DocumentTemplateKind)(int)kind, ScopeUnitId = template.ScopeUnitId.ToString(), FileName = template.FileName,
            Version = template.Version, UploadTime = Timestamp.FromDateTimeOffset(template.UploadTime), UploadedBy = template.UploadedBy,
            Content = Google.Protobuf.ByteString.CopyFrom(template.Content),
        };

    private static string KindName(DocumentTemplateKind kind) => kind switch
    {
        DocumentTemplateKind.Bulletin => "通报",
        DocumentTemplateKind.SupervisionNote => "督办单",
        _ => "催办单",
    };

    /// <summary>The CSV's table; a table asked of another format is refused rather than ignored.</summary>
    private static BulletinCsvTable CsvTable(Contract.ExportBulletinRequest request)
    {
        if (request.AssessmentPeriod.Length > 0 && request.Format != Contract.BulletinFormat.Xlsx)
            throw new ValidationFailedException("assessment_period", "only the workbook (BULLETIN_FORMAT_XLSX) has an assessment sheet");
        if (request.Table != Contract.BulletinTable.Unspecified && request.Format != Contract.BulletinFormat.Csv)
            throw new ValidationFailedException("table", "only the CSV export is one table per file; leave table unset for other formats");
        return request.Table == Contract.BulletinTable.Items ? BulletinCsvTable.Items : BulletinCsvTable.Units;
    }

    private static (string ContentType, string FileName) BulletinFile(WeeklyReviewSummary review, Contract.BulletinFormat format, BulletinCsvTable table)
    {
        var name = $"通报-{review.ScopeName}-{review.Week}";
        return format switch
        {
            Contract.BulletinFormat.Csv => ("text/csv; charset=utf-8", name + (table == BulletinCsvTable.Items ? "-任务清单.csv" : "-各单位.csv")),
            Contract.BulletinFormat.Json => ("application/json", name + ".json"),
            Contract.BulletinFormat.Docx => ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", name + ".docx"),
            Contract.BulletinFormat.Xlsx => (Duban.OfficeFiles.Ledger.ContentType, name + ".xlsx"),
            _ => ("text/markdown; charset=utf-8", name + ".md"),
        };
    }

    /// <summary>The 通报 as a .docx from the scope's template: the Markdown's outline, within the same limits.</summary>
    private async Task WriteDocxAsync(WeeklyReviewSummary review, Stream output, CancellationToken ct)
    {
        var (excerpt, sizes) = await reviews.BulletinExcerptAsync(review.Id, ct);
        var outline = BulletinOutline.Of(excerpt, review.ScopeName, sizes, review.Revision);
        var template = await templates.ResolveAsync(DocumentTemplateKind.Bulletin, review.ScopeUnitId, ct);
        BulletinDocx.Render(template, outline, BulletinDocx.Values(outline, excerpt, review.ScopeName), output);
    }

    /// <summary>
    /// The review's workbook, written to a temporary file that is deleted when closed (a zip needs to seek back while it
    /// is written), positioned at its start for sending.
    /// </summary>
    private async Task<FileStream> WorkbookAsync(WeeklyReviewSummary review, string assessmentPeriod, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var report = await reviews.ReportAsync(review.Id, ct);
        var assessment = assessmentPeriod.Length == 0 ? null
            : await assessments.AssessAsync(review.ScopeUnitId.ToString(), assessmentPeriod, report.AsOf, context.GetCaller(), ct, periodField: "assessment_period");
        var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
        Duban.OfficeFiles.Ledger.Write(file, ReviewWorkbook.Sheets(report, assessment));
        // The workbook of a large review leaves its garbage behind (rows, strings, the zip's buffers): give it back soon.
        if (report.NewlyOverdue.Count + report.StillOverdue.Count + report.CompletedThisWeek.Count + report.DueNextWeek.Count >= 20_000)
            memory.AfterLargeRequest();
        file.Position = 0;
        return file;
    }

    private async Task<string> MarkdownAsync(WeeklyReviewSummary review, CancellationToken ct)
    {
        var (excerpt, sizes) = await reviews.BulletinExcerptAsync(review.Id, ct);
        return BulletinRenderer.RenderMarkdown(excerpt, review.ScopeName, sizes, review.Revision);
    }

    [Authorize(Roles = DubanRoles.Office)]
    public override async Task<Contract.WebhookSubscription> CreateWebhookSubscription(Contract.CreateWebhookSubscriptionRequest request,
        ServerCallContext context)
    {
        var created = await webhooks.CreateAsync(new NewWebhookSubscription(request.Name, request.Url, request.Secret,
            request.Kinds.Where(k => k != Contract.NoticeKind.Unspecified).Select(k => (NoticeKind)(int)k).ToList(), request.LeadUnitId.Trim()),
            context.CancellationToken);
        var reply = created.ToContract();
        reply.Secret = created.Secret; // the one time it leaves the service
        return reply;
    }

    [Authorize(Roles = DubanRoles.Office)]
    public override async Task<Contract.ListWebhookSubscriptionsResponse> ListWebhookSubscriptions(Contract.ListWebhookSubscriptionsRequest request,
        ServerCallContext context)
    {
        var page = await webhooks.ListAsync(request.IncludeInactive, request.PageSize, request.PageToken, context.CancellationToken);
        return new() { Subscriptions = { page.Items.Select(s => s.ToContract()) }, NextPageToken = page.NextPageToken };
    }

    [Authorize(Roles = DubanRoles.Office)]
    public override async Task<Contract.WebhookSubscription> DeactivateWebhookSubscription(Contract.DeactivateWebhookSubscriptionRequest request,
        ServerCallContext context) =>
        (await webhooks.DeactivateAsync(request.Id, context.CancellationToken)).ToContract();

    [Authorize(Roles = DubanRoles.Office)]
    public override async Task<Contract.ListWebhookDeliveriesResponse> ListWebhookDeliveries(Contract.ListWebhookDeliveriesRequest request,
        ServerCallContext context)
    {
        var page = await webhooks.ListDeliveriesAsync(request.SubscriptionId.Trim(),
            request.Statuses.Where(s => s != Contract.WebhookDeliveryStatus.Unspecified).Select(s => (WebhookDeliveryStatus)(int)s).ToList(),
            request.NoticeId.Trim(), request.PageSize, request.PageToken, context.CancellationToken);
        return new() { Deliveries = { page.Items.Select(d => d.ToContract()) }, NextPageToken = page.NextPageToken };
    }

    [Authorize(Roles = DubanRoles.Office)]
    public override async Task<Contract.ReplayWebhookDeliveriesResponse> ReplayWebhookDeliveries(Contract.ReplayWebhookDeliveriesRequest request,
        ServerCallContext context)
    {
        var replay = await webhooks.ReplayAsync(request.SubscriptionId.Trim(), request.Since?.ToDateTimeOffset(), request.RequestId,
            context.CancellationToken);
        return new() { ReplayId = replay.ReplayId.ToString(), Enqueued = replay.Enqueued };
    }

    public override async Task<Contract.ListDeliveriesResponse> ListDeliveries(Contract.ListDeliveriesRequest request, ServerCallContext context)
    {
        var page = await deliveries.ListAsync(request.NoticeId.Trim(), request.PersonId.Trim(),
            request.Statuses.Where(s => s != Contract.DeliveryStatus.Unspecified).Select(s => (NotificationStatus)(int)s).ToList(),
            request.PageSize, request.PageToken, context.GetCaller(), context.CancellationToken);
        return new() { Deliveries = { page.Items.Select(d => d.ToContract()) }, NextPageToken = page.NextPageToken };
    }

    [Authorize(Roles = DubanRoles.Office)]
    public override async Task<Contract.Delivery> RetryDelivery(Contract.RetryDeliveryRequest request, ServerCallContext context) =>
        (await deliveries.RetryAsync(request.Id.Trim(), context.CancellationToken)).ToContract();

    public override async Task<Contract.ListNotificationTemplatesResponse> ListNotificationTemplates(Contract.ListNotificationTemplatesRequest request,
        ServerCallContext context) =>
        new() { Templates = { (await wording.ListAsync(context.CancellationToken)).Select(t => t.ToContract()) } };

    [Authorize(Roles = DubanRoles.Office)]
    public override async Task<Contract.NotificationTemplate> UpdateNotificationTemplate(Contract.UpdateNotificationTemplateRequest request,
        ServerCallContext context)
    {
        NoticeKind? kind = request.Kind == Contract.NoticeKind.Unspecified ? null : (NoticeKind)(int)request.Kind;
        return (await wording.UpdateAsync(kind, request.Template.Trim(), request.Version, context.GetCaller().PersonId, context.CancellationToken))
            .ToContract();
    }

    private async Task<WeeklyReviewSummary> VisibleReviewAsync(string id, ServerCallContext context)
    {
        var review = await reviews.GetAsync(id, context.CancellationToken);
        var visible = await notices.VisibleUnitsAsync(context.GetCaller(), context.CancellationToken);
        if (visible is not null && !visible.Contains(review.ScopeUnitId))
            throw new PermissionDeniedException("a unit sees the reviews of its own unit and the units below it only");
        return review;
    }
}
