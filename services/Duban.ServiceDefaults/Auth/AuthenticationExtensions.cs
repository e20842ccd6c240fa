using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Duban.ServiceDefaults.Auth;

public static class AuthenticationExtensions
{
    /// <summary>
    /// JWT bearer authentication for every call; authorization requires an authenticated caller unless an
    /// endpoint says otherwise (health and reflection do).
    /// </summary>
    public static IServiceCollection AddDubanAuthentication(this IServiceCollection services, IConfiguration configuration)
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
                    ClockSkew = TimeSpan.FromMinutes(1),
                };
                if (!string.IsNullOrWhiteSpace(options.Authority))
                {
                    jwt.Authority = options.Authority;
                    jwt.RequireHttpsMetadata = options.RequireHttpsMetadata;
                }
                else
                {
                    jwt.TokenValidationParameters.ValidIssuer = options.Issuer;
                    jwt.TokenValidationParameters.IssuerSigningKey = LocalTokens.SecurityKey(LocalKey(options));
                }
                jwt.Events = new JwtBearerEvents { OnChallenge = JsonRefusals.ChallengeAsync, OnForbidden = JsonRefusals.ForbiddenAsync };
            });

        services.Configure<AuthOptions>(configuration.GetSection(AuthOptions.Section));
        services.AddHttpContextAccessor();
        services.AddSingleton<OutgoingCredentials>();

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        return services;
    }

    private static byte[] LocalKey(AuthOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.SigningKey))
            return Convert.FromBase64String(options.SigningKey);
        if (!string.IsNullOrWhiteSpace(options.SigningKeyFile))
            return LocalTokens.LoadOrCreateKey(options.SigningKeyFile);
        throw new InvalidOperationException(
            "No way to validate tokens: set Auth:Authority (OIDC) or, for local runs, Auth:SigningKeyFile or Auth:SigningKey.");
    }
}
