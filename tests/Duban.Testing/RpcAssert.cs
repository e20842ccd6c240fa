using Google.Rpc;
using Grpc.Core;
using Xunit;

namespace Duban.Testing;

/// <summary>Assertions on gRPC failures: the status code and the field the server named.</summary>
public static class RpcAssert
{
    public static async Task<RpcException> ThrowsAsync(StatusCode expected, Func<Task> call)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(ex.StatusCode == expected, $"expected {expected} but got {ex.StatusCode}: {ex.Status.Detail}");
        return ex;
    }

    /// <summary>Asserts the status and that its BadRequest details name <paramref name="field"/>.</summary>
    public static async Task<RpcException> ThrowsOnFieldAsync(StatusCode expected, string field, Func<Task> call)
    {
        var ex = await ThrowsAsync(expected, call);
        var fields = FieldsOf(ex);
        Assert.True(fields.Contains(field), $"expected a violation on '{field}', got [{string.Join(", ", fields)}]: {ex.Status.Detail}");
        return ex;
    }

    public static IReadOnlyList<string> FieldsOf(RpcException ex) =>
        ex.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations.Select(v => v.Field).ToList() ?? [];
}
