using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Duban.ServiceDefaults.Auth;

/// <summary>
/// A token signed with a key the service has not seen yet: the provider rotated its keys. The bearer handler asks for
/// the keys again but reads them in the background, so the call at hand would be refused. Here it waits for the keys
/// (a few seconds at most) and checks the token once more, so that the first call after a rotation goes through. It waits
/// at most once per the retry interval — the keys are not read again sooner anyway — so that tokens with
/// made-up key ids cannot hold requests open.
/// </summary>
internal static class UnseenSigningKey
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(3);
    /// <summary>When each service's (each configuration manager's) last wait began.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, System.Runtime.CompilerServices.StrongBox<long>> LastWait = [];

    public static async Task RetryAsync(AuthenticationFailedContext context, ClaimNameOptions claimNames, TimeSpan retryInterval)
    {
        if (context.Exception is not SecurityTokenSignatureKeyNotFoundException || context.Options.ConfigurationManager is not { } manager)
            return;
        var lastWait = LastWait.GetValue(manager, _ => new System.Runtime.CompilerServices.StrongBox<long>(0));
        var now = DateTime.UtcNow.Ticks;
        var last = Interlocked.Read(ref lastWait.Value);
        if (now - last < retryInterval.Ticks || Interlocked.CompareExchange(ref lastWait.Value, now, last) != last)
            return;
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return;
        var token = header[7..].Trim();
        var kid = new JsonWebTokenHandler().CanReadToken(token) ? new JsonWebToken(token).Kid : null;
        if (string.IsNullOrEmpty(kid))
            return;

        var cancellation = context.HttpContext.RequestAborted;
        var deadline = DateTime.UtcNow + Wait;
        var configuration = await manager.GetConfigurationAsync(cancellation);
        while (!configuration.SigningKeys.Any(k => k.KeyId == kid))
        {
            // The handler has asked for a refresh; the manager reads the keys on this call or the next, in the background.
            if (DateTime.UtcNow > deadline)
                return;
            await Task.Delay(100, cancellation);
            configuration = await manager.GetConfigurationAsync(cancellation);
        }

        var parameters = context.Options.TokenValidationParameters.Clone();
        parameters.ValidIssuer = configuration.Issuer;
        parameters.IssuerSigningKeys = configuration.SigningKeys;
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
            return;
        ClaimNameMapping.Apply(result.ClaimsIdentity, claimNames);
        context.Principal = new ClaimsPrincipal(result.ClaimsIdentity);
        context.Success();
    }
}
