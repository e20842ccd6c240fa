using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Duban.Supervision.Domain.Webhooks;

/// <summary>What kind of network an address belongs to, as far as sending a webhook there is concerned.</summary>
public enum AddressKind
{
    Public,
    Loopback,
    /// <summary>10/8, 172.16/12, 192.168/16, fc00::/7 (and the retired site-local fec0::/10).</summary>
    Private,
    /// <summary>169.254/16 (cloud metadata at 169.254.169.254), fe80::/10.</summary>
    LinkLocal,
    Multicast,
    /// <summary>0.0.0.0/8 and ::, which many stacks connect to the local host.</summary>
    Unspecified,
    /// <summary>100.64/10, carrier-grade NAT: inside some provider's network, not the internet.</summary>
    SharedAddressSpace,
    /// <summary>240/4 and 255.255.255.255.</summary>
    Reserved,
}

/// <summary>Classifies addresses and reads every spelling of an IPv4 address a resolver would accept.</summary>
public static class TargetAddress
{
    public static AddressKind Classify(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.Equals(IPAddress.IPv6Loopback))
                return AddressKind.Loopback;
            if (address.Equals(IPAddress.IPv6None))
                return AddressKind.Unspecified;
            // IPv4 inside IPv6 (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16)
            // reaches the IPv4 address it carries.
            if (EmbeddedIPv4(address) is { } inner)
                return Classify(inner);
            var b = address.GetAddressBytes();
            if (b[0] == 0xff)
                return AddressKind.Multicast;
            if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
                return AddressKind.LinkLocal;
            if ((b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0))
                return AddressKind.Private;
            return AddressKind.Public;
        }
        var v = address.GetAddressBytes();
        return v switch
        {
            [0, ..] => AddressKind.Unspecified,
            [127, ..] => AddressKind.Loopback,
            [10, ..] or [172, >= 16 and <= 31, ..] or [192, 168, ..] => AddressKind.Private,
            [169, 254, ..] => AddressKind.LinkLocal,
            [100, >= 64 and <= 127, ..] => AddressKind.SharedAddressSpace,
            [>= 224 and <= 239, ..] => AddressKind.Multicast,
            [>= 240, ..] => AddressKind.Reserved,
            _ => AddressKind.Public,
        };
    }

    /// <summary>The words a delivery log uses for a kind: "loopback", "private", …</summary>
    public static string Describe(AddressKind kind) => kind switch
    {
        AddressKind.Loopback => "loopback",
        AddressKind.Private => "private",
        AddressKind.LinkLocal => "link-local",
        AddressKind.Multicast => "multicast",
        AddressKind.Unspecified => "unspecified",
        AddressKind.SharedAddressSpace => "shared (CGNAT)",
        AddressKind.Reserved => "reserved",
        _ => "public",
    };

    /// <summary>
    /// The address a URL's host names literally, or null for a host name: IPv6 with or without brackets, and IPv4 as
    /// inet_aton reads it — one to four parts, each decimal, octal (leading 0) or hex (0x), the last filling the rest
    /// (2130706433, 0x7f.1, 0177.0.0.1 and 127.1 are all 127.0.0.1).
    /// </summary>
    public static IPAddress? ParseLiteral(string host)
    {
        if (host.StartsWith('[') && host.EndsWith(']'))
            host = host[1..^1];
        if (host.Contains(':'))
            return IPAddress.TryParse(host, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6 ? v6 : null;
        var parts = host.Split('.');
        if (parts.Length is < 1 or > 4)
            return null;
        var values = new ulong[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (ParsePart(parts[i]) is { } value)
                values[i] = value;
            else
                return null;
        ulong result = 0;
        for (var i = 0; i < values.Length - 1; i++)
        {
            if (values[i] > 255)
                return null;
            result |= values[i] << (8 * (3 - i));
        }
        var last = values[^1];
        if (last >= 1UL << (8 * (5 - values.Length)))
            return null;
        result |= last;
        return new IPAddress([(byte)(result >> 24), (byte)(result >> 16), (byte)(result >> 8), (byte)result]);
    }

    private static ulong? ParsePart(string part)
    {
        if (part.Length is 0 or > 32)
            return null;
        if (part.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return part.Length == 2 ? 0 // "0x" alone is 0 to inet_aton
                : ulong.TryParse(part.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex) ? hex : null;
        if (part.Length > 1 && part[0] == '0')
        {
            ulong octal = 0;
            foreach (var c in part.AsSpan(1))
            {
                if (c is < '0' or > '7' || octal > ulong.MaxValue / 8)
                    return null;
                octal = octal * 8 + (ulong)(c - '0');
            }
            return octal;
        }
        return part.All(char.IsAsciiDigit) && ulong.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var dec) ? dec : null;
    }

    private static IPAddress? EmbeddedIPv4(IPAddress v6)
    {
        if (v6.IsIPv4MappedToIPv6)
            return v6.MapToIPv4();
        var b = v6.GetAddressBytes();
        // ::a.b.c.d (IPv4-compatible; the caller has already told :: and ::1) and 64:ff9b::a.b.c.d (NAT64).
        var compatible = b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0;
        var nat64 = b[0] == 0 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0;
        if (compatible || nat64)
            return new IPAddress(b.AsSpan(12, 4));
        if (b[0] == 0x20 && b[1] == 0x02)
            return new IPAddress(b.AsSpan(2, 4));
        return null;
    }
}
