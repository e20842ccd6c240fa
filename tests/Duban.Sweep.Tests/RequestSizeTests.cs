using System.Net;
using System.Text;
using Duban.Contracts.Tasks.V1;
using Duban.Tasks.Data;
using Duban.Testing;
using Grpc.Core;
using Grpc.Net.Client;

namespace Duban.Sweep.Tests;

/// <summary>
/// One request size limit on both transports, on Kestrel as in production: below it a request reaches the handler (here
/// refused for its issuing unit, after the body arrived whole), above it the call is ResourceExhausted over gRPC and
/// 413 with a JSON body over HTTP, never a cut body reported as Unknown.
/// </summary>
public sealed class RequestSizeTests : IAsyncLifetime
{
    private readonly GrpcServiceFactory<TasksDb> _tasks = new GrpcServiceFactory<TasksDb>("tasks", "Tasks")
        .With("Units:Address", "http://127.0.0.1:9")
        .OnKestrel();

    public Task InitializeAsync() => _tasks.StartAsync();

    public async Task DisposeAsync() => await _tasks.DisposeAsync();

    private static ImportPlanRequest Request(int megabytes) => new()
    {
        Title = "大文件", IssuingUnitId = "not-a-unit", TableText = new string('x', megabytes * 1024 * 1024),
    };

    private TasksService.TasksServiceClient Client()
    {
        var channel = GrpcChannel.ForAddress(_tasks.GrpcAddress, new GrpcChannelOptions
        {
            MaxSendMessageSize = null,
            Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure,
                CallCredentials.FromInterceptor((_, metadata) => { metadata.Add("Authorization", "Bearer " + TestTokens.Office()); return Task.CompletedTask; })),
            UnsafeUseInsecureChannelCallCredentials = true,
        });
        return new TasksService.TasksServiceClient(channel);
    }

    [Fact]
    public async Task A_40_MB_import_passes_the_64_MB_limit_over_grpc_and_65_MB_is_resource_exhausted()
    {
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "issuing_unit_id", async () =>
            await Client().ImportPlanAsync(Request(40), deadline: DateTime.UtcNow.AddSeconds(60)));
        var ex = await RpcAssert.ThrowsAsync(StatusCode.ResourceExhausted, async () =>
            await Client().ImportPlanAsync(Request(65), deadline: DateTime.UtcNow.AddSeconds(60)));
        Assert.Contains("maximum", ex.Status.Detail);
    }

    [Fact]
    public async Task Over_json_the_same_limit_holds_with_a_json_answer()
    {
        using var http = new HttpClient { BaseAddress = _tasks.HttpAddress, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.Office());
        // The server refuses an over-long body by its Content-Length and hangs up; a client that waits for
        // "100 Continue" reads that answer instead of a broken pipe.
        http.DefaultRequestHeaders.ExpectContinue = true;

        async Task<(HttpStatusCode, string)> Post(int megabytes)
        {
            var json = Google.Protobuf.JsonFormatter.Default.Format(Request(megabytes));
            using var response = await http.PostAsync("/v1/plans:import", new StringContent(json, Encoding.UTF8, "application/json"));
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var (small, smallBody) = await Post(40);
        Assert.Equal(HttpStatusCode.BadRequest, small);
        Assert.Contains("issuing_unit_id", smallBody);
        var (large, largeBody) = await Post(66);
        Assert.True(large is HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.BadRequest, $"{(int)large} {largeBody[..Math.Min(200, largeBody.Length)]}");
        Assert.StartsWith("{", largeBody.TrimStart());
        Assert.Contains("too large", largeBody);
    }
}
