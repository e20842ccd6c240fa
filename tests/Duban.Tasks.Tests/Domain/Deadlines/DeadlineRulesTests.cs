using Duban.Tasks.Domain.Deadlines;
using Xunit;

namespace Duban.Tasks.Tests.Domain.Deadlines;

public class DeadlineRulesTests
{
    private static readonly DeadlineContext Plan2023 = new(2023, new DateOnly(2023, 3, 15));

    private static Deadline Parse(string text) =>
        DeadlineParser.Parse(text, Plan2023).Deadline ?? throw new InvalidOperationException(text);

    [Theory]
    [InlineData("6月底前", "年底前", ChildDeadlineCheck.Fits)]
    [InlineData("12月31日", "年底前", ChildDeadlineCheck.Fits)]                 // same day: not after
    [InlineData("2024年1月", "年底前", ChildDeadlineCheck.FallsAfterParent)]
    [InlineData("三季度", "6月底前完成方案，12月底前全面完成", ChildDeadlineCheck.Fits)] // against the final milestone
    [InlineData("6月底前完成方案，2024年3月底前全面完成", "年底前", ChildDeadlineCheck.FallsAfterParent)]
    [InlineData("2025年", "长期坚持", ChildDeadlineCheck.Fits)]
    [InlineData("每月28日前", "每季度末", ChildDeadlineCheck.Fits)]
    [InlineData("会后7日内", "长期坚持", ChildDeadlineCheck.Fits)]
    [InlineData("长期坚持", "年底前", ChildDeadlineCheck.FallsAfterParent)]
    [InlineData("每月28日前", "年底前", ChildDeadlineCheck.FallsAfterParent)]
    [InlineData("长期坚持", "30个工作日内", ChildDeadlineCheck.FallsAfterParent)]
    [InlineData("30个工作日内", "年底前", ChildDeadlineCheck.NeedsResolvedDates)]
    [InlineData("6月底前", "会后7日内", ChildDeadlineCheck.NeedsResolvedDates)]
    public void A_child_deadline_never_falls_after_its_parent(string child, string parent, ChildDeadlineCheck expected)
    {
        Assert.Equal(expected, DeadlineRules.CheckChildAgainstParent(Parse(child), Parse(parent)));
    }
}
