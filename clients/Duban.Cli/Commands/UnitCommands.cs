using System.CommandLine;
using Duban.Cli.Output;
using Units = Duban.Contracts.Units.V1;

namespace Duban.Cli.Commands;

/// <summary>`duban units list|tree|show`.</summary>
public static class UnitCommands
{
    public static IEnumerable<Command> Build()
    {
        var parent = new Option<string?>("--parent") { Description = "只列此单位的直属下级（名称或 ID）" };
        var level = new Option<string?>("--level") { Description = "层级：province, city, district, department, working_group 等" };
        var name = new Option<string?>("--name") { Description = "名称包含此文字" };
        var list = new Command("list", "列出单位") { parent, level, name }.With(async (context, parse, ct) =>
        {
            var request = new Units.ListUnitsRequest { LevelCode = parse.GetValue(level) ?? "", NameContains = parse.GetValue(name) ?? "", PageSize = 1000 };
            if (parse.GetValue(parent) is { } p)
                request.ParentId = await Lookup.UnitIdAsync(context, p, ct);
            var units = (await context.Units.ListUnitsAsync(request, context.Call(ct))).Units;
            if (context.Json)
                context.WriteJson(units);
            else
            {
                var table = new Table("代码", "名称", "简称", "层级", "类别");
                foreach (var u in units)
                    table.Add(u.Code, u.Name, u.ShortName, u.LevelCode, u.Kind);
                table.WriteTo(context.Output);
            }
            return 0;
        });

        var root = new Argument<string>("unit") { Description = "名称或 ID" };
        var tree = new Command("tree", "以缩进显示单位及其全部下级单位") { root }.With(async (context, parse, ct) =>
        {
            var id = await Lookup.UnitIdAsync(context, parse.GetValue(root)!, ct);
            var top = await context.Units.GetUnitAsync(new Units.GetUnitRequest { Id = id }, context.Call(ct));
            var below = (await context.Units.ListDescendantsAsync(new Units.ListDescendantsRequest { Id = id, PageSize = 1000 }, context.Call(ct))).Units;
            if (context.Json)
            {
                context.WriteJson(below.Prepend(top));
                return 0;
            }
            foreach (var u in below.Prepend(top))
                context.Output.WriteLine($"{new string(' ', 2 * (u.Depth - top.Depth))}{u.Name}  ({u.Code}, {u.LevelCode})");
            return 0;
        });

        var which = new Argument<string>("unit") { Description = "名称或 ID" };
        var show = new Command("show", "查看单位及其负责人、联络员、分管领导") { which }.With(async (context, parse, ct) =>
        {
            var id = await Lookup.UnitIdAsync(context, parse.GetValue(which)!, ct);
            var responsibility = await context.Units.GetResponsibilityAsync(new Units.GetResponsibilityRequest { UnitId = id }, context.Call(ct));
            if (context.Json)
            {
                context.WriteJson(responsibility);
                return 0;
            }
            var u = responsibility.Unit;
            context.Output.WriteLine($"{u.Name}（{u.ShortName}）  代码 {u.Code}  层级 {u.LevelCode}  {u.Kind}");
            context.Output.WriteLine($"负责人: {Names(responsibility.Leads)}");
            context.Output.WriteLine($"副职:   {Names(responsibility.Deputies)}");
            context.Output.WriteLine($"联络员: {Names(responsibility.Contacts)}");
            context.Output.WriteLine($"分管领导: {Names(responsibility.OverseeingLeaders)}");
            return 0;
        });
        var file = new Argument<FileInfo>("file") { Description = "JSON 文件：层级、单位（上级按代码）、集体名称和人员，如 services/Duban.Units/Seed/sample-units.json" };
        var import = new Command("import", "从文件创建层级、单位、集体名称和人员（督查室）；已有的保持不变") { file }
            .With(async (context, parse, ct) =>
            {
                var path = parse.GetValue(file)!;
                if (!path.Exists)
                    throw new CliException($"找不到文件 {path.FullName}");
                var document = System.Text.Json.JsonSerializer.Deserialize<UnitFile>(await File.ReadAllTextAsync(path.FullName, ct),
                    System.Text.Json.JsonSerializerOptions.Web) ?? throw new CliException("文件为空");
                var existingLevels = (await context.Units.ListLevelsAsync(new Units.ListLevelsRequest(), context.Call(ct))).Levels.Select(l => l.Code).ToHashSet();
                foreach (var level in (document.Levels ?? []).Where(l => !existingLevels.Contains(l.Code)))
                    await context.Units.CreateLevelAsync(new Units.CreateLevelRequest { Level = new Units.Level { Code = level.Code, Name = level.Name, Rank = level.Rank } }, context.Call(ct));

                // Repeatable: units already there (by code) and people already there (by name and first unit) are kept,
                // whoever created them — the local run's seed, an earlier import, or the office by hand.
                var ids = new Dictionary<string, string>();
                await foreach (var existing in AllUnitsAsync(context, ct))
                    ids.TryAdd(existing.Code, existing.Id);
                var createdUnits = 0;
                foreach (var unit in document.Units.Where(u => !ids.ContainsKey(u.Code)))
                {
                    var created = await context.Units.CreateUnitAsync(new Units.CreateUnitRequest
                    {
                        Code = unit.Code, Name = unit.Name, ShortName = unit.ShortName ?? "", Aliases = { unit.Aliases ?? [] }, LevelCode = unit.Level,
                        ParentId = unit.Parent is null ? "" : ids.TryGetValue(unit.Parent, out var parentId) ? parentId : await Lookup.UnitIdAsync(context, unit.Parent, ct),
                        Kind = unit.Kind ?? "", RequestId = "import:" + unit.Code,
                    }, context.Call(ct));
                    ids[unit.Code] = created.Id;
                    createdUnits++;
                }
                var createdPeople = 0;
                var oversightSet = 0;
                foreach (var person in document.People ?? [])
                {
                    var firstUnit = person.Roles?.FirstOrDefault()?.Unit is { } code ? ids.GetValueOrDefault(code) : null;
                    var found = (await context.Units.ListPeopleAsync(new Units.ListPeopleRequest { NameContains = person.Name, PageSize = 100 }, context.Call(ct))).People
                        .FirstOrDefault(p => p.Name == person.Name && (firstUnit is null || p.Roles.Any(r => r.UnitId == firstUnit)));
                    if (found is null)
                    {
                        found = await context.Units.CreatePersonAsync(new Units.CreatePersonRequest
                        {
                            Name = person.Name, Phone = person.Phone ?? "", Email = person.Email ?? "", RequestId = $"import:{person.Name}:{person.Roles?.FirstOrDefault()?.Unit}",
                            Roles = { (person.Roles ?? []).Select(r => new Units.RoleInUnit
                            {
                                UnitId = ids.GetValueOrDefault(r.Unit) ?? throw new CliException($"{person.Name}：单位 {r.Unit} 不在文件中"),
                                Role = Enum.Parse<Units.UnitRole>(r.Role, ignoreCase: true), Title = r.Title ?? "",
                            }) },
                        }, context.Call(ct));
                        createdPeople++;
                    }
                    if (person.Oversees is { Count: > 0 } oversees)
                    {
                        var wanted = oversees.Select(c => ids.GetValueOrDefault(c) ?? throw new CliException($"{person.Name} 分管的 {c} 不是单位")).ToHashSet();
                        if (!wanted.SetEquals(found.OverseenUnitIds))
                        {
                            await context.Units.SetOversightAsync(new Units.SetOversightRequest { PersonId = found.Id, UnitIds = { wanted }, Version = found.Version }, context.Call(ct));
                            oversightSet++;
                        }
                    }
                }
                context.Output.WriteLine($"已导入单位 {createdUnits} 个（共 {document.Units.Count} 个）、人员 {createdPeople} 名（共 {document.People?.Count ?? 0} 名），其余已存在；" +
                    $"为 {oversightSet} 人设置分管关系");
                if (document.Collectives is { Count: > 0 } collectives)
                    context.Output.WriteLine($"已导入集体名称 {await ImportCollectivesAsync(context, collectives, ids, ct)} 个（共 {collectives.Count} 个），其余已存在");
                return 0;
            });
        return [new Command("units", "单位树") { list, tree, show, import }];
    }

    /// <summary>
    /// Creates the collectives the scope unit does not own yet (by name); a member collective is named as written, and is one
    /// of the file's earlier entries or one the scope may already name (its own or an ancestor's).
    /// </summary>
    private static async Task<int> ImportCollectivesAsync(CliContext context, List<CollectiveEntry> entries, Dictionary<string, string> ids, CancellationToken ct)
    {
        async Task<string> UnitId(string code) => ids.TryGetValue(code, out var id) ? id : await Lookup.UnitIdAsync(context, code, ct);
        var known = new Dictionary<string, Units.Collective>();
        var scopesRead = new HashSet<string>();
        var created = 0;
        foreach (var entry in entries)
        {
            var scopeId = await UnitId(entry.Scope);
            if (scopesRead.Add(scopeId))
                await foreach (var existing in AllCollectivesAsync(context, scopeId, ct))
                    known.TryAdd(existing.Id, existing);
            if (known.Values.Any(c => c.ScopeUnitId == scopeId && c.Name == entry.Name))
                continue;

            var request = new Units.CreateCollectiveRequest
            {
                Name = entry.Name, Aliases = { entry.Aliases ?? [] }, ScopeUnitId = scopeId, RequestId = $"import:collective:{entry.Scope}:{entry.Name}",
            };
            foreach (var member in entry.Members)
            {
                if (member.Unit is { } unit)
                    request.Members.Add(new Units.CollectiveMember { UnitId = await UnitId(unit) });
                else if (member.Collective is { } name)
                    // The scope's own collective of that name first, as resolution reads it.
                    request.Members.Add(new Units.CollectiveMember
                    {
                        CollectiveId = (known.Values.Where(c => c.Name == name).OrderByDescending(c => c.ScopeUnitId == scopeId).FirstOrDefault()
                            ?? throw new CliException($"集体名称 {entry.Name}：成员 {name} 既不是文件中在前的集体名称，也不是已有的")).Id,
                    });
                else if (member.ChildrenOf is { } parent)
                    request.Members.Add(new Units.CollectiveMember
                    {
                        Children = new Units.ChildrenRule { ParentUnitId = await UnitId(parent), LevelCode = member.Level ?? "", Kind = member.Kind ?? "" },
                    });
                else
                    throw new CliException($"集体名称 {entry.Name}：每个成员须写明 unit、collective 或 childrenOf");
            }
            var collective = await context.Units.CreateCollectiveAsync(request, context.Call(ct));
            known[collective.Id] = collective;
            created++;
        }
        return created;
    }

    private static async IAsyncEnumerable<Units.Collective> AllCollectivesAsync(CliContext context, string scopeUnitId,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var request = new Units.ListCollectivesRequest { ScopeUnitId = scopeUnitId, IncludeInherited = true, PageSize = 1000 };
        do
        {
            var page = await context.Units.ListCollectivesAsync(request, context.Call(ct));
            foreach (var collective in page.Collectives)
                yield return collective;
            request.PageToken = page.NextPageToken;
        } while (request.PageToken.Length > 0);
    }

    private sealed record UnitFile(List<LevelEntry>? Levels, List<UnitEntry> Units, List<PersonEntry>? People, List<CollectiveEntry>? Collectives);
    private sealed record CollectiveEntry(string Name, List<string>? Aliases, string Scope, List<MemberEntry> Members);
    private sealed record MemberEntry(string? Unit, string? Collective, string? ChildrenOf, string? Level, string? Kind);
    private sealed record LevelEntry(string Code, string Name, int Rank);
    private sealed record UnitEntry(string Code, string Name, string? ShortName, List<string>? Aliases, string Level, string? Parent, string? Kind);
    private sealed record PersonEntry(string Name, string? Phone, string? Email, List<RoleEntry>? Roles, List<string>? Oversees);
    private sealed record RoleEntry(string Unit, string Role, string? Title);

    private static async IAsyncEnumerable<Units.Unit> AllUnitsAsync(CliContext context, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var request = new Units.ListUnitsRequest { PageSize = 1000 };
        do
        {
            var page = await context.Units.ListUnitsAsync(request, context.Call(ct));
            foreach (var unit in page.Units)
                yield return unit;
            request.PageToken = page.NextPageToken;
        } while (request.PageToken.Length > 0);
    }

    private static string Names(IEnumerable<Units.Person> people) =>
        string.Join("、", people.Select(p => p.Phone.Length > 0 ? $"{p.Name} {p.Phone}" : p.Name)) is { Length: > 0 } names ? names : "—";
}
