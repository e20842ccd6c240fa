using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace Duban.ServiceDefaults.Auth;

/// <summary>
/// The token a service sends when it calls another on its own behalf (the feed, notice recipients, scans): minted
/// with the local key, asked for with client credentials, or read from a mounted file.
/// </summary>
public interface IServiceTokenSource
{
    /// <summary>Where the token comes from, for readiness and errors.</summary>
    string Description { get; }

    ValueTask<string> GetAsync(CancellationToken cancellationToken);
}

/// <summary>No token could be had: the message says from where and why.</summary>
public sealed class ServiceIdentityException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Local runs and tests: a short-lived token in the <c>service</c> role, minted with the shared key.</summary>
public sealed class LocalKeyServiceTokens(byte[] key, string serviceName, AuthOptions options, TimeProvider time) : IServiceTokenSource
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);
    private readonly Lock _lock = new();
    private string? _token;
    private DateTimeOffset _renewAt;

    public string Description => "the local signing key";

    public ValueTask<string> GetAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (_token is null || now >= _renewAt)
            {
                _token = LocalTokens.Mint(key, "service:" + serviceName, "", [DubanRoles.Service], Lifetime,
                    serviceName, options.Issuer, options.Audience, time);
                _renewAt = now + Lifetime / 2;
            }
            return ValueTask.FromResult(_token);
        }
    }
}

/// <summary>
/// OAuth 2.0 client credentials (RFC 6749 §4.4) at the authority's token endpoint. The token is kept until most of its
/// lifetime has passed, then asked for again; one request at a time.
/// </summary>
public sealed class ClientCredentialsServiceTokens(AuthOptions options, IHttpClientFactory http,
    IOptionsMonitor<JwtBearerOptions> bearer, TimeProvider time) : IServiceTokenSource
{
    public const string HttpClientName = "duban-identity";
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private DateTimeOffset _renewAt;

    public string Description => $"client credentials of \"{options.ClientId}\" at {options.Authority}";

    public async ValueTask<string> GetAsync(CancellationToken cancellationToken)
    {
        if (_token is { } cached && time.GetUtcNow() < _renewAt)
            return cached;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_token is { } fresh && time.GetUtcNow() < _renewAt)
                return fresh;
            var (token, lifetime) = await RequestAsync(cancellationToken);
            // Renew at 80% of the lifetime, and never closer than a minute to the end.
            var renewIn = TimeSpan.FromTicks(Math.Min(lifetime.Ticks * 4 / 5, Math.Max(0, (lifetime - TimeSpan.FromMinutes(1)).Ticks)));
            _token = token;
            _renewAt = time.GetUtcNow() + renewIn;
            return token;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<(string Token, TimeSpan Lifetime)> RequestAsync(CancellationToken cancellationToken)
    {
        var endpoint = await TokenEndpointAsync(cancellationToken);
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials" };
        if (!string.IsNullOrWhiteSpace(options.Scope))
            form["scope"] = options.Scope;
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new FormUrlEncodedContent(form) };
        // client_secret_basic: both parts form-encoded before base64, as RFC 6749 §2.3.1 says.
        var basic = Uri.EscapeDataString(options.ClientId) + ":" + Uri.EscapeDataString(options.ClientSecret);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(basic)));

        HttpResponseMessage response;
        try
        {
            response = await http.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new ServiceIdentityException($"the token endpoint {endpoint} did not answer: {e.Message}", e);
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            JsonElement json;
            try
            {
                json = JsonDocument.Parse(body).RootElement;
            }
            catch (JsonException)
            {
                throw new ServiceIdentityException($"the token endpoint {endpoint} answered {(int)response.StatusCode} without JSON");
            }
            if (!response.IsSuccessStatusCode || !json.TryGetProperty("access_token", out var accessToken) || accessToken.GetString() is not { Length: > 0 } token)
            {
                var error = json.TryGetProperty("error", out var e) ? e.GetString() : "no access_token";
                var description = json.TryGetProperty("error_description", out var d) ? ": " + d.GetString() : "";
                throw new ServiceIdentityException(
                    $"the identity provider refused the client credentials of \"{options.ClientId}\" ({(int)response.StatusCode} {error}{description})");
            }
            var seconds = json.TryGetProperty("expires_in", out var expires) && expires.TryGetInt32(out var s) ? s : 300;
            return (token, TimeSpan.FromSeconds(seconds));
        }
    }

    /// <summary>The configured endpoint, or the one in the authority's discovery document (fetched and cached by the bearer handler).</summary>
    private async Task<string> TokenEndpointAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(options.TokenEndpoint))
            return options.TokenEndpoint;
        var manager = bearer.Get(JwtBearerDefaults.AuthenticationScheme).ConfigurationManager
            ?? throw new ServiceIdentityException("no authority is configured to find the token endpoint at");
        try
        {
            var configuration = await manager.GetConfigurationAsync(cancellationToken);
            return configuration.TokenEndpoint is { Length: > 0 } endpoint
                ? endpoint
                : throw new ServiceIdentityException($"the discovery document of {options.Authority} names no token endpoint");
        }
        catch (InvalidOperationException e)
        {
            throw new ServiceIdentityException($"the discovery document of {options.Authority} could not be read: {e.Message}", e);
        }
    }
}

/// <summary>A token in a file (a Secret mounted into the pod), read again whenever the file changes.</summary>
public sealed class FileServiceTokens(string path) : IServiceTokenSource
{
    private readonly Lock _lock = new();
    private (DateTime Written, long Length, string Token)? _read;

    public string Description => $"the token file {path}";

    public ValueTask<string> GetAsync(CancellationToken cancellationToken)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
            throw new ServiceIdentityException($"the token file {path} does not exist");
        lock (_lock)
        {
            if (_read is not { } read || read.Written != file.LastWriteTimeUtc || read.Length != file.Length)
            {
                var token = File.ReadAllText(path).Trim();
                if (token.Length == 0)
                    throw new ServiceIdentityException($"the token file {path} is empty");
                _read = read = (file.LastWriteTimeUtc, file.Length, token);
            }
            return ValueTask.FromResult(read.Token);
        }
    }
}

/// <summary>With an authority but neither a client nor a token file: calls on people's behalf work, background calls cannot.</summary>
public sealed class NoServiceTokens : IServiceTokenSource
{
    public string Description => "no service identity";

    public ValueTask<string> GetAsync(CancellationToken cancellationToken) => throw new ServiceIdentityException(
        "no service identity: with Auth:Authority set, set Auth:ClientId and Auth:ClientSecret (client credentials) or Auth:ServiceTokenFile");
}
