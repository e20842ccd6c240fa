using Google.Rpc;
using Grpc.Core;

namespace Duban.Web.Components.Shared;

/// <summary>What a refused call says to the person: the status in Chinese, then the service's own words and fields.</summary>
public static class ServiceErrors
{
    public static string Describe(RpcException e)
    {
        var what = e.StatusCode switch
        {
            StatusCode.InvalidArgument => "填写有误",
            StatusCode.NotFound => "未找到",
            StatusCode.PermissionDenied => "无权办理",
            StatusCode.FailedPrecondition => "当前状态不允许此操作",
            StatusCode.Aborted => "事项已被他人更新，请刷新后重试",
            StatusCode.AlreadyExists => "已存在",
            StatusCode.Unauthenticated => "登录已过期，请重新登录",
            StatusCode.Unavailable or StatusCode.DeadlineExceeded => "服务暂时不可用，请稍后重试",
            _ => "操作失败",
        };
        var fields = e.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations.Select(v => $"{v.Field}: {v.Description}").ToList() ?? [];
        return fields.Count > 0 ? $"{what}：{string.Join("；", fields)}" : $"{what}：{e.Status.Detail}";
    }

    /// <summary>The HTTP status of a download the service refused.</summary>
    public static int HttpStatus(RpcException e) => e.StatusCode switch
    {
        StatusCode.InvalidArgument => 400,
        StatusCode.PermissionDenied => 403,
        StatusCode.NotFound => 404,
        StatusCode.Unauthenticated => 401,
        StatusCode.Unavailable or StatusCode.DeadlineExceeded => 503,
        _ => 502,
    };
}
