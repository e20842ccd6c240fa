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
            error.WriteLine("  （没有有效的令牌：请运行 `duban login`，或用 --token / DUBAN_TOKEN 提供）");
        if (status?.GetDetail<ErrorInfo>() is { Reason: "DATABASE_TRANSIENT" })
            error.WriteLine("  （数据库暂时故障，未保存任何内容：请重新运行该命令）");
        else if (ex.StatusCode == StatusCode.Unavailable)
            error.WriteLine("  （服务是否已启动？请检查 --units-url、--tasks-url、--supervision-url）");
    }
}
