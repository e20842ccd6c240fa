using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Google.Rpc;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Duban.ServiceDefaults.Validation;

/// <summary>
/// Binds each gRPC service like grpc-dotnet's own binder does, with one difference: a request body that does not
/// parse (invalid UTF-8 in a string, a truncated message, nesting deeper than the parser allows) fails the call with
/// InvalidArgument instead of grpc-dotnet's "Exception was thrown by handler" (Unknown). Parsing happens before any
/// interceptor runs, so the request marshaller is the only place that sees the failure.
/// </summary>
public static class MalformedRequestBinding
{
    public static IServiceCollection BindWithMalformedRequestStatus(this IServiceCollection services)
    {
        // grpc-dotnet's binder is internal; it is replaced, not wrapped, or every method would be bound twice.
        var defaultBinder = services.SingleOrDefault(d => d.ServiceType == typeof(IServiceMethodProvider<>)
            && d.ImplementationType?.Name == "BinderServiceMethodProvider`1");
        if (defaultBinder is not null)
            services.Remove(defaultBinder);
        services.AddSingleton(typeof(IServiceMethodProvider<>), typeof(StrictBinderServiceMethodProvider<>));
        return services;
    }

    internal static Marshaller<T> Strict<T>(Marshaller<T> inner) => Marshallers.Create(inner.ContextualSerializer, context =>
    {
        try
        {
            return inner.ContextualDeserializer(context);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new Google.Rpc.Status
            {
                Code = (int)Code.InvalidArgument,
                Message = "the request is not a valid protobuf message: " + ex.Message,
                Details = { Google.Protobuf.WellKnownTypes.Any.Pack(new BadRequest
                {
                    FieldViolations = { new BadRequest.Types.FieldViolation { Field = "request", Description = ex.Message } },
                }) },
            }.ToRpcException();
        }
    });
}

internal sealed class StrictBinderServiceMethodProvider<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] TService>
    : IServiceMethodProvider<TService> where TService : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        for (var type = typeof(TService); type is not null; type = type.BaseType)
        {
            if (type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is not { } bind)
                continue;
            var method = bind.BindType.GetMethod(bind.BindMethodName, BindingFlags.Public | BindingFlags.Static, [typeof(ServiceBinderBase), type])
                ?? throw new InvalidOperationException($"{bind.BindType}.{bind.BindMethodName} not found");
            method.Invoke(null, [new Binder(context, type), null]);
            return;
        }
    }

    private sealed class Binder(ServiceMethodProviderContext<TService> context, Type declaringType) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
            context.AddUnaryMethod(Strict(method), Metadata(method.Name, [typeof(TRequest), typeof(ServerCallContext)], out var info),
                (UnaryServerMethod<TService, TRequest, TResponse>)Delegate.CreateDelegate(typeof(UnaryServerMethod<TService, TRequest, TResponse>), info));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddServerStreamingMethod(Strict(method),
                Metadata(method.Name, [typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)], out var info),
                (ServerStreamingServerMethod<TService, TRequest, TResponse>)Delegate.CreateDelegate(typeof(ServerStreamingServerMethod<TService, TRequest, TResponse>), info));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddClientStreamingMethod(Strict(method),
                Metadata(method.Name, [typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext)], out var info),
                (ClientStreamingServerMethod<TService, TRequest, TResponse>)Delegate.CreateDelegate(typeof(ClientStreamingServerMethod<TService, TRequest, TResponse>), info));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddDuplexStreamingMethod(Strict(method),
                Metadata(method.Name, [typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)], out var info),
                (DuplexStreamingServerMethod<TService, TRequest, TResponse>)Delegate.CreateDelegate(typeof(DuplexStreamingServerMethod<TService, TRequest, TResponse>), info));

        private static Method<TRequest, TResponse> Strict<TRequest, TResponse>(Method<TRequest, TResponse> method) =>
            new(method.Type, method.ServiceName, method.Name, MalformedRequestBinding.Strict(method.RequestMarshaller), method.ResponseMarshaller);

        /// <summary>The service's override of the method, and the endpoint metadata grpc-dotnet would give it ([Authorize] and the like).</summary>
        private List<object> Metadata(string name, Type[] parameters, out MethodInfo handler)
        {
            handler = Find(name, parameters) ?? throw new InvalidOperationException($"Could not find '{name}' on {typeof(TService)}.");
            var metadata = new List<object>();
            metadata.AddRange(typeof(TService).GetCustomAttributes(inherit: true));
            metadata.AddRange(handler.GetCustomAttributes(inherit: true));
            metadata.Add(new HttpMethodMetadata(["POST"], acceptCorsPreflight: true));
            return metadata;
        }

        private MethodInfo? Find(string name, Type[] parameters)
        {
            for (var type = typeof(TService); type is not null; type = type.BaseType)
            {
                var candidate = type.GetMethod(name, BindingFlags.Public | BindingFlags.Instance, null, parameters, null);
                if (candidate is null)
                    return null;
                if (candidate.IsVirtual && candidate.GetBaseDefinition().DeclaringType == declaringType)
                    return candidate;
            }
            return null;
        }
    }
}
