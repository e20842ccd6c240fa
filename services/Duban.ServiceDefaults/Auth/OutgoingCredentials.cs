using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Duban.ServiceDefaults.Auth;

/// <summary>
/// The bearer token a service sends when it calls another Duban service. With a local signing key it
/// mints its own short-lived token in the <c>service</c> role; with an OIDC authority (where it cannot
/// mint) it forwards the token of the call it is serving, so the callee sees the original caller.
/// </summary>
public sealed class OutgoingCredentials(IOptions<AuthOptions> options, IHttpContextAccessor httpContext, TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);
    private readonly Lock _lock = new();
    private string? _token;
    private DateTimeOffset _renewAt;

    public string ServiceName { get; set; } = "duban";

    public string BearerToken()
    {
        if (LocalKey() is { } key)
        {
            lock (_lock)
            {
                var now = time.GetUtcNow();
                if (_token is null || now >= _renewAt)
                {
                    _token = LocalTokens.Mint(key, "service:" + ServiceName, "", [DubanRoles.Service], Lifetime,
                        ServiceName, options.Value.Issuer, options.Value.Audience, time);
                    _renewAt = now + Lifetime / 2;
                }
                return _token;
            }
        }
        var header = httpContext.HttpContext?.Request.Headers.Authorization.ToString();
        if (header is { Length: > 7 } && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return header[7..];
        throw new InvalidOperationException("no token for an outgoing call: no local signing key and no incoming call to forward");
    }

    private byte[]? LocalKey()
    {
        var o = options.Value;
        if (!string.IsNullOrWhiteSpace(o.Authority))
            return null;
        if (!string.IsNullOrWhiteSpace(o.SigningKey))
            return Convert.FromBase64String(o.SigningKey);
        return string.IsNullOrWhiteSpace(o.SigningKeyFile) ? null : LocalTokens.LoadOrCreateKey(o.SigningKeyFile);
    }
}
