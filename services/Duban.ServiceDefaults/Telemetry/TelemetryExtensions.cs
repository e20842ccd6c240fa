using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Duban.ServiceDefaults.Telemetry;

public static class TelemetryExtensions
{
    /// <summary>Sources and meters of Duban's own code start with this prefix.</summary>
    public const string SourcePrefix = "Duban.";

    /// <summary>
    /// Traces, metrics and logs through OpenTelemetry. Where they go is configuration: the standard
    /// OTEL_EXPORTER_OTLP_ENDPOINT turns on the OTLP exporter, OTEL_EXPORTER_OTLP_PROTOCOL says how it speaks
    /// (grpc, the default, or http/protobuf); without an endpoint nothing leaves the process.
    /// </summary>
    public static IHostApplicationBuilder AddDubanTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("Npgsql")
                .AddMeter(SourcePrefix + "*"))
            .WithTracing(tracing => tracing
                .AddSource(SourcePrefix + "*")
                .AddAspNetCoreInstrumentation(o => o.Filter = IsNotProbe)
                .AddGrpcClientInstrumentation()
                .AddHttpClientInstrumentation()
                .AddNpgsql());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            CheckProtocol(builder.Configuration[ProtocolSetting]);
            telemetry.UseOtlpExporter();
        }
        return builder;
    }

    public const string ProtocolSetting = "OTEL_EXPORTER_OTLP_PROTOCOL";

    /// <summary>
    /// The exporter reads OTEL_EXPORTER_OTLP_PROTOCOL itself (grpc when unset) but quietly falls back to grpc on a value it
    /// does not know, and a collector listening for the other protocol then receives nothing. So a wrong value stops start-up.
    /// </summary>
    private static void CheckProtocol(string? protocol)
    {
        if (string.IsNullOrWhiteSpace(protocol) || protocol is "grpc" or "http/protobuf")
            return;
        throw new InvalidOperationException(
            $"{ProtocolSetting} is '{protocol}': use grpc (a collector's port 4317) or http/protobuf (port 4318).");
    }

    // Probes arrive every few seconds; tracing them buries the calls people care about.
    private static bool IsNotProbe(HttpContext context) =>
        !context.Request.Path.StartsWithSegments("/healthz")
        && !context.Request.Path.StartsWithSegments("/readyz")
        && !context.Request.Path.StartsWithSegments("/grpc.health.v1.Health");
}
