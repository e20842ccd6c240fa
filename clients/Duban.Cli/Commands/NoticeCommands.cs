using System.CommandLine;
using Duban.Cli.Output;
using Supervision = Duban.Contracts.Supervision.V1;

namespace Duban.Cli.Commands;

/// <summary>`duban notices`, `ack`, `explain`, `urge`, `scan`, `explanations`, `decide`.</summary>
public static class NoticeCommands
{
    /// <summary>
    /// Uploads the files for the notice's assignment (the tasks service keeps them) and returns their ids for the
    /// explanation or reply that names them; nothing is asked when there are no files.
    /// </summary>
    private static async Task<IReadOnlyList<string>> UploadForNoticeAsync(CliContext context, string noticeId, IReadOnlyList<string> paths, CancellationToken ct)
    {
        if (paths.Count == 0)
            return [];
        var notice = await context.Supervision.GetNoticeAsync(new Supervision.GetNoticeRequest { Id = noticeId }, context.Call(ct));
        return await EvidenceCommands.UploadAsync(context, notice.AssignmentId, paths, ct);
    }

    public static IEnumerable<Command> Build()
    {
        var unit = new Option<string?>("--unit") { Description = "牵头单位（名称或 ID；默认：你可见的全部）" };
        var subtree = new Option<bool>("--subtree") { Description = "与 --unit 同用：包括其下级单位" };
        var open = new Option<bool>("--open") { Description = "只列未解除的提醒" };
        var watch = new Option<bool>("--watch") { Description = "持续监视，新提醒产生即输出（Ctrl+C 停止）" };
        var notices = new Command("notices", "列出逾期、即将到期、升级督办和催办提醒") { unit, subtree, open, watch }.With(async (context, parse, ct) =>
        {
            var unitId = parse.GetValue(unit) is { } u ? await Lookup.UnitIdAsync(context, u, ct) : "";
            if (parse.GetValue(watch))
            {
                using var stream = context.Supervision.WatchNotices(new Supervision.WatchNoticesRequest { LeadUnitId = unitId, IncludeSubtree = parse.GetValue(subtree) },
                    new Grpc.Core.CallOptions(context.Call(ct).Headers, cancellationToken: ct));
                try
                {
                    while (await stream.ResponseStream.MoveNext(ct))
                        await PrintAsync(context, [stream.ResponseStream.Current], ct);
                }
                catch (Grpc.Core.RpcException ex) when (ex.StatusCode == Grpc.Core.StatusCode.Cancelled && ct.IsCancellationRequested)
                {
                }
                return 0;
            }
            var request = new Supervision.ListNoticesRequest { LeadUnitId = unitId, IncludeSubtree = parse.GetValue(subtree), PageSize = 1000 };
            if (parse.GetValue(open))
                request.Statuses.AddRange([Supervision.NoticeStatus.Open, Supervision.NoticeStatus.Acknowledged]);
            await PrintAsync(context, (await context.Supervision.ListNoticesAsync(request, context.Call(ct))).Notices, ct);
            return 0;
        });

        var noticeId = new Argument<string>("notice") { Description = "提醒 ID" };
        var replyFile = new Option<string[]>("--file") { Description = "催办回复的佐证材料文件（可重复给出），先上传再随回复报送；仅限催办提醒" };
        var ack = new Command("ack", "确认知悉提醒（对催办即为回复）") { noticeId, replyFile }.With(async (context, parse, ct) =>
        {
            var request = new Supervision.AcknowledgeNoticeRequest { Id = parse.GetValue(noticeId)! };
            request.AttachmentIds.AddRange(await UploadForNoticeAsync(context, request.Id, parse.GetValue(replyFile) ?? [], ct));
            await PrintAsync(context, [await context.Supervision.AcknowledgeNoticeAsync(request, context.Call(ct))], ct);
            return 0;
        });

        var reasons = new Option<string>("--reasons") { Description = "逾期原因（情况说明）", Required = true };
        var remedy = new Option<string?>("--remedy-date") { Description = "承诺完成日期（yyyy-mm-dd）" };
        var explainFile = new Option<string[]>("--file") { Description = "佐证材料文件（可重复给出），先上传再随情况说明报送" };
        var explain = new Command("explain", "就逾期提醒提交情况说明（牵头单位负责人）") { noticeId, reasons, remedy, explainFile }.With(async (context, parse, ct) =>
        {
            var request = new Supervision.SubmitExplanationRequest
            {
                NoticeId = parse.GetValue(noticeId)!, Reasons = parse.GetValue(reasons)!, RemedyDate = CliContext.ParseDate(parse.GetValue(remedy), "--remedy-date"),
            };
            request.AttachmentIds.AddRange(await UploadForNoticeAsync(context, request.NoticeId, parse.GetValue(explainFile) ?? [], ct));
            var explanation = await context.Supervision.SubmitExplanationAsync(request, context.Call(ct));
            if (context.Json)
                context.WriteJson(explanation);
            else
                context.Output.WriteLine(explanation.AttachmentIds.Count > 0
                    ? $"情况说明 {explanation.Id} 已提交，附佐证材料 {explanation.AttachmentIds.Count} 份"
                    : $"情况说明 {explanation.Id} 已提交");
            return 0;
        });

        var assignment = new Argument<string>("assignment") { Description = "交办事项 ID" };
        var message = new Option<string>("--message") { Required = true };
        var replyBy = new Option<string?>("--reply-by") { Description = "回复期限（yyyy-mm-dd）" };
        var document = new Option<FileInfo?>("--document") { Description = "同时生成催办单（.docx，公文格式）并写入此文件" };
        var urge = new Command("urge", "催办交办事项（督查室）") { assignment, message, replyBy, document }.With(async (context, parse, ct) =>
        {
            var date = CliContext.ParseDate(parse.GetValue(replyBy), "--reply-by");
            await PrintAsync(context, [await context.Supervision.UrgeAsync(new Supervision.UrgeRequest
            {
                AssignmentId = parse.GetValue(assignment)!, Message = parse.GetValue(message)!, ReplyBy = date,
            }, context.Call(ct))], ct);
            if (parse.GetValue(document) is { } file)
            {
                using var call = context.Supervision.StreamUrgingNotes(new Supervision.ExportUrgingNotesRequest
                {
                    AssignmentIds = { parse.GetValue(assignment)! }, Kind = Supervision.UrgingNoteKind.Urging, Message = parse.GetValue(message)!, ReplyBy = date,
                }, context.Call(ct));
                await using (var stream = file.Create())
                {
                    while (await call.ResponseStream.MoveNext(ct))
                        await stream.WriteAsync(call.ResponseStream.Current.Data.Memory, ct);
                }
                context.Output.WriteLine($"催办单已写入 {file.FullName}");
            }
            return 0;
        });

        var asOf = new Option<string?>("--as-of") { Description = "按此时刻扫描（ISO 8601；默认：当前时刻）" };
        var scan = new Command("scan", "立即执行逾期扫描（督查室、调度程序）") { asOf }.With(async (context, parse, ct) =>
        {
            var request = new Supervision.ScanNowRequest();
            if (parse.GetValue(asOf) is { } text)
                request.AsOf = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var t)
                    ? t : throw new CliException($"--as-of：“{text}”不是有效的日期时间"));
            var result = await context.Supervision.ScanNowAsync(request, context.Call(ct, 300));
            if (context.Json)
                context.WriteJson(result);
            else
                context.Output.WriteLine($"新增提醒：逾期 {result.Overdue}，升级督办 {result.Escalated}，即将到期 {result.DueSoon}，进度滞后 {result.BehindSchedule}，节点逾期 {result.MilestoneOverdue}，未报进展 {result.ReportMissing}；解除 {result.Resolved}；"
                    + (result.ReadAll ? $"重新读取全部在办事项 {result.AssignmentsRead}" : $"读取有变化或到点的事项 {result.AssignmentsRead}"));
            return 0;
        });
        var explanationStatus = new Option<string?>("--status") { Description = "submitted（默认，督查室待审）, accepted, returned, all" };
        explanationStatus.AcceptOnlyFromAmong("submitted", "accepted", "returned", "all");
        var explanations = new Command("explanations", "列出逾期事项的情况说明，先提交的在前") { unit, subtree, explanationStatus }
            .With(async (context, parse, ct) =>
            {
                var request = new Supervision.ListExplanationsRequest
                {
                    LeadUnitId = parse.GetValue(unit) is { } u ? await Lookup.UnitIdAsync(context, u, ct) : "", IncludeSubtree = parse.GetValue(subtree), PageSize = 1000,
                };
                if (ExplanationStatus(parse.GetValue(explanationStatus) ?? "submitted") is { } wanted)
                    request.Statuses.Add(wanted);
                var listed = (await context.Supervision.ListExplanationsAsync(request, context.Call(ct))).Explanations;
                if (context.Json)
                {
                    context.WriteJson(listed);
                    return 0;
                }
                var table = new Table("状态", "牵头单位", "事项", "情况说明", "承诺完成", "佐证材料", "提交时间", "ID");
                foreach (var e in listed)
                    table.Add(StatusText(e.Status), e.LeadUnitName, PlanCommands.Short(e.Title, 30), PlanCommands.Short(e.Reasons, 40), CliContext.Date(e.RemedyDate),
                        e.AttachmentIds.Count > 0 ? $"{e.AttachmentIds.Count} 份" : "",
                        e.SubmitTime.ToDateTimeOffset().ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm"), e.Id);
                table.WriteTo(context.Output);
                return 0;
            });

        var explanationId = new Argument<string>("explanation") { Description = "情况说明 ID" };
        var accept = new Option<bool>("--accept") { Description = "认可" };
        var giveBack = new Option<bool>("--return") { Description = "退回，要求重新说明" };
        var remark = new Option<string?>("--remark") { Description = "督查室意见" };
        var decide = new Command("decide", "审核情况说明：认可或退回（督查室）") { explanationId, accept, giveBack, remark }
            .With(async (context, parse, ct) =>
            {
                if (parse.GetValue(accept) == parse.GetValue(giveBack))
                    throw new CliException("decide：--accept 和 --return 须给出其一，且只能给出一个");
                var decided = await context.Supervision.DecideExplanationAsync(new Supervision.DecideExplanationRequest
                {
                    Id = parse.GetValue(explanationId)!, Accept = parse.GetValue(accept), Remark = parse.GetValue(remark) ?? "",
                }, context.Call(ct));
                if (context.Json)
                    context.WriteJson(decided);
                else
                    context.Output.WriteLine($"情况说明 {decided.Id} {StatusText(decided.Status)}");
                return 0;
            });
        return [notices, ack, explain, urge, scan, explanations, decide];
    }

    private static Supervision.ExplanationStatus? ExplanationStatus(string text) => text switch
    {
        "submitted" => Supervision.ExplanationStatus.Submitted,
        "accepted" => Supervision.ExplanationStatus.Accepted,
        "returned" => Supervision.ExplanationStatus.Returned,
        _ => null,
    };

    private static string StatusText(Supervision.ExplanationStatus status) => status switch
    {
        Supervision.ExplanationStatus.Submitted => "待审",
        Supervision.ExplanationStatus.Accepted => "已认可",
        Supervision.ExplanationStatus.Returned => "已退回",
        _ => "",
    };

    /// <summary>Notices as the service ordered them (most urgent first), each with its lead unit.</summary>
    private static async Task PrintAsync(CliContext context, IReadOnlyCollection<Supervision.Notice> notices, CancellationToken ct)
    {
        if (context.Json)
        {
            context.WriteJson(notices);
            return;
        }
        var units = await Lookup.UnitShortNamesAsync(context, notices.Select(n => n.LeadUnitId), ct);
        var table = new Table("类别", "级别", "状态", "到期日", "逾期天数", "牵头单位", "内容", "ID");
        foreach (var n in notices)
            table.Add(Kind(n.Kind), n.Level, n.Status switch
            {
                Supervision.NoticeStatus.Open => "未处理",
                Supervision.NoticeStatus.Acknowledged => "已知悉",
                Supervision.NoticeStatus.Resolved => "已解除",
                Supervision.NoticeStatus.Paused => "待核验",
                Supervision.NoticeStatus.Superseded => "已替代",
                _ => "",
            }, CliContext.Date(n.DueDate), n.DaysOverdue > 0 ? n.DaysOverdue : "", units.GetValueOrDefault(n.LeadUnitId, n.LeadUnitName),
                PlanCommands.Short(n.Message, 50), n.Id);
        table.WriteTo(context.Output);
    }

    private static string Kind(Supervision.NoticeKind kind) => kind switch
    {
        Supervision.NoticeKind.DueSoon => "即将到期",
        Supervision.NoticeKind.Overdue => "逾期",
        Supervision.NoticeKind.Escalated => "升级督办",
        Supervision.NoticeKind.MilestoneOverdue => "节点逾期",
        Supervision.NoticeKind.ReportMissing => "未报进展",
        Supervision.NoticeKind.Urged => "催办",
        Supervision.NoticeKind.BehindSchedule => "进度滞后",
        Supervision.NoticeKind.ExplanationReturned => "情况说明退回",
        _ => kind.ToString(),
    };
}
