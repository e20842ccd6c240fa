using Duban.ServiceDefaults.Auth;
using Duban.ServiceDefaults.Resilience;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Contract = Duban.Contracts.Units.V1;

namespace Duban.Units.Client;

public static class UnitsClientExtensions
{
    /// <summary>
    /// The units service client, configured from the "Units" section (Address, TimeoutSeconds).
    /// </summary>
    public static IServiceCollection AddUnitsDirectory(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<UnitsClientOptions>(configuration.GetSection(UnitsClientOptions.Section));
        services.AddSingleton<UnitsDirectory.Pipeline>();
        services.AddScoped<UnitsDirectory>();
        services.AddServiceClient<Contract.UnitsService.UnitsServiceClient>(configuration, UnitsClientOptions.Section);
        return services;
    }
}
