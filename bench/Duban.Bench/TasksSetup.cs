using System.Net;
using System.Net.Sockets;
using System.Text;
using Duban.Contracts.Tasks.V1;
using Duban.Contracts.Units.V1;
using Duban.ServiceDefaults.Auth;
using Grpc.Core;

namespace Duban.Bench;

/// <summary>A department that leads assignments, with its lead (局长), who alone may confirm completion.</summary>
public sealed record Department(string Id, string Name, string ShortName, string LeadPersonId, string LeadName);

/// <summary>
/// The units and tasks services on one throwaway cluster, an issuing unit (管委会) with 20 departments and
/// a lead for each, created through the units API, and generated 任务分解表 plans for them.
/// </summary>
public sealed class TasksSetup
{
    // Fixed ports, moved up by 10 when a leftover process still holds them (a run killed before it stopped its services).
    private static readonly int UnitsHttpPort = FreePorts(15100);
    public static readonly int UnitsGrpcPort = UnitsHttpPort + 1;
    private static readonly int TasksHttpPort = FreePorts(15200);
    public static readonly int TasksGrpcPort = TasksHttpPort + 1;

    public static Dictionary<string, string> TasksSettings => new() { ["Units:Address"] = $"http://127.0.0.1:{UnitsGrpcPort}" };

    private static readonly (string Short, string Full, string Lead)[] Bureaus =
    [
        ("财政局", "财政局", "杨帆"), ("经发局", "经济发展局", "陈志刚"), ("组人部", "组织人事部", "周敏"), ("金融办", "金融工作办公室", "王海涛"),
        ("宣传办", "宣传办公室", "李静"), ("交通局", "交通运输局", "赵建国"), ("住建局", "住房和城乡建设局", "孙立新"), ("资规局", "自然资源和规划局", "吴晓东"),
        ("生态环境局", "生态环境局", "郑丽华"), ("应急局", "应急管理局", "冯伟"), ("商务局", "商务局", "何明"), ("科技局", "科技局", "许文博"),
        ("教育局", "教育局", "高晓燕"), ("卫健局", "卫生健康局", "林国栋"), ("民政局", "民政局", "罗丹"), ("人社局", "人力资源和社会保障局", "梁宏"),
        ("农业农村局", "农业农村局", "宋志强"), ("水务局", "水务局", "唐雪梅"), ("市场监管局", "市场监督管理局", "韩磊"), ("审计局", "审计局", "曹永军"),
    ];

    private static readonly string[] Topics =
    [
        "招商引资", "项目建设", "安全生产", "环境整治", "营商环境", "乡村振兴", "数字化转型", "民生实事", "审批改革", "园区开发",
        "人才引进", "债务化解", "城市更新", "产业升级", "河湖长制", "文明创建", "老旧小区改造", "集装箱运输", "产业转移", "金融服务",
    ];

    private static readonly string[] KeyTaskForms = ["深入推进{0}", "全面加强{0}工作", "加快{0}攻坚", "持续优化{0}", "扎实开展{0}专项行动"];

    private static readonly string[] MeasureForms =
    [
        "梳理{0}支持政策，形成专门请示报管委会审定",
        "到省市有关部门对接跑办{0}事项，逐项建立台账",
        "制定{0}年度工作方案，明确时间表和路线图",
        "组织开展{0}督导检查，发现问题限期整改",
        "建立{0}月调度机制，按月报送进展情况",
        "拿出{0}承接方案，落实责任单位和责任人",
        "完善{0}考核办法，纳入年度综合考核",
    ];

    // The wordings offices use: a date, a month end, a day of the plan's year, a monthly report duty, ongoing work.
    private static readonly string[] Deadlines = ["2026年6月底前", "12月15日前", "每月28日前", "长期坚持", "2026年9月30日前", "2026年12月底前"];

    private TasksSetup(BenchEnvironment env, string tasksConnectionString, Unit issuer, IReadOnlyList<Department> departments)
    {
        Env = env;
        TasksConnectionString = tasksConnectionString;
        Issuer = issuer;
        Departments = departments;
        Office = new TasksService.TasksServiceClient(env.Channel(TasksGrpcPort, DubanRoles.Office));
    }

    public BenchEnvironment Env { get; }
    public string TasksConnectionString { get; }
    public Unit Issuer { get; }
    public IReadOnlyList<Department> Departments { get; }
    public TasksService.TasksServiceClient Office { get; }

    /// <summary>Starts units and tasks; <paramref name="tasksSettings"/> are added to the tasks service's settings.</summary>
    public static async Task<TasksSetup> StartAsync(BenchEnvironment env, IReadOnlyDictionary<string, string>? tasksSettings = null)
    {
        await env.StartServiceAsync("units", "Duban.Units", "Units", "bench_units", UnitsHttpPort, UnitsGrpcPort);
        var settings = TasksSettings;
        foreach (var (key, value) in tasksSettings ?? new Dictionary<string, string>())
            settings[key] = value;
        var tasks = await env.StartServiceAsync("tasks", "Duban.Tasks", "Tasks", "bench_tasks", TasksHttpPort, TasksGrpcPort, settings);

        var units = new UnitsService.UnitsServiceClient(env.Channel(UnitsGrpcPort, DubanRoles.Office));
        var issuer = await units.CreateUnitAsync(new CreateUnitRequest
        {
            Code = "bench-park", Name = "临江经济技术开发区管委会", ShortName = "管委会", LevelCode = "district", Kind = "政府",
        });
        var departments = new List<Department>();
        for (var i = 0; i < Bureaus.Length; i++)
        {
            var (shortName, full, lead) = Bureaus[i];
            var unit = await units.CreateUnitAsync(new CreateUnitRequest
            {
                Code = $"bench-d{i:00}", Name = "临江经开区" + full, ShortName = shortName, LevelCode = "department", ParentId = issuer.Id, Kind = "部门",
            });
            var person = await units.CreatePersonAsync(new CreatePersonRequest
            {
                Name = lead, Roles = { new RoleInUnit { UnitId = unit.Id, Role = UnitRole.Lead, Title = "局长" } },
            });
            departments.Add(new Department(unit.Id, unit.Name, shortName, person.Id, lead));
        }
        return new TasksSetup(env, tasks, issuer, departments);
    }

    /// <summary>
    /// A 任务分解表 of <paramref name="measures"/> rows: key tasks of 3 to 7 measures each, every measure led by one
    /// department (by short name) with up to two co-units, its lead as 责任人 and a deadline as offices write it.
    /// Every measure becomes one assignment; key tasks and measures become plan items.
    /// </summary>
    public (string Table, int Items) GenerateTable(int measures, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder(measures * 200);
        text.AppendLine("序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限");
        var keyTasks = 0;
        var previous = "";
        for (var written = 0; written < measures; keyTasks++)
        {
            var topic = Topics[random.Next(Topics.Length)];
            var keyTask = string.Format(KeyTaskForms[random.Next(KeyTaskForms.Length)], topic);
            // The text of the key task above, repeated, reads as a filled-down merged cell: the same key task.
            if (keyTask == previous)
            {
                keyTasks--;
                continue;
            }
            previous = keyTask;
            var count = Math.Min(random.Next(3, 8), measures - written);
            for (var m = 0; m < count; m++, written++)
            {
                var lead = random.Next(Departments.Count);
                var co = Enumerable.Range(0, random.Next(3)).Select(_ => random.Next(Departments.Count)).Where(d => d != lead).Distinct()
                    .Select(d => Departments[d].ShortName);
                var measure = string.Format(MeasureForms[random.Next(MeasureForms.Length)], topic) + $"（{written + 1}）";
                text.Append(m == 0 ? $"{keyTasks + 1},{keyTask}," : ",,").Append(measure).Append(',')
                    .Append(Departments[lead].ShortName).Append(",\"").AppendJoin('、', co).Append("\",局长")
                    .Append(Departments[lead].LeadName).Append(',').Append(Deadlines[random.Next(Deadlines.Length)]).Append('\n');
            }
        }
        return (text.ToString(), keyTasks + measures);
    }

    public ImportPlanRequest ImportRequest(string title, string table) => new()
    {
        Title = title,
        IssuingUnitId = Issuer.Id,
        IssueDate = new Google.Type.Date { Year = 2026, Month = 1, Day = 5 },
        TableText = table,
        Source = "年度重点工作",
    };

    /// <summary>Imports a generated plan and checks it stored every item and assignment.</summary>
    public async Task<Plan> ImportAsync(string title, int measures, int seed)
    {
        var (table, items) = GenerateTable(measures, seed);
        var response = await Office.ImportPlanAsync(ImportRequest(title, table), deadline: DateTime.UtcNow.AddMinutes(10));
        Expect(response.Plan.AssignmentCount == measures && response.Plan.ItemCount == items,
            $"the plan stored {measures} assignments and {items} items (got {response.Plan.AssignmentCount} and {response.Plan.ItemCount})");
        return response.Plan;
    }

    /// <summary>A free pair of loopback ports (HTTP, gRPC = HTTP + 1) from <paramref name="http"/>, moving up by 10.</summary>
    public static int FreePorts(int http)
    {
        for (var port = http; port < http + 100; port += 10)
        {
            if (IsFree(port) && IsFree(port + 1))
            {
                if (port != http)
                    Console.WriteLine($"note: ports {http}/{http + 1} are taken; using {port}/{port + 1}");
                return port;
            }
        }
        throw new InvalidOperationException($"no free pair of ports from {http}");

        static bool IsFree(int port)
        {
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }
    }

    /// <summary>Call headers with each department's lead's token, by department id.</summary>
    public Dictionary<Guid, Metadata> LeadHeaders() => Departments.ToDictionary(d => Guid.Parse(d.Id), d => new Metadata
    {
        { "Authorization", "Bearer " + Env.Token(d.LeadPersonId, d.Id, DubanRoles.Lead) },
    });

    public static void Expect(bool condition, string what)
    {
        if (!condition)
            throw new InvalidOperationException($"benchmark check failed: {what}");
    }

    public static int IntOption(string[] args, string name, int fallback) => Option(args, name) is { } value ? int.Parse(value) : fallback;

    /// <summary>The value after <paramref name="name"/> on the command line, or null when it is not given.</summary>
    public static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
