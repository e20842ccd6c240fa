using Duban.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Duban.ServiceDefaults.Resilience;

public static class ServiceClientExtensions
{
    /// <summary>
    /// A typed gRPC client for another Duban service at {section}:Address: it sends the service's bearer
    /// token and propagates the incoming call's deadline and cancellation. Retries are not configured here:
    /// <see cref="ServiceCallPipeline"/> is the one retry layer, around each call.
    /// </summary>
    public static IHttpClientBuilder AddServiceClient<TClient>(this IServiceCollection services, IConfiguration configuration, string section)
        where TClient : ClientBase
    {
        return services.AddGrpcClient<TClient>(section, options =>
            {
                var address = configuration.GetSection(section)["Address"];
                if (string.IsNullOrWhiteSpace(address))
                    throw new InvalidOperationException($"{section}:Address is not set.");
                options.Address = new Uri(address);
            })
            .ConfigureChannel(channel => channel.UnsafeUseInsecureChannelCallCredentials = true)
            .AddCallCredentials((_, metadata, provider) =>
            {
                metadata.Add("Authorization", "Bearer " + provider.GetRequiredService<OutgoingCredentials>().BearerToken());
                return Task.CompletedTask;
            })
            .EnableCallContextPropagation(options => options.SuppressContextNotFoundErrors = true);
    }
}
