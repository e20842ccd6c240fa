using System.Collections.Concurrent;
using Duban.Contracts.Tasks.V1;
using Grpc.Core;
using Npgsql;

namespace Duban.Tasks.Tests.Grpc;

public class EventFeedTests(TasksServiceFixture service) : IClassFixture<TasksServiceFixture>
{
    private async Task<IReadOnlyList<Assignment>> ImportAsync(int rows)
    {
        var lines = Enumerable.Range(1, rows).Select(i => $"{i},事项{i},措施{Guid.NewGuid():N},经发局,,,2023年12月底前");
        var response = await service.Office.ImportPlanAsync(new ImportPlanRequest
        {
            Title = "事件", IssuingUnitId = service.Tree.Park.Id, IssueDate = new Google.Type.Date { Year = 2023, Month = 3, Day = 1 },
            TableText = "序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限\n" + string.Join('\n', lines),
        });
        return (await service.Office.ListAssignmentsAsync(new ListAssignmentsRequest { PlanId = response.Plan.Id, PageSize = 1000 })).Assignments;
    }

    private async Task<string> EndCursorAsync()
    {
        var cursor = "";
        while (true)
        {
            var page = await service.Office.ListEventsAsync(new ListEventsRequest { AfterCursor = cursor, Limit = 5000 });
            if (page.Events.Count == 0)
                return page.NextCursor;
            cursor = page.NextCursor;
        }
    }

    [Fact]
    public async Task Events_page_through_in_order_and_the_cursor_stays_put_when_nothing_is_new()
    {
        var start = await EndCursorAsync();
        var assignments = await ImportAsync(7);

        var first = await service.Office.ListEventsAsync(new ListEventsRequest { AfterCursor = start, Limit = 4 });
        var second = await service.Office.ListEventsAsync(new ListEventsRequest { AfterCursor = first.NextCursor, Limit = 4 });
        var rest = await service.Office.ListEventsAsync(new ListEventsRequest { AfterCursor = second.NextCursor });
        Assert.Equal(4, first.Events.Count);
        Assert.Equal(3, second.Events.Count);
        Assert.Empty(rest.Events);
        Assert.Equal(second.NextCursor, rest.NextCursor);

        var events = first.Events.Concat(second.Events).ToList();
        Assert.Equal(assignments.Select(a => a.Id).Order(), events.Select(e => e.AssignmentId).Order());
        Assert.All(events, e => Assert.Equal((AssignmentEventType.Assigned, e.AssignmentId, 1L), (e.Type, e.Assignment.Id, e.Assignment.Version)));

        await Assert.ThrowsAsync<RpcException>(async () => await service.Office.ListEventsAsync(new ListEventsRequest { AfterCursor = "not-a-cursor" }));
    }

    [Fact]
    public async Task A_watcher_gets_the_backlog_then_live_changes_then_heartbeats()
    {
        var start = await EndCursorAsync();
        var assignment = (await ImportAsync(1)).Single();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var watch = service.Office.WatchEvents(new WatchEventsRequest { AfterCursor = start, HeartbeatSeconds = 1 }, cancellationToken: cancel.Token);

        Assert.True(await watch.ResponseStream.MoveNext(cancel.Token));
        Assert.Equal((AssignmentEventType.Assigned, assignment.Id), (watch.ResponseStream.Current.Event.Type, watch.ResponseStream.Current.Event.AssignmentId));

        var lead = service.LeadOf(service.Tree.Economy);
        await lead.AcceptAssignmentAsync(new AcceptAssignmentRequest { Id = assignment.Id, Version = assignment.Version });
        WatchEventsResponse next;
        do
        {
            Assert.True(await watch.ResponseStream.MoveNext(cancel.Token));
            next = watch.ResponseStream.Current;
        } while (next.KindCase == WatchEventsResponse.KindOneofCase.HeartbeatCursor);
        Assert.Equal((AssignmentEventType.Accepted, 2L), (next.Event.Type, next.Event.Assignment.Version));

        Assert.True(await watch.ResponseStream.MoveNext(cancel.Token));
        Assert.Equal(next.Event.Cursor, watch.ResponseStream.Current.HeartbeatCursor);
    }

    /// <summary>
    /// Many writers commit at once, and some hold their transaction open after taking their sequence number,
    /// so they commit after later numbers did. A reader trusting "everything after the highest number I saw"
    /// would skip them; the watcher must receive every event exactly once.
    /// </summary>
    [Fact]
    public async Task A_watcher_receives_every_event_exactly_once_while_many_transactions_commit_out_of_order()
    {
        var assignments = await ImportAsync(12);
        var start = await EndCursorAsync();
        var startSequence = await service.CountAsync("SELECT coalesce(max(sequence), 0) FROM task_events");

        var received = new ConcurrentQueue<string>();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var watch = service.Office.WatchEvents(new WatchEventsRequest { AfterCursor = start, HeartbeatSeconds = 1 }, cancellationToken: cancel.Token);
        var reader = Task.Run(async () =>
        {
            try
            {
                while (await watch.ResponseStream.MoveNext(cancel.Token))
                    if (watch.ResponseStream.Current.Event is { } e)
                        received.Enqueue(e.Cursor);
            }
            catch (RpcException) when (cancel.IsCancellationRequested)
            {
            }
        });

        var lead = service.LeadOf(service.Tree.Economy);
        var writers = assignments.Select(async assignment =>
        {
            var version = assignment.Version;
            for (var percent = 5; percent <= 60; percent += 5)
                version = (await lead.ReportProgressAsync(new ReportProgressRequest { Id = assignment.Id, Version = version, Percent = percent })).Version;
        });
        var lateCommitters = Enumerable.Range(0, 4).Select(async _ =>
        {
            for (var i = 0; i < 3; i++)
                await CommitLateAsync(assignments[0].Id, TimeSpan.FromMilliseconds(250));
        });
        await Task.WhenAll(writers.Concat(lateCommitters));

        var expected = await service.CountAsync($"SELECT count(*) FROM task_events WHERE sequence > {startSequence}");
        Assert.True(expected == 12 * 12 + 4 * 3, $"{expected} events stored since the start: " + await DescribeAsync(startSequence));
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (received.Count < expected && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        await Task.Delay(300); // anything extra (a duplicate) would arrive now
        cancel.Cancel();
        await reader;

        var sequences = received.Select(c => long.Parse(c[(c.IndexOf('.') + 1)..])).ToList();
        var order = received.ToList();
        var twice = order.GroupBy(c => c).Where(g => g.Count() > 1).Select(g => $"{g.Key}@{order.IndexOf(g.Key)}/{order.LastIndexOf(g.Key)}").Take(5);
        Assert.True(sequences.Count == sequences.Distinct().Count(), $"received twice: {string.Join(", ", twice)}; all: {string.Join(" ", order.Take(60))}");
        await using var connection = new NpgsqlConnection(service.Tasks.ConnectionString);
        await connection.OpenAsync();
        await using var all = new NpgsqlCommand($"SELECT sequence FROM task_events WHERE sequence > {startSequence} ORDER BY sequence", connection);
        var stored = new List<long>();
        await using (var rows = await all.ExecuteReaderAsync())
            while (await rows.ReadAsync())
                stored.Add(rows.GetInt64(0));
        Assert.Equal(stored, sequences.Order());
    }

    [Fact]
    public async Task Events_stay_in_order_when_transaction_ids_gain_a_digit()
    {
        var assignment = (await ImportAsync(1)).Single();
        var start = await EndCursorAsync();
        await using var connection = new NpgsqlConnection(service.Tasks.ConnectionString);
        await connection.OpenAsync();
        async Task<ulong> NextTransactionIdAsync()
        {
            await using var command = new NpgsqlCommand("SELECT pg_current_xact_id()::text", connection);
            return ulong.Parse((string)(await command.ExecuteScalarAsync())!);
        }

        // One event just below a power of ten, one at or above it (999 → 1000 …). Other databases of the cluster take
        // transaction ids too, so the boundary is read off the first event actually written.
        var near = (ulong)Math.Pow(10, (await NextTransactionIdAsync()).ToString().Length);
        while (await NextTransactionIdAsync() < near - 2) { }
        var first = await CommitLateAsync(assignment.Id, TimeSpan.Zero);
        var boundary = (ulong)Math.Pow(10, first.ToString().Length);
        while (await NextTransactionIdAsync() < boundary) { }
        await CommitLateAsync(assignment.Id, TimeSpan.Zero);

        var page = await service.Office.ListEventsAsync(new ListEventsRequest { AfterCursor = start });
        var transactions = page.Events.Select(e => ulong.Parse(e.Cursor[..e.Cursor.IndexOf('.')])).ToList();
        Assert.Equal(2, transactions.Count);
        Assert.True(transactions[0] < boundary && transactions[1] >= boundary, string.Join(", ", transactions));
        Assert.Empty((await service.Office.ListEventsAsync(new ListEventsRequest { AfterCursor = page.NextCursor })).Events);
    }

    private async Task<string> DescribeAsync(long afterSequence)
    {
        await using var connection = new NpgsqlConnection(service.Tasks.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT type || ':' || count(*) FROM task_events WHERE sequence > {afterSequence} GROUP BY type ORDER BY type", connection);
        var parts = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            parts.Add(reader.GetString(0));
        return string.Join(", ", parts);
    }

    /// <summary>Takes a sequence number, then keeps the transaction open before committing; returns the transaction's id.</summary>
    private async Task<ulong> CommitLateAsync(string assignmentId, TimeSpan hold)
    {
        await using var connection = new NpgsqlConnection(service.Tasks.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO task_events (assignment_id, type, version, time, facts) VALUES ($1, 'LATE_TEST', 0, now(), ''::bytea) RETURNING transaction_id::text",
            connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = Guid.Parse(assignmentId) });
            var id = ulong.Parse((string)(await insert.ExecuteScalarAsync())!);
            await Task.Delay(hold);
            await transaction.CommitAsync();
            return id;
        }
    }
}
