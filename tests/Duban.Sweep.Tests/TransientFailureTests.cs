using System.Collections.Concurrent;
using Duban.Contracts.Tasks.V1;
using Duban.Contracts.Units.V1;
using Duban.Testing;
using Grpc.Core;
using Npgsql;
using Xunit.Abstractions;

namespace Duban.Sweep.Tests;

/// <summary>Connections killed under load: every call that fails says it may be retried (Unavailable or Aborted), none says Unknown.</summary>
[Collection(ThreeServicesCollection.Name)]
public class TransientFailureTests(ThreeServicesFixture services, ITestOutputHelper output)
{
    [Fact]
    public async Task Terminated_connections_under_load_come_back_as_unavailable_or_aborted_never_unknown()
    {
        var units = new UnitsService.UnitsServiceClient(services.Units.Channel(TestTokens.Office()));
        var tasks = new TasksService.TasksServiceClient(services.Tasks.Channel(TestTokens.Office()));
        var parent = await units.CreateUnitAsync(new CreateUnitRequest { Code = "kill-" + Guid.NewGuid().ToString("N")[..8], Name = "断连测试园区", LevelCode = "district" });
        var statuses = new ConcurrentDictionary<StatusCode, int>();
        var unclean = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(6));

        async Task Load(Func<int, Task> call)
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var code = StatusCode.OK;
                try
                {
                    await call(i);
                }
                catch (RpcException ex)
                {
                    code = ex.StatusCode;
                    if (code is not (StatusCode.Unavailable or StatusCode.Aborted or StatusCode.DeadlineExceeded))
                        unclean.Add($"{code}: {ex.Status.Detail}");
                }
                statuses.AddOrUpdate(code, 1, (_, n) => n + 1);
            }
        }

        var killed = 0;
        async Task Kill()
        {
            var databases = new[] { services.Units.ConnectionString, services.Tasks.ConnectionString }
                .Select(c => new NpgsqlConnectionStringBuilder(c).Database!).ToArray();
            await using var admin = new NpgsqlConnection(services.Units.ConnectionString);
            await admin.OpenAsync();
            while (!stop.IsCancellationRequested)
            {
                await using var command = new NpgsqlCommand(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = ANY($1) AND pid <> pg_backend_pid()", admin)
                {
                    Parameters = { new() { Value = databases } },
                };
                killed += Convert.ToInt32(await command.ExecuteScalarAsync());
                await Task.Delay(30);
            }
        }

        await Task.WhenAll(
            Kill(),
            Load(i => units.CreateUnitAsync(new CreateUnitRequest
            {
                Code = $"k-{Guid.NewGuid():N}"[..20], Name = $"断连部门{Guid.NewGuid():N}"[..12], LevelCode = "department", ParentId = parent.Id,
            }, deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync),
            Load(_ => units.ListUnitsAsync(new ListUnitsRequest { ParentId = parent.Id, PageSize = 20 }, deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync),
            Load(_ => units.GetUnitAsync(new GetUnitRequest { Id = parent.Id }, deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync),
            Load(_ => tasks.ListPlansAsync(new ListPlansRequest { PageSize = 10 }, deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync));

        output.WriteLine($"{killed} connections terminated; statuses: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value}")));
        Assert.True(unclean.IsEmpty, string.Join("\n", unclean.Distinct().Take(20)));
        Assert.True(killed > 0, "no connection was terminated");
        Assert.True(statuses.Keys.Any(k => k is StatusCode.Unavailable or StatusCode.Aborted), "no call met a terminated connection");
        Assert.True(statuses.GetValueOrDefault(StatusCode.OK) > 0, "no call succeeded between the kills");
    }
}
