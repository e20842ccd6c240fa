using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.IdentityModel.Tokens;

namespace Duban.ServiceDefaults.Auth;

public static class AuthenticationExtensions
{
    /// <summary>
    /// JWT bearer authentication for every call; authorization requires an authenticated caller unless an
    /// endpoint says otherwise (health and reflection do). With an authority, readiness includes its discovery document.
    /// </summary>
    public static IServiceCollection AddDubanAuthentication(this IServiceCollection services, IConfiguration configuration, string serviceName)
    {
        var options = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(jwt =>
            {
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidAudience = options.Audience,
                    NameClaimType = DubanClaims.Name,
                    RoleClaimType = DubanClaims.Roles,
                    ClockSkew = TimeSpan.FromSeconds(options.ClockSkewSeconds),
                };
                if (!string.IsNullOrWhiteSpace(options.Authority))
                {
                    jwt.Authority = options.Authority;
                    jwt.RequireHttpsMetadata = options.RequireHttpsMetadata;
                    // A probe or a call must not hang for the default minute on an authority that does not answer.
                    jwt.BackchannelTimeout = TimeSpan.FromSeconds(10);
                    jwt.RefreshInterval = TimeSpan.FromSeconds(options.MetadataRetrySeconds);
                }
                else
                {
                    jwt.TokenValidationParameters.ValidIssuer = options.Issuer;
                    jwt.TokenValidationParameters.IssuerSigningKey = LocalTokens.SecurityKey(LocalKey(options));
                }
                jwt.Events = new JwtBearerEvents
                {
                    OnChallenge = JsonRefusals.ChallengeAsync,
                    OnForbidden = JsonRefusals.ForbiddenAsync,
                    OnAuthenticationFailed = context => UnseenSigningKey.RetryAsync(context, options.ClaimNames, TimeSpan.FromSeconds(options.MetadataRetrySeconds)),
                    OnTokenValidated = context =>
                    {
                        if (context.Principal?.Identity is ClaimsIdentity identity)
                            ClaimNameMapping.Apply(identity, options.ClaimNames);
                        return Task.CompletedTask;
                    },
                };
            });

        services.Configure<AuthOptions>(configuration.GetSection(AuthOptions.Section));
        services.AddHttpContextAccessor();
        services.AddSingleton(new ServiceName(serviceName));
        services.AddSingleton<OutgoingCredentials>();
        services.AddHttpClient(ClientCredentialsServiceTokens.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10));
        if (!string.IsNullOrWhiteSpace(options.Authority))
            services.AddHealthChecks().AddCheck<IdentityProviderHealthCheck>("identity-provider", tags: [HealthTags.Ready]);

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        return services;
    }

    /// <summary>
    /// For a service whose background work calls other services: it is ready only once it can get its own token.
    /// </summary>
    public static IServiceCollection AddServiceIdentityCheck(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<ServiceIdentityHealthCheck>("service-identity", tags: [HealthTags.Ready]);
        return services;
    }

    public static byte[] LocalKey(AuthOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.SigningKey))
            return Convert.FromBase64String(options.SigningKey);
        if (!string.IsNullOrWhiteSpace(options.SigningKeyFile))
            return LocalTokens.LoadOrCreateKey(options.SigningKeyFile);
        throw new InvalidOperationException(
            "No way to validate tokens: set Auth:Authority (OIDC) or, for local runs, Auth:SigningKeyFile or Auth:SigningKey.");
    }
}
