using System.Text.RegularExpressions;
using Duban.Cli;
using Duban.Harness.Postgres;
using Duban.Harness.Processes;
using Duban.ServiceDefaults.Auth;
using Grpc.Core;
using Grpc.Net.Client;
using Tasks = Duban.Contracts.Tasks.V1;
using Units = Duban.Contracts.Units.V1;

namespace Duban.Local;

/// <summary>
/// The main job on the sample, the first time the system runs: the "Implementation Plan" imported as a 任务分解表,
/// two of its assignments decomposed to working groups (a third level), some progress, the first scan and the
/// current week's review. Every run then shows the plan tree, the open notices and the bulletin.
/// </summary>
public static class SampleJob
{
    private const string PlanTitle = "贯彻落实《加快XX工业园区高质量发展实施方案》任务分解表";

    public static async Task RunAsync(LocalLayout layout, PostgresCluster cluster, byte[] key, LocalRobots robots, CancellationToken ct)
    {
        var office = await SamplePeople.FindAsync(cluster.ConnectionString("duban_units"), "周敏");
        var officeToken = LocalTokens.Mint(key, office?.PersonId ?? "office", office?.UnitId ?? "", [DubanRoles.Office], TimeSpan.FromHours(1), "周敏");
        string[] Common(string token) => ["--token", token];

        var plans = await CaptureAsync(["plan", "list", "--json", .. Common(officeToken)], ct);
        var planId = Regex.Match(plans, "\"id\": \"([0-9a-f-]{36})\"[^}]*?\"title\": \"" + Regex.Escape(PlanTitle) + "\"", RegexOptions.Singleline).Groups[1].Value;
        if (planId.Length == 0)
            planId = await LoadAsync(layout, cluster, key, officeToken, robots, ct);

        Section("计划任务树（滚动汇总进度）");
        await ShowAsync(["plan", "show", planId, .. Common(officeToken)], ct);
        Section("首次扫描后的未解除提醒（逾期、即将到期、升级督办）");
        await ShowAsync(["notices", "--open", .. Common(officeToken)], ct);
        Section("本周调度通报");
        var review = await CaptureAsync(["review", "run", "--week", "current", "--scope", "党工委", .. Common(officeToken)], ct);
        var reviewId = Regex.Match(review, @"（周调度 ([0-9a-f-]{36})）").Groups[1].Value;
        await ShowAsync(["review", "show", reviewId, .. Common(officeToken)], ct);
    }

    private static async Task<string> LoadAsync(LocalLayout layout, PostgresCluster cluster, byte[] key, string officeToken, LocalRobots robots,
        CancellationToken ct)
    {
        ServiceProcess.Write("sample", "importing the “Implementation Plan” as a 任务分解表 …");
        var csv = Path.Combine(layout.Repo.Root, "samples", "implementation-plan.csv");
        var imported = await CaptureAsync(["plan", "import", csv, "--issuer", "党工委", "--issue-date", "2026-03-01", "--title", PlanTitle, "--token", officeToken], ct);
        var planId = Regex.Match(imported, @"（计划 ([0-9a-f-]{36})）").Groups[1].Value;
        ServiceProcess.Write("sample", imported.Trim());

        using var channel = GrpcChannel.ForAddress("http://127.0.0.1:5201");
        var tasks = new Tasks.TasksService.TasksServiceClient(channel);
        Metadata As(string token) => new() { { "Authorization", "Bearer " + token } };
        var all = (await tasks.ListAssignmentsAsync(new Tasks.ListAssignmentsRequest { PlanId = planId, PageSize = 1000 }, As(officeToken), cancellationToken: ct)).Assignments;

        // The leads of 经发局 and 财政局 break their work down for their working groups: a third level.
        foreach (var (leadName, unitShort, teamCode, match, childTitle, deadline) in new[]
        {
            ("陈志刚", "经发局", "park-jfj-cj", "承接方案", "赴省发改委、省工信厅对接承接事项清单", "2026年5月底前"),
            ("杨帆", "财政局", "park-czj-jzx", "集装箱运输", "起草支持集装箱运输发展的专门请示", "2026年4月20日前"),
        })
        {
            var lead = await SamplePeople.FindAsync(cluster.ConnectionString("duban_units"), leadName);
            var teamId = await SamplePeople.UnitIdAsync(cluster.ConnectionString("duban_units"), teamCode);
            var leadToken = LocalTokens.Mint(key, lead!.PersonId, lead.UnitId, [DubanRoles.Lead], TimeSpan.FromHours(1), leadName);
            var parent = all.First(a => a.LeadUnitId == lead.UnitId && a.Title.Contains(match));
            var accepted = await tasks.AcceptAssignmentAsync(new Tasks.AcceptAssignmentRequest { Id = parent.Id, Version = parent.Version }, As(leadToken), cancellationToken: ct);
            await tasks.DecomposeAsync(new Tasks.DecomposeRequest
            {
                AssignmentId = parent.Id, ParentVersion = accepted.Version, RequestId = "sample:" + teamCode,
                Assignments = { new Tasks.NewAssignment { Title = childTitle, LeadUnitId = teamId, DeadlineText = deadline } },
            }, As(leadToken), cancellationToken: ct);
            ServiceProcess.Write("sample", $"{leadName}（{unitShort}）decomposed “{parent.Title[..Math.Min(16, parent.Title.Length)]}…” to its working group");
        }

        // Some units have started: progress reported by their leads.
        foreach (var (leadName, match, percent, note) in new[]
        {
            ("冯军", "15个专业码头", 60, "集装箱、滚装码头前期已完成"),
            ("高翔", "宣传工作方案", 100, "宣传方案已印发"),
            ("曹雪", "国土空间总体规划", 40, "规划初稿已形成"),
        })
        {
            var lead = await SamplePeople.FindAsync(cluster.ConnectionString("duban_units"), leadName);
            var token = LocalTokens.Mint(key, lead!.PersonId, lead.UnitId, [DubanRoles.Lead], TimeSpan.FromHours(1), leadName);
            var assignment = all.First(a => a.LeadUnitId == lead.UnitId && a.Title.Contains(match));
            var accepted = await tasks.AcceptAssignmentAsync(new Tasks.AcceptAssignmentRequest { Id = assignment.Id, Version = assignment.Version }, As(token), cancellationToken: ct);
            var reported = await tasks.ReportProgressAsync(new Tasks.ReportProgressRequest { Id = assignment.Id, Version = accepted.Version, Percent = percent, Narrative = note },
                As(token), cancellationToken: ct);
            if (percent == 100)
                await tasks.ConfirmCompletionAsync(new Tasks.ConfirmCompletionRequest { Id = assignment.Id, Version = reported.Version, Evidence = note }, As(token), cancellationToken: ct);
        }

        // 经发局's group robots, so the first scan's notices of its work reach its 钉钉 and 企业微信 groups too.
        using (var unitsChannel = GrpcChannel.ForAddress("http://127.0.0.1:5101"))
        {
            var units = new Units.UnitsService.UnitsServiceClient(unitsChannel);
            var unitId = await SamplePeople.UnitIdAsync(cluster.ConnectionString("duban_units"), LocalRobots.UnitCode);
            var unit = await units.GetUnitAsync(new Units.GetUnitRequest { Id = unitId }, As(officeToken), cancellationToken: ct);
            await units.SetUnitRobotsAsync(new Units.SetUnitRobotsRequest
            {
                UnitId = unitId, Version = unit.Version, UpdateMask = Google.Protobuf.WellKnownTypes.FieldMask.FromString("dingtalk,wecom"),
                Dingtalk = new() { WebhookUrl = robots.DingTalkUrl, Secret = robots.DingTalkSecret }, Wecom = new() { WebhookUrl = robots.WeComUrl },
            }, As(officeToken), cancellationToken: ct);
            ServiceProcess.Write("sample", $"{unit.ShortName}'s 钉钉 and 企业微信 robots set to the local receiver ({robots.MessagesUrl})");
        }

        // Give supervision a moment to follow the feed, then the first scan.
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        ServiceProcess.Write("sample", (await CaptureAsync(["scan", "--token", officeToken], ct)).Trim());
        return planId;
    }

    private static void Section(string title)
    {
        Console.WriteLine();
        Console.WriteLine($"━━ {title} ━━");
    }

    private static async Task ShowAsync(string[] args, CancellationToken ct)
    {
        var exit = await CliApp.RunAsync(args, Console.Out, Console.Error, ct);
        if (exit != 0)
            throw new InvalidOperationException($"`duban {string.Join(' ', args.TakeWhile(a => a != "--token"))}` failed");
    }

    private static async Task<string> CaptureAsync(string[] args, CancellationToken ct)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        if (await CliApp.RunAsync(args, output, error, ct) != 0)
            throw new InvalidOperationException($"`duban {string.Join(' ', args.TakeWhile(a => a != "--token"))}` failed: {error.ToString().Trim()}");
        return output.ToString();
    }
}
