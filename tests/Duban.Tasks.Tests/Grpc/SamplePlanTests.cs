using Duban.Contracts.Tasks.V1;
using Duban.Contracts.Units.V1;
using Duban.Harness;

namespace Duban.Tasks.Tests.Grpc;

/// <summary>The "Implementation Plan" of the samples folder, imported against the speech's units as README shows.</summary>
public class SamplePlanTests(SampleUnitsFixture service) : IClassFixture<SampleUnitsFixture>
{
    private static string Sample(string file) => File.ReadAllText(Path.Combine(RepoPaths.Find().Root, "samples", file));

    private async Task<string> ParkIdAsync() =>
        (await service.UnitsOffice.ResolveUnitNamesAsync(new ResolveUnitNamesRequest { Names = { "党工委" } })).Results[0].Unit.Id;

    [Fact]
    public async Task The_sample_task_breakdown_table_imports_cleanly()
    {
        var request = new ImportPlanRequest
        {
            Title = "贯彻落实《实施方案》任务分解表", IssuingUnitId = await ParkIdAsync(),
            IssueDate = new Google.Type.Date { Year = 2026, Month = 3, Day = 1 }, TableText = Sample("implementation-plan.csv"),
        };
        request.DryRun = true;
        var dry = await service.Office.ImportPlanAsync(request);
        Assert.Empty(dry.Problems);
        Assert.Empty(dry.Warnings);
        // 各片区 is a collective of the sample units: the park's children of kind 片区, "一市三园".
        Assert.Equal(new[] { "X市", "临港化工园区", "生物医药产业园", "汽车零部件产业园" }.Order(),
            dry.ResolvedUnits.Where(r => r.Name == "各片区").Select(r => r.UnitName).Order());

        request.DryRun = false;
        var response = await service.Office.ImportPlanAsync(request);
        // 15 rows for one unit each, and 3 rows for 各片区 = the four areas of "一市三园".
        Assert.Equal(15 + 3 * 4, response.Plan.AssignmentCount);
        var tree = await service.Office.GetPlanTreeAsync(new GetPlanTreeRequest { PlanId = response.Plan.Id });
        Assert.Equal(27, tree.Counts.Assigned);
        Assert.Contains(tree.Nodes.SelectMany(n => n.Assignments), a => a.Deadline.Kind == DeadlineKind.Recurring);
        // Columns the importer does not know are kept with the row's item.
        Assert.Contains(tree.Nodes, n => n.Item.Attributes.TryGetValue("备注", out var note) && note == "实施方案二（一）");
    }

    [Fact]
    public async Task The_sample_outline_imports_cleanly()
    {
        var response = await service.Office.ImportPlanAsync(new ImportPlanRequest
        {
            IssuingUnitId = await ParkIdAsync(), IssueDate = new Google.Type.Date { Year = 2026, Month = 3, Day = 1 },
            OutlineText = Sample("implementation-plan-outline.txt"), RequestId = Guid.NewGuid().ToString(),
        });
        Assert.Equal("贯彻落实《加快XX工业园区高质量发展实施方案》工作分工", response.Plan.Title);
        Assert.Empty(response.Warnings);
        Assert.Equal(15, response.Plan.AssignmentCount);
    }
}
