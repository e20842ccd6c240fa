using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Duban.Testing;
using Duban.Units.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Duban.Deployment.Tests;

/// <summary>
/// The units service exports its telemetry to whichever collector configuration names, over the protocol it names:
/// OTLP/HTTP (http/protobuf, POST /v1/traces …, port 4318 by convention) and OTLP/gRPC (grpc, the TraceService's
/// Export over h2c, port 4317). Each receiver here is a bare Kestrel that keeps what it is sent.
/// </summary>
public sealed class OtlpExportTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private static readonly byte[] ServiceName = Encoding.UTF8.GetBytes("duban-units");

    [Fact]
    public async Task Http_protobuf_sends_traces_metrics_and_logs_to_the_collector_s_v1_paths()
    {
        await using var collector = await Collector.StartAsync(HttpProtocols.Http1, app =>
        {
            foreach (var signal in new[] { "traces", "metrics", "logs" })
                app.MapPost($"/v1/{signal}", async (HttpContext context, Collector.Inbox inbox) =>
                {
                    inbox.Add(context.Request.Path, context.Request.ContentType, await Collector.BodyAsync(context));
                    // An empty Export…ServiceResponse is zero bytes of protobuf.
                    context.Response.ContentType = "application/x-protobuf";
                });
        });

        await CallTheServiceAsync("http/protobuf", collector.Address);

        var traces = await collector.Received.WaitForAsync("/v1/traces", Patience);
        Assert.Equal("application/x-protobuf", traces.ContentType);
        Assert.True(Contains(traces.Body, ServiceName), "the trace export names the service");
        var logs = await collector.Received.WaitForAsync("/v1/logs", Patience);
        Assert.True(Contains(logs.Body, ServiceName), "the log export names the service");
        var metrics = await collector.Received.WaitForAsync("/v1/metrics", Patience);
        Assert.True(Contains(metrics.Body, ServiceName), "the metric export names the service");
    }

    [Fact]
    public async Task Grpc_sends_traces_to_the_collector_s_TraceService_over_h2c()
    {
        await using var collector = await Collector.StartAsync(HttpProtocols.Http2, app =>
            app.MapPost("/opentelemetry.proto.collector.{signal}.v1.{service}/Export", async (HttpContext context, Collector.Inbox inbox) =>
            {
                inbox.Add(context.Request.Path, context.Request.ContentType, await Collector.BodyAsync(context));
                // One length-prefixed message, empty (an Export…ServiceResponse with nothing rejected), then status OK.
                context.Response.ContentType = "application/grpc";
                await context.Response.Body.WriteAsync(new byte[5]);
                context.Response.AppendTrailer("grpc-status", "0");
            }));

        await CallTheServiceAsync("grpc", collector.Address);

        var traces = await collector.Received.WaitForAsync("/opentelemetry.proto.collector.trace.v1.TraceService/Export", Patience);
        Assert.Equal("application/grpc", traces.ContentType);
        Assert.True(traces.Body.Length > 5 && traces.Body[0] == 0, "a gRPC frame: not compressed, length, message");
        Assert.True(Contains(traces.Body, ServiceName), "the trace export names the service");
    }

    [Fact]
    public async Task A_protocol_the_exporter_does_not_know_stops_start_up_saying_which_ones_it_knows()
    {
        await using var units = new GrpcServiceFactory<UnitsDb>("units", "Units")
            .With("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
            .With("OTEL_EXPORTER_OTLP_PROTOCOL", "http");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(units.StartAsync);
        Assert.Contains("OTEL_EXPORTER_OTLP_PROTOCOL is 'http': use grpc (a collector's port 4317) or http/protobuf (port 4318)", refused.Message);
    }

    /// <summary>Starts the service with the exporter pointed at the collector, and makes a call that is traced.</summary>
    private static async Task CallTheServiceAsync(string protocol, Uri collector)
    {
        await using var units = new GrpcServiceFactory<UnitsDb>("units", "Units")
            .With("OTEL_EXPORTER_OTLP_ENDPOINT", collector.ToString())
            .With("OTEL_EXPORTER_OTLP_PROTOCOL", protocol)
            // Export within a fraction of a second rather than every 5 s (traces, logs) or 60 s (metrics).
            .With("OTEL_BSP_SCHEDULE_DELAY", "200")
            .With("OTEL_BLRP_SCHEDULE_DELAY", "200")
            .With("OTEL_METRIC_EXPORT_INTERVAL", "500");
        await units.StartAsync();
        var response = await units.Http(TestTokens.Office()).GetAsync("/v1/levels");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Disposing the service flushes what is still buffered; the receiver waits for what it expects either way.
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    /// <summary>A Kestrel on a free loopback port speaking one HTTP version, keeping every request it gets.</summary>
    private sealed class Collector : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private Collector(WebApplication app, Inbox received)
        {
            _app = app;
            Received = received;
        }

        public Inbox Received { get; }
        public Uri Address => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        public static async Task<Collector> StartAsync(HttpProtocols protocols, Action<WebApplication> map)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = protocols));
            var received = new Inbox();
            builder.Services.AddSingleton(received);
            var app = builder.Build();
            map(app);
            await app.StartAsync();
            return new Collector(app, received);
        }

        public static async Task<byte[]> BodyAsync(HttpContext context)
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            return body.ToArray();
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();

        public sealed record Request(string Path, string? ContentType, byte[] Body);

        public sealed class Inbox
        {
            private readonly ConcurrentQueue<Request> _requests = new();

            public void Add(string path, string? contentType, byte[] body) => _requests.Enqueue(new Request(path, contentType, body));

            /// <summary>The first request to the path whose body names the service (a collector may also get empty exports).</summary>
            public async Task<Request> WaitForAsync(string path, TimeSpan timeout)
            {
                var deadline = DateTime.UtcNow + timeout;
                while (DateTime.UtcNow < deadline)
                {
                    if (_requests.FirstOrDefault(r => r.Path == path && r.Body.AsSpan().IndexOf(ServiceName) >= 0) is { } request)
                        return request;
                    await Task.Delay(100);
                }
                var seen = string.Join(", ", _requests.Select(r => $"{r.Path} ({r.Body.Length} bytes)"));
                throw new Xunit.Sdk.XunitException($"nothing for {path} within {timeout.TotalSeconds:0} s; got: {(seen.Length > 0 ? seen : "nothing")}");
            }
        }
    }
}
