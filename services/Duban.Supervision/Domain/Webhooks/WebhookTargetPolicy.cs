using System.Net;

namespace Duban.Supervision.Domain.Webhooks;

/// <summary>
/// Where webhooks may go: https (http only when allowed, for development), no credentials in the URL, and public
/// addresses only — unless the allow-list names the host. An allow-list entry is a host name, an address or a network
/// (CIDR), matched against the URL's host as written: allowing 127.0.0.1 does not allow a name that resolves there, so a
/// name someone else controls cannot be pointed inside by changing its DNS.
/// </summary>
public sealed class WebhookTargetPolicy
{
    private readonly bool _allowHttp;
    private readonly HashSet<string> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<IPNetwork> _networks = [];

    public WebhookTargetPolicy(bool allowHttp, IEnumerable<string> allowedInternalTargets)
    {
        _allowHttp = allowHttp;
        foreach (var entry in allowedInternalTargets.Select(e => e.Trim()).Where(e => e.Length > 0))
        {
            if (ParseNetwork(entry) is { } network)
                _networks.Add(network);
            else if (Uri.CheckHostName(entry) == UriHostNameType.Dns)
                _hosts.Add(entry.TrimEnd('.'));
            else
                throw new ArgumentException($"'{entry}' is neither a host name, an address nor a network (CIDR)", nameof(allowedInternalTargets));
        }
    }

    /// <summary>Whether <paramref name="entry"/> could stand in the allow-list.</summary>
    public static bool IsValidEntry(string entry) =>
        ParseNetwork(entry.Trim()) is not null || Uri.CheckHostName(entry.Trim()) == UriHostNameType.Dns;

    /// <summary>At subscription: null when the URL may be subscribed, otherwise what is wrong with it.</summary>
    public string? CheckSubscription(string url)
    {
        if (!(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0))
            return _allowHttp ? "must be an absolute https:// or http:// URL" : "must be an absolute https:// URL";
        if (RefusedScheme(uri))
            return "must use https:// (plain http:// is accepted only where Webhooks:AllowHttp is set)";
        if (uri.UserInfo.Length > 0)
            return "must not carry credentials (user:password@): receivers check the signature instead";
        // A name is not resolved here: what it resolves to now says nothing about delivery time, when it is checked again.
        if (TargetAddress.ParseLiteral(uri.IdnHost) is { } literal && TargetAddress.Classify(literal) is not AddressKind.Public and var kind
            && !IsAllowListed(uri.IdnHost))
            return $"names a {TargetAddress.Describe(kind)} address ({literal}); webhooks go to public addresses unless Webhooks:AllowedInternalTargets lists the host";
        return null;
    }

    /// <summary>At delivery, before connecting: a refusal for the delivery log, or null.</summary>
    public string? CheckDelivery(Uri uri) =>
        RefusedScheme(uri) ? "refused: http not allowed"
        : uri.UserInfo.Length > 0 ? "refused: credentials in URL"
        : null;

    /// <summary>
    /// At delivery, once the host is resolved: a refusal for the delivery log when any address is not public (a name with
    /// one inside address is refused whole, so the connection cannot be steered to it), or null.
    /// </summary>
    public string? CheckAddresses(string host, IReadOnlyList<IPAddress> addresses)
    {
        if (addresses.Count == 0)
            return "name not resolved";
        if (IsAllowListed(host))
            return null;
        foreach (var address in addresses)
            if (TargetAddress.Classify(address) is not AddressKind.Public and var kind)
                return $"refused: {TargetAddress.Describe(kind)} address";
        return null;
    }

    public bool IsAllowListed(string host)
    {
        if (TargetAddress.ParseLiteral(host) is { } literal)
        {
            var address = literal.IsIPv4MappedToIPv6 ? literal.MapToIPv4() : literal;
            return _networks.Any(n => n.Contains(address));
        }
        return _hosts.Contains(host.TrimEnd('.'));
    }

    private bool RefusedScheme(Uri uri) => uri.Scheme == "http" && !_allowHttp;

    private static IPNetwork? ParseNetwork(string entry)
    {
        // A network whose address has host bits set (10.0.0.1/8) is refused, not widened: it is more likely a typo.
        if (entry.Contains('/'))
            return IPNetwork.TryParse(entry, out var network) && IPAddress.TryParse(entry[..entry.IndexOf('/')], out var written)
                   && network.BaseAddress.Equals(written) ? network : null;
        // Only the dotted-quad spelling of IPv4 here: "10" is not quietly 0.0.0.10.
        return IPAddress.TryParse(entry.Trim('[', ']'), out var address)
               && (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 || entry.Count(c => c == '.') == 3)
            ? new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)
            : null;
    }
}
