using System.Text;
using Duban.Contracts.Tasks.V1;
using Duban.Contracts.Units.V1;
using Duban.Testing;
using Grpc.Core;

namespace Duban.Sweep.Tests;

/// <summary>Hundreds of problems reach a gRPC client at once (a capped trailer, the full list from the dry run); an over-long cell is a problem of its row.</summary>
[Collection(ThreeServicesCollection.Name)]
public class ImportProblemsTests(ThreeServicesFixture services)
{
    private const string Header = "序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限\n";

    private async Task<string> IssuerAsync() =>
        (await new UnitsService.UnitsServiceClient(services.Units.Channel(TestTokens.Office())).CreateUnitAsync(new CreateUnitRequest
        {
            Code = "imp-" + Guid.NewGuid().ToString("N")[..8], Name = "导入测试园区" + Guid.NewGuid().ToString("N")[..4], LevelCode = "district",
        })).Id;

    private TasksService.TasksServiceClient Tasks => new(services.Tasks.Channel(TestTokens.Office()));

    [Fact]
    public async Task Six_hundred_unknown_units_are_refused_within_seconds_and_the_dry_run_lists_every_one()
    {
        var issuer = await IssuerAsync();
        var table = new StringBuilder(Header);
        for (var i = 1; i <= 600; i++)
            table.Append($"{i},重点任务{i},具体措施{i},不存在的单位第{i}号,,,2026年12月底前\n");
        var request = new ImportPlanRequest { Title = "问题很多的计划", IssuingUnitId = issuer, TableText = table.ToString() };
        var plans = await services.CountTasksAsync("SELECT count(*) FROM plans");

        var refused = await RpcAssert.ThrowsAsync(StatusCode.InvalidArgument, async () =>
            await Tasks.ImportPlanAsync(request, deadline: DateTime.UtcNow.AddSeconds(60)));
        var fields = RpcAssert.FieldsOf(refused);
        Assert.InRange(fields.Count, 2, Duban.ServiceDefaults.Errors.ErrorMappingInterceptor.MaxFieldViolations + 1);
        Assert.Contains("600 problem(s)", refused.Status.Detail);
        Assert.Contains("more problems", refused.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations[^1].Description);

        request.DryRun = true;
        var dryRun = await Tasks.ImportPlanAsync(request, deadline: DateTime.UtcNow.AddSeconds(60));
        Assert.Equal(600, dryRun.Problems.Count);
        Assert.Equal(plans, await services.CountTasksAsync("SELECT count(*) FROM plans"));
    }

    [Fact]
    public async Task A_cell_longer_than_its_column_is_a_problem_of_its_row_and_nothing_is_stored()
    {
        var issuer = await IssuerAsync();
        var request = new ImportPlanRequest
        {
            Title = "超长单元格", IssuingUnitId = issuer,
            TableText = Header + $"1,重点任务,{new string('措', 2500)},,,,2026年12月底前\n2,重点任务二,措施二,,,,{new string('期', 600)}\n",
        };
        var plans = await services.CountTasksAsync("SELECT count(*) FROM plans");
        var refused = await RpcAssert.ThrowsAsync(StatusCode.InvalidArgument, async () => await Tasks.ImportPlanAsync(request));
        var fields = RpcAssert.FieldsOf(refused);
        Assert.Contains(fields, f => f.StartsWith("table_text.rows[", StringComparison.Ordinal) && f.EndsWith("].事项", StringComparison.Ordinal));
        Assert.Contains(fields, f => f.StartsWith("table_text.rows[", StringComparison.Ordinal) && f.EndsWith("].完成时限", StringComparison.Ordinal));
        Assert.Equal(plans, await services.CountTasksAsync("SELECT count(*) FROM plans"));
    }
}
