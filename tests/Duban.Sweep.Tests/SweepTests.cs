using System.Collections.Concurrent;
using Duban.Testing;
using Grpc.Core;
using Xunit.Abstractions;
using SupervisionContract = Duban.Contracts.Supervision.V1;
using TasksContract = Duban.Contracts.Tasks.V1;
using UnitsContract = Duban.Contracts.Units.V1;

namespace Duban.Sweep.Tests;

/// <summary>
/// Every RPC of the three services, every field of its request down through nested messages, every bad value of the
/// field's type: each call ends with a clean status (never Unknown or Internal), a value the services must refuse
/// is refused with InvalidArgument naming the field, and no table of any database gains or loses a row.
/// </summary>
[Collection(ThreeServicesCollection.Name)]
public class SweepTests(ThreeServicesFixture services, ITestOutputHelper output)
{
    public static readonly Google.Protobuf.Reflection.ServiceDescriptor[] Services =
    [
        UnitsContract.UnitsService.Descriptor, TasksContract.TasksService.Descriptor, SupervisionContract.SupervisionService.Descriptor,
    ];

    [Fact]
    public async Task Every_bad_value_of_every_field_of_every_rpc_gets_a_clean_status_and_stores_nothing()
    {
        var before = await services.RowCountsAsync();
        var cases = Services.SelectMany(BadRequests.For).ToList();
        var failures = new ConcurrentBag<string>();
        var statuses = new ConcurrentDictionary<StatusCode, int>();

        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (bad, _) =>
        {
            var (channel, _, _) = services.Serving(bad.Method.Service.FullName);
            var (code, error) = await RawCalls.CallAsync(channel, bad.Method, bad.Payload,
                // A watch asked for nothing wrong stays open; the first call of each RPC compiles its queries.
                TimeSpan.FromSeconds(bad.Method.IsServerStreaming ? 3 : 15));
            statuses.AddOrUpdate(code, 1, (_, n) => n + 1);
            // A stream asked for nothing wrong may just stay open (a watch): that is its answer.
            if (code == StatusCode.DeadlineExceeded && bad.ExpectedField is null && bad.Method.IsServerStreaming)
                return;
            if (code is StatusCode.Unknown or StatusCode.Internal or StatusCode.DeadlineExceeded or StatusCode.Unimplemented)
                failures.Add($"{bad}: {code} {error?.Status.Detail}");
            else if (bad.ExpectedField is { } field)
            {
                if (code != StatusCode.InvalidArgument)
                    failures.Add($"{bad}: expected InvalidArgument, got {code} {error?.Status.Detail}");
                else if (!RpcAssert.FieldsOf(error!).Contains(field))
                    failures.Add($"{bad}: expected a violation on '{field}', got [{string.Join(", ", RpcAssert.FieldsOf(error!))}]");
            }
        });

        var after = await services.RowCountsAsync();
        var changed = before.Where(t => after[t.Key] != t.Value).Select(t => $"{t.Key}: {t.Value} → {after[t.Key]}").ToList();

        var rpcs = cases.Select(c => c.Method.FullName).Distinct().Count();
        var fields = cases.Where(c => c.Field.Length > 0).Select(c => (c.Method.FullName, c.Field)).Distinct().Count();
        output.WriteLine($"{cases.Count} calls: {rpcs} RPCs, {fields} (RPC, field) pairs, "
            + $"{cases.Count(c => c.ExpectedField is not null)} that must be refused with InvalidArgument on the field");
        output.WriteLine("statuses: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value}")));
        Assert.True(failures.IsEmpty, $"{failures.Count} of {cases.Count} calls failed:\n" + string.Join("\n", failures.Order().Take(100)));
        Assert.True(changed.Count == 0, "rows changed: " + string.Join(", ", changed));
        Assert.Equal(Services.Sum(s => s.Methods.Count), rpcs);
    }
}
