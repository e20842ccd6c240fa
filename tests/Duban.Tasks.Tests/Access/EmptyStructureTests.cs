using Duban.Contracts.Tasks.V1;
using Duban.Testing;
using Grpc.Core;

namespace Duban.Tasks.Tests.Access;

public class EmptyStructureTests(TasksServiceFixture service) : IClassFixture<TasksServiceFixture>
{
    private ImportPlanRequest Request(PlanStructure structure, bool dryRun = false) => new()
    {
        Title = "空方案", IssuingUnitId = service.Tree.Park.Id, IssueDate = new Google.Type.Date { Year = 2023, Month = 3, Day = 1 },
        Structure = structure, DryRun = dryRun,
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_empty_structure_is_refused_and_stores_no_plan(bool dryRun)
    {
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "structure.items", async () =>
            await service.Office.ImportPlanAsync(Request(new PlanStructure(), dryRun)));
        Assert.Equal(0, await service.CountAsync("SELECT count(*) FROM plans WHERE title = '空方案'"));
    }

    [Fact]
    public async Task An_item_without_text_is_refused_on_its_field_and_nothing_is_stored()
    {
        var structure = new PlanStructure
        {
            Items =
            {
                new StructuredItem
                {
                    Kind = ItemKind.KeyTask, Text = "承接产业转移",
                    Children =
                    {
                        new StructuredItem { Kind = ItemKind.Measure, Text = "拿出方案", LeadUnits = { "经发局" }, Deadline = "2023年12月底前" },
                        new StructuredItem { Kind = ItemKind.Measure, Text = "  ", LeadUnits = { "财政局" }, Deadline = "2023年12月底前" },
                    },
                },
            },
        };
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "structure.items[0].children[1].text", async () =>
            await service.Office.ImportPlanAsync(Request(structure)));
        Assert.Equal(0, await service.CountAsync("SELECT count(*) FROM plans WHERE title = '空方案'"));
        Assert.Equal(0, await service.CountAsync("SELECT count(*) FROM assignments"));
    }
}
