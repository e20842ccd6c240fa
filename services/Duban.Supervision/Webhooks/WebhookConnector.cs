using System.Net;
using System.Net.Sockets;
using Duban.Supervision.Domain.Webhooks;

namespace Duban.Supervision.Webhooks;

/// <summary>A webhook target the policy refuses; its message is the category the delivery log records.</summary>
public sealed class WebhookTargetRefusedException(string category) : Exception(category);

/// <summary>
/// Opens the connections webhook POSTs travel on: resolves the host itself, vets every address it got, and connects to
/// one of exactly those. Resolving and connecting in one place is what keeps DNS rebinding out — a name cannot pass the
/// check with a public address and then be connected to an inside one.
/// </summary>
public sealed class WebhookConnector(WebhookTargetPolicy policy)
{
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        IReadOnlyList<IPAddress> addresses = TargetAddress.ParseLiteral(host) is { } literal ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        if (policy.CheckAddresses(host, addresses) is { } refusal)
            throw new WebhookTargetRefusedException(refusal);

        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last!;
    }
}
