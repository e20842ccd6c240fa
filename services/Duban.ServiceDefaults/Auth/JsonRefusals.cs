using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;

namespace Duban.ServiceDefaults.Auth;

/// <summary>
/// A refused HTTP (JSON) call gets a body in the google.rpc.Status shape every other JSON error has, instead of an
/// empty 401 or 403. gRPC calls are left as they are: their clients read the HTTP status as the gRPC one.
/// </summary>
internal static class JsonRefusals
{
    private const int Unauthenticated = 16;
    private const int PermissionDenied = 7;
    private const int Unavailable = 14;

    public static async Task ChallengeAsync(JwtBearerChallengeContext context)
    {
        if (context.AuthenticateFailure is not null && await AuthorityUnreachableAsync(context.Options, context.HttpContext.RequestAborted))
        {
            // Not the token's fault: the authority's keys could not be read. 503 reads as Unavailable to gRPC clients.
            context.HandleResponse();
            if (IsGrpc(context.Request))
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }
            await WriteAsync(context.Response, StatusCodes.Status503ServiceUnavailable, Unavailable,
                "the identity provider's keys could not be read to check the token; try again");
            return;
        }
        if (IsGrpc(context.Request))
            return;
        context.HandleResponse();
        // What went wrong with a token stays in the service's log; the caller learns only that it was not accepted.
        var message = context.AuthenticateFailure is null
            ? "a bearer token is required (Authorization: Bearer …)"
            : "the bearer token was not accepted (expired, signed by another issuer, or for another audience)";
        context.Response.Headers.WWWAuthenticate = context.AuthenticateFailure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        await WriteAsync(context.Response, StatusCodes.Status401Unauthorized, Unauthenticated, message);
    }

    public static Task ForbiddenAsync(ForbiddenContext context)
    {
        if (IsGrpc(context.Request))
            return Task.CompletedTask;
        return WriteAsync(context.Response, StatusCodes.Status403Forbidden, PermissionDenied, "the caller may not make this call");
    }

    /// <summary>
    /// The authority's discovery document and keys cannot be had (none cached, and reading them fails): the token was
    /// refused for want of keys, not for what it holds. The configuration manager throttles its attempts, so asking here
    /// costs no extra request to an authority that is down.
    /// </summary>
    private static async Task<bool> AuthorityUnreachableAsync(JwtBearerOptions options, CancellationToken cancellationToken)
    {
        if (options.ConfigurationManager is not { } manager)
            return false;
        try
        {
            await manager.GetConfigurationAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            return false;
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or TimeoutException)
        {
            return true;
        }
    }

    private static bool IsGrpc(HttpRequest request) =>
        request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;

    private static async Task WriteAsync(HttpResponse response, int httpStatus, int code, string message)
    {
        response.StatusCode = httpStatus;
        response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(response.Body, new { code, message, details = Array.Empty<object>() });
    }
}
