using System.Text.Json;
using Duban.Supervision.Domain.Reviews;
using Xunit;
using static Duban.Supervision.Tests.Domain.ReviewFixtures;

namespace Duban.Supervision.Tests.Domain;

public class BulletinRendererTests
{
    private static readonly WeeklyReviewCalculator Calculator = new();

    private static WeeklyReviewReport Week47(IEnumerable<ReviewedAssignment>? items = null, WeeklyReviewReport? previous = null) =>
        Calculator.Calculate(Office, W47, EndOfW47, AllUnits, items ?? Week47Assignments(), previous);

    [Fact]
    public void Markdown_opens_with_the_title_period_and_summary()
    {
        var md = BulletinRenderer.RenderMarkdown(Week47(), "市政府督查室");

        Assert.StartsWith("# 关于2026年第47周重点任务推进情况的通报\n", md);
        Assert.Contains("统计周期：2026年11月16日—11月22日", md);
        Assert.Contains("数据截至：2026年11月22日24时", md);
        Assert.Contains("本周共调度重点任务14项，已完成（经核验）7项，其中按时完成5项、逾期完成2项；待核验0项；应完成10项，按时完成率50%；未完成7项，其中逾期3项（本周新增2项），逾期未作情况说明1项；下周到期3项。", md);
        Assert.Contains("亮红灯单位2个、亮黄灯单位2个、亮绿灯单位1个。", md);
        Assert.Contains(BulletinRenderer.CountingNote, md);
    }

    [Fact]
    public void Markdown_table_has_a_row_per_unit_worst_first_with_lights_and_a_total()
    {
        var md = BulletinRenderer.RenderMarkdown(Week47(), "市政府督查室");
        var rows = md.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal)).ToList();

        Assert.Equal("| 单位 | 交办 | 按时完成 | 逾期完成 | 待核验 | 未完成 | 下周到期 | 逾期 | 未说明逾期 | 应完成 | 按时完成率 | 亮灯 |", rows[0]);
        Assert.Equal("| 发改委 | 4 | 1 | 1 | 0 | 2 | 0 | 2 | 1 | 4 | 25% | 🔴 红灯 |", rows[2]);
        Assert.Equal("| 住建局城建科 | 1 | 0 | 0 | 0 | 1 | 1 | 0 | 0 | 0 | — | 🟡 黄灯 |", rows[4]);
        Assert.Equal("| 文旅局 | 3 | 2 | 1 | 0 | 0 | 0 | 0 | 0 | 3 | 66.7% | 🟡 黄灯 |", rows[5]);
        Assert.Equal("| 教育局 | 3 | 1 | 0 | 0 | 2 | 1 | 0 | 0 | 1 | 100% | 🟢 绿灯 |", rows[6]);
        Assert.Equal("| **合计** | 14 | 5 | 2 | 0 | 7 | 3 | 3 | 1 | 10 | 50% | — |", rows[7]);
        Assert.Equal(8, rows.Count);
    }

    [Fact]
    public void Markdown_names_the_laggards_with_owner_and_days_overdue()
    {
        var md = BulletinRenderer.RenderMarkdown(Week47(), "市政府督查室");

        Assert.Contains("### 发改委（逾期2项）", md);
        Assert.Contains("1. 出台招商引资办法（责任人：钱伟；完成时限：2026年11月1日；逾期22天；未作情况说明）", md);
        Assert.Contains("2. 推进重点项目开工（责任人：赵敏；完成时限：2026年11月18日；逾期5天；已报送情况说明；本周新增逾期）", md);
        Assert.Contains("### 住建局（逾期1项）", md);
        Assert.Contains("请单位主要负责人于下次调度会上作出说明", md);
        Assert.Contains("- 发改委（逾期未说明1项）", md);
        Assert.Contains("1. 【住建局】城市更新试点（责任人：周杰；按时完成）", md);
        Assert.Contains("【文旅局】景区提升（责任人：陈晨；逾期5天完成）", md);
        Assert.Contains("1. 【住建局城建科】道路修缮（责任人：吴刚；完成时限：2026年11月24日；当前进度20%）", md);
        Assert.True(md.IndexOf("### 发改委", StringComparison.Ordinal) < md.IndexOf("### 住建局", StringComparison.Ordinal));
    }

    [Fact]
    public void Markdown_escapes_pipes_and_line_breaks_in_titles()
    {
        var items = new[] { Open(1, Fagaiwei, D(2026, 11, 1), "规划|方案\n第二行", "王|五") };

        var md = BulletinRenderer.RenderMarkdown(Week47(items), "市政府督查室");

        Assert.Contains(@"规划\|方案 第二行（责任人：王\|五；", md);
        Assert.DoesNotContain("规划|方案", md);
        Assert.Equal(@"a\|b\\c\*d\_e", BulletinRenderer.Escape(@"a|b\c*d_e"));
    }

    [Fact]
    public void Markdown_pipe_in_a_unit_name_does_not_add_table_columns()
    {
        var units = AllUnits.Select(u => u.Id == Fagaiwei ? u with { Name = "发改|委" } : u).ToList();
        var report = Calculator.Calculate(Office, W47, EndOfW47, units, Week47Assignments());

        var md = BulletinRenderer.RenderMarkdown(report, "市政府督查室");
        var row = md.Split('\n').Single(l => l.StartsWith(@"| 发改\|委", StringComparison.Ordinal));

        Assert.Equal(13, row.Replace(@"\|", "", StringComparison.Ordinal).Count(c => c == '|'));
    }

    [Fact]
    public void Markdown_says_so_when_nothing_is_overdue_and_nobody_must_explain()
    {
        var md = BulletinRenderer.RenderMarkdown(Week47([Open(1, Jiaoyuju, D(2026, 12, 31))]), "市政府督查室");

        Assert.Contains("本周无逾期未完成任务。", md);
        Assert.Contains("本周无逾期未完成且未作情况说明的单位。", md);
        Assert.Contains("本周无完成任务。", md);
        Assert.Contains("下周无到期任务。", md);
    }

    [Fact]
    public void Markdown_reports_the_change_since_last_week()
    {
        var previous = Calculator.Calculate(Office, W47.Previous(), EndOfW46, AllUnits, Week47Assignments());

        var md = BulletinRenderer.RenderMarkdown(Week47(previous: previous), "市政府督查室");

        Assert.Contains("与上周相比，逾期任务增加2项，按时完成率上升10个百分点。", md);
    }

    [Fact]
    public void Period_spanning_two_years_names_both()
    {
        Assert.Equal("2026年12月28日—2027年1月3日", BulletinRenderer.Period(D(2026, 12, 28), D(2027, 1, 3)));
        Assert.Equal("2026年11月16日—11月22日", BulletinRenderer.Period(D(2026, 11, 16), D(2026, 11, 22)));
    }

    [Fact]
    public void Units_csv_has_one_header_a_row_per_unit_and_a_total()
    {
        var csv = BulletinRenderer.RenderUnitsCsv(Week47());
        var lines = csv.Split("\r\n");

        Assert.Equal("单位,交办,按时完成,逾期完成,待核验,未完成,下周到期,逾期,未说明逾期,应完成,按时完成率(%),亮灯", lines[0]);
        Assert.Equal("发改委,4,1,1,0,2,0,2,1,4,25.0,红灯", lines[1]);
        Assert.Equal("住建局城建科,1,0,0,0,1,1,0,0,0,—,黄灯", lines[3]);
        Assert.Equal("合计,14,5,2,0,7,3,3,1,10,50.0,", lines[6]);
        Assert.Equal("", lines[7]);
        Assert.Equal(8, lines.Length);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void The_printed_totals_are_the_printed_unit_rows_summed_and_rated_the_same_way(int seed)
    {
        var report = Calculator.Calculate(Office, W47, Local(2026, 11, 20, 10, 0), AllUnits, RandomAssignments(seed, 300));
        var lines = BulletinRenderer.RenderUnitsCsv(report).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).ToList();
        var units = lines[..^1];
        var total = lines[^1];
        Assert.Equal("合计", total[0]);
        Assert.True(units.Count >= 4);

        // 交办 … 应完成 are columns 1–9; 按时完成率 is column 10.
        for (var column = 1; column <= 9; column++)
            Assert.Equal(units.Sum(u => int.Parse(u[column])), int.Parse(total[column]));
        foreach (var row in units.Append(total))
        {
            var (onTime, shouldBe) = (int.Parse(row[2]), int.Parse(row[9]));
            Assert.Equal(shouldBe == 0 ? "—" : Math.Round(100m * onTime / shouldBe, 1, MidpointRounding.AwayFromZero).ToString("0.0"), row[10]);
            Assert.Equal(int.Parse(row[1]), int.Parse(row[2]) + int.Parse(row[3]) + int.Parse(row[4]) + int.Parse(row[5]));
        }

        // The Markdown table prints the same numbers.
        var md = BulletinRenderer.RenderMarkdown(report, "市政府督查室").Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal)).Skip(2).ToList();
        Assert.Equal(units.Count + 1, md.Count);
        for (var i = 0; i < md.Count; i++)
        {
            var cells = md[i].Split(" | ");
            var csvRow = i < units.Count ? units[i] : total;
            Assert.Equal(csvRow[1..10], cells[1..10]);
        }
    }

    [Fact]
    public void Csv_quotes_commas_quotes_and_line_breaks()
    {
        Assert.Equal("plain", BulletinRenderer.CsvField("plain"));
        Assert.Equal("\"a,b\"", BulletinRenderer.CsvField("a,b"));
        Assert.Equal("\"修订\"\"条例\"\"\"", BulletinRenderer.CsvField("修订\"条例\""));
        Assert.Equal("\"第一行\n第二行\"", BulletinRenderer.CsvField("第一行\n第二行"));
        Assert.Equal("\"a\rb\"", BulletinRenderer.CsvField("a\rb"));
        Assert.Equal("中文，全角逗号", BulletinRenderer.CsvField("中文，全角逗号"));
    }

    [Fact]
    public void Items_csv_lists_every_named_item_with_its_category_and_quotes_titles()
    {
        var items = Week47Assignments();
        items.Add(Open(99, Jiaoyuju, D(2026, 11, 2), "修订\"条例\",含逗号\n和换行", "王五"));
        items.Add(Open(98, Jiaoyuju, D(2026, 11, 3), "=HYPERLINK(\"x\")", "赵六", explained: true));

        var csv = BulletinRenderer.RenderItemsCsv(Week47(items));
        var lines = csv.Split("\r\n");

        Assert.Equal("类别,单位,任务,责任人,完成时限,逾期天数,进度(%),情况说明", lines[0]);
        Assert.Contains("持续逾期,教育局,\"修订\"\"条例\"\",含逗号\n和换行\",王五,2026-11-02,21,0,未说明\r\n", csv);
        Assert.Contains("持续逾期,教育局,\"'=HYPERLINK(\"\"x\"\")\",赵六,2026-11-03,20,0,已说明\r\n", csv);
        Assert.Contains("本周新增逾期,发改委,推进重点项目开工,赵敏,2026-11-18,5,40,已说明\r\n", csv);
        Assert.Contains("本周完成,文旅局,景区提升,陈晨,2026-11-30,5,100,\r\n", csv);
        Assert.Contains("下周到期,住建局城建科,道路修缮,吴刚,2026-11-24,0,20,\r\n", csv);
        Assert.True(csv.IndexOf("本周新增逾期", StringComparison.Ordinal) < csv.IndexOf("持续逾期", StringComparison.Ordinal));
    }

    [Fact]
    public void Json_is_camel_case_with_readable_chinese_and_weeks_as_text()
    {
        var json = BulletinRenderer.RenderJson(Week47());
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;

        Assert.Equal("2026-W47", root.GetProperty("week").GetString());
        Assert.Equal("2026-11-16", root.GetProperty("weekStart").GetString());
        Assert.Equal("2026-11-22T16:00:00+00:00", root.GetProperty("asOf").GetString());
        Assert.Equal(14, root.GetProperty("totals").GetProperty("assigned").GetInt32());
        var first = root.GetProperty("units")[0];
        Assert.Equal("发改委", first.GetProperty("unitName").GetString());
        Assert.Equal("red", first.GetProperty("light").GetString());
        Assert.Equal(22, root.GetProperty("stillOverdue")[0].GetProperty("daysOverdue").GetInt32());
        Assert.Contains("\"发改委\"", json);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("change").ValueKind);
    }

    [Fact]
    public void Json_is_stable_across_runs()
    {
        Assert.Equal(BulletinRenderer.RenderJson(Week47()), BulletinRenderer.RenderJson(Week47()));
    }
}
