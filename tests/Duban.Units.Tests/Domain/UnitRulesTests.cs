using Duban.ServiceDefaults.Errors;
using Duban.Units.Domain;

namespace Duban.Units.Tests.Domain;

public class UnitRulesTests
{
    private static readonly Level City = new() { Code = "city", Name = "市", Rank = 20 };
    private static readonly Level District = new() { Code = "district", Name = "区/园区", Rank = 30 };

    private static ResponsibilityUnit UnitAt(string path) =>
        new() { Id = UnitPath.Ids(path)[^1], Code = "c", Name = "n", LevelCode = "city", Path = path };

    [Fact]
    public void A_level_must_rank_below_the_parents()
    {
        UnitRules.CheckLevelBelowParent(District, City, "level_code");
        var ex = Assert.Throws<ValidationFailedException>(() => UnitRules.CheckLevelBelowParent(City, District, "level_code"));
        Assert.Equal("level_code", ex.Violations.Single().Field);
        Assert.Throws<ValidationFailedException>(() => UnitRules.CheckLevelBelowParent(City, City, "level_code"));
    }

    [Fact]
    public void A_level_must_rank_above_every_childs()
    {
        UnitRules.CheckLevelAboveChildren(City, [District], "unit.level_code");
        Assert.Throws<ValidationFailedException>(() => UnitRules.CheckLevelAboveChildren(District, [District], "unit.level_code"));
    }

    [Fact]
    public void Moving_under_itself_or_a_descendant_is_a_cycle()
    {
        var a = Guid.CreateVersion7();
        var b = Guid.CreateVersion7();
        var c = Guid.CreateVersion7();
        var unit = UnitAt(UnitPath.Of(UnitPath.Of(null, a), b));
        var grandchild = UnitAt(UnitPath.Of(unit.Path, c));
        var root = UnitAt(UnitPath.Of(null, a));

        Assert.Throws<ValidationFailedException>(() => UnitRules.CheckNoCycle(unit, grandchild, "new_parent_id"));
        Assert.Throws<ValidationFailedException>(() => UnitRules.CheckNoCycle(unit, unit, "new_parent_id"));
        UnitRules.CheckNoCycle(grandchild, root, "new_parent_id");
    }

    [Fact]
    public void Paths_give_ancestors_depth_and_containment()
    {
        var a = Guid.CreateVersion7();
        var b = Guid.CreateVersion7();
        var path = UnitPath.Of(UnitPath.Of(null, a), b);
        Assert.Equal([a, b], UnitPath.Ids(path));
        Assert.Equal(1, UnitPath.Depth(path));
        Assert.Equal(0, UnitPath.Depth(UnitPath.Of(null, a)));
        Assert.True(UnitPath.IsWithin(path, UnitPath.Of(null, a)));
        Assert.False(UnitPath.IsWithin(UnitPath.Of(null, a), path));
    }

    [Fact]
    public void Aliases_are_trimmed_and_repeats_and_blanks_reported()
    {
        var violations = new Violations();
        var cleaned = UnitRules.CleanAliases([" 经发局 ", "", "经 发 局", new string('长', 101)], violations);
        Assert.Equal(["经发局"], cleaned);
        var ex = Assert.Throws<ValidationFailedException>(violations.ThrowIfAny);
        Assert.Equal(["aliases[1]", "aliases[2]", "aliases[3]"], ex.Violations.Select(v => v.Field));
    }

    [Theory]
    [InlineData("park-jfj", true)]
    [InlineData("A.b_c-9", true)]
    [InlineData("-lead", false)]
    [InlineData("经发局", false)]
    [InlineData("has space", false)]
    [InlineData("", false)]
    public void Codes_are_plain_identifiers(string code, bool valid) => Assert.Equal(valid, UnitRules.IsValidCode(code));

    [Theory]
    [InlineData("工业园区 经发局", "工业园区经发局")]
    [InlineData("ＸＸ工业园区", "xx工业园区")]
    [InlineData("党工委、管委会", "党工委管委会")]
    [InlineData("《实施方案》指挥部", "实施方案指挥部")]
    public void Names_compare_without_spacing_width_case_or_punctuation(string written, string normalized) =>
        Assert.Equal(normalized, NameNormalizer.Normalize(written));
}
