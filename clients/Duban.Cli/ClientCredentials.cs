using Duban.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Duban.Cli;

/// <summary>
/// A scheduler on a server (cron) signs in as its own client, as the Kubernetes CronJob does: DUBAN_CLIENT_ID, the secret
/// in DUBAN_CLIENT_SECRET_FILE (or DUBAN_CLIENT_SECRET), DUBAN_TOKEN_ENDPOINT and, if the provider wants them, DUBAN_SCOPE.
/// A token is asked for on each run; nothing long-lived is stored.
/// </summary>
internal static class ClientCredentials
{
    public static bool Configured => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("DUBAN_CLIENT_ID"));

    public static async Task<string> TokenAsync(CancellationToken ct)
    {
        var clientId = Environment.GetEnvironmentVariable("DUBAN_CLIENT_ID")!.Trim();
        var endpoint = Environment.GetEnvironmentVariable("DUBAN_TOKEN_ENDPOINT");
        if (string.IsNullOrWhiteSpace(endpoint))
            throw new CliException("设置了 DUBAN_CLIENT_ID，还须设置 DUBAN_TOKEN_ENDPOINT（身份提供方的 token_endpoint）");
        var secret = Environment.GetEnvironmentVariable("DUBAN_CLIENT_SECRET_FILE") is { Length: > 0 } file
            ? (File.Exists(file) ? File.ReadAllText(file).Trim() : throw new CliException($"DUBAN_CLIENT_SECRET_FILE：文件 {file} 不存在"))
            : Environment.GetEnvironmentVariable("DUBAN_CLIENT_SECRET") ?? "";
        if (secret.Length == 0)
            throw new CliException("设置了 DUBAN_CLIENT_ID，还须给出客户端密钥：DUBAN_CLIENT_SECRET_FILE 或 DUBAN_CLIENT_SECRET");

        // The services' own client-credentials code, so the CLI asks exactly as they do.
        using var services = new ServiceCollection().AddHttpClient().AddOptions().BuildServiceProvider();
        var options = new AuthOptions
        {
            ClientId = clientId, ClientSecret = secret, TokenEndpoint = endpoint.Trim(),
            Scope = Environment.GetEnvironmentVariable("DUBAN_SCOPE") ?? "",
        };
        var tokens = new ClientCredentialsServiceTokens(options, services.GetRequiredService<IHttpClientFactory>(),
            services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>(), TimeProvider.System);
        try
        {
            return await tokens.GetAsync(ct);
        }
        catch (ServiceIdentityException e)
        {
            throw new CliException($"无法以客户端“{clientId}”取得令牌：{e.Message}");
        }
    }
}
