using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Duban.ServiceDefaults.Auth;

/// <summary>
/// Ready only when the authority's discovery document and keys have been read: without them no token can be checked.
/// Once read they are cached, so an authority that goes away later does not take the service down with it.
/// </summary>
public sealed class IdentityProviderHealthCheck(IOptionsMonitor<JwtBearerOptions> bearer, IOptions<AuthOptions> options) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var manager = bearer.Get(JwtBearerDefaults.AuthenticationScheme).ConfigurationManager;
        if (manager is null)
            return HealthCheckResult.Unhealthy("no authority configured");
        try
        {
            var configuration = await manager.GetConfigurationAsync(cancellationToken).WaitAsync(Timeout, cancellationToken);
            return configuration.SigningKeys.Count > 0
                ? HealthCheckResult.Healthy($"{configuration.SigningKeys.Count} signing key(s) from {options.Value.Authority}")
                : HealthCheckResult.Unhealthy($"the authority {options.Value.Authority} publishes no signing keys");
        }
        catch (TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"the authority {options.Value.Authority} did not answer within {Timeout.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException)
        {
            return HealthCheckResult.Unhealthy($"the authority {options.Value.Authority} could not be read: {e.Message}");
        }
    }
}

/// <summary>Ready only when this service can get its own token, which its background work needs for every call.</summary>
public sealed class ServiceIdentityHealthCheck(OutgoingCredentials credentials) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var source = credentials.ServiceTokens;
        try
        {
            await source.GetAsync(cancellationToken).AsTask().WaitAsync(Timeout, cancellationToken);
            return HealthCheckResult.Healthy("token from " + source.Description);
        }
        catch (TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"no token from {source.Description} within {Timeout.TotalSeconds:0} s");
        }
        catch (ServiceIdentityException e)
        {
            return HealthCheckResult.Unhealthy($"no token from {source.Description}: {e.Message}");
        }
    }
}
