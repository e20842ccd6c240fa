using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Duban.ServiceDefaults.Auth;

/// <summary>
/// The bearer token a service sends when it calls another Duban service. A call made while serving a person forwards
/// that person's token, so the callee decides on the original caller; background work sends the service's own token
/// (<see cref="ServiceTokens"/>).
/// </summary>
public sealed class OutgoingCredentials(IOptions<AuthOptions> options, IHttpContextAccessor httpContext, TimeProvider time,
    IHttpClientFactory http, IOptionsMonitor<JwtBearerOptions> bearer, ServiceName serviceName)
{
    private IServiceTokenSource? _serviceTokens;

    /// <summary>Where this service's own token comes from, chosen by configuration.</summary>
    public IServiceTokenSource ServiceTokens => LazyInitializer.EnsureInitialized(ref _serviceTokens, CreateServiceTokens);

    public async ValueTask<string> BearerTokenAsync(CancellationToken cancellationToken)
    {
        var header = httpContext.HttpContext?.Request.Headers.Authorization.ToString();
        if (header is { Length: > 7 } && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return header[7..];
        return await ServiceTokens.GetAsync(cancellationToken);
    }

    private IServiceTokenSource CreateServiceTokens()
    {
        var o = options.Value;
        if (string.IsNullOrWhiteSpace(o.Authority))
            return new LocalKeyServiceTokens(AuthenticationExtensions.LocalKey(o), serviceName.Value, o, time);
        if (!string.IsNullOrWhiteSpace(o.ServiceTokenFile))
            return new FileServiceTokens(o.ServiceTokenFile);
        if (!string.IsNullOrWhiteSpace(o.ClientId))
            return new ClientCredentialsServiceTokens(o, http, bearer, time);
        return new NoServiceTokens();
    }
}

/// <summary>The name a service goes by (duban-units …): its telemetry name, and the subject of its local tokens.</summary>
public sealed record ServiceName(string Value);
