using System.CommandLine;
using Duban.Cli.Output;
using Google.Protobuf;
using Grpc.Core;
using Tasks = Duban.Contracts.Tasks.V1;

namespace Duban.Cli.Commands;

/// <summary>`duban plan import|show|list`.</summary>
public static class PlanCommands
{
    public static IEnumerable<Command> Build()
    {
        var file = new Argument<FileInfo>("file") { Description = "任务分解表（.xlsx、.csv、.tsv）或提纲（.docx、.txt），UTF-8、UTF-16 或 GBK 编码均可" };
        var issuer = new Option<string>("--issuer") { Description = "印发单位（名称或 ID）", Required = true };
        var title = new Option<string?>("--title") { Description = "计划标题（默认：取文件中的标题）" };
        var issued = new Option<string?>("--issue-date") { Description = "印发日期（yyyy-mm-dd；默认：今天）" };
        var dryRun = new Option<bool>("--dry-run") { Description = "试导入：列出拟保存内容和全部问题，不保存" };
        var sheet = new Option<string?>("--sheet") { Description = ".xlsx 中要读取的工作表（默认：第一个）" };
        var import = new Command("import", "导入计划（一次调用）") { file, issuer, title, issued, sheet, dryRun }.With(async (context, parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
                throw new CliException($"找不到文件 {path.FullName}");
            // The file as it is: the service reads its kind and encoding from the bytes (an Excel CSV on Chinese Windows is GBK).
            var request = new Tasks.ImportPlanRequest
            {
                IssuingUnitId = await Lookup.UnitIdAsync(context, parse.GetValue(issuer)!, ct),
                Title = parse.GetValue(title) ?? "",
                IssueDate = CliContext.ParseDate(parse.GetValue(issued), "--issue-date"),
                Document = ByteString.CopyFrom(await File.ReadAllBytesAsync(path.FullName, ct)),
                FileName = path.Name,
                Sheet = parse.GetValue(sheet) ?? "",
            };
            // The same import run again (the same file, issuer, title and date) gets the plan of the first run, not a second
            // copy; a dry run and the real import are one request.
            var identity = request.Clone();
            identity.DryRun = false;
            request.RequestId = $"cli:{path.Name}:{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(identity.ToByteArray()))[..16]}";
            request.DryRun = parse.GetValue(dryRun);
            var response = await ImportAsync(context, request, ct);
            if (context.Json)
            {
                context.WriteJson(response);
                return response.Problems.Count == 0 ? 0 : 1;
            }
            WriteProblems(context, response, withItems: request.DryRun);
            foreach (var warning in response.Warnings)
                context.Output.WriteLine($"提示  第 {warning.Line} 行 {warning.Field}：{warning.Message}");
            if (response.Plan is { } plan)
                context.Output.WriteLine($"已导入 {plan.Title}：事项 {plan.ItemCount} 项，交办 {plan.AssignmentCount} 项（计划 {plan.Id}）");
            else if (response.Problems.Count == 0)
                context.Output.WriteLine($"试导入：事项 {response.Items.Count} 项，交办 {response.Assignments.Count} 项，没有问题；未保存");
            return response.Problems.Count == 0 ? 0 : 1;
        });

        var planId = new Argument<string>("plan") { Description = "计划 ID" };
        var show = new Command("show", "查看计划任务树及汇总进度") { planId }.With(async (context, parse, ct) =>
        {
            var tree = await context.Tasks.GetPlanTreeAsync(new Tasks.GetPlanTreeRequest { PlanId = parse.GetValue(planId)! }, context.Call(ct));
            if (context.Json)
            {
                context.WriteJson(tree);
                return 0;
            }
            var c = tree.Counts;
            context.Output.WriteLine($"{tree.Plan.Title}  进度 {tree.ProgressPercent}%  交办 {c.Total}  已办结 {c.Completed}  待核验 {c.CompletionRequested}  逾期 {c.Overdue}");
            var table = new Table("编号", "事项", "进度", "交办", "逾期");
            foreach (var node in tree.Nodes)
                table.Add(node.Item.PathLabel, new string(' ', 2 * node.Depth) + Short(node.Item.Text, 40), $"{node.ProgressPercent}%", node.Counts.Total, node.Counts.Overdue);
            table.WriteTo(context.Output);
            return 0;
        });

        var all = new Option<bool>("--all") { Description = "包括已撤回的计划" };
        var list = new Command("list", "列出计划") { all }.With(async (context, parse, ct) =>
        {
            var plans = (await context.Tasks.ListPlansAsync(new Tasks.ListPlansRequest { PageSize = 200, IncludeWithdrawn = parse.GetValue(all) },
                context.Call(ct))).Plans;
            if (context.Json)
                context.WriteJson(plans);
            else
            {
                var table = new Table("计划", "印发日期", "事项", "交办", "状态", "ID");
                foreach (var p in plans)
                    table.Add(p.Title, CliContext.Date(p.IssueDate), p.ItemCount, p.AssignmentCount, p.Status == Tasks.PlanStatus.Withdrawn ? "已撤回" : "", p.Id);
                table.WriteTo(context.Output);
            }
            return 0;
        });

        var withdrawn = new Argument<string>("plan") { Description = "计划 ID" };
        var reason = new Option<string>("--reason") { Description = "撤回原因（写入每项被撤销交办事项的记录）", Required = true };
        var force = new Option<bool>("--force") { Description = "待核验的交办事项一并撤销" };
        var withdraw = new Command("withdraw", "撤回计划，撤销其未办结的交办事项（督查室）") { withdrawn, reason, force }
            .With(async (context, parse, ct) =>
            {
                var response = await context.Tasks.WithdrawPlanAsync(new Tasks.WithdrawPlanRequest
                {
                    Id = parse.GetValue(withdrawn)!, Reason = parse.GetValue(reason)!, Force = parse.GetValue(force),
                }, context.Call(ct, 300));
                if (context.Json)
                    context.WriteJson(response);
                else
                    context.Output.WriteLine($"已撤回 {response.Plan.Title}：撤销交办事项 {response.CancelledCount} 项");
                return 0;
            });
        return [new Command("plan", "计划：导入、查看、列出、撤回") { import, show, list, withdraw }];
    }

    /// <summary>
    /// The import. A refusal names only the first problems when there are many (they travel in a trailer): then the
    /// dry run's body, which holds every one, is printed before the refusal itself.
    /// </summary>
    private static async Task<Tasks.ImportPlanResponse> ImportAsync(CliContext context, Tasks.ImportPlanRequest request, CancellationToken ct)
    {
        try
        {
            return await context.Tasks.ImportPlanAsync(request, context.Call(ct, 600));
        }
        catch (RpcException refused) when (refused.StatusCode == StatusCode.InvalidArgument && !request.DryRun && IsCapped(refused))
        {
            if (await DryRunWithProblemsAsync(context, request, ct) is { } checkedOnly)
            {
                if (context.Json)
                    context.WriteJson(checkedOnly);
                else
                    WriteProblems(context, checkedOnly);
            }
            throw;
        }
    }

    /// <summary>What the service read the file as, in the office's words: "xlsx", "CSV（GB18030）", "docx（提纲）".</summary>
    public static string ReadAs(Tasks.ImportPlanResponse response)
    {
        var format = response.DetectedFormat switch
        {
            "csv" => "CSV",
            "tsv" => "TSV",
            "outline" => "提纲",
            "docx" => "docx（提纲）",
            "docx-table" => "docx（表格）",
            var other => other,
        };
        return response.Encoding.Length > 0 ? $"{format}（{response.Encoding}）" : format;
    }

    private static bool IsCapped(RpcException refused) =>
        refused.GetRpcStatus()?.GetDetail<Google.Rpc.BadRequest>()?.FieldViolations is { Count: > 0 } violations
        && violations[^1] is { Field: "request" } last && last.Description.Contains("more problems", StringComparison.Ordinal);

    /// <summary>A dry run's items as the document gives them, each deadline's wording beside what it was read as.</summary>
    private static void WriteItems(CliContext context, Tasks.ImportPlanResponse response)
    {
        var deadlines = response.Assignments.GroupBy(a => a.ItemId).ToDictionary(g => g.Key, g => g.First().Deadline);
        var table = new Table("编号", "事项", "牵头单位", "配合单位", "责任人", "完成时限");
        foreach (var item in response.Items)
        {
            var r = item.Responsibility ?? new Tasks.ItemResponsibility();
            var deadline = r.DeadlineText.Length == 0 ? ""
                : deadlines.TryGetValue(item.Id, out var read) ? $"{r.DeadlineText} → {DeadlineReadAs(read)}" : r.DeadlineText;
            table.Add(item.PathLabel, Short(item.Text, 24), Short(string.Join("、", r.LeadUnits), 16), Short(string.Join("、", r.CoUnits), 16),
                Short(r.Owner, 8), deadline);
        }
        table.WriteTo(context.Output);
    }

    /// <summary>What a deadline was read as, in the office's words.</summary>
    private static string DeadlineReadAs(Tasks.Deadline d) => d.Kind switch
    {
        Tasks.DeadlineKind.Fixed or Tasks.DeadlineKind.Milestones => CliContext.Date(d.DueDate),
        Tasks.DeadlineKind.Relative => $"{CliContext.Date(d.DueDate)}（{d.Relative?.Count}{d.Relative?.Unit switch
        {
            Tasks.PeriodUnit.WorkingDays => "个工作日",
            Tasks.PeriodUnit.Weeks => "周",
            Tasks.PeriodUnit.Months => "个月",
            _ => "日",
        }}）",
        Tasks.DeadlineKind.Recurring => d.NextReportDates.Count > 0 ? $"定期报送，下次 {CliContext.Date(d.NextReportDates[0])}" : "定期报送",
        Tasks.DeadlineKind.Ongoing => d.ReportRule is null ? "长期（未写报送要求）" : $"长期，下次报送 {CliContext.Date(d.NextReportDates.FirstOrDefault())}",
        Tasks.DeadlineKind.Invalid => "无法识别",
        _ => "",
    };

    /// <summary>What the file was read as, a dry run's items (<paramref name="withItems"/>), then every problem.</summary>
    private static void WriteProblems(CliContext context, Tasks.ImportPlanResponse response, bool withItems = false)
    {
        if (response.DetectedFormat.Length > 0)
            context.Output.WriteLine($"读取为 {ReadAs(response)}");
        if (withItems && response.Items.Count > 0)
            WriteItems(context, response);
        foreach (var problem in response.Problems)
            context.Output.WriteLine($"问题  第 {problem.Line} 行 {problem.Field}：{problem.Message}"
                + (problem.Suggestions.Count > 0 ? $"（是否为：{string.Join("、", problem.Suggestions.Select(s => s.Name))}）" : ""));
    }

    private static async Task<Tasks.ImportPlanResponse?> DryRunWithProblemsAsync(CliContext context, Tasks.ImportPlanRequest request,
        CancellationToken ct)
    {
        var dryRun = request.Clone();
        dryRun.DryRun = true;
        try
        {
            var response = await context.Tasks.ImportPlanAsync(dryRun, context.Call(ct, 600));
            return response.Problems.Count > 0 ? response : null;
        }
        catch (RpcException)
        {
            return null;
        }
    }

    public static string Short(string text, int cells)
    {
        if (Table.Width(text) <= cells)
            return text;
        var cut = "";
        foreach (var rune in text.EnumerateRunes())
        {
            if (Table.Width(cut + rune) > cells - 1)
                break;
            cut += rune;
        }
        return cut + "…";
    }
}
