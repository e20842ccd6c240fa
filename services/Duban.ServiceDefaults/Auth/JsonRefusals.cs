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

    public static Task ChallengeAsync(JwtBearerChallengeContext context)
    {
        if (IsGrpc(context.Request))
            return Task.CompletedTask;
        context.HandleResponse();
        // What went wrong with a token stays in the service's log; the caller learns only that it was not accepted.
        var message = context.AuthenticateFailure is null
            ? "a bearer token is required (Authorization: Bearer …)"
            : "the bearer token was not accepted (expired, signed by another issuer, or for another audience)";
        context.Response.Headers.WWWAuthenticate = context.AuthenticateFailure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        return WriteAsync(context.Response, StatusCodes.Status401Unauthorized, Unauthenticated, message);
    }

    public static Task ForbiddenAsync(ForbiddenContext context)
    {
        if (IsGrpc(context.Request))
            return Task.CompletedTask;
        return WriteAsync(context.Response, StatusCodes.Status403Forbidden, PermissionDenied, "the caller may not make this call");
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
