using System.Collections.Immutable;
using System.Globalization;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Tor;

namespace ConfigLint.Semantics.Iptables;

/// <summary>What happens to a probe packet: the words <c>configlint compile</c> prints.</summary>
public enum EgressOutcome
{
    /// <summary>nat sends it to another port (REDIRECT) or address (DNAT), and filter lets it reach that place.</summary>
    Redirected,

    /// <summary>
    /// Traffic the rules mean to send through Tor, let out with the real address instead: the host's own traffic when a
    /// rule set of the host redirects its nat OUTPUT to Tor or singles out the tor user in OUTPUT; a Tor gateway's clients.
    /// </summary>
    Leaks,

    /// <summary>
    /// Let out with the real address where nothing means to send it through Tor: the tor user's own connections (what a
    /// transparent proxy must allow), and the host's own traffic when no rule set of the host redirects it (a gateway
    /// that torifies only its clients; a firewall that is not a Tor transparent proxy).
    /// </summary>
    Direct,

    /// <summary>DROP or REJECT (by a rule or a chain's policy), before or after a redirect.</summary>
    Blocked,

    /// <summary>A rule on the way has a condition ConfigLint cannot decide (a script variable, an unmodelled match), the chains loop, or the script was not understood.</summary>
    Unknown,
}

/// <summary>Whose traffic a probe is: the host's own (nat OUTPUT, filter OUTPUT) or a gateway client's (nat PREROUTING, filter INPUT or FORWARD).</summary>
public enum EgressTraffic
{
    Local,
    Client,
}

/// <summary>One probe packet: a stable identifier, a short label, and the packet as it enters the first chain.</summary>
public sealed record EgressProbe(string Id, string Label, string Description, EgressTraffic Traffic, IptablesPacket Packet, bool FromTor);

/// <summary>
/// The walk of one probe: the outcome, where a redirect sends it (<paramref name="To"/>, <paramref name="ToPort"/>)
/// and which listener of the joined torrc is on that port (<c>TransPort</c>, <c>DNSPort</c> or null), whether Tor
/// carries it (<paramref name="ViaTor"/>: redirected to a listener that takes its protocol at that address; null when
/// it is redirected and no torrc is joined to tell), the chain that
/// decided (<c>nat OUTPUT</c>, <c>filter OUTPUT</c>, …) with the rule that decided it (null when the chain's policy did:
/// then <paramref name="Policy"/> is the policy and <paramref name="PolicyLocation"/> where it was set, null for the
/// kernel's default), and a short reason.
/// </summary>
public sealed record EgressResult(
    EgressProbe Probe,
    EgressOutcome Outcome,
    string? To,
    int? ToPort,
    string? TorListener,
    bool? ViaTor,
    string Chain,
    IptablesRule? Rule,
    string? Policy,
    SourceLocation? PolicyLocation,
    string Reason)
{
    /// <summary>Whether the chain's policy decided rather than a rule.</summary>
    public bool ByPolicy => Rule is null && Policy is not null;
}

/// <summary>The probes' results for one family of a rule set; <paramref name="Gateway"/> when nat PREROUTING redirects (then client probes follow the host's).</summary>
public sealed record FamilyEgress(IptablesFamily Family, bool Gateway, ImmutableArray<EgressResult> Results);

/// <summary>
/// The egress of a firewall, probe by probe (issue 14 item 6): each probe packet walks the chains as the kernel does.
/// The host's own traffic goes through nat OUTPUT, then filter OUTPUT — after a nat REDIRECT with the destination
/// rewritten to 127.0.0.1 (::1) at the redirect port and leaving on <c>lo</c>, after a DNAT to its
/// <c>--to-destination</c>. On a gateway (nat PREROUTING has a REDIRECT or DNAT, directly or in a chain it jumps to)
/// the clients' traffic goes through nat PREROUTING, then filter INPUT when it was redirected to this host, else filter
/// FORWARD. A packet conntrack marks INVALID never reaches the nat table (nat sees only a connection's first packet).
/// <para>
/// The probes, per family (addresses are documentation ranges, RFC 5737 and RFC 3849, that no sane rule names):
/// <c>tcp-new</c> a TCP SYN to 198.51.100.7:443 ([2001:db8::7]:443); <c>dns</c> a UDP query to port 53 of that
/// address; <c>udp-443</c> UDP to port 443 (QUIC); <c>icmp</c> an ICMP (ICMPv6) packet; <c>tcp-invalid</c> a TCP
/// FIN/ACK to port 443 that conntrack marks INVALID; and, for the host only and when the tor user is known
/// (<see cref="Firewall.TorUid"/>), <c>tor-tcp</c>: the tcp-new packet sent by the tor user. Client probes carry the
/// in-interface and source range of the first PREROUTING redirect that names them.
/// </para>
/// <para>
/// Each rule set is walked alone, as the whole of its family's rules (a table the file lacks accepts everything;
/// other rule sets of the host are not merged in); mangle and raw are not modelled. Pure and cheap: a dozen walks.
/// </para>
/// </summary>
public static class FirewallEgress
{
    public const string PublicV4 = "198.51.100.7";

    public const string PublicV6 = "2001:db8::7";

    public static string FamilyName(IptablesFamily family) => family == IptablesFamily.V4 ? "IPv4" : "IPv6";

    /// <summary>The probe packets of one family, in their fixed order (client probes when <paramref name="client"/> is set; the tor-user probe when <paramref name="torUid"/> is known).</summary>
    public static ImmutableArray<EgressProbe> Probes(IptablesFamily family, string? torUid, (string? InInterface, string? Source)? client = null)
    {
        var to = family == IptablesFamily.V4 ? PublicV4 : PublicV6;
        var shown = family == IptablesFamily.V4 ? to : $"[{to}]";
        var icmp = family == IptablesFamily.V4 ? "icmp" : "icmpv6";
        var traffic = client is null ? EgressTraffic.Local : EgressTraffic.Client;
        var source = client?.Source;
        var inInterface = client?.InInterface;
        var prefix = client is null ? string.Empty : "client ";
        var probes = ImmutableArray.CreateBuilder<EgressProbe>();
        probes.Add(new EgressProbe("tcp-new", prefix + "tcp/443 new", $"a TCP SYN to {shown}:443", traffic,
            new IptablesPacket(family, "tcp", source, to, 40000, 443, InInterface: inInterface), false));
        probes.Add(new EgressProbe("dns", prefix + "dns udp/53", $"a DNS query (UDP) to {shown}:53", traffic,
            new IptablesPacket(family, "udp", source, to, 40000, 53, InInterface: inInterface), false));
        probes.Add(new EgressProbe("udp-443", prefix + "udp/443", $"UDP (QUIC) to {shown}:443", traffic,
            new IptablesPacket(family, "udp", source, to, 40000, 443, InInterface: inInterface), false));
        probes.Add(new EgressProbe("icmp", prefix + icmp, $"an {icmp.ToUpperInvariant()} packet to {shown}", traffic,
            new IptablesPacket(family, icmp, source, to, InInterface: inInterface), false));
        probes.Add(new EgressProbe("tcp-invalid", prefix + "tcp/443 invalid", $"a TCP FIN/ACK to {shown}:443 that conntrack marks INVALID", traffic,
            new IptablesPacket(family, "tcp", source, to, 40000, 443, State: "INVALID", InInterface: inInterface, TcpFlags: "ACK,FIN"), false));
        if (client is null && torUid is not null)
        {
            probes.Add(new EgressProbe("tor-tcp", $"tcp/443 new as tor ({torUid})", $"a TCP SYN to {shown}:443 from the tor user ({torUid})", traffic,
                new IptablesPacket(family, "tcp", null, to, 40000, 443, Uid: torUid), true));
        }

        return probes.ToImmutable();
    }

    /// <summary>Every family of the firewall's rule set, in order, with its probes' results.</summary>
    public static ImmutableArray<FamilyEgress> Of(Firewall firewall) =>
        [.. firewall.RuleSet.Families.Order().Select(f => Of(firewall, f))];

    public static FamilyEgress Of(Firewall firewall, IptablesFamily family)
    {
        var ruleSet = firewall.RuleSet;
        var gateway = ClientRedirect(ruleSet, family);
        var walker = new Walker(firewall, family, ClaimsHostTraffic(firewall));
        var results = ImmutableArray.CreateBuilder<EgressResult>();
        foreach (var probe in Probes(family, firewall.TorUid(family)))
        {
            results.Add(ruleSet.Understood ? walker.Local(probe) : NotUnderstood(probe, "nat OUTPUT"));
        }

        if (gateway is not null)
        {
            foreach (var probe in Probes(family, null, ClientOf(gateway)))
            {
                results.Add(ruleSet.Understood ? walker.Client(probe) : NotUnderstood(probe, "nat PREROUTING"));
            }
        }

        return new FamilyEgress(family, gateway is not null, results.ToImmutable());
    }

    /// <summary>
    /// Whether the host's own traffic is meant to go through Tor: a rule set of the host (this one or a companion, any
    /// family) redirects nat OUTPUT to a Tor port, or has an OUTPUT rule for the tor user. Then what the probes find
    /// let out in any family leaks (an IPv6 left open beside a torified IPv4 is catalog IPT002's leak).
    /// </summary>
    public static bool ClaimsHostTraffic(Firewall firewall) =>
        firewall.HostRuleSets.Any(rs => rs.Families.Any(f =>
            rs.NatRedirects(f).Any(r => r.Chain == "OUTPUT" && r.ToPort is { } p && firewall.ClassificationPorts.Contains(p))
            || rs.Rules(f).Any(r => r.Chain == "OUTPUT" && r.UidOwner is { Negated: false, Value: { } uid } owner
                && (owner.IsSymbolic ? uid.Contains("TOR", StringComparison.OrdinalIgnoreCase)
                    : IptablesRuleSet.KnownTorUsers.Contains(uid) || uid == firewall.TorUser || (rs == firewall.RuleSet && uid == firewall.TorUid(f))))));

    private static EgressResult NotUnderstood(EgressProbe probe, string chain) =>
        new(probe, EgressOutcome.Unknown, null, null, null, false, chain, null, null, null, "the script could not be followed, so its rules are not known");

    /// <summary>The first REDIRECT or DNAT that nat PREROUTING reaches (itself or through jumps), or null: then the host is not a gateway.</summary>
    private static IptablesRule? ClientRedirect(IptablesRuleSet ruleSet, IptablesFamily family)
    {
        var nat = ruleSet.Table(family, "nat");
        if (nat?.Chain("PREROUTING") is not { } start)
        {
            return null;
        }

        var seen = new HashSet<IptablesChain>();
        var queue = new Queue<IptablesChain>([start]);
        while (queue.TryDequeue(out var chain))
        {
            if (!seen.Add(chain))
            {
                continue;
            }

            foreach (var rule in chain.Rules)
            {
                if (rule.Target is "REDIRECT" or "DNAT")
                {
                    return rule;
                }

                if (rule.Target is { } target && nat.Chain(target) is { IsBuiltIn: false } next)
                {
                    queue.Enqueue(next);
                }
            }
        }

        return null;
    }

    /// <summary>Where the gateway's clients come from: the redirect's positive <c>-i</c> (a wildcard such as <c>eth+</c> as <c>eth0</c>) and an address of its positive <c>-s</c> range.</summary>
    private static (string? InInterface, string? Source) ClientOf(IptablesRule redirect)
    {
        var i = redirect.Command.Criterion("in-interface");
        string? inInterface = i is { Negated: false, IsSymbolic: false, Value: { Length: > 0 } name } && name != "+"
            ? name.EndsWith('+') ? name[..^1] + "0" : name
            : null;
        string? source = null;
        if (redirect.Source is { Negated: false, IsSymbolic: false, Value: { } s } && IpNetwork.TryParse(s.Split(',')[0], out var range))
        {
            var width = range.IsV6 ? 128 : 32;
            var host = range.Prefix >= width - 1 ? range.First : range.First + 1;
            source = new IpNetwork(range.IsV6, host, width).ToString();
            source = source[..source.LastIndexOf('/')];
        }

        return (inInterface, source);
    }

    private sealed class Walker(Firewall firewall, IptablesFamily family, bool hostClaimed)
    {
        private readonly IptablesRuleSet _rules = firewall.RuleSet;

        private string Loopback => family == IptablesFamily.V4 ? "127.0.0.1" : "::1";

        /// <summary>nat OUTPUT, then filter OUTPUT (with the rewritten destination after a REDIRECT or DNAT).</summary>
        public EgressResult Local(EgressProbe probe)
        {
            var packet = probe.Packet;
            var invalid = packet.State == "INVALID";
            var prelude = invalid ? "conntrack marks it INVALID, so nat never sees it; " : string.Empty;
            IptablesVerdict? nat = invalid ? null : _rules.Evaluate(packet, "nat", "OUTPUT");
            if (nat is not null && Undecided(probe, "nat OUTPUT", nat) is { } unknown)
            {
                return unknown;
            }

            if (nat is { Kind: IptablesVerdictKind.Redirect or IptablesVerdictKind.Dnat })
            {
                var port = nat.ToPort ?? packet.DestinationPort;
                var address = nat.Kind == IptablesVerdictKind.Redirect ? Loopback : nat.ToAddress ?? packet.Destination;
                var loopback = address is not null && NetAddress.IsLoopback(address);
                var translated = packet with { Destination = address, DestinationPort = port, OutInterface = loopback ? "lo" : null };
                return AfterRedirect(probe, "nat OUTPUT", nat, Show(address, port), port, loopback ? address : null, translated, "filter", "OUTPUT", local: true);
            }

            if (nat is { Kind: IptablesVerdictKind.Drop or IptablesVerdictKind.Reject })
            {
                return Result(probe, EgressOutcome.Blocked, "nat OUTPUT", nat, null, null, null, $"nat OUTPUT {Verb(nat)} it");
            }

            if (nat is { Kind: not IptablesVerdictKind.Accept })
            {
                return Result(probe, EgressOutcome.Unknown, "nat OUTPUT", nat, null, null, null, $"nat OUTPUT ends in {nat.Kind.ToString().ToUpperInvariant()}, which ConfigLint does not follow");
            }

            var notRedirected = invalid ? prelude : _rules.Table(family, "nat") is null ? "the file has no nat table; " : "nat OUTPUT does not redirect it; ";
            return Out(probe, packet, "filter", "OUTPUT", notRedirected, hostClaimed);
        }

        /// <summary>nat PREROUTING, then filter INPUT (redirected to this host) or filter FORWARD (routed on).</summary>
        public EgressResult Client(EgressProbe probe)
        {
            var packet = probe.Packet;
            var invalid = packet.State == "INVALID";
            IptablesVerdict? nat = invalid ? null : _rules.Evaluate(packet, "nat", "PREROUTING");
            if (nat is not null && Undecided(probe, "nat PREROUTING", nat) is { } unknown)
            {
                return unknown;
            }

            if (nat is { Kind: IptablesVerdictKind.Redirect })
            {
                // REDIRECT in PREROUTING sends the packet to the incoming interface's primary address.
                var port = nat.ToPort ?? packet.DestinationPort;
                var translated = packet with { Destination = null, DestinationPort = port };
                return AfterRedirect(probe, "nat PREROUTING", nat, $"gateway:{port?.ToString(CultureInfo.InvariantCulture) ?? "?"}", port, null, translated, "filter", "INPUT", local: false);
            }

            if (nat is { Kind: IptablesVerdictKind.Dnat })
            {
                // A DNAT to loopback or to a Tor port is taken to end on this host (tor runs on the gateway); elsewhere it is routed on.
                var port = nat.ToPort ?? packet.DestinationPort;
                var address = nat.ToAddress ?? packet.Destination;
                var here = address is null || NetAddress.IsLoopback(address) || (port is { } p && firewall.ClassificationPorts.Contains(p));
                var translated = packet with { Destination = address, DestinationPort = port };
                return AfterRedirect(probe, "nat PREROUTING", nat, Show(address, port), port, null, translated, "filter", here ? "INPUT" : "FORWARD", local: false);
            }

            if (nat is { Kind: IptablesVerdictKind.Drop or IptablesVerdictKind.Reject })
            {
                return Result(probe, EgressOutcome.Blocked, "nat PREROUTING", nat, null, null, null, $"nat PREROUTING {Verb(nat)} it");
            }

            if (nat is { Kind: not IptablesVerdictKind.Accept })
            {
                return Result(probe, EgressOutcome.Unknown, "nat PREROUTING", nat, null, null, null, $"nat PREROUTING ends in {nat.Kind.ToString().ToUpperInvariant()}, which ConfigLint does not follow");
            }

            var notRedirected = invalid ? "conntrack marks it INVALID, so nat never sees it; " : _rules.Table(family, "nat") is null ? "the file has no nat table; " : "nat PREROUTING does not redirect it; ";
            return Out(probe, packet, "filter", "FORWARD", notRedirected, firewall.IsTorTransparentProxy);
        }

        /// <summary>After a REDIRECT or DNAT: filter decides whether the packet reaches the new destination.</summary>
        private EgressResult AfterRedirect(EgressProbe probe, string natChain, IptablesVerdict nat, string to, int? port, string? loopbackAddress,
            IptablesPacket translated, string table, string chain, bool local)
        {
            var filterChain = $"{table} {chain}";
            var filter = _rules.Evaluate(translated, table, chain);
            if (Undecided(probe, filterChain, filter) is { } unknown)
            {
                return unknown with { To = to, ToPort = port, Reason = $"{natChain} sends it to {to}, then {unknown.Reason}" };
            }

            var (listener, note) = Listener(probe.Packet.Protocol, port, loopbackAddress, local);
            var sent = $"{natChain} {(nat.Kind == IptablesVerdictKind.Redirect ? "redirects" : "DNATs")} it to {to}{(listener is null ? string.Empty : $" (the torrc's {listener})")}";
            if (listener is null)
            {
                note = firewall.Tor.Length == 0
                    ? "; no torrc is joined to say what listens there"
                    : $"; the torrc has no TransPort or DNSPort on port {port?.ToString(CultureInfo.InvariantCulture) ?? "?"}, so it fails";
            }

            if (filter.Kind is IptablesVerdictKind.Drop or IptablesVerdictKind.Reject)
            {
                return Result(probe, EgressOutcome.Blocked, filterChain, filter, to, port, listener, $"{sent}, but {filterChain} {Verb(filter)} it");
            }

            if (filter.Kind != IptablesVerdictKind.Accept)
            {
                return Result(probe, EgressOutcome.Unknown, filterChain, filter, to, port, listener, $"{sent}; {filterChain} ends in {filter.Kind.ToString().ToUpperInvariant()}, which ConfigLint does not follow");
            }

            var accepted = $", and {filterChain} accepts it there";
            var loops = probe.FromTor ? "; this is tor's own connection, sent back to tor: it loops instead of reaching the network" : string.Empty;
            bool? via = listener is null ? firewall.Tor.Length == 0 ? null : false : note.Length == 0 && !probe.FromTor;
            return Result(probe, EgressOutcome.Redirected, natChain, nat, to, port, listener, $"{sent}{accepted}{note}{loops}", via);
        }

        /// <summary>A packet nat left alone, through filter OUTPUT or FORWARD.</summary>
        private EgressResult Out(EgressProbe probe, IptablesPacket packet, string table, string chain, string prelude, bool claimed)
        {
            var name = $"{table} {chain}";
            var verdict = _rules.Evaluate(packet, table, chain);
            if (Undecided(probe, name, verdict) is { } unknown)
            {
                return unknown with { Reason = prelude + unknown.Reason };
            }

            var missing = _rules.Chain(family, table, chain) is null ? $" (the file has no {table} table)" : string.Empty;
            var how = verdict.ByPolicy
                ? $"{name} falls through to its {(verdict.Kind == IptablesVerdictKind.Drop ? "DROP" : "ACCEPT")} policy{(verdict.PolicyIsDefault ? " (the kernel's default)" : string.Empty)}{missing}"
                : $"{name} {Verb(verdict)} it";
            switch (verdict.Kind)
            {
                case IptablesVerdictKind.Accept:
                    var forwarded = table == "filter" && chain == "FORWARD" ? " (routed out when IP forwarding is on)" : string.Empty;
                    if (probe.FromTor)
                    {
                        return Result(probe, EgressOutcome.Direct, name, verdict, null, null, null, $"{prelude}{how}: tor's own connection leaves directly, as it must");
                    }

                    return claimed
                        ? Result(probe, EgressOutcome.Leaks, name, verdict, null, null, null, $"{prelude}{how}: it leaves with the real address{forwarded}")
                        : Result(probe, EgressOutcome.Direct, name, verdict, null, null, null,
                            $"{prelude}{how}: it leaves with the real address{forwarded}, and no rule set of the host sends this traffic through Tor");
                case IptablesVerdictKind.Drop or IptablesVerdictKind.Reject:
                    return Result(probe, EgressOutcome.Blocked, name, verdict, null, null, null, prelude + how + (probe.FromTor ? ": tor itself cannot reach the network" : string.Empty));
                default:
                    return Result(probe, EgressOutcome.Unknown, name, verdict, null, null, null, $"{prelude}{name} ends in {verdict.Kind.ToString().ToUpperInvariant()}, which ConfigLint does not follow");
            }
        }

        private EgressResult? Undecided(EgressProbe probe, string chain, IptablesVerdict verdict)
        {
            if (verdict.Kind == IptablesVerdictKind.Loop)
            {
                return Result(probe, EgressOutcome.Unknown, chain, verdict, null, null, null, $"{chain}'s jumps loop (or the walk is too long)");
            }

            return verdict.Certain
                ? null
                : Result(probe, EgressOutcome.Unknown, chain, verdict, null, null, null,
                    $"a rule in {chain} has a condition ConfigLint cannot decide (a script variable or an unmodelled match)");
        }

        private EgressResult Result(EgressProbe probe, EgressOutcome outcome, string chain, IptablesVerdict verdict, string? to, int? port, string? listener, string reason, bool? viaTor = false)
        {
            var parts = chain.Split(' ');
            var c = verdict.ByPolicy || verdict.Rule is null ? _rules.Chain(family, parts[0], parts[1]) : null;
            var policy = verdict.Rule is null && verdict.Kind is IptablesVerdictKind.Accept or IptablesVerdictKind.Drop ? (verdict.Kind == IptablesVerdictKind.Drop ? "DROP" : "ACCEPT") : null;
            return new EgressResult(probe, outcome, to, port, listener, viaTor, chain, verdict.Rule, policy, c?.PolicyLocation, reason);
        }

        /// <summary>Which torrc listener is on the port (by protocol: DNSPort first for UDP), and a note when it cannot take the packet.</summary>
        private (string? Listener, string Note) Listener(string protocol, int? port, string? loopbackAddress, bool local)
        {
            if (port is null)
            {
                return (null, string.Empty);
            }

            var trans = firewall.Tor.SelectMany(t => t.TransPorts).Where(p => p.Spec.PortNumber == port).ToList();
            var dns = firewall.Tor.SelectMany(t => t.DnsPorts).Where(p => p.Spec.PortNumber == port).ToList();
            var udp = protocol.Equals("udp", StringComparison.OrdinalIgnoreCase);
            var (name, lines) = udp && dns.Count > 0 ? ("DNSPort", dns) : trans.Count > 0 ? ("TransPort", trans) : dns.Count > 0 ? ("DNSPort", dns) : (null, trans);
            if (name is null)
            {
                return (null, string.Empty);
            }

            var note = string.Empty;
            if (name == "TransPort" && !protocol.Equals("tcp", StringComparison.OrdinalIgnoreCase))
            {
                note = $"; the TransPort takes only TCP, so this {protocol.ToUpperInvariant()} is refused, not carried by Tor";
            }
            else if (name == "DNSPort" && !udp)
            {
                note = $"; the DNSPort answers only DNS over UDP, so this {protocol.ToUpperInvariant()} is refused";
            }

            if (!lines.Any(l => Reaches(l.Spec, loopbackAddress, local)))
            {
                var at = string.Join(", ", lines.Select(l => l.Spec.Address).Distinct());
                note += local
                    ? $"; but tor's {name} listens on {at}, not on {loopbackAddress ?? "that address"}, so it fails"
                    : $"; but tor's {name} listens on {at} only, which a redirect from another machine does not reach, so it fails";
            }

            return (name, note);
        }

        /// <summary>Whether a listener takes what the redirect sends: every-interface listeners always; loopback ones for a local REDIRECT to the same address; others for redirected clients.</summary>
        private static bool Reaches(TorPortSpec spec, string? loopbackAddress, bool local)
        {
            if (spec.Scope is AddressScope.Wildcard or AddressScope.Hostname)
            {
                return true;
            }

            if (!local)
            {
                return spec.Scope != AddressScope.Loopback;
            }

            if (loopbackAddress is null)
            {
                return true;
            }

            var address = spec.Address.Trim('[', ']');
            return address == loopbackAddress || (address == "localhost" && loopbackAddress == "127.0.0.1");
        }

        private static string Show(string? address, int? port)
        {
            var a = address is null ? "?" : address.Contains(':', StringComparison.Ordinal) ? $"[{address}]" : address;
            return port is null ? a : $"{a}:{port.Value.ToString(CultureInfo.InvariantCulture)}";
        }

        private static string Verb(IptablesVerdict verdict) => verdict.Kind switch
        {
            IptablesVerdictKind.Drop => "drops",
            IptablesVerdictKind.Reject => "rejects",
            _ => "accepts",
        };
    }
}
