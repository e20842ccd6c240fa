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

public class UnitNameRulesTests
{
    private static readonly Guid A = Guid.CreateVersion7();
    private static readonly Guid B = Guid.CreateVersion7();

    [Theory]
    [InlineData("工业园区经济发展局")]
    [InlineData("XX省委、省政府")]
    [InlineData("经发局（招商局）")]
    [InlineData("Café Nº 1")]
    public void Ordinary_names_are_printable(string name) => Assert.True(UnitRules.IsPrintable(name));

    [Theory]
    [InlineData("经发局\u001b[31m")]
    [InlineData("\u001b]0;title\u0007经发局")]
    [InlineData("经发局\0")]
    [InlineData("经发\n局")]
    [InlineData("经发\r局")]
    [InlineData("经发\t局")]
    [InlineData("经发\u007f局")]
    [InlineData("经发\u0085局")]
    [InlineData("经发\u009b31m局")]
    [InlineData("\u202e局发经")]
    [InlineData("经发\u2067局")]
    public void Control_characters_escapes_and_direction_overrides_are_not(string name)
    {
        Assert.False(UnitRules.IsPrintable(name));
        var violations = new Violations().RequirePrintable(name, "name");
        var ex = Assert.Throws<ValidationFailedException>(violations.ThrowIfAny);
        Assert.Equal("name", ex.Violations.Single().Field);
    }

    [Fact]
    public void An_alias_with_a_control_character_is_named_by_its_index()
    {
        var violations = new Violations();
        UnitRules.CleanAliases(["好别名", "坏\u001b别名"], violations);
        var ex = Assert.Throws<ValidationFailedException>(violations.ThrowIfAny);
        Assert.Equal("aliases[1]", ex.Violations.Single().Field);
    }

    private static UnitName N(Guid unit, UnitNameKind kind, string text) => UnitName.Of(unit, kind, text);

    [Theory]
    [InlineData(UnitNameKind.Alias, UnitNameKind.Name)]
    [InlineData(UnitNameKind.Alias, UnitNameKind.ShortName)]
    [InlineData(UnitNameKind.Alias, UnitNameKind.Alias)]
    [InlineData(UnitNameKind.Alias, UnitNameKind.Code)]
    [InlineData(UnitNameKind.Name, UnitNameKind.Alias)]
    [InlineData(UnitNameKind.ShortName, UnitNameKind.Alias)]
    [InlineData(UnitNameKind.Code, UnitNameKind.Alias)]
    public void An_alias_clashes_with_any_name_of_another_unit_either_way(UnitNameKind mine, UnitNameKind theirs)
    {
        var clash = UnitRules.FindNameClash([N(A, UnitNameKind.Name, "甲单位"), N(A, mine, "经发局")], [N(B, theirs, "经发局")]);
        Assert.NotNull(clash);
        Assert.Equal((mine, theirs, B), (clash.Proposed.Kind, clash.Existing.Kind, clash.Existing.UnitId));
    }

    [Theory]
    [InlineData("经发局", "经 发 局")]
    [InlineData("经发局", "“经发局”")]
    [InlineData("经发局", "经发局。")]
    [InlineData("ＸＸ园区", "xx园区")]
    [InlineData("党工委、管委会", "党工委管委会")]
    [InlineData("XX市（本级）", "XX市本级")]
    public void Spellings_that_resolve_alike_clash(string alias, string otherName) =>
        Assert.NotNull(UnitRules.FindNameClash([N(A, UnitNameKind.Alias, alias)], [N(B, UnitNameKind.Name, otherName)]));

    [Fact]
    public void Names_and_short_names_may_repeat_between_units_and_a_unit_never_clashes_with_itself()
    {
        Assert.Null(UnitRules.FindNameClash([N(A, UnitNameKind.Name, "财政局"), N(A, UnitNameKind.ShortName, "财政局")],
            [N(B, UnitNameKind.Name, "财政局"), N(B, UnitNameKind.ShortName, "财政局")]));
        Assert.Null(UnitRules.FindNameClash([N(A, UnitNameKind.Alias, "经发局")], [N(A, UnitNameKind.Name, "经发局")]));
        Assert.Null(UnitRules.FindNameClash([N(A, UnitNameKind.Alias, "经发局")], [N(B, UnitNameKind.Alias, "经发委")]));
    }
}
