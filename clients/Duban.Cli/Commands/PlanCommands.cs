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
        var file = new Argument<FileInfo>("file") { Description = "a 任务分解表 (.xlsx, .csv, .tsv) or a plan (.docx, .txt), in UTF-8, UTF-16 or GBK" };
        var issuer = new Option<string>("--issuer") { Description = "the issuing unit (name or id)", Required = true };
        var title = new Option<string?>("--title") { Description = "the plan's title (default: the document's)" };
        var issued = new Option<string?>("--issue-date") { Description = "yyyy-mm-dd (default: today)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "show what would be stored, and every problem; store nothing" };
        var sheet = new Option<string?>("--sheet") { Description = "the sheet of an .xlsx to read (default: the first)" };
        var import = new Command("import", "import a plan in one call") { file, issuer, title, issued, sheet, dryRun }.With(async (context, parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
                throw new CliException($"no file {path.FullName}");
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
            WriteProblems(context, response);
            foreach (var warning in response.Warnings)
                context.Output.WriteLine($"warning  line {warning.Line} {warning.Field}: {warning.Message}");
            if (response.Plan is { } plan)
                context.Output.WriteLine($"imported {plan.Title}: {plan.ItemCount} items, {plan.AssignmentCount} assignments  (plan {plan.Id})");
            else if (response.Problems.Count == 0)
                context.Output.WriteLine($"dry run: {response.Items.Count} items, {response.Assignments.Count} assignments, no problems; nothing stored");
            return response.Problems.Count == 0 ? 0 : 1;
        });

        var planId = new Argument<string>("plan") { Description = "plan id" };
        var show = new Command("show", "the plan's tree with rolled-up progress") { planId }.With(async (context, parse, ct) =>
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

        var all = new Option<bool>("--all") { Description = "withdrawn plans too" };
        var list = new Command("list", "plans") { all }.With(async (context, parse, ct) =>
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

        var withdrawn = new Argument<string>("plan") { Description = "plan id" };
        var reason = new Option<string>("--reason") { Description = "why it is withdrawn (written into each cancelled assignment's history)", Required = true };
        var force = new Option<bool>("--force") { Description = "cancel assignments awaiting verification (待核验) too" };
        var withdraw = new Command("withdraw", "撤回: withdraw a plan, cancelling its open assignments (the office)") { withdrawn, reason, force }
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
        return [new Command("plan", "plans: import, show, list, withdraw") { import, show, list, withdraw }];
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

    private static void WriteProblems(CliContext context, Tasks.ImportPlanResponse response)
    {
        if (response.DetectedFormat.Length > 0)
            context.Output.WriteLine($"读取为 {ReadAs(response)}");
        foreach (var problem in response.Problems)
            context.Output.WriteLine($"problem  line {problem.Line} {problem.Field}: {problem.Message}"
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
