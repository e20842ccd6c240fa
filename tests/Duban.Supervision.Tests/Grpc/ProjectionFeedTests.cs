using Duban.Contracts.Tasks.V1;
using Duban.ServiceDefaults.Auth;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;

namespace Duban.Supervision.Tests.Grpc;

/// <summary>How supervision follows the tasks feed: what it asks the tasks service for, and what it makes of the events.</summary>
public class ProjectionFeedTests(SupervisionFixture service) : IClassFixture<SupervisionFixture>
{
    /// <summary>Counts supervision's calls to the tasks feed.</summary>
    private sealed class FeedCalls : Interceptor
    {
        private int _lists;
        private int _watches;
        public int Lists => Volatile.Read(ref _lists);
        public int Watches => Volatile.Read(ref _watches);

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
            AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
        {
            if (context.Method.Name == nameof(TasksService.TasksServiceClient.ListEvents))
                Interlocked.Increment(ref _lists);
            return continuation(request, context);
        }

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(TRequest request,
            ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
        {
            if (context.Method.Name == nameof(TasksService.TasksServiceClient.WatchEvents))
                Interlocked.Increment(ref _watches);
            return continuation(request, context);
        }
    }

    [Fact]
    public async Task Events_delivered_on_the_watch_stream_are_applied_without_listing_them_again()
    {
        var calls = new FeedCalls();
        await using var follower = service.NewSupervision(database: null)
            .WithServices(services => services.AddGrpcClient<TasksService.TasksServiceClient>("Tasks").AddInterceptor(() => calls));
        await follower.StartAsync();
        var assignment = (await service.ImportAsync($"1,跟随{Guid.NewGuid():N},措施,经发局,,,2026年12月31日前")).Single();
        await service.WaitForProjectionAsync([(assignment.Id, assignment.Version)], follower.ConnectionString);
        // Caught up: the catch-up pages are over once the watch is open.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (calls.Watches == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.Equal(1, calls.Watches);
        var lists = calls.Lists;
        Assert.True(lists >= 1, "the follower catches up with ListEvents first");

        var lead = service.TasksAs(DubanRoles.Lead, service.Economy);
        var accepted = await lead.AcceptAssignmentAsync(new AcceptAssignmentRequest { Id = assignment.Id, Version = assignment.Version });
        var reported = await lead.ReportProgressAsync(new ReportProgressRequest { Id = assignment.Id, Version = accepted.Version, Percent = 30, Narrative = "推进中" });
        var confirmed = await lead.ConfirmCompletionAsync(new ConfirmCompletionRequest { Id = assignment.Id, Version = reported.Version, Evidence = "已完成" });
        await service.WaitForProjectionAsync([(assignment.Id, confirmed.Version)], follower.ConnectionString);

        Assert.Equal((lists, 1), (calls.Lists, calls.Watches));
        Assert.Equal(30, await service.CountAsync($"SELECT progress_percent FROM assignments WHERE id = '{assignment.Id}'", follower.ConnectionString));
        Assert.Equal(4, await service.CountAsync($"SELECT status FROM assignments WHERE id = '{assignment.Id}'", follower.ConnectionString));
        // The stored cursor moved with the watched events, so a restart resumes after them.
        Assert.Equal(await service.CountAsync("SELECT sequence FROM feed_position", follower.ConnectionString),
            await TasksSequenceOfAsync(assignment.Id, confirmed.Version));
    }

    private async Task<long> TasksSequenceOfAsync(string assignmentId, long version)
    {
        await using var connection = new Npgsql.NpgsqlConnection(service.Tasks.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT sequence FROM task_events WHERE assignment_id = $1 AND version = $2", connection)
        {
            Parameters = { new() { Value = Guid.Parse(assignmentId) }, new() { Value = version } },
        };
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
