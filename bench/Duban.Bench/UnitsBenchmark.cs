using Duban.Contracts.Units.V1;
using Npgsql;
using NpgsqlTypes;

namespace Duban.Bench;

/// <summary>
/// Ancestors, descendants and name resolution on a generated tree of about 50,000 units
/// (province → cities → districts → departments → working groups), through the units service's gRPC API.
/// </summary>
public static class UnitsBenchmark
{
    private const int HttpPort = 15100;
    private const int GrpcPort = 15101;

    private static readonly string[] Bureaus =
    [
        "财政局", "经济发展局", "组织人事部", "金融工作办公室", "宣传办公室", "交通运输局", "住房和城乡建设局", "自然资源局",
        "生态环境局", "应急管理局", "商务局", "科技局", "教育局", "卫生健康局", "民政局", "人力资源和社会保障局",
        "农业农村局", "水务局", "市场监督管理局", "审计局",
    ];

    private static readonly string[] Topics =
    [
        "招商引资", "项目建设", "安全生产", "环境整治", "营商环境", "乡村振兴", "数字化转型", "民生实事", "重点项目", "审批改革",
        "信访维稳", "防汛抗旱", "园区开发", "人才引进", "债务化解", "土地征收", "城市更新", "产业升级", "消防安全", "森林防火",
        "河湖长制", "文明创建", "老旧小区改造", "冬季供暖",
    ];

    private static readonly char[] Syllables = "临江东西南北新城港海山河湖华安宁平康阳泉".ToCharArray();

    public static async Task<int> RunAsync(string[] args)
    {
        var total = IntOption(args, "--units", 50_000);
        var iterations = IntOption(args, "--iterations", 300);

        await using var env = await BenchEnvironment.StartAsync();
        var connectionString = await env.StartServiceAsync("units", "Duban.Units", "Units", "bench_units", HttpPort, GrpcPort);
        var tree = Generate(total);
        var loadStarted = DateTime.UtcNow;
        await BenchSql.LoadUnitsAsync(connectionString, tree.Select(u => new UnitRow(u.Id, u.Code, u.Name, u.Level, u.Parent?.Id, u.Path, u.Depth, "")).ToList());
        Console.WriteLine($"loaded {tree.Count:N0} units in {(DateTime.UtcNow - loadStarted).TotalSeconds:0.0} s (COPY)");

        var client = new UnitsService.UnitsServiceClient(env.Channel(GrpcPort, "staff"));
        var random = new Random(47);
        var leaves = tree.Where(u => u.Level == "working_group").ToArray();
        var districts = tree.Where(u => u.Level == "district").ToArray();
        var cities = tree.Where(u => u.Level == "city").ToArray();
        var departments = tree.Where(u => u.Level == "department").ToArray();
        var root = tree[0];

        var ancestors = await Latency.MeasureAsync(iterations, async _ =>
        {
            var response = await client.ListAncestorsAsync(new ListAncestorsRequest { Id = leaves[random.Next(leaves.Length)].Id.ToString() });
            Expect(response.Units.Count == 4, "a working group has 4 ancestors");
        });
        var districtSubtree = await Latency.MeasureAsync(iterations, async _ =>
            await client.ListDescendantsAsync(new ListDescendantsRequest { Id = districts[random.Next(districts.Length)].Id.ToString(), PageSize = 100 }));
        var citySubtree = await Latency.MeasureAsync(iterations, async _ =>
            await client.ListDescendantsAsync(new ListDescendantsRequest { Id = cities[random.Next(cities.Length)].Id.ToString(), PageSize = 100 }));
        var wholeTree = await Latency.MeasureAsync(iterations / 3, async _ =>
        {
            var response = await client.ListDescendantsAsync(new ListDescendantsRequest { Id = root.Id.ToString(), PageSize = 100 });
            Expect(response.TotalSize == tree.Count - 1, "the root's subtree is the whole tree");
        });
        var resolveExact = await Latency.MeasureAsync(iterations, async _ =>
        {
            var request = new ResolveUnitNamesRequest();
            for (var i = 0; i < 20; i++)
                request.Names.Add(departments[random.Next(departments.Length)].Name);
            var response = await client.ResolveUnitNamesAsync(request);
            Expect(response.Results.All(r => r.Outcome == ResolvedName.Types.Outcome.Matched), "exact names match");
        });
        var resolveMixed = await Latency.MeasureAsync(iterations, async _ =>
        {
            var request = new ResolveUnitNamesRequest();
            for (var i = 0; i < 10; i++)
                request.Names.Add(departments[random.Next(departments.Length)].Name);
            for (var i = 0; i < 5; i++)
                request.Names.Add(districts[random.Next(districts.Length)].Name + "财政");
            for (var i = 0; i < 5; i++)
                request.Names.Add("未知单位" + random.Next(1000));
            await client.ResolveUnitNamesAsync(request);
        });

        Console.WriteLine();
        Console.WriteLine($"units service, {tree.Count:N0} units, one client, sequential calls over gRPC (h2c loopback):");
        Console.WriteLine($"  ListAncestors (working group, depth 4)        {ancestors.Summary}");
        Console.WriteLine($"  ListDescendants district (~{tree.Count / districts.Length,5:N0}), page 100  {districtSubtree.Summary}");
        Console.WriteLine($"  ListDescendants city (~{tree.Count / cities.Length,6:N0}), page 100     {citySubtree.Summary}");
        Console.WriteLine($"  ListDescendants root ({tree.Count - 1:N0}), page 100     {wholeTree.Summary}");
        Console.WriteLine($"  ResolveUnitNames 20 exact names               {resolveExact.Summary}");
        Console.WriteLine($"  ResolveUnitNames 10 exact + 10 unknown        {resolveMixed.Summary}");
        return 0;
    }

    private sealed record GeneratedUnit(Guid Id, string Code, string Name, string Level, GeneratedUnit? Parent, string Path, int Depth);

    private static List<GeneratedUnit> Generate(int total)
    {
        var units = new List<GeneratedUnit>(total);
        GeneratedUnit Add(string name, string level, GeneratedUnit? parent)
        {
            var id = Guid.CreateVersion7();
            var unit = new GeneratedUnit(id, $"b{units.Count:000000}", name, level, parent, (parent?.Path ?? "/") + id.ToString("N") + "/",
                parent is null ? 0 : parent.Depth + 1);
            units.Add(unit);
            return unit;
        }

        var province = Add("某省", "province", null);
        var districtIndex = 0;
        var departmentsList = new List<GeneratedUnit>();
        for (var c = 0; c < 10; c++)
        {
            var city = Add($"{Syllables[c]}{Syllables[c + 10]}市", "city", province);
            for (var d = 0; d < 10; d++, districtIndex++)
            {
                var district = Add($"{city.Name[..2]}{Syllables[districtIndex % 20]}{Syllables[(districtIndex / 20 + d) % 20]}区", "district", city);
                foreach (var bureau in Bureaus)
                    departmentsList.Add(Add(district.Name + bureau, "department", district));
            }
        }
        for (var i = 0; units.Count < total; i++)
        {
            var department = departmentsList[i % departmentsList.Count];
            Add($"{department.Name}{Topics[i / departmentsList.Count % Topics.Length]}专班{i / (departmentsList.Count * Topics.Length) + 1}",
                "working_group", department);
        }
        return units;
    }

    private static void Expect(bool condition, string what)
    {
        if (!condition)
            throw new InvalidOperationException($"benchmark check failed: {what}");
    }

    private static int IntOption(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1]) : fallback;
    }
}
