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
            .AddCallCredentials(async (context, metadata, provider) =>
            {
                string token;
                try
                {
                    token = await provider.GetRequiredService<OutgoingCredentials>().BearerTokenAsync(context.CancellationToken);
                }
                catch (ServiceIdentityException e)
                {
                    // Transient for the caller: the identity provider may be back on the next try.
                    throw new RpcException(new Status(StatusCode.Unavailable, "no service token for a call to " + section + ": " + e.Message));
                }
                metadata.Add("Authorization", "Bearer " + token);
            })
            .EnableCallContextPropagation(options => options.SuppressContextNotFoundErrors = true);
    }
}
