namespace Duban.Supervision.Webhooks;

public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Enqueue and send deliveries in this instance (subscriptions can be managed either way).</summary>
    public bool Enabled { get; set; } = true;
    /// <summary>How often the dispatcher looks for new notices and due deliveries.</summary>
    public int PollMilliseconds { get; set; } = 1000;
    /// <summary>Deliveries claimed per round; the round repeats at once while it finds a full batch.</summary>
    public int BatchSize { get; set; } = 50;
    /// <summary>Sends in flight at once, so one slow receiver does not hold up the others.</summary>
    public int MaxConcurrentSends { get; set; } = 8;
    /// <summary>Accept http:// targets besides https:// — for development, where the receiver is on loopback.</summary>
    public bool AllowHttp { get; set; }
    /// <summary>
    /// Hosts that may be reached although they are not public: host names, addresses or networks (10.8.0.0/16), matched
    /// against the URL's host as written. Empty: loopback, private, link-local, multicast, unspecified and CGNAT
    /// addresses are refused, at subscription and again at delivery.
    /// </summary>
    public List<string> AllowedInternalTargets { get; set; } = [];
    /// <summary>The deadline of each POST.</summary>
    public double TimeoutSeconds { get; set; } = 10;
    /// <summary>Quick retries inside one round (transport errors, 408, 429, 5xx), with exponential backoff and jitter.</summary>
    public int QuickRetries { get; set; } = 2;
    public double QuickRetryDelayMilliseconds { get; set; } = 500;
    /// <summary>After a failed round, the next round waits this long, doubling each time up to <see cref="RetryMaxSeconds"/>.</summary>
    public double RetryBaseSeconds { get; set; } = 5;
    public double RetryMaxSeconds { get; set; } = 600;
    /// <summary>A delivery still failing this long after it was enqueued is given up (FAILED; a replay sends it again).</summary>
    public double GiveUpAfterHours { get; set; } = 72;
}
