using Duban.Tasks.Domain.Import;
using Xunit;

namespace Duban.Tasks.Tests.Domain.Lifecycle;

public class CollectiveNamesTests
{
    private static readonly Guid District = Guid.NewGuid();
    private static readonly Guid OtherDistrict = Guid.NewGuid();

    private static readonly SubtreeUnit Economy = Department("区经济发展局", "经发局", District);
    private static readonly SubtreeUnit Finance = Department("区财政局", "财政局", District);
    private static readonly SubtreeUnit EconomyOffice = Department("区经济发展局综合科", "综合科", Economy.Id);
    private static readonly SubtreeUnit Team = new(Guid.NewGuid(), "经发局产业承接专班", "产业承接专班", "专班", "working_group", Economy.Id);
    private static readonly SubtreeUnit OtherFinance = Department("外区财政局", "外区财政局", OtherDistrict);

    /// <summary>Streets matched three ways: by kind, by full name, by short name.</summary>
    private static readonly SubtreeUnit EastStreet = new(Guid.NewGuid(), "东城街道办事处", "东城", "街道", "district", District);
    private static readonly SubtreeUnit WestStreet = new(Guid.NewGuid(), "西城街道", "西城", "办事处", "district", District);
    private static readonly SubtreeUnit SouthStreet = new(Guid.NewGuid(), "南城街道办事处", "南城街道", "办事处", "district", District);
    private static readonly SubtreeUnit Township = new(Guid.NewGuid(), "青山镇人民政府", "青山镇", "乡镇", "district", District);

    private static SubtreeUnit Department(string name, string shortName, Guid parent) =>
        new(Guid.NewGuid(), name, shortName, "部门", "department", parent);

    private static IReadOnlyList<SubtreeUnit> Subtree(params SubtreeUnit[] units) => units;

    private static string[] Names(IEnumerable<SubtreeUnit> units) => units.Select(u => u.Name).ToArray();

    [Fact]
    public void Each_street_means_every_unit_whose_kind_name_or_short_name_ends_with_street()
    {
        var expanded = CollectiveNames.Expand("各街道", District,
            Subtree(Economy, WestStreet, Township, EastStreet, Team, SouthStreet, Finance));

        Assert.Equal(["东城街道办事处", "南城街道办事处", "西城街道"], Names(expanded));
    }

    [Fact]
    public void District_departments_are_the_department_level_units_directly_under_the_issuer()
    {
        var expanded = CollectiveNames.Expand("区直各部门", District,
            Subtree(Finance, EconomyOffice, Team, OtherFinance, Economy));

        Assert.Equal(["区经济发展局", "区财政局"], Names(expanded));
    }

    [Fact]
    public void Townships_with_streets_in_brackets_means_both_kinds()
    {
        var expanded = CollectiveNames.Expand("各乡镇（街道）", District,
            Subtree(Economy, EastStreet, Township, Finance, WestStreet));

        Assert.Equal(["东城街道办事处", "西城街道", "青山镇人民政府"], Names(expanded));
    }

    [Fact]
    public void Townships_alone_leave_the_streets_out()
    {
        var expanded = CollectiveNames.Expand(" 各乡镇 ", District, Subtree(EastStreet, Township, Economy));

        Assert.Equal([Township], expanded);
    }

    [Theory]
    [InlineData("各有关单位")]
    [InlineData("各相关部门")]
    [InlineData("各成员单位")]
    public void Names_that_name_no_kind_expand_to_nothing(string collective)
    {
        Assert.Empty(CollectiveNames.Expand(collective, District, Subtree(Economy, Finance, EastStreet, Township)));
    }

    [Fact]
    public void A_kind_with_no_unit_in_the_subtree_expands_to_nothing()
    {
        Assert.Empty(CollectiveNames.Expand("各园区", District, Subtree(Economy, EastStreet, Township)));
    }
}
