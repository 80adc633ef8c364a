using System.Net;
using System.Net.Sockets;

namespace ConfigLint.Semantics.Squid;

/// <summary>How an ACL (or a whole access line) matches the requests of one kind of client.</summary>
public enum AclMatch
{
    /// <summary>Matches none of them (e.g. <c>src localnet</c> for an Internet client, <c>proxy_auth</c> before login).</summary>
    Never,

    /// <summary>Matches only requests to particular destinations (<c>dstdomain</c>, <c>dst</c>, <c>url_regex</c>, …).</summary>
    Restricted,

    /// <summary>Matches a broad share of them whatever the destination (<c>method</c>, <c>port</c>, <c>!blocklist</c>, …).</summary>
    Broad,

    /// <summary>Matches every one of them (<c>all</c>, <c>src 0.0.0.0/0</c>, <c>!localhost</c>).</summary>
    Every,
}

/// <summary>The client whose view of an access list is evaluated: an address family, the port it connects to, where it comes from.</summary>
/// <remarks>
/// <paramref name="Source"/>, when set, is the one address the client is seen from (Docker's userland proxy shows IPv6
/// Internet clients as the bridge gateway): <c>src</c> ACLs are then matched against it instead of an arbitrary address.
/// </remarks>
public sealed record SquidClient(bool Ipv6, SquidPort? Port, bool Internet = true, bool Authenticated = false, System.Net.IPAddress? Source = null);

/// <summary>The outcome of an access list for one client: who decides, and whether anything is allowed.</summary>
public sealed record SquidAccessOutcome(bool Allowed, SquidAccessRule? Decider, bool Implicit);

/// <summary>
/// squid's access-list semantics (cf.data.pre, NAME: http_access): first match wins; with no lines the default is
/// deny; when lines exist and none matches, the default is the opposite of the last line. ACLs are classified for
/// one abstract client (an arbitrary Internet address, unauthenticated, any destination), so the answer holds for
/// every such client.
/// </summary>
public static class SquidAccess
{
    private static readonly HashSet<string> DestinationTypes = new(StringComparer.Ordinal)
    {
        "dst", "dstdomain", "dstdom_regex", "url_regex", "urlpath_regex", "urllogin", "dst_as", "ssl::server_name",
        "ssl::server_name_regex", "server_name", "peername", "peername_regex", "server_cert_fingerprint",
    };

    private static readonly HashSet<string> ClientIdentityTypes = new(StringComparer.Ordinal)
    {
        "srcdomain", "srcdom_regex", "arp", "eui64", "src_as", "client_connection_mark", "proxy_auth", "proxy_auth_regex",
        "ext_user", "ext_user_regex", "user_cert", "ca_cert", "external", "ident", "ident_regex", "max_user_ip",
    };

    private static readonly HashSet<string> AuthTypes = new(StringComparer.Ordinal) { "proxy_auth", "proxy_auth_regex", "max_user_ip" };

    /// <summary>Whether an ACL asks for proxy authentication (<c>proxy_auth</c>, or an external helper fed the login).</summary>
    public static bool RequiresAuth(SquidConfig config, string name) => RequiresAuth(config, name, 0, new HashSet<string>(StringComparer.Ordinal));

    /// <summary>
    /// <paramref name="visited"/> holds the ACLs already asked: each is answered once, so ACLs combining the same
    /// ACL many times over many levels cost once each, not once per path.
    /// </summary>
    private static bool RequiresAuth(SquidConfig config, string name, int depth, HashSet<string> visited)
    {
        if (depth > 16 || !visited.Add(name) || config.Acl(name) is not { } acl)
        {
            return false;
        }

        if (AuthTypes.Contains(acl.Type))
        {
            return true;
        }

        if (acl.Type == "external")
        {
            var helper = acl.Values.FirstOrDefault();
            return helper is not null && config["external_acl_type"].Any(l => l.Arg(0) == helper
                && l.Args.Skip(1).Any(a => a.Value.Contains("%LOGIN", StringComparison.Ordinal) || a.Value.Contains("%ul", StringComparison.Ordinal)));
        }

        return acl.Type is "any-of" or "all-of" && acl.Values.Any(v => RequiresAuth(config, v, depth + 1, visited));
    }

    /// <summary>How one ACL reference matches the client's requests.</summary>
    public static AclMatch Classify(SquidConfig config, SquidAclRef reference, SquidClient client)
    {
        var match = ClassifyAcl(config, reference.Name, client, 0, new Dictionary<string, AclMatch>(StringComparer.Ordinal));
        return reference.Negated ? Negate(match) : match;
    }

    private static AclMatch Negate(AclMatch match) => match switch
    {
        AclMatch.Every => AclMatch.Never,
        AclMatch.Never => AclMatch.Every,
        _ => AclMatch.Broad,
    };

    /// <summary>Each ACL is classified once per question (<paramref name="known"/>), however many combining ACLs name it.</summary>
    private static AclMatch ClassifyAcl(SquidConfig config, string name, SquidClient client, int depth, Dictionary<string, AclMatch> known)
    {
        if (known.TryGetValue(name, out var answer))
        {
            return answer;
        }

        // An ACL still being classified (a cycle) counts as matching nothing, as one past the depth limit does.
        known[name] = AclMatch.Never;
        answer = ClassifyAclCore(config, name, client, depth, known);
        known[name] = answer;
        return answer;
    }

    private static AclMatch ClassifyAclCore(SquidConfig config, string name, SquidClient client, int depth, Dictionary<string, AclMatch> known)
    {
        if (depth > 16 || config.Acl(name) is not { } acl)
        {
            return AclMatch.Never;
        }

        var values = acl.Values.ToList();
        switch (acl.Type)
        {
            case "src":
                if (client.Source is { } source)
                {
                    return values.Any(v => Contains(v, source)) ? AclMatch.Every : acl.HasUnknownValues ? AclMatch.Restricted : AclMatch.Never;
                }

                if (!client.Internet)
                {
                    return AclMatch.Every;
                }

                return !acl.HasUnknownValues && values.Any(v => CoversFamily(v, client.Ipv6)) ? AclMatch.Every : AclMatch.Never;
            case "proxy_auth" or "proxy_auth_regex" or "max_user_ip":
                return client.Authenticated ? AclMatch.Every : AclMatch.Never;
            case "myportname":
                return client.Port is null ? AclMatch.Restricted : values.Contains(client.Port.Name) ? AclMatch.Every : AclMatch.Never;
            case "myport" or "localport":
                return client.Port?.Port is not { } p ? AclMatch.Restricted : values.Any(v => PortRangeContains(v, p)) ? AclMatch.Every : AclMatch.Never;
            case "myip" or "localip":
                return AclMatch.Every;
            case "any-of":
                return values.Select(v => ClassifyAcl(config, v, client, depth + 1, known)).DefaultIfEmpty(AclMatch.Never).Max();
            case "all-of":
                return Combine(values.Select(v => ClassifyAcl(config, v, client, depth + 1, known)));
        }

        if (DestinationTypes.Contains(acl.Type))
        {
            return AclMatch.Restricted;
        }

        if (ClientIdentityTypes.Contains(acl.Type))
        {
            return client.Internet && acl.Type != "external" ? AclMatch.Never : AclMatch.Restricted;
        }

        // method, port, proto, browser, time, req_header, …: a slice of requests to any destination.
        return AclMatch.Broad;
    }

    /// <summary>A line's ACLs are ANDed: the weakest decides.</summary>
    public static AclMatch Combine(IEnumerable<AclMatch> matches)
    {
        var result = AclMatch.Every;
        foreach (var m in matches)
        {
            if (m == AclMatch.Never)
            {
                return AclMatch.Never;
            }

            if (m == AclMatch.Restricted || (m == AclMatch.Broad && result == AclMatch.Every))
            {
                result = m;
            }
        }

        return result;
    }

    public static AclMatch Match(SquidConfig config, SquidAccessRule rule, SquidClient client) =>
        Combine(rule.Acls.Select(r => Classify(config, r, client)));

    /// <summary>
    /// Evaluates an access list for a client: the first line matching every request decides; an allow matching a broad
    /// share of requests already allows; when nothing decides, the default is the opposite of the last line.
    /// </summary>
    public static SquidAccessOutcome Evaluate(SquidConfig config, IReadOnlyList<SquidAccessRule> rules, SquidClient client)
    {
        if (rules.Count == 0)
        {
            return new SquidAccessOutcome(false, null, true);
        }

        foreach (var rule in rules)
        {
            var match = Match(config, rule, client);
            if (match == AclMatch.Every)
            {
                return new SquidAccessOutcome(rule.Allow, rule, false);
            }

            if (match == AclMatch.Broad && rule.Allow)
            {
                return new SquidAccessOutcome(true, rule, false);
            }
        }

        var last = rules[^1];
        return new SquidAccessOutcome(!last.Allow, last, true);
    }

    /// <summary>A line whose ACLs match every request from every client (<c>all</c>, <c>src all</c>): nothing after it runs.</summary>
    public static bool IsUniversal(SquidConfig config, SquidAccessRule rule) =>
        rule.Acls.Length > 0
        && rule.Acls.All(r => !r.Negated && config.Acl(r.Name) is { Type: "src", HasUnknownValues: false } acl
            && acl.Values.Any(v => CoversFamily(v, ipv6: false)) && acl.Values.Any(v => CoversFamily(v, ipv6: true)));

    /// <summary>The lines after the first universal line: they can never match.</summary>
    public static IEnumerable<SquidAccessRule> DeadRules(SquidConfig config, IReadOnlyList<SquidAccessRule> rules)
    {
        var index = -1;
        for (var i = 0; i < rules.Count; i++)
        {
            if (IsUniversal(config, rules[i]))
            {
                index = i;
                break;
            }
        }

        return index < 0 ? [] : rules.Skip(index + 1);
    }

    /// <summary>Whether a src value covers every address of a family (<c>all</c>, <c>0.0.0.0/0</c>, <c>::/0</c>).</summary>
    public static bool CoversFamily(string value, bool ipv6)
    {
        if (value == "all")
        {
            return true;
        }

        return TryParseNet(value, out var net, out var prefix) && prefix == 0
            && (net.AddressFamily == AddressFamily.InterNetworkV6) == ipv6;
    }

    /// <summary>Parses <c>a.b.c.d</c>, <c>a.b.c.d/len</c>, <c>a.b.c.d/mask</c>, <c>a.b.c.d-e.f.g.h</c> (lower bound), IPv6 likewise.</summary>
    public static bool TryParseNet(string value, out IPAddress address, out int prefix)
    {
        address = IPAddress.None;
        prefix = 0;
        var text = value;
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0)
        {
            // a range: approximate with its lower bound and the widest common prefix
            var low = text[..dash];
            var high = text[(dash + 1)..].Split('/')[0];
            if (!IPAddress.TryParse(low, out var lo) || !IPAddress.TryParse(high, out var hi) || lo.AddressFamily != hi.AddressFamily)
            {
                return false;
            }

            address = lo;
            prefix = CommonPrefix(lo.GetAddressBytes(), hi.GetAddressBytes());
            return true;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var host = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(host, out var ip) || (ip.AddressFamily == AddressFamily.InterNetwork && host.Count(c => c == '.') != 3))
        {
            return false;
        }

        address = ip;
        var bits = ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (slash < 0)
        {
            prefix = bits;
            return true;
        }

        var mask = text[(slash + 1)..];
        if (int.TryParse(mask, out var len) && len >= 0 && len <= bits)
        {
            prefix = len;
            return true;
        }

        if (IPAddress.TryParse(mask, out var m) && m.AddressFamily == ip.AddressFamily)
        {
            prefix = m.GetAddressBytes().Sum(b => System.Numerics.BitOperations.PopCount(b));
            return true;
        }

        return false;
    }

    /// <summary>Whether a network value contains an address.</summary>
    public static bool Contains(string value, IPAddress candidate)
    {
        if (value == "all")
        {
            return true;
        }

        if (!TryParseNet(value, out var net, out var prefix) || net.AddressFamily != candidate.AddressFamily)
        {
            return false;
        }

        var a = net.GetAddressBytes();
        var b = candidate.GetAddressBytes();
        return CommonPrefix(a, b) >= prefix;
    }

    private static int CommonPrefix(byte[] a, byte[] b)
    {
        var bits = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var x = a[i] ^ b[i];
            if (x == 0)
            {
                bits += 8;
                continue;
            }

            return bits + System.Numerics.BitOperations.LeadingZeroCount((uint)x) - 24;
        }

        return bits;
    }

    /// <summary>Whether a port ACL value (<c>443</c>, <c>1025-65535</c>) contains a port.</summary>
    public static bool PortRangeContains(string value, int port)
    {
        var dash = value.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            return int.TryParse(value, out var p) && p == port;
        }

        return int.TryParse(value[..dash], out var lo) && int.TryParse(value[(dash + 1)..], out var hi) && lo <= port && port <= hi;
    }
}
