namespace Duban.ServiceDefaults.Auth;

/// <summary>
/// How tokens are validated and how this service proves who it is to the others. Production names an OIDC
/// <see cref="Authority"/> (its JWKS is fetched) and the service's own client (<see cref="ClientId"/>,
/// <see cref="ClientSecret"/>) or a mounted <see cref="ServiceTokenFile"/>; local runs and tests use a shared HMAC
/// key, from <see cref="SigningKeyFile"/> or <see cref="SigningKey"/>.
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
    /// <summary>
    /// The shortest wait before the authority's keys are read again after a failure or an unknown key id: short enough
    /// that a service is ready soon after its authority comes back, long enough that forged key ids cannot flood it.
    /// </summary>
    public int MetadataRetrySeconds { get; set; } = 30;
    /// <summary>How far a token's times may be off the service's clock.</summary>
    public int ClockSkewSeconds { get; set; } = 60;

    /// <summary>The service's OAuth client at the authority, for the client credentials grant.</summary>
    public string ClientId { get; set; } = "";
    public string ClientSecret { get; set; } = "";
    /// <summary>Scopes asked for with client credentials (space-separated); empty asks for none.</summary>
    public string Scope { get; set; } = "";
    /// <summary>The token endpoint, when the authority's discovery document should not be asked for it.</summary>
    public string TokenEndpoint { get; set; } = "";
    /// <summary>A file holding the service's token (a mounted Secret), read again whenever it changes; wins over the client.</summary>
    public string ServiceTokenFile { get; set; } = "";

    /// <summary>The claim names the identity provider uses for what Duban reads.</summary>
    public ClaimNameOptions ClaimNames { get; set; } = new();
}

/// <summary>
/// Where Duban finds the person, unit, roles and name in a token from the authority. A dotted name reads into a JSON
/// claim (Keycloak's <c>realm_access.roles</c>).
/// </summary>
public sealed class ClaimNameOptions
{
    public string Person { get; set; } = DubanClaims.PersonId;
    public string Unit { get; set; } = DubanClaims.UnitId;
    public string Roles { get; set; } = DubanClaims.Roles;
    public string Name { get; set; } = DubanClaims.Name;
}
