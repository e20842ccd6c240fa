using Duban.ServiceDefaults.Auth;
using Google.Protobuf.Reflection;
using Google.Rpc;
using Duban.ServiceDefaults.Errors;
using Duban.ServiceDefaults.Telemetry;
using Duban.ServiceDefaults.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Duban.ServiceDefaults;

public static class Extensions
{
    /// <summary>
    /// Everything a Duban gRPC service shares: telemetry, health, authentication, a clock, a memory reclaimer, and gRPC with
    /// JSON transcoding, reflection and the mapping of domain errors to statuses.
    /// </summary>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, string serviceName)
    {
        builder.AddDubanTelemetry(serviceName);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton(_ => new Memory.MemoryReclaimer());

        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), tags: [HealthTags.Live]);
        builder.Services.AddGrpcHealthChecks(options =>
        {
            options.Services.Clear();
            options.Services.Map("", result => result.Tags.Contains(HealthTags.Ready));
        });

        builder.Services.AddDubanAuthentication(builder.Configuration, serviceName);

        // One request size limit for both transports. Kestrel's own body limit (30 MB by default) sits a little above
        // it, so that gRPC's check answers first, with ResourceExhausted and a message, instead of a cut body.
        var maxRequestBytes = MaxRequestBytes(builder.Configuration);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = maxRequestBytes + KestrelSlackBytes);
        builder.Services.AddGrpc(options =>
        {
            options.Interceptors.Add<ErrorMappingInterceptor>();
            options.Interceptors.Add<RequestValidationInterceptor>();
            options.EnableDetailedErrors = builder.Environment.IsDevelopment();
            options.MaxReceiveMessageSize = maxRequestBytes;
        }).AddJsonTranscoding(options =>
            // Error details travel as google.protobuf.Any; JSON needs to know their types to print them.
            options.TypeRegistry = TypeRegistry.FromMessages(
                BadRequest.Descriptor, PreconditionFailure.Descriptor, ResourceInfo.Descriptor, ErrorInfo.Descriptor));
        builder.Services.BindWithMalformedRequestStatus();
        builder.Services.AddGrpcReflection();
        return builder;
    }

    /// <summary>Room for gRPC framing and JSON's extra bytes above the message limit.</summary>
    private const long KestrelSlackBytes = 1024 * 1024;

    /// <summary>Grpc:MaxReceiveMessageMegabytes: whole plans travel in one import call; 16 MB by default, more by configuration.</summary>
    public static int MaxRequestBytes(IConfiguration configuration) =>
        configuration.GetValue("Grpc:MaxReceiveMessageMegabytes", 16) * 1024 * 1024;

    /// <summary>
    /// Health (HTTP /healthz and /readyz, and the standard gRPC health service) and reflection, all
    /// reachable without a token; probes and tooling carry none.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = r => r.Tags.Contains(HealthTags.Live) })
            .AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = r => r.Tags.Contains(HealthTags.Ready), ResponseWriter = WriteHealthJson })
            .AllowAnonymous();
        app.MapGrpcHealthChecksService().AllowAnonymous();
        app.MapGrpcReflectionService().AllowAnonymous();
        return app;
    }

    /// <summary>/readyz as JSON: the overall status and each check's status, description and data (e.g. the projection's lag).</summary>
    private static Task WriteHealthJson(Microsoft.AspNetCore.Http.HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data }),
        }));
    }
}
