using Bunit;
using Duban.Contracts.Tasks.V1;
using Duban.Web.Components.Pages;
using Duban.Web.Components.Shared;
using Duban.Web.Ledger;
using Duban.Web.Reviews;
using Microsoft.Extensions.Primitives;
using SupervisionApi = Duban.Contracts.Supervision.V1;

namespace Duban.Web.Tests.Components;

/// <summary>The pages' pieces rendered alone (bUnit): what each shows for the services' values.</summary>
public class ComponentTests : BunitContext
{
    private static SupervisionApi.AssignmentLevel Level(SupervisionApi.UrgingLevel level, int overdue = 0, int left = 0, bool deadline = true) =>
        new() { AssignmentId = Guid.NewGuid().ToString(), Level = level, DaysOverdue = overdue, DaysLeft = left, HasDeadline = deadline };

    [Fact]
    public void Days_read_as_overdue_left_due_today_or_ongoing_and_closed_work_shows_none()
    {
        string Text(SupervisionApi.AssignmentLevel? level) => Render<DaysText>(p => p.Add(c => c.Level, level)).Markup.Trim();
        Assert.Contains("逾期 12 天", Text(Level(SupervisionApi.UrgingLevel.Red, overdue: 12)));
        Assert.Contains("wb-late", Text(Level(SupervisionApi.UrgingLevel.Red, overdue: 12)));
        Assert.Contains("剩余 5 天", Text(Level(SupervisionApi.UrgingLevel.Blue, left: 5)));
        Assert.Contains("今日到期", Text(Level(SupervisionApi.UrgingLevel.Blue, left: 0)));
        Assert.Contains("长期", Text(Level(SupervisionApi.UrgingLevel.Green, deadline: false)));
        Assert.Equal("", Text(Level(SupervisionApi.UrgingLevel.None)));
        Assert.Equal("", Text(null));
    }

    [Fact]
    public void A_light_is_a_coloured_dot_with_its_word_and_nothing_for_closed_work()
    {
        var red = Render<LevelLight>(p => p.Add(c => c.Level, Level(SupervisionApi.UrgingLevel.Red, overdue: 1)));
        Assert.Equal("红", red.Find(".wb-light-word").TextContent);
        Assert.Contains("red", red.Find(".wb-light").ClassList);
        var yellow = Render<LevelLight>(p => p.Add(c => c.Level, Level(SupervisionApi.UrgingLevel.Yellow)));
        Assert.Equal("黄", yellow.Find(".wb-light-word").TextContent);
        Assert.Empty(Render<LevelLight>(p => p.Add(c => c.Level, Level(SupervisionApi.UrgingLevel.None))).FindAll("span"));
    }

    [Fact]
    public void Import_problems_show_their_row_the_fields_name_in_the_forms_words_and_the_closest_units()
    {
        var table = Render<ProblemTable>(p => p
            .Add(c => c.Test, "problems")
            .Add(c => c.Problems, new List<ImportProblem>
            {
                new() { Line = 0, Field = "issuing_unit_id", Message = "must be a unit" },
                new() { Line = 7, Field = "牵头单位", Message = "未知单位“经发一局”", Suggestions = { new UnitSuggestion { Name = "工业园区经济发展局" }, new UnitSuggestion { Name = "经信局" } } },
            }));
        var rows = table.FindAll("tbody tr").Select(r => r.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToArray()).ToList();
        Assert.Equal(["—", "印发单位", "must be a unit", ""], rows[0]);
        Assert.Equal(["7", "牵头单位", "未知单位“经发一局”", "工业园区经济发展局、经信局"], rows[1]);
        Assert.Equal("problems", table.Find("table").GetAttribute("data-test"));
    }

    [Fact]
    public void The_bulletin_page_renders_its_tables_and_shows_typed_html_as_text()
    {
        var html = BulletinPage.Render("# 关于第49周的通报\n\n| 单位 | 逾期 |\n| --- | ---: |\n| 财政局 | 1 |\n\n<script>alert(1)</script>").Value;
        Assert.Contains("<table>", html);
        Assert.Contains("<td style=\"text-align: right;\">1</td>", html);
        Assert.DoesNotContain("<script>", html);
        Assert.Contains("&lt;script&gt;", html);
    }

    [Fact]
    public void Rates_are_whole_percents_and_a_dash_when_nothing_counts()
    {
        Assert.Equal("—", UnitView.Rate(0, 0));
        Assert.Equal("33%", UnitView.Rate(1, 3));
        Assert.Equal("100%", UnitView.Rate(4, 4));
    }

    [Fact]
    public void Ledger_filters_read_from_the_url_report_what_they_cannot_read_and_write_themselves_back()
    {
        var problems = new List<string>();
        var filter = LedgerFilter.Parse(new Dictionary<string, StringValues>
        {
            ["unit"] = "u1", ["subtree"] = "1", ["status"] = new(["in_progress", "completion_requested"]), ["overdue"] = "1",
            ["before"] = "2026-12-31", ["q"] = "招商", ["page"] = "p2",
        }, problems);
        Assert.Empty(problems);
        Assert.Equal([AssignmentStatus.InProgress, AssignmentStatus.CompletionRequested], filter.Statuses);
        var request = filter.ToRequest(new DateOnly(2026, 12, 2));
        Assert.Equal(("u1", true, "招商", "p2"), (request.LeadUnitId, request.IncludeSubtree, request.Text, request.PageToken));
        Assert.Equal(new Google.Type.Date { Year = 2026, Month = 12, Day = 2 }, request.OverdueAsOf);
        Assert.Equal("/ledger?unit=u1&subtree=1&status=in_progress&status=completion_requested&overdue=1&before=2026-12-31&q=%E6%8B%9B%E5%95%86&page=p2",
            filter.Url("/ledger"));
        // Changing a filter starts again at the first page.
        Assert.DoesNotContain("page=", filter.Url("/ledger", "q", "资金"));

        var sorted = LedgerFilter.Parse(new Dictionary<string, StringValues> { ["sort"] = "updated" }, problems);
        Assert.Equal(AssignmentOrder.RecentlyUpdated, sorted.ToRequest(new DateOnly(2026, 12, 2)).OrderBy);
        Assert.Equal("/ledger?sort=updated", sorted.Url("/ledger"));
        Assert.Empty(problems);

        LedgerFilter.Parse(new Dictionary<string, StringValues> { ["after"] = "2026/12/01", ["status"] = "done", ["sort"] = "random" }, problems);
        Assert.Contains(problems, p => p.Contains("没有“random”这种排序"));
        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.Contains("到期起“2026/12/01”不是日期"));
        Assert.Contains(problems, p => p.Contains("没有“done”这种状态"));
    }
}
