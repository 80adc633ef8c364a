using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ConfigLint.Syntax;

/// <summary>
/// An IPv4 or IPv6 network (address and prefix length) with the arithmetic firewall and policy rules need:
/// containment and overlap. The address is kept as a 128-bit number; an IPv4 network uses the low 32 bits.
/// </summary>
public readonly record struct IpNetwork(bool IsV6, UInt128 Address, int Prefix)
{
    private int Width => IsV6 ? 128 : 32;

    /// <summary>The first address (the network address, host bits cleared).</summary>
    public UInt128 First => Address & Mask(Width, Prefix);

    /// <summary>The last address of the network.</summary>
    public UInt128 Last => First | (~Mask(Width, Prefix) & (IsV6 ? UInt128.MaxValue : uint.MaxValue));

    /// <summary>0.0.0.0/0.</summary>
    public static IpNetwork AnyV4 => new(false, 0, 0);

    /// <summary>::/0.</summary>
    public static IpNetwork AnyV6 => new(true, 0, 0);

    /// <summary>Whether the network covers every address of its family.</summary>
    public bool IsAny => Prefix == 0;

    /// <summary>Whether <paramref name="other"/> lies entirely inside this network (same family).</summary>
    public bool Contains(IpNetwork other) => other.IsV6 == IsV6 && other.Prefix >= Prefix && (other.First & Mask(Width, Prefix)) == First;

    /// <summary>Whether the address lies inside this network.</summary>
    public bool Contains(IPAddress address) => TryFrom(address, out var n) && Contains(n);

    /// <summary>Whether the two networks share at least one address.</summary>
    public bool Overlaps(IpNetwork other) => other.IsV6 == IsV6 && (Contains(other) || other.Contains(this));

    /// <summary>Parses <c>a.b.c.d</c>, <c>a.b.c.d/len</c>, <c>a.b.c.d/m.m.m.m</c>, <c>x::y</c>, <c>x::y/len</c> (brackets allowed for IPv6).</summary>
    public static bool TryParse(string text, out IpNetwork network)
    {
        network = default;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var host = slash < 0 ? text : text[..slash];
        if (host.Length >= 2 && host[0] == '[' && host[^1] == ']')
        {
            host = host[1..^1];
        }

        if (host.Length == 0 || !IPAddress.TryParse(host, out var ip) || !TryFrom(ip, out var single))
        {
            return false;
        }

        // IPAddress accepts "10" and "10.1" as IPv4; iptables wants four parts (or a name).
        if (!single.IsV6 && host.Count(c => c == '.') != 3)
        {
            return false;
        }

        if (slash < 0)
        {
            network = single;
            return true;
        }

        var mask = text[(slash + 1)..];
        var width = single.IsV6 ? 128 : 32;
        if (mask.Length is > 0 and <= 3 && mask.All(char.IsAsciiDigit))
        {
            var prefix = int.Parse(mask, CultureInfo.InvariantCulture);
            if (prefix > width)
            {
                return false;
            }

            network = single with { Prefix = prefix };
            return true;
        }

        // A dotted or colon mask: it must be contiguous ones.
        if (!IPAddress.TryParse(mask, out var maskIp) || !TryFrom(maskIp, out var m) || m.IsV6 != single.IsV6)
        {
            return false;
        }

        var bits = 0;
        while (bits < width && ((m.Address >> (width - 1 - bits)) & 1) == 1)
        {
            bits++;
        }

        if (m.Address != Mask(width, bits))
        {
            return false;
        }

        network = single with { Prefix = bits };
        return true;
    }

    /// <summary>The single-address network of an address.</summary>
    public static bool TryFrom(IPAddress address, out IpNetwork network)
    {
        var bytes = address.GetAddressBytes();
        UInt128 value = 0;
        foreach (var b in bytes)
        {
            value = (value << 8) | b;
        }

        network = address.AddressFamily switch
        {
            AddressFamily.InterNetwork => new IpNetwork(false, value, 32),
            AddressFamily.InterNetworkV6 => new IpNetwork(true, value, 128),
            _ => default,
        };
        return address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6;
    }

    /// <summary>Parses or throws (for literals in code and tests).</summary>
    public static IpNetwork Parse(string text) =>
        TryParse(text, out var n) ? n : throw new FormatException($"'{text}' is not an address or network.");

    private static UInt128 Mask(int width, int prefix)
    {
        if (prefix <= 0)
        {
            return 0;
        }

        var all = width == 128 ? UInt128.MaxValue : uint.MaxValue;
        return (all << (width - prefix)) & all;
    }

    /// <summary>The network in CIDR notation, host bits cleared.</summary>
    public override string ToString()
    {
        var first = First;
        var bytes = new byte[IsV6 ? 16 : 4];
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            bytes[i] = (byte)(first & 0xFF);
            first >>= 8;
        }

        return $"{new IPAddress(bytes)}/{Prefix}";
    }
}
