using System.Net;
using System.Text.RegularExpressions;
using Duban.Contracts.Supervision.V1;
using Duban.Contracts.Tasks.V1;
using Duban.Contracts.Units.V1;
using Duban.ServiceDefaults.Auth;

namespace Duban.Bench;

/// <summary>
/// The workbench's pages rendered on the server over the supervision benchmark's data: the office signs in (the local
/// sign-in page, as a person does) and asks for the dashboard, the ledger's first page and a filtered page, one after
/// another. Beside each page, its ceiling: the services' calls that page makes for its data, made directly.
/// </summary>
public static class WorkbenchBenchmark
{
    public static async Task<List<string>> RunAsync(BenchEnvironment env, string scopeUnitId, int supervisionGrpcPort, int iterations)
    {
        var units = new UnitsService.UnitsServiceClient(env.Channel(TasksSetup.UnitsGrpcPort, DubanRoles.Office));
        var officeUnit = await units.CreateUnitAsync(new CreateUnitRequest
        {
            Code = "bench-dcs", Name = "基准测试督查室", ShortName = "督查室", LevelCode = "department", ParentId = scopeUnitId, Kind = "督查机构",
        });
        var inspector = await units.CreatePersonAsync(new CreatePersonRequest
        {
            Name = "督查员", Roles = { new RoleInUnit { UnitId = officeUnit.Id, Role = UnitRole.Lead } },
        });
        var webHttp = TasksSetup.FreePorts(15400);
        var (web, _) = await env.StartServiceProcessAsync("web", "Duban.Web", "Web", "bench_web", webHttp, 0, new Dictionary<string, string>
        {
            ["Units:Address"] = $"http://127.0.0.1:{TasksSetup.UnitsGrpcPort}",
            ["Tasks:Address"] = $"http://127.0.0.1:{TasksSetup.TasksGrpcPort}",
            ["Supervision:Address"] = $"http://127.0.0.1:{supervisionGrpcPort}",
        });

        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = true })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{webHttp}"), Timeout = TimeSpan.FromMinutes(2),
        };
        var form = await http.GetStringAsync("/signin");
        var antiforgery = Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        using var signIn = await http.PostAsync("/signin/local", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["personId"] = inspector.Id, ["unitId"] = officeUnit.Id, ["__RequestVerificationToken"] = antiforgery,
        }));
        TasksSetup.Expect(signIn.IsSuccessStatusCode && signIn.RequestMessage!.RequestUri!.AbsolutePath == "/", "the office signed in to the workbench");

        // The office as the pages' calls carry it: the same person, unit and role.
        var supervision = new SupervisionService.SupervisionServiceClient(env.Channel(supervisionGrpcPort, inspector.Id, officeUnit.Id, DubanRoles.Office));
        var tasks = new TasksService.TasksServiceClient(env.Channel(TasksSetup.TasksGrpcPort, inspector.Id, officeUnit.Id, DubanRoles.Office));
        var bureau = (await tasks.ListAssignmentsAsync(new ListAssignmentsRequest { PageSize = 1 })).Assignments.Single().LeadUnitId;
        var filtered = new ListAssignmentsRequest { LeadUnitId = bureau, IncludeSubtree = true, Statuses = { AssignmentStatus.Assigned }, PageSize = 20 };

        async Task Page(string path, string marker)
        {
            var html = await http.GetStringAsync(path);
            // A page that rendered a refusal or the sign-in page instead is not a measurement.
            var refusal = Regex.Match(html, "class=\"wb-error\"[^>]*>([^<]*)<");
            TasksSetup.Expect(html.Contains(marker) && !refusal.Success, $"{path} rendered ({marker}){(refusal.Success ? ": " + refusal.Groups[1].Value : "")}");
        }
        // The ledger's calls, as the page makes them: the filter's choices (units, plans), the page, its units' names, its lights.
        var callTimes = new Dictionary<string, List<double>>();
        async Task<T> Timed<T>(string name, Func<Task<T>> call)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var result = await call();
            (callTimes.TryGetValue(name, out var list) ? list : callTimes[name] = []).Add(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return result;
        }
        async Task LedgerCalls(ListAssignmentsRequest request)
        {
            await Timed("ListUnits", async () => await units.ListUnitsAsync(new ListUnitsRequest { PageSize = 500 }));
            await Timed("ListPlans", async () => await tasks.ListPlansAsync(new ListPlansRequest { PageSize = 100, OmitCounts = true }));
            var page = await Timed("ListAssignments", async () => await tasks.ListAssignmentsAsync(request));
            await Timed("BatchGetUnits", async () => await units.BatchGetUnitsAsync(new BatchGetUnitsRequest
            {
                Ids = { page.Assignments.SelectMany(a => a.CoUnitIds.Append(a.LeadUnitId)).Distinct() },
            }));
            if (page.Assignments.Count > 0)
                await Timed("BatchGetUrgingLevels", async () => await supervision.BatchGetUrgingLevelsAsync(new BatchGetUrgingLevelsRequest
                {
                    AssignmentIds = { page.Assignments.Select(a => a.Id) },
                }));
        }

        Console.WriteLine($"workbench: {iterations} renders of each page, one after another ...");
        var lines = new List<string> { "workbench pages rendered on the server (the office, signed in), beside the data calls each page makes:" };
        // Supervision keeps every unit's counts and the scope's tree between requests (Dashboard:RefreshSeconds): what one
        // counting costs is what the first request pays, and what a refresh in the background costs while the page is in use.
        var cold = System.Diagnostics.Stopwatch.GetTimestamp();
        var counted = await supervision.GetDashboardAsync(new GetDashboardRequest { ScopeUnitId = scopeUnitId });
        lines.Add($"  GetDashboard counted afresh (the first request): {System.Diagnostics.Stopwatch.GetElapsedTime(cold).TotalMilliseconds:0} ms "
            + $"for {counted.Total:N0} assignments ({counted.Red:N0} red, {counted.Yellow:N0} yellow, {counted.Blue:N0} blue)");
        Console.WriteLine(lines[^1]);
        async Task Row(string name, Func<Task> render, Func<Task> calls)
        {
            try
            {
                var page = await Latency.MeasureAsync(iterations, _ => render(), warmup: 5);
                var ceiling = await Latency.MeasureAsync(iterations, _ => calls(), warmup: 5);
                lines.Add($"  {name,-24} page    {page.Summary}");
                lines.Add($"  {"",-24} calls   {ceiling.Summary}   page p99 ÷ calls p99 {page.Percentile(99) / ceiling.Percentile(99):0.0}×");
                if (callTimes.Count > 0)
                    lines.Add($"  {"",-24} each call's median: " + string.Join(", ", callTimes.Select(c => $"{c.Key} {c.Value.Order().ElementAt(c.Value.Count / 2):0} ms")));
                callTimes.Clear();
            }
            catch (Exception e) when (e is InvalidOperationException or HttpRequestException or Grpc.Core.RpcException or TaskCanceledException)
            {
                lines.Add($"  {name,-24} FAILED: {e.Message}");
            }
            Console.WriteLine(string.Join(Environment.NewLine, lines.TakeLast(2)));
        }
        await Row("驾驶舱 /", () => Page("/", "data-count=\"total\""),
            async () => await supervision.GetDashboardAsync(new GetDashboardRequest { ScopeUnitId = scopeUnitId }));
        await Row("台账首页 /ledger", () => Page("/ledger", "data-test=\"ledger\""), () => LedgerCalls(new ListAssignmentsRequest { PageSize = 20 }));
        await Row("台账筛选 单位+下级+状态", () => Page($"/ledger?unit={bureau}&subtree=1&status=assigned", "data-test=\"ledger\""), () => LedgerCalls(filtered));
        await env.StopServiceAsync(web);
        return lines;
    }
}
