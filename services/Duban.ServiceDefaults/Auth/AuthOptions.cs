namespace Duban.ServiceDefaults.Auth;

/// <summary>
/// How tokens are validated. Production names an OIDC <see cref="Authority"/> (its JWKS is fetched);
/// local runs and tests use a shared HMAC key, from <see cref="SigningKeyFile"/> or <see cref="SigningKey"/>.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    public string Authority { get; set; } = "";
    public string Audience { get; set; } = "duban";
    public string Issuer { get; set; } = LocalTokens.DefaultIssuer;
    public string SigningKeyFile { get; set; } = "";
    /// <summary>Base64 HMAC key; wins over <see cref="SigningKeyFile"/>.</summary>
    public string SigningKey { get; set; } = "";
    /// <summary>Require HTTPS metadata from the authority (turn off only for a local identity provider).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;
}
