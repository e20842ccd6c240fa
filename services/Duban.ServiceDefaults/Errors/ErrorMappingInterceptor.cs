using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Duban.ServiceDefaults.Errors;

/// <summary>
/// Turns domain exceptions into gRPC statuses with google.rpc details (BadRequest field violations,
/// ResourceInfo, PreconditionFailure), so clients can point at the offending field; database failures into
/// InvalidArgument / AlreadyExists (the caller's data), Unavailable / Aborted (transient: retry).
/// Details travel in a trailer, which clients refuse past a few tens of kilobytes: a status carries at most
/// <see cref="MaxFieldViolations"/> violations and <see cref="MaxDetailBytes"/> bytes of details, the rest counted.
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
        // EF Core wraps what a query's parameter threw (an id parsed inside the LINQ expression).
        InvalidOperationException { InnerException: DomainException domain } => ToRpcException(domain),
        DbUpdateConcurrencyException => new Google.Rpc.Status
        {
            Code = (int)Code.Aborted,
            Message = "the record was changed by someone else; read it again and retry",
        }.ToRpcException(),
        OperationCanceledException when context.CancellationToken.IsCancellationRequested =>
            new RpcException(new Grpc.Core.Status(StatusCode.Cancelled, "the call was cancelled")),
        _ when DatabaseErrors.Classify(ex) is { } status => LogDatabase(ex, status, context),
        _ => LogUnexpected(ex, context),
    };

    private RpcException LogDatabase(Exception ex, Google.Rpc.Status status, ServerCallContext context)
    {
        if ((Code)status.Code is Code.Unavailable or Code.Aborted or Code.DeadlineExceeded)
            logger.LogWarning(ex, "Transient database failure in {Method}: {Code}", context.Method, (Code)status.Code);
        return Capped(status).ToRpcException();
    }

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
        return Capped(status).ToRpcException();
    }

    public const int MaxFieldViolations = 50;
    public const int MaxDetailBytes = 6 * 1024;
    public const int MaxMessageLength = 1000;

    /// <summary>
    /// The status cut to what a trailer can carry: the first violations, then one entry counting the rest (the
    /// full list belongs in a response body, e.g. ImportPlan's dry run); the message cut likewise.
    /// </summary>
    public static Google.Rpc.Status Capped(Google.Rpc.Status status)
    {
        if (status.Message.Length > MaxMessageLength)
            status.Message = status.Message[..MaxMessageLength] + "…";
        for (var i = 0; i < status.Details.Count; i++)
        {
            if (!status.Details[i].TryUnpack<BadRequest>(out var badRequest))
                continue;
            var all = badRequest.FieldViolations.ToList();
            var kept = Math.Min(all.Count, MaxFieldViolations);
            while (true)
            {
                var capped = new BadRequest { FieldViolations = { all.Take(kept) } };
                if (kept < all.Count)
                    capped.FieldViolations.Add(new BadRequest.Types.FieldViolation
                    {
                        Field = "request",
                        Description = $"… and {all.Count - kept} more problems not listed here",
                    });
                if (capped.CalculateSize() <= MaxDetailBytes || kept == 0)
                {
                    status.Details[i] = Any.Pack(capped);
                    break;
                }
                kept = kept / 2;
            }
        }
        return status;
    }

    private static BadRequest ToBadRequest(IEnumerable<FieldViolation> violations)
    {
        var badRequest = new BadRequest();
        foreach (var v in violations)
            badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description });
        return badRequest;
    }
}
