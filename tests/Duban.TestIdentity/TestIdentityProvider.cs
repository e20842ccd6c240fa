using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Duban.TestIdentity;

/// <summary>A confidential client of the provider: the client credentials grant gives it a token with these roles.</summary>
public sealed record IdentityClient(string Id, string Secret, params string[] Roles);

/// <summary>
/// A real OpenID Connect provider on a loopback port, built with OpenIddict: a discovery document, the JWKS, and a token
/// endpoint that serves client credentials to its registered clients and person tokens (the password grant, for the
/// public client <see cref="PeopleClientId"/>) with whatever unit and roles the test asks for. Its authorization
/// endpoint (code flow with PKCE, for a registered client such as the workbench) shows a sign-in form where the browser
/// names the person, unit and roles, as a real provider's login page would establish them. Tokens are signed JWTs
/// (RS256), audience <see cref="Audience"/> unless asked otherwise. Stopping and starting it again on the same port with
/// another key list is how a key rotation is played.
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    public const string PeopleClientId = "duban-test-people";
    public const string Audience = "duban";

    private readonly WebApplication _app;

    private TestIdentityProvider(WebApplication app, int port, ConcurrentDictionary<string, int> issued)
    {
        _app = app;
        Port = port;
        _issued = issued;
    }

    private readonly ConcurrentDictionary<string, int> _issued;

    public int Port { get; }

    /// <summary>How many tokens the provider has issued to a client (client credentials) or a person (by id).</summary>
    public int Issued(string clientOrPerson) => _issued.GetValueOrDefault(clientOrPerson);

    /// <summary>The issuer and the services' Auth:Authority.</summary>
    public Uri Authority => new($"http://127.0.0.1:{Port}/");

    public Uri TokenEndpoint => new(Authority, "connect/token");

    /// <summary>A signing key: an RSA key in a self-signed certificate; the one that expires last signs.</summary>
    public static X509Certificate2 NewSigningKey(TimeSpan validFor)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=duban-test-identity", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now + validFor);
    }

    /// <summary>Starts the provider on <paramref name="port"/> (a free one when 0); every key is published, the newest signs.</summary>
    public static async Task<TestIdentityProvider> StartAsync(IReadOnlyList<IdentityClient> clients, IReadOnlyList<X509Certificate2> signingKeys,
        int port = 0, IReadOnlyDictionary<string, string>? claimNames = null)
    {
        if (port == 0)
            port = FreePort();
        var names = claimNames ?? new Dictionary<string, string>();
        var issued = new ConcurrentDictionary<string, int>();
        string Named(string claim) => names.TryGetValue(claim, out var other) ? other : claim;

        var builder = WebApplication.CreateSlimBuilder();
        // Nothing from the test's folder (the services' appsettings.json name their Kestrel endpoints).
        builder.Configuration.Sources.Clear();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Logging.ClearProviders();
        builder.Services.AddRouting();
        builder.Services.AddOpenIddict().AddServer(server =>
        {
            server.SetTokenEndpointUris("connect/token").SetAuthorizationEndpointUris("connect/authorize")
                .SetEndSessionEndpointUris("connect/logout");
            server.AllowClientCredentialsFlow().AllowPasswordFlow().AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
            server.RegisterScopes(Scopes.OpenId, Scopes.Profile);
            server.AcceptAnonymousClients();
            // No database of clients: the handlers below check them against the list (OpenIddict's "degraded mode").
            server.EnableDegradedMode();
            server.DisableAccessTokenEncryption();
            server.AddEphemeralEncryptionKey();
            foreach (var key in signingKeys)
                server.AddSigningCertificate(key);
            server.UseAspNetCore().DisableTransportSecurityRequirement().EnableAuthorizationEndpointPassthrough()
                .EnableEndSessionEndpointPassthrough();

            // Signing out: any address to return to (the test provider keeps no session of its own to end).
            server.AddEventHandler<OpenIddictServerEvents.ValidateEndSessionRequestContext>(handler => handler.UseInlineHandler(_ => default));

            server.AddEventHandler<OpenIddictServerEvents.ValidateAuthorizationRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                // Any redirect address of a registered client: the workbench runs on a free port.
                if (clients.All(c => c.Id != context.ClientId))
                    context.Reject(Errors.InvalidClient, "unknown client");
                return default;
            }));

            server.AddEventHandler<OpenIddictServerEvents.ValidateTokenRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.Request.IsPasswordGrantType())
                {
                    if (context.ClientId != PeopleClientId)
                        context.Reject(Errors.InvalidClient, "person tokens are for the client " + PeopleClientId);
                    return default;
                }
                var client = clients.FirstOrDefault(c => c.Id == context.ClientId);
                if (client is null || client.Secret != context.ClientSecret)
                    context.Reject(Errors.InvalidClient, "unknown client or wrong secret");
                return default;
            }));

            server.AddEventHandler<OpenIddictServerEvents.HandleTokenRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                var request = context.Request;
                var identity = new ClaimsIdentity("duban-test-identity", Claims.Name, Claims.Role);
                string audience = Audience;
                TimeSpan? lifetime = null;
                if (request.IsAuthorizationCodeGrantType())
                {
                    // The person signed in on the authorization page; the code carries who they are.
                    var person = context.Principal!;
                    issued.AddOrUpdate(person.GetClaim(Named("sub")) ?? "", 1, (_, n) => n + 1);
                    foreach (var claim in person.Claims)
                        claim.SetDestinations(Destinations.AccessToken, Destinations.IdentityToken);
                    context.SignIn(person);
                    return default;
                }
                if (request.IsPasswordGrantType())
                {
                    identity.AddClaim(new Claim(Named("sub"), request.Username ?? ""));
                    if (Parameter(request, "unit") is { Length: > 0 } unit)
                        identity.AddClaim(new Claim(Named("unit"), unit));
                    if (Parameter(request, "name") is { Length: > 0 } name)
                        identity.AddClaim(new Claim(Named("name"), name));
                    foreach (var role in (Parameter(request, "roles") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
                        identity.AddClaim(new Claim(Named("roles"), role));
                    if (Parameter(request, "token_audience") is { Length: > 0 } other)
                        audience = other;
                    if (int.TryParse(Parameter(request, "lifetime_seconds"), out var seconds))
                        lifetime = TimeSpan.FromSeconds(seconds);
                }
                else
                {
                    var client = clients.First(c => c.Id == request.ClientId);
                    identity.AddClaim(new Claim(Named("sub"), client.Id));
                    identity.AddClaim(new Claim(Named("name"), client.Id));
                    foreach (var role in client.Roles)
                        identity.AddClaim(new Claim(Named("roles"), role));
                }

                issued.AddOrUpdate(request.IsPasswordGrantType() ? request.Username ?? "" : request.ClientId ?? "", 1, (_, n) => n + 1);
                var principal = new ClaimsPrincipal(identity);
                principal.SetResources(audience);
                principal.SetAudiences(audience);
                if (lifetime is { } l)
                    principal.SetAccessTokenLifetime(l);
                foreach (var claim in principal.Claims)
                    claim.SetDestinations(Destinations.AccessToken);
                context.SignIn(principal);
                return default;
            }));
        });

        var app = builder.Build();
        app.MapMethods("connect/authorize", ["GET", "POST"], (Microsoft.AspNetCore.Http.HttpContext http) => Authorize(http, Named));
        app.MapMethods("connect/logout", ["GET", "POST"], () => Microsoft.AspNetCore.Http.Results.SignOut(
            authenticationSchemes: [OpenIddict.Server.AspNetCore.OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]));
        await app.StartAsync();
        return new TestIdentityProvider(app, port, issued);
    }

    /// <summary>
    /// The authorization page: a form naming the person, unit and roles (posted back with the request's own parameters),
    /// then the code for them. A real provider checks a password here; the test names whom it signs in.
    /// </summary>
    private static Microsoft.AspNetCore.Http.IResult Authorize(Microsoft.AspNetCore.Http.HttpContext http, Func<string, string> named)
    {
        var request = http.Features.Get<OpenIddict.Server.AspNetCore.OpenIddictServerAspNetCoreFeature>()?.Transaction?.Request
            ?? throw new InvalidOperationException("not an OpenID Connect request");
        var person = (string?)request.GetParameter("person");
        if (string.IsNullOrEmpty(person))
        {
            var hidden = string.Concat(request.GetParameters().Select(p =>
                $"<input type=\"hidden\" name=\"{WebUtility.HtmlEncode(p.Key)}\" value=\"{WebUtility.HtmlEncode((string?)p.Value)}\">"));
            return Microsoft.AspNetCore.Http.Results.Content($"""
                <!doctype html><html><head><meta charset="utf-8"></head><body><h1>Test identity provider</h1>
                <form method="post" action="/connect/authorize" id="login">{hidden}
                <label>person <input name="person"></label><label>unit <input name="unit"></label>
                <label>roles <input name="roles"></label><label>name <input name="name"></label>
                <button type="submit">Sign in</button></form></body></html>
                """, "text/html; charset=utf-8");
        }
        var identity = new ClaimsIdentity("duban-test-identity", Claims.Name, Claims.Role);
        identity.AddClaim(new Claim(named("sub"), person));
        if (named("sub") != Claims.Subject)
            identity.AddClaim(new Claim(Claims.Subject, person)); // OpenIddict's own subject, whatever Duban reads
        if ((string?)request.GetParameter("unit") is { Length: > 0 } unit)
            identity.AddClaim(new Claim(named("unit"), unit));
        if ((string?)request.GetParameter("name") is { Length: > 0 } name)
            identity.AddClaim(new Claim(named("name"), name));
        foreach (var role in ((string?)request.GetParameter("roles") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
            identity.AddClaim(new Claim(named("roles"), role));
        var principal = new ClaimsPrincipal(identity);
        principal.SetScopes(request.GetScopes());
        principal.SetResources(Audience);
        principal.SetAudiences(Audience);
        foreach (var claim in principal.Claims)
            claim.SetDestinations(Destinations.AccessToken, Destinations.IdentityToken);
        return Microsoft.AspNetCore.Http.Results.SignIn(principal, authenticationScheme: OpenIddict.Server.AspNetCore.OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>A token for a registered client (client credentials), as a service or a scheduler gets it.</summary>
    public async Task<string> ClientTokenAsync(string clientId, string secret) =>
        await RequestAsync(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret });

    /// <summary>A token for a person acting for a unit with roles; <paramref name="lifetime"/> and <paramref name="audience"/> to make bad ones.</summary>
    public async Task<string> PersonTokenAsync(string personId, string unitId, IEnumerable<string> roles, string? name = null,
        TimeSpan? lifetime = null, string? audience = null)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["client_id"] = PeopleClientId, ["username"] = personId, ["password"] = "-",
            ["unit"] = unitId, ["roles"] = string.Join(' ', roles), ["name"] = name ?? "",
        };
        if (lifetime is { } l)
            form["lifetime_seconds"] = ((int)l.TotalSeconds).ToString();
        if (audience is not null)
            form["token_audience"] = audience;
        return await RequestAsync(form);
    }

    private async Task<string> RequestAsync(Dictionary<string, string> form)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(TokenEndpoint, new FormUrlEncodedContent(form));
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"the test identity provider refused: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    private static string? Parameter(OpenIddictRequest request, string name) => (string?)request.GetParameter(name);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
