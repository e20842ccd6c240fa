using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Duban.ServiceDefaults.Errors;

/// <summary>
/// Turns domain exceptions into gRPC statuses with google.rpc details (BadRequest field violations,
/// ResourceInfo, PreconditionFailure), so clients can point at the offending field.
/// </summary>
public sealed class ErrorMappingInterceptor(ILogger<ErrorMappingInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception ex) when (Map(ex, context) is { } mapped)
        {
            throw mapped;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception ex) when (Map(ex, context) is { } mapped)
        {
            throw mapped;
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context,
        ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception ex) when (Map(ex, context) is { } mapped)
        {
            throw mapped;
        }
    }

    private RpcException? Map(Exception ex, ServerCallContext context) => ex switch
    {
        RpcException => null,
        DomainException domain => ToRpcException(domain),
        DbUpdateConcurrencyException => new Google.Rpc.Status
        {
            Code = (int)Code.Aborted,
            Message = "the record was changed by someone else; read it again and retry",
        }.ToRpcException(),
        DbUpdateException { InnerException: PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg } =>
            ToRpcException(new AlreadyExistsException(pg.ConstraintName ?? "record", "already exists")),
        OperationCanceledException when context.CancellationToken.IsCancellationRequested =>
            new RpcException(new Grpc.Core.Status(StatusCode.Cancelled, "the call was cancelled")),
        _ => LogUnexpected(ex, context),
    };

    private RpcException? LogUnexpected(Exception ex, ServerCallContext context)
    {
        logger.LogError(ex, "Unhandled error in {Method}", context.Method);
        return null;
    }

    public static RpcException ToRpcException(DomainException ex)
    {
        var status = new Google.Rpc.Status { Message = ex.Message };
        switch (ex)
        {
            case ValidationFailedException v:
                status.Code = (int)Code.InvalidArgument;
                status.Details.Add(Any.Pack(ToBadRequest(v.Violations)));
                break;
            case NotFoundException nf:
                status.Code = (int)Code.NotFound;
                status.Details.Add(Any.Pack(new ResourceInfo { ResourceType = nf.ResourceType, ResourceName = nf.ResourceName }));
                break;
            case AlreadyExistsException ae:
                status.Code = (int)Code.AlreadyExists;
                status.Details.Add(Any.Pack(ToBadRequest([new FieldViolation(ae.Field, ae.Description)])));
                break;
            case FailedPreconditionException fp:
                status.Code = (int)Code.FailedPrecondition;
                status.Details.Add(Any.Pack(new PreconditionFailure
                {
                    Violations = { new PreconditionFailure.Types.Violation { Type = fp.Type, Subject = fp.Subject, Description = fp.Message } },
                }));
                break;
            case StaleVersionException:
                status.Code = (int)Code.Aborted;
                status.Details.Add(Any.Pack(ToBadRequest([new FieldViolation("version", ex.Message)])));
                break;
            case PermissionDeniedException:
                status.Code = (int)Code.PermissionDenied;
                break;
            case DependencyUnavailableException:
                status.Code = (int)Code.Unavailable;
                break;
            default:
                status.Code = (int)Code.Internal;
                break;
        }
        return status.ToRpcException();
    }

    private static BadRequest ToBadRequest(IEnumerable<FieldViolation> violations)
    {
        var badRequest = new BadRequest();
        foreach (var v in violations)
            badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description });
        return badRequest;
    }
}
