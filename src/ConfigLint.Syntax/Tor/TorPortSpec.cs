using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Syntax.Tor;

public enum TorPortKind
{
    /// <summary><c>0</c>: the listener is off.</summary>
    Disabled,

    /// <summary>A TCP port, with or without an address.</summary>
    Tcp,

    /// <summary><c>unix:/path</c>.</summary>
    Unix,
}

/// <summary>A located error in a value's micro-syntax.</summary>
public readonly record struct ValueError(string Message, TextSpan Span);

/// <summary>
/// The typed view of a port line (<c>SocksPort</c>, <c>ControlPort</c>, <c>ORPort</c>, …):
/// <c>[addr:]port | auto | unix:path | 0</c> followed by flags. A missing address takes the
/// option's default (127.0.0.1 for client and control ports, all interfaces for ORPort/DirPort).
/// </summary>
public sealed record TorPortSpec(
    TorPortKind Kind,
    string Address,
    bool AddressIsDefault,
    string? Port,
    string? UnixPath,
    ImmutableArray<string> Flags,
    TextSpan AddressSpan,
    ValueError? Error)
{
    public AddressScope Scope => Kind == TorPortKind.Unix ? AddressScope.Loopback : NetAddress.Classify(Address);

    /// <summary>The numeric port, when there is one (not <c>auto</c>).</summary>
    public int? PortNumber => int.TryParse(Port, out var p) ? p : null;

    public bool HasFlag(string flag) => Flags.Any(f => f.Equals(flag, StringComparison.OrdinalIgnoreCase));

    public static TorPortSpec Parse(TorEntrySyntax entry)
    {
        var value = entry.Value;
        var words = Split(value);
        var defaultAddress = TorOptions.DefaultAddress(entry.Name);
        if (words.Count == 0)
        {
            return new TorPortSpec(TorPortKind.Disabled, defaultAddress, true, null, null, [], entry.ValueSpan, null);
        }

        var (first, firstStart) = words[0];
        var firstSpan = entry.MapValueRange(firstStart, first.Length);
        var flags = words.Skip(1).Select(w => w.Text).ToImmutableArray();

        if (first.StartsWith("unix:", StringComparison.OrdinalIgnoreCase))
        {
            var path = first[5..].Trim('"');
            ValueError? err = path.Length == 0 ? new ValueError($"'{entry.Name}' unix socket needs a path.", firstSpan) : null;
            return new TorPortSpec(TorPortKind.Unix, "unix", false, null, path, flags, firstSpan, err);
        }

        if (first == "0")
        {
            return new TorPortSpec(TorPortKind.Disabled, defaultAddress, true, "0", null, flags, firstSpan, null);
        }

        if (first.Equals("auto", StringComparison.OrdinalIgnoreCase) || IsPort(first))
        {
            return new TorPortSpec(TorPortKind.Tcp, defaultAddress, true, first, null, flags, firstSpan, null);
        }

        // [addr]:port, addr:port, addr (default port).
        string address;
        string? port = null;
        if (first.StartsWith('['))
        {
            var close = first.IndexOf(']');
            if (close < 0)
            {
                return Bad(entry, first, firstSpan, flags);
            }

            address = first[..(close + 1)];
            var rest = first[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':')
                {
                    return Bad(entry, first, firstSpan, flags);
                }

                port = rest[1..];
            }
        }
        else
        {
            var colon = first.LastIndexOf(':');
            if (colon >= 0 && first.IndexOf(':') != colon)
            {
                // A bare IPv6 address without brackets.
                return Bad(entry, first, firstSpan, flags);
            }

            address = colon >= 0 ? first[..colon] : first;
            port = colon >= 0 ? first[(colon + 1)..] : null;
        }

        if (address.Length == 0 || (port is not null && !(IsPort(port) || port.Equals("auto", StringComparison.OrdinalIgnoreCase)))
            || !IsAddressSyntax(address))
        {
            return Bad(entry, first, firstSpan, flags);
        }

        var addrSpan = entry.MapValueRange(firstStart, address.Length);
        return new TorPortSpec(TorPortKind.Tcp, address, false, port, null, flags, addrSpan, null);
    }

    private static TorPortSpec Bad(TorEntrySyntax entry, string first, TextSpan span, ImmutableArray<string> flags) =>
        new(TorPortKind.Tcp, first, false, null, null, flags, span,
            new ValueError($"Couldn't parse address '{first}' for {entry.Name}; tor refuses to start.", span));

    internal static bool IsPort(string s) =>
        s.Length is > 0 and <= 5 && s.All(char.IsAsciiDigit) && int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) <= 65535;

    private static bool IsAddressSyntax(string address)
    {
        if (address.StartsWith('['))
        {
            return address.EndsWith(']') && System.Net.IPAddress.TryParse(address[1..^1], out _);
        }

        if (address.All(c => char.IsAsciiDigit(c) || c == '.'))
        {
            // All digits and dots: only a complete IPv4 address (tor does not resolve numeric names).
            return IsDottedQuad(address);
        }

        return address.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');
    }

    /// <summary>Four dot-separated decimal numbers of 1–3 digits, each at most 255.</summary>
    internal static bool IsDottedQuad(string address)
    {
        var parts = address.Split('.');
        return parts.Length == 4 && parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit) && int.Parse(p, System.Globalization.CultureInfo.InvariantCulture) <= 255);
    }

    /// <summary>Splits on blanks, keeping a quoted unix path together; returns each word with its offset.</summary>
    internal static List<(string Text, int Start)> Split(string value)
    {
        var words = new List<(string, int)>();
        var i = 0;
        while (i < value.Length)
        {
            while (i < value.Length && TorParser.IsSpace(value[i]))
            {
                i++;
            }

            if (i >= value.Length)
            {
                break;
            }

            var start = i;
            var quoted = false;
            while (i < value.Length && (quoted || !TorParser.IsSpace(value[i])))
            {
                if (value[i] == '"')
                {
                    quoted = !quoted;
                }

                i++;
            }

            words.Add((value[start..i], start));
        }

        return words;
    }
}

/// <summary>The typed view of <c>HiddenServicePort VIRTPORT [TARGET]</c>.</summary>
public sealed record TorHiddenServicePort(int VirtualPort, string TargetAddress, bool TargetIsDefault, int? TargetPort, string? UnixPath, TextSpan TargetSpan, string? Error)
{
    public AddressScope TargetScope => UnixPath is not null ? AddressScope.Loopback : NetAddress.Classify(TargetAddress);

    public static TorHiddenServicePort Parse(TorEntrySyntax entry)
    {
        var words = TorPortSpec.Split(entry.Value);
        if (words.Count == 0 || !int.TryParse(words[0].Text, out var virt) || virt is < 1 or > 65535 || !words[0].Text.All(char.IsAsciiDigit))
        {
            return new TorHiddenServicePort(0, "127.0.0.1", true, null, null, entry.ValueSpan,
                $"HiddenServicePort needs a virtual port between 1 and 65535, not '{(words.Count == 0 ? string.Empty : words[0].Text)}'.");
        }

        if (words.Count == 1)
        {
            return new TorHiddenServicePort(virt, "127.0.0.1", true, virt, null, entry.MapValueRange(words[0].Start, words[0].Text.Length), null);
        }

        var (target, start) = words[1];
        var span = entry.MapValueRange(start, target.Length);
        if (words.Count > 2)
        {
            return new TorHiddenServicePort(virt, target, false, null, null, span, $"HiddenServicePort has unexpected data after the target: '{words[2].Text}'.");
        }

        if (target.StartsWith("unix:", StringComparison.Ordinal))
        {
            return new TorHiddenServicePort(virt, "unix", false, null, target[5..].Trim('"'), span, null);
        }

        if (target.All(char.IsAsciiDigit))
        {
            return int.TryParse(target, out var p) && p is >= 1 and <= 65535
                ? new TorHiddenServicePort(virt, "127.0.0.1", true, p, null, span, null)
                : new TorHiddenServicePort(virt, "127.0.0.1", true, null, null, span, $"HiddenServicePort target port '{target}' is out of range.");
        }

        string address;
        string portText;
        if (target.StartsWith('['))
        {
            var close = target.IndexOf(']');
            address = close > 0 ? target[..(close + 1)] : target;
            portText = close > 0 && close + 1 < target.Length && target[close + 1] == ':' ? target[(close + 2)..] : string.Empty;
        }
        else
        {
            var colon = target.LastIndexOf(':');
            address = colon >= 0 ? target[..colon] : target;
            portText = colon >= 0 ? target[(colon + 1)..] : string.Empty;
        }

        var port = virt;
        if ((portText.Length > 0 || target.EndsWith(':')) && (!int.TryParse(portText, out port) || port is < 1 or > 65535))
        {
            address = string.Empty;
        }

        if (address.Length == 0)
        {
            return new TorHiddenServicePort(virt, address, false, null, null, span,
                $"HiddenServicePort target '{target}' needs an address and a port (addr:port).");
        }

        return new TorHiddenServicePort(virt, address, false, port, null, entry.MapValueRange(start, address.Length), null);
    }
}
