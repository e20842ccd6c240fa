using System.CommandLine;
using Duban.Cli.Output;
using Units = Duban.Contracts.Units.V1;

namespace Duban.Cli.Commands;

/// <summary>`duban units list|tree|show`.</summary>
public static class UnitCommands
{
    public static IEnumerable<Command> Build()
    {
        var parent = new Option<string?>("--parent") { Description = "children of this unit (name or id)" };
        var level = new Option<string?>("--level") { Description = "level code (province, city, district, department, working_group …)" };
        var name = new Option<string?>("--name") { Description = "name contains" };
        var list = new Command("list", "list units") { parent, level, name }.With(async (context, parse, ct) =>
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

        var root = new Argument<string>("unit") { Description = "name or id" };
        var tree = new Command("tree", "a unit and everything below it, indented") { root }.With(async (context, parse, ct) =>
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

        var which = new Argument<string>("unit") { Description = "name or id" };
        var show = new Command("show", "a unit and who answers for it") { which }.With(async (context, parse, ct) =>
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
        var file = new Argument<FileInfo>("file") { Description = "JSON of levels, units (parent by code) and people, as services/Duban.Units/Seed/sample-units.json" };
        var import = new Command("import", "create levels, units and people from a file (the office); units already there are kept") { file }
            .With(async (context, parse, ct) =>
            {
                var path = parse.GetValue(file)!;
                if (!path.Exists)
                    throw new CliException($"no file {path.FullName}");
                var document = System.Text.Json.JsonSerializer.Deserialize<UnitFile>(await File.ReadAllTextAsync(path.FullName, ct),
                    System.Text.Json.JsonSerializerOptions.Web) ?? throw new CliException("the file is empty");
                var existingLevels = (await context.Units.ListLevelsAsync(new Units.ListLevelsRequest(), context.Call(ct))).Levels.Select(l => l.Code).ToHashSet();
                foreach (var level in (document.Levels ?? []).Where(l => !existingLevels.Contains(l.Code)))
                    await context.Units.CreateLevelAsync(new Units.CreateLevelRequest { Level = new Units.Level { Code = level.Code, Name = level.Name, Rank = level.Rank } }, context.Call(ct));

                // The request id makes the import repeatable: a unit created before comes back instead of a second one.
                var ids = new Dictionary<string, string>();
                foreach (var unit in document.Units)
                {
                    var created = await context.Units.CreateUnitAsync(new Units.CreateUnitRequest
                    {
                        Code = unit.Code, Name = unit.Name, ShortName = unit.ShortName ?? "", Aliases = { unit.Aliases ?? [] }, LevelCode = unit.Level,
                        ParentId = unit.Parent is null ? "" : ids.TryGetValue(unit.Parent, out var parentId) ? parentId : await Lookup.UnitIdAsync(context, unit.Parent, ct),
                        Kind = unit.Kind ?? "", RequestId = "import:" + unit.Code,
                    }, context.Call(ct));
                    ids[unit.Code] = created.Id;
                }
                foreach (var person in document.People ?? [])
                    await context.Units.CreatePersonAsync(new Units.CreatePersonRequest
                    {
                        Name = person.Name, Phone = person.Phone ?? "", Email = person.Email ?? "", RequestId = $"import:{person.Name}:{person.Roles?.FirstOrDefault()?.Unit}",
                        Roles = { (person.Roles ?? []).Select(r => new Units.RoleInUnit
                        {
                            UnitId = ids.GetValueOrDefault(r.Unit) ?? throw new CliException($"{person.Name}: unit {r.Unit} is not in the file"),
                            Role = Enum.Parse<Units.UnitRole>(r.Role, ignoreCase: true), Title = r.Title ?? "",
                        }) },
                    }, context.Call(ct));
                context.Output.WriteLine($"imported {document.Units.Count} units and {document.People?.Count ?? 0} people");
                return 0;
            });
        return [new Command("units", "the unit tree") { list, tree, show, import }];
    }

    private sealed record UnitFile(List<LevelEntry>? Levels, List<UnitEntry> Units, List<PersonEntry>? People);
    private sealed record LevelEntry(string Code, string Name, int Rank);
    private sealed record UnitEntry(string Code, string Name, string? ShortName, List<string>? Aliases, string Level, string? Parent, string? Kind);
    private sealed record PersonEntry(string Name, string? Phone, string? Email, List<RoleEntry>? Roles);
    private sealed record RoleEntry(string Unit, string Role, string? Title);

    private static string Names(IEnumerable<Units.Person> people) =>
        string.Join("、", people.Select(p => p.Phone.Length > 0 ? $"{p.Name} {p.Phone}" : p.Name)) is { Length: > 0 } names ? names : "—";
}
