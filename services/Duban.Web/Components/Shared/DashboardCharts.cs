using System.Text.Json;
using Duban.Contracts.Supervision.V1;

namespace Duban.Web.Components.Shared;

/// <summary>ECharts options for the dashboard, written on the server as JSON; the page's script only draws them.</summary>
public static class DashboardCharts
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Write(object option) => JsonSerializer.Serialize(option, Json);

    public static string Trend(IEnumerable<DashboardWeek> weeks)
    {
        var list = weeks.ToList();
        return Write(new
        {
            animation = false,
            tooltip = new { trigger = "axis" },
            legend = new { data = new[] { "交办", "逾期", "按期完成" } },
            grid = new { left = 40, right = 16, top = 36, bottom = 28 },
            xAxis = new { type = "category", data = list.Select(w => w.Week).ToArray() },
            yAxis = new { type = "value", minInterval = 1 },
            series = new object[]
            {
                new { name = "交办", type = "bar", data = list.Select(w => w.Assigned).ToArray(), itemStyle = new { color = "#90a4ae" } },
                new { name = "逾期", type = "line", data = list.Select(w => w.Overdue).ToArray(), itemStyle = new { color = "#c62828" } },
                new { name = "按期完成", type = "line", data = list.Select(w => w.CompletedOnTime).ToArray(), itemStyle = new { color = "#2e7d32" } },
            },
        });
    }

    public static string Statuses(Dashboard d) => Pie(
        ("已交办", d.Assigned, "#90a4ae"), ("已签收", d.Accepted, "#64b5f6"), ("办理中", d.InProgress, "#1565c0"),
        ("待核验", d.CompletionRequested, "#f9a825"), ("已办结", d.Completed, "#2e7d32"));

    public static string Levels(Dashboard d) => Pie(
        ("红色", d.Red, "#c62828"), ("黄色", d.Yellow, "#f9a825"), ("蓝色", d.Blue, "#1565c0"), ("绿色", d.Green, "#2e7d32"));

    private static string Pie(params (string Name, int Value, string Color)[] parts) => Write(new
    {
        animation = false,
        tooltip = new { trigger = "item", formatter = "{b}：{c}（{d}%）" },
        legend = new { bottom = 0 },
        series = new object[]
        {
            new
            {
                type = "pie", radius = new[] { "40%", "68%" }, center = new[] { "50%", "45%" },
                label = new { formatter = "{b} {c}" },
                data = parts.Select(p => new { name = p.Name, value = p.Value, itemStyle = new { color = p.Color } }).ToArray(),
            },
        },
    });
}
