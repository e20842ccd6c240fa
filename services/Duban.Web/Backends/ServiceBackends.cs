using Duban.Web.Signing;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Supervision = Duban.Contracts.Supervision.V1;
using Tasks = Duban.Contracts.Tasks.V1;
using Units = Duban.Contracts.Units.V1;

namespace Duban.Web.Backends;

/// <summary>
/// The three services' generated clients, each call carrying the signed-in person's token from the cookie, so the
/// services decide on the person as they do for the command line. No token (the sign-in page) sends none.
/// </summary>
public static class ServiceBackends
{
    public static IServiceCollection AddWorkbenchBackends(this IServiceCollection services, IConfiguration configuration)
    {
        Add<Units.UnitsService.UnitsServiceClient>(services, configuration, "Units");
        Add<Tasks.TasksService.TasksServiceClient>(services, configuration, "Tasks");
        Add<Supervision.SupervisionService.SupervisionServiceClient>(services, configuration, "Supervision");
        services.AddScoped<LocalSignIn>();
        services.AddScoped<Directory>();
        services.AddSingleton(TimeProvider.System);
        return services;
    }

    private static void Add<TClient>(IServiceCollection services, IConfiguration configuration, string section) where TClient : ClientBase
    {
        services.AddGrpcClient<TClient>(section, options =>
            {
                var address = configuration[section + ":Address"];
                if (string.IsNullOrWhiteSpace(address))
                    throw new InvalidOperationException($"{section}:Address is not set.");
                options.Address = new Uri(address);
            })
            .ConfigureChannel(channel => channel.UnsafeUseInsecureChannelCallCredentials = true)
            .AddCallCredentials(async (context, metadata, provider) =>
            {
                var http = provider.GetRequiredService<IHttpContextAccessor>().HttpContext;
                if (http is null)
                    return;
                // The sign-in page lists people with the workbench's own token; every other call is the person's.
                var token = http.Items[LocalSignIn.WorkbenchTokenItem] as string ?? await http.GetTokenAsync(WorkbenchSignIn.TokenName);
                if (token is { Length: > 0 })
                    metadata.Add("Authorization", "Bearer " + token);
            });
    }
}
