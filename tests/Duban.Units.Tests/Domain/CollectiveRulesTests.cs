using Duban.ServiceDefaults.Errors;
using Duban.Units.Domain;

namespace Duban.Units.Tests.Domain;

public class CollectiveRulesTests
{
    private static readonly ResponsibilityUnit Park = Unit("park", "园区", "district", null, "管委会");
    private static readonly ResponsibilityUnit Economy = Unit("b-jfj", "经发局", "department", Park);
    private static readonly ResponsibilityUnit Finance = Unit("a-czj", "财政局", "department", Park);
    private static readonly ResponsibilityUnit East = Unit("s-dc", "东城街道", "department", Park, "街道");
    private static readonly ResponsibilityUnit Area = Unit("x-area", "临港园", "subarea", Park, "片区");
    private static readonly ResponsibilityUnit Gone = Unit("c-old", "已撤销局", "department", Park, status: UnitStatus.Archived);

    private static ResponsibilityUnit Unit(string code, string name, string level, ResponsibilityUnit? parent, string kind = "部门",
        UnitStatus status = UnitStatus.Active)
    {
        var id = Guid.NewGuid();
        return new ResponsibilityUnit
        {
            Id = id, Code = code, Name = name, LevelCode = level, ParentId = parent?.Id, Kind = kind, Status = status, Path = UnitPath.Of(parent?.Path, id),
        };
    }

    private static Collective Collective(string name, params CollectiveMember[] members)
    {
        var id = Guid.NewGuid();
        return new Collective { Id = id, Name = name, ScopeUnitId = Park.Id, Members = members.Select((m, i) => m.At(id, i)).ToList() };
    }

    private static CollectiveGraph Graph(params Collective[] collectives)
    {
        ResponsibilityUnit[] all = [Park, Economy, Finance, East, Area, Gone];
        return new CollectiveGraph(collectives.ToDictionary(c => c.Id), all.ToDictionary(u => u.Id), all.Where(u => u.ParentId is not null).ToLookup(u => u.ParentId!.Value));
    }

    private static string[] Names(IEnumerable<ResponsibilityUnit> units) => units.Select(u => u.Name).ToArray();

    [Fact]
    public void Members_expand_in_the_order_written_a_rule_by_code_and_each_unit_once()
    {
        var departments = Collective("区直各部门", CollectiveMember.ChildrenOf(Park.Id, levelCode: "department", unitKind: "部门"));
        var mixed = Collective("混合", CollectiveMember.OfUnit(Area.Id), CollectiveMember.OfCollective(departments.Id), CollectiveMember.OfUnit(Economy.Id));

        // The archived department drops out; 经发局, listed again at the end, stays where the rule put it.
        Assert.Equal(["财政局", "经发局"], Names(CollectiveRules.Expand(departments.Id, Graph(departments, mixed))));
        Assert.Equal(["临港园", "财政局", "经发局"], Names(CollectiveRules.Expand(mixed.Id, Graph(departments, mixed))));
    }

    [Theory]
    [InlineData("department", "", new[] { "财政局", "经发局", "东城街道" })]
    [InlineData("", "街道", new[] { "东城街道" })]
    [InlineData("department", "街道", new[] { "东城街道" })]
    [InlineData("", "", new[] { "财政局", "经发局", "东城街道", "临港园" })]
    [InlineData("subarea", "部门", new string[0])]
    public void A_rule_takes_the_active_children_at_its_level_and_of_its_kind(string level, string kind, string[] expected)
    {
        var rule = Collective("规则", CollectiveMember.ChildrenOf(Park.Id, level, kind));
        Assert.Equal(expected, Names(CollectiveRules.Expand(rule.Id, Graph(rule))));
    }

    [Fact]
    public void A_cycle_is_found_through_any_depth_and_a_stored_one_is_cut_not_followed()
    {
        var inner = Collective("内", CollectiveMember.OfUnit(Economy.Id));
        var middle = Collective("中", CollectiveMember.OfCollective(inner.Id));
        var outer = Collective("外", CollectiveMember.OfUnit(Finance.Id), CollectiveMember.OfCollective(middle.Id));
        var others = new[] { inner, middle, outer }.ToDictionary(c => c.Id);

        Assert.Equal(1, CollectiveRules.FindCycle(inner.Id, [CollectiveMember.OfUnit(East.Id), CollectiveMember.OfCollective(outer.Id)], others));
        Assert.Null(CollectiveRules.FindCycle(outer.Id, outer.Members, others));
        Assert.Null(CollectiveRules.FindCycle(Guid.NewGuid(), [CollectiveMember.OfCollective(outer.Id), CollectiveMember.OfCollective(inner.Id)], others));

        inner.Members.Add(CollectiveMember.OfCollective(outer.Id).At(inner.Id, 1));
        Assert.Equal(["财政局", "经发局"], Names(CollectiveRules.Expand(outer.Id, Graph(inner, middle, outer))));
    }

    [Fact]
    public void Aliases_that_read_as_the_name_or_as_nothing_are_refused()
    {
        var violations = new Violations();
        var kept = CollectiveRules.CleanAliases([" 各片区 ", "“一市三园”", "「」", "各片区"], "一市三园", violations, "aliases");
        Assert.Equal(["各片区"], kept);
        var ex = Assert.Throws<ValidationFailedException>(violations.ThrowIfAny);
        Assert.Equal(["aliases[1]", "aliases[2]", "aliases[3]"], ex.Violations.Select(v => v.Field).Order());
    }
}
