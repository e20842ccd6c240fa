using Google.Rpc;
using Grpc.Core;

namespace Duban.Cli.Output;

/// <summary>A refused call as a person reads it: the status, the server's message and each offending field; never a stack trace.</summary>
public static class Errors
{
    public static void Write(TextWriter error, RpcException ex)
    {
        var status = ex.GetRpcStatus();
        error.WriteLine($"duban: {ex.StatusCode}: {status?.Message ?? ex.Status.Detail}");
        foreach (var violation in status?.GetDetail<BadRequest>()?.FieldViolations ?? [])
            error.WriteLine($"  {violation.Field}: {violation.Description}");
        foreach (var violation in status?.GetDetail<PreconditionFailure>()?.Violations ?? [])
            error.WriteLine($"  {violation.Type} {violation.Subject}");
        if (ex.StatusCode == StatusCode.Unauthenticated)
            error.WriteLine("  (no valid token: run `duban login`, or pass --token / DUBAN_TOKEN)");
        if (status?.GetDetail<ErrorInfo>() is { Reason: "DATABASE_TRANSIENT" })
            error.WriteLine("  (a passing database failure: nothing was stored; run the command again)");
        else if (ex.StatusCode == StatusCode.Unavailable)
            error.WriteLine("  (is the service running? see --units-url, --tasks-url, --supervision-url)");
    }
}
