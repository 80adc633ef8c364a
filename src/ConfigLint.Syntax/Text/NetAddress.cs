using System.Net;
using System.Net.Sockets;

namespace ConfigLint.Syntax;

/// <summary>What a listen or target address means for exposure.</summary>
public enum AddressScope
{
    /// <summary>127.0.0.0/8, ::1, localhost.</summary>
    Loopback,

    /// <summary>0.0.0.0 or :: — every interface (tor treats these as public when listening).</summary>
    Wildcard,

    /// <summary>RFC 1918, CGNAT, link-local, unique-local: container and LAN addresses.</summary>
    Private,

    /// <summary>A routable public address.</summary>
    Public,

    /// <summary>A name resolved at start-up (tor resolves it once; Docker's DNS answers service names).</summary>
    Hostname,
}

public static class NetAddress
{
    /// <summary>Classifies an address as written (IPv6 may be in brackets).</summary>
    public static AddressScope Classify(string address)
    {
        var a = address.Trim();
        if (a.Length >= 2 && a[0] == '[' && a[^1] == ']')
        {
            a = a[1..^1];
        }

        if (a.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return AddressScope.Loopback;
        }

        if (!IPAddress.TryParse(a, out var ip) || (ip.AddressFamily == AddressFamily.InterNetwork && a.Count(c => c == '.') != 3))
        {
            return AddressScope.Hostname;
        }

        if (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any))
        {
            return AddressScope.Wildcard;
        }

        if (IPAddress.IsLoopback(ip))
        {
            return AddressScope.Loopback;
        }

        if (ip.IsIPv4MappedToIPv6)
        {
            return Classify(ip.MapToIPv4().ToString());
        }

        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = ip.GetAddressBytes();
            var isPrivate = b[0] == 10
                || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)
                || b[0] == 0;
            return isPrivate ? AddressScope.Private : AddressScope.Public;
        }

        return ip.IsIPv6LinkLocal || ip.IsIPv6SiteLocal || ip.IsIPv6UniqueLocal ? AddressScope.Private : AddressScope.Public;
    }

    public static bool IsLoopback(string address) => Classify(address) == AddressScope.Loopback;
}
