namespace Duban.ServiceDefaults;

public static class HealthTags
{
    /// <summary>The process runs (/healthz).</summary>
    public const string Live = "live";
    /// <summary>Dependencies answer; the service can take calls (/readyz and the gRPC health service).</summary>
    public const string Ready = "ready";
}
