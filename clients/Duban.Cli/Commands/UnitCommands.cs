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
        return [new Command("units", "the unit tree") { list, tree, show }];
    }

    private static string Names(IEnumerable<Units.Person> people) =>
        string.Join("、", people.Select(p => p.Phone.Length > 0 ? $"{p.Name} {p.Phone}" : p.Name)) is { Length: > 0 } names ? names : "—";
}
