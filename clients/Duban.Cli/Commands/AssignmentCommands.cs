using System.CommandLine;
using Duban.Cli.Output;
using Tasks = Duban.Contracts.Tasks.V1;

namespace Duban.Cli.Commands;

/// <summary>
/// What leads and the office do to assignments. Commands that change one read it first and send the
/// version they read, so a change made meanwhile by someone else is refused rather than overwritten.
/// </summary>
public static class AssignmentCommands
{
    public static IEnumerable<Command> Build()
    {
        var unit = new Option<string?>("--unit") { Description = "牵头单位（名称或 ID）" };
        var subtree = new Option<bool>("--subtree") { Description = "与 --unit 同用：包括其下级单位" };
        var status = new Option<string[]>("--status") { Description = "状态：assigned, accepted, in_progress, completion_requested, completed, cancelled", AllowMultipleArgumentsPerToken = true };
        var overdue = new Option<string?>("--overdue") { Description = "截至该日逾期未办结（yyyy-mm-dd 或 today）", Arity = ArgumentArity.ZeroOrOne };
        var dueBefore = new Option<string?>("--due-before") { Description = "到期日不晚于（yyyy-mm-dd）" };
        var plan = new Option<string?>("--plan") { Description = "计划 ID" };
        var list = new Command("list", "列出交办事项，按完成时限排序") { unit, subtree, status, overdue, dueBefore, plan }.With(async (context, parse, ct) =>
        {
            var request = new Tasks.ListAssignmentsRequest { IncludeSubtree = parse.GetValue(subtree), PlanId = parse.GetValue(plan) ?? "", PageSize = 1000 };
            if (parse.GetValue(unit) is { } u)
                request.LeadUnitId = await Lookup.UnitIdAsync(context, u, ct);
            await ListAsync(context, request, parse.GetValue(status), parse, overdue, parse.GetValue(dueBefore), ct);
            return 0;
        });
        var exportFormat = new Option<string>("--format") { Description = "xlsx（默认）或 csv（UTF-8，带 BOM）", DefaultValueFactory = _ => "xlsx" };
        var exportOutput = new Option<FileInfo>("--output", "-o") { Description = "写入此文件", Required = true };
        var export = new Command("export", "导出台账：与 list 相同的筛选条件，每项一行") { unit, subtree, status, overdue, dueBefore, plan, exportFormat, exportOutput }.With(async (context, parse, ct) =>
        {
            var filter = new Tasks.ListAssignmentsRequest { IncludeSubtree = parse.GetValue(subtree), PlanId = parse.GetValue(plan) ?? "" };
            if (parse.GetValue(unit) is { } u)
                filter.LeadUnitId = await Lookup.UnitIdAsync(context, u, ct);
            Filter(filter, parse.GetValue(status), parse, overdue, parse.GetValue(dueBefore));
            var format = parse.GetValue(exportFormat)!.ToLowerInvariant() switch
            {
                "xlsx" => Tasks.AssignmentExportFormat.Xlsx,
                "csv" => Tasks.AssignmentExportFormat.Csv,
                var other => throw new CliException($"--format：“{other}”不是 xlsx 或 csv"),
            };
            var file = parse.GetValue(exportOutput)!;
            using var call = context.Tasks.ExportAssignments(new Tasks.ExportAssignmentsRequest { Filter = filter, Format = format }, context.Call(ct, 300));
            long bytes = 0;
            await using (var stream = file.Create())
            {
                while (await call.ResponseStream.MoveNext(ct))
                {
                    var chunk = call.ResponseStream.Current;
                    await stream.WriteAsync(chunk.Data.Memory, ct);
                    bytes += chunk.Data.Length;
                }
            }
            context.Output.WriteLine($"已写入 {file.FullName}（{bytes / 1024.0:0.#} KB）");
            return 0;
        });
        var mine = new Command("mine", "本单位（令牌所属单位）的交办事项") { status, overdue }.With(async (context, parse, ct) =>
        {
            await ListAsync(context, new Tasks.ListAssignmentsRequest { LeadUnitId = Lookup.TokenUnit(context, option: null), PageSize = 1000 },
                parse.GetValue(status), parse, overdue, null, ct);
            return 0;
        });

        var id = new Argument<string>("assignment") { Description = "交办事项 ID" };
        var show = new Command("show", "查看一项交办事项及其记录（一事一档）") { id }.With(async (context, parse, ct) =>
        {
            var a = await context.Tasks.GetAssignmentAsync(new Tasks.GetAssignmentRequest { Id = parse.GetValue(id)! }, context.Call(ct));
            if (context.Json)
            {
                context.WriteJson(a);
                return 0;
            }
            context.Output.WriteLine($"{a.Title}");
            context.Output.WriteLine($"状态 {Status(a.Status)}  进度 {a.ProgressPercent}%  时限 {a.Deadline.OriginalText}（{CliContext.Date(a.Deadline.DueDate)}）  责任人 {a.OwnerName}  版本 {a.Version}");
            var table = new Table("时间", "事项", "状态", "进度", "说明");
            foreach (var h in a.History)
                table.Add(h.Time.ToDateTimeOffset().ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm"), HistoryType(h.Type), Status(h.StatusAfter), $"{h.ProgressPercent}%", PlanCommands.Short(h.Text, 40));
            table.WriteTo(context.Output);
            // 佐证材料: every link given with progress or a completion, in the order given.
            var links = a.History.SelectMany(h => h.Links.Select(l => (h, l))).ToList();
            if (links.Count > 0)
            {
                context.Output.WriteLine();
                context.Output.WriteLine("佐证材料:");
                foreach (var (h, l) in links)
                    context.Output.WriteLine($"  {h.Time.ToDateTimeOffset().ToOffset(TimeSpan.FromHours(8)):yyyy-MM-dd}  {HistoryType(h.Type)}  {l}");
            }
            var attached = a.History.SelectMany(h => h.Attachments.Select(f => (h, f))).ToList();
            if (attached.Count > 0)
            {
                context.Output.WriteLine();
                context.Output.WriteLine("佐证材料文件（duban download ID 下载）:");
                var files = new Table("日期", "事项", "文件", "大小", "ID");
                foreach (var (h, f) in attached)
                    files.Add($"{h.Time.ToDateTimeOffset().ToOffset(TimeSpan.FromHours(8)):yyyy-MM-dd}", HistoryType(h.Type), f.FileName, EvidenceCommands.Size(f.SizeBytes), f.Id);
                files.WriteTo(context.Output);
            }
            return 0;
        });

        var note = new Option<string?>("--note") { Description = "进展情况" };
        var percent = new Argument<int>("percent") { Description = "进度百分比（0–100）" };
        var evidence = new Option<string>("--evidence") { Description = "佐证材料（说明办结的依据）", Required = true };
        var link = new Option<string[]>("--link") { Description = "佐证材料链接（可重复给出）" };
        var file = new Option<string[]>("--file") { Description = "佐证材料文件：请示、纪要、现场照片等（可重复给出），随本次报送上传" };
        var remark = new Option<string?>("--remark");
        var reason = new Option<string>("--reason") { Required = true };
        var date = new Option<string>("--date") { Description = "新的完成时限（yyyy-mm-dd）", Required = true };
        var approve = new Option<bool>("--approve");
        var refuse = new Option<bool>("--refuse");

        Command Change(string name, string description, Func<CliContext, ParseResult, Tasks.Assignment, CancellationToken, Task<Tasks.Assignment>> change,
            params Symbol[] symbols)
        {
            var command = new Command(name, description) { id };
            foreach (var symbol in symbols)
            {
                if (symbol is Option option)
                    command.Options.Add(option);
                else if (symbol is Argument argument)
                    command.Arguments.Add(argument);
            }
            return command.With(async (context, parse, ct) =>
            {
                var current = await context.Tasks.GetAssignmentAsync(new Tasks.GetAssignmentRequest { Id = parse.GetValue(id)! }, context.Call(ct));
                var changed = await change(context, parse, current, ct);
                if (context.Json)
                    context.WriteJson(changed);
                else
                    context.Output.WriteLine($"{PlanCommands.Short(changed.Title, 50)}：{Status(changed.Status)}，进度 {changed.ProgressPercent}%，版本 {changed.Version}");
                return 0;
            });
        }

        var accept = Change("accept", "签收交办事项", (c, p, a, ct) =>
            c.Tasks.AcceptAssignmentAsync(new Tasks.AcceptAssignmentRequest { Id = a.Id, Version = a.Version }, c.Call(ct)).ResponseAsync);
        var progress = Change("progress", "报送进展", async (c, p, a, ct) =>
        {
            var files = await EvidenceCommands.UploadAsync(c, a.Id, p.GetValue(file) ?? [], ct);
            return await c.Tasks.ReportProgressAsync(new Tasks.ReportProgressRequest { Id = a.Id, Version = a.Version, Percent = p.GetValue(percent), Narrative = p.GetValue(note) ?? "", AttachmentIds = { files } }, c.Call(ct));
        }, percent, note, file);
        var confirm = Change("confirm", "确认办结（牵头单位负责人）", async (c, p, a, ct) =>
        {
            var files = await EvidenceCommands.UploadAsync(c, a.Id, p.GetValue(file) ?? [], ct);
            return await c.Tasks.ConfirmCompletionAsync(new Tasks.ConfirmCompletionRequest { Id = a.Id, Version = a.Version, Evidence = p.GetValue(evidence)!, Links = { p.GetValue(link) ?? [] }, AttachmentIds = { files } }, c.Call(ct));
        }, evidence, link, file);
        var verify = Change("verify", "核验已确认的办结（督查室）", (c, p, a, ct) =>
            c.Tasks.VerifyCompletionAsync(new Tasks.VerifyCompletionRequest { Id = a.Id, Version = a.Version, Remark = p.GetValue(remark) ?? "" }, c.Call(ct)).ResponseAsync,
            remark);
        var reject = Change("reject", "退办：将已确认的办结退回牵头单位（督查室）", (c, p, a, ct) =>
            c.Tasks.RejectCompletionAsync(new Tasks.RejectCompletionRequest { Id = a.Id, Version = a.Version, Reason = p.GetValue(reason)! }, c.Call(ct)).ResponseAsync,
            reason);
        var cancel = Change("cancel", "撤销交办事项及由其分解的下级事项（交办单位）", (c, p, a, ct) =>
            c.Tasks.CancelAssignmentAsync(new Tasks.CancelAssignmentRequest { Id = a.Id, Version = a.Version, Reason = p.GetValue(reason)! }, c.Call(ct)).ResponseAsync,
            reason);
        var request = Change("request", "申请延期（牵头单位负责人）", (c, p, a, ct) =>
            c.Tasks.RequestExtensionAsync(new Tasks.RequestExtensionRequest { Id = a.Id, Version = a.Version, NewDueDate = CliContext.ParseDate(p.GetValue(date), "--date"), Reason = p.GetValue(reason)! }, c.Call(ct)).ResponseAsync,
            date, reason);
        var decide = Change("decide", "审批延期申请：同意或不同意（督查室）", (c, p, a, ct) =>
        {
            if (p.GetValue(approve) == p.GetValue(refuse))
                throw new CliException("请给出 --approve 或 --refuse（二者选一）");
            return c.Tasks.DecideExtensionAsync(new Tasks.DecideExtensionRequest { Id = a.Id, Version = a.Version, Approve = p.GetValue(approve), Remark = p.GetValue(remark) ?? "" }, c.Call(ct)).ResponseAsync;
        }, approve, refuse, remark);

        var childUnit = new Option<string>("--unit") { Description = "新交办事项的牵头单位（名称或 ID）", Required = true };
        var deadline = new Option<string>("--deadline") { Description = "完成时限，按公文写法：2026年6月底前、会后7日内、每月28日前等", Required = true };
        var title = new Option<string>("--title") { Required = true };
        var decompose = new Command("decompose", "分解交办事项，交本单位的下级单位办理") { id, childUnit, deadline, title }.With(async (context, parse, ct) =>
        {
            var parent = await context.Tasks.GetAssignmentAsync(new Tasks.GetAssignmentRequest { Id = parse.GetValue(id)! }, context.Call(ct));
            var response = await context.Tasks.DecomposeAsync(new Tasks.DecomposeRequest
            {
                AssignmentId = parent.Id, ParentVersion = parent.Version,
                Assignments = { new Tasks.NewAssignment { Title = parse.GetValue(title)!, LeadUnitId = await Lookup.UnitIdAsync(context, parse.GetValue(childUnit)!, ct), DeadlineText = parse.GetValue(deadline)! } },
            }, context.Call(ct));
            foreach (var child in response.Assignments)
                context.Output.WriteLine($"已交办 {child.Id}：{child.Title}，到期日 {CliContext.Date(child.Deadline.DueDate)}");
            return 0;
        });

        return [new Command("assignments", "列出、导出交办事项") { list, export }, mine, show, accept, progress, confirm, verify, reject, cancel, decompose,
            .. EvidenceCommands.Build(),
            new Command("extension", "延期申请") { request, decide }];
    }

    private static async Task ListAsync(CliContext context, Tasks.ListAssignmentsRequest request, string[]? statuses, ParseResult parse,
        Option<string?> overdue, string? dueBefore, CancellationToken ct)
    {
        Filter(request, statuses, parse, overdue, dueBefore);
        var assignments = (await context.Tasks.ListAssignmentsAsync(request, context.Call(ct))).Assignments;
        if (context.Json)
        {
            context.WriteJson(assignments);
            return;
        }
        var units = await Lookup.UnitShortNamesAsync(context, assignments.Select(a => a.LeadUnitId), ct);
        var table = new Table("完成时限", "到期日", "状态", "进度", "牵头单位", "责任人", "事项", "ID");
        foreach (var a in assignments)
            table.Add(a.Deadline.OriginalText, CliContext.Date(a.Deadline.DueDate), Status(a.Status), $"{a.ProgressPercent}%",
                LeadName(units.GetValueOrDefault(a.LeadUnitId, ""), a.LeadCollective), a.OwnerName, PlanCommands.Short(a.Title, 36), a.Id);
        table.WriteTo(context.Output);
    }

    /// <summary>The filters list and export share: statuses, overdue as of a day, due before a day.</summary>
    private static void Filter(Tasks.ListAssignmentsRequest request, string[]? statuses, ParseResult parse, Option<string?> overdue, string? dueBefore)
    {
        foreach (var s in statuses ?? [])
            request.Statuses.Add(Enum.TryParse<Tasks.AssignmentStatus>(s.Replace("_", ""), ignoreCase: true, out var parsed)
                ? parsed : throw new CliException($"--status：未知状态“{s}”"));
        if (parse.GetResult(overdue) is not null)
        {
            var asOf = parse.GetValue(overdue);
            request.OverdueAsOf = string.IsNullOrWhiteSpace(asOf) || asOf == "today"
                ? CliContext.ParseDate(DateTime.UtcNow.AddHours(8).ToString("yyyy-MM-dd"), "--overdue")
                : CliContext.ParseDate(asOf, "--overdue");
        }
        request.DueBefore = CliContext.ParseDate(dueBefore, "--due-before");
    }

    /// <summary>The record's entry types in the office's words; an unknown type is shown as it came.</summary>
    public static string HistoryType(string type) => type switch
    {
        "ASSIGNED" => "交办",
        "ACCEPTED" => "签收",
        "PROGRESS_REPORTED" => "报送进展",
        "COMPLETION_CONFIRMED" => "确认办结",
        "COMPLETION_VERIFIED" => "核验办结",
        "COMPLETION_REJECTED" => "退办",
        "EXTENSION_REQUESTED" => "申请延期",
        "EXTENSION_APPROVED" => "同意延期",
        "EXTENSION_REFUSED" => "不同意延期",
        "CANCELLED" => "撤销",
        "DECOMPOSED" => "分解",
        "ROLLED_UP" => "汇总进度",
        _ => type,
    };

    public static string Status(Tasks.AssignmentStatus status) => status switch
    {
        Tasks.AssignmentStatus.Assigned => "已交办",
        Tasks.AssignmentStatus.Accepted => "已签收",
        Tasks.AssignmentStatus.InProgress => "推进中",
        Tasks.AssignmentStatus.CompletionRequested => "待核验",
        Tasks.AssignmentStatus.Completed => "已办结",
        Tasks.AssignmentStatus.Cancelled => "已撤销",
        _ => status.ToString(),
    };

    /// <summary>"东街道（各街道）": a member's share of a collective says which collective it came from.</summary>
    internal static string LeadName(string unit, string collective) => collective.Length == 0 ? unit : $"{unit}（{collective}）";
}
