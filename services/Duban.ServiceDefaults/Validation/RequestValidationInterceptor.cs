using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Duban.ServiceDefaults.Validation;

/// <summary>
/// Runs <see cref="RequestValidator"/> on every request, over gRPC and JSON alike, before the handler; the
/// <see cref="Errors.ErrorMappingInterceptor"/> around it turns a refusal into InvalidArgument.
/// </summary>
public sealed class RequestValidationInterceptor : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (request is IMessage message)
            RequestValidator.ThrowIfInvalid(message);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (request is IMessage message)
            RequestValidator.ThrowIfInvalid(message);
        return continuation(request, responseStream, context);
    }
}
