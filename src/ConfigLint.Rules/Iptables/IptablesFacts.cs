using ConfigLint.Analysis;
using ConfigLint.Semantics;
using ConfigLint.Semantics.Iptables;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Iptables;

/// <summary>The questions the IPT rules and XF011 ask of a rule set, answered by walking probe packets through it.</summary>
internal static class IptablesFacts
{
    /// <summary>A documentation address (RFC 5737 / RFC 3849) that no sane rule names: "somewhere on the Internet".</summary>
    public static string PublicAddress(IptablesFamily family) => family == IptablesFamily.V4 ? "198.51.100.7" : "2001:db8::7";

    public static string Loopback(IptablesFamily family) => family == IptablesFamily.V4 ? "127.0.0.1" : "::1";

    public static string Name(IptablesFamily family) => family == IptablesFamily.V4 ? "iptables" : "ip6tables";

    /// <summary>Traffic the nat table does not send to Tor, from a user no rule names, to a public address.</summary>
    public static IEnumerable<(IptablesPacket Packet, string What)> LeakProbes(IptablesFamily family, string? source = null)
    {
        var to = PublicAddress(family);
        yield return (new IptablesPacket(family, "udp", Source: source, Destination: to, SourcePort: 40000, DestinationPort: 443), "UDP (QUIC on 443/udp, STUN, NTP)");
        yield return (new IptablesPacket(family, family == IptablesFamily.V4 ? "icmp" : "icmpv6", Source: source, Destination: to), "ICMP");
        yield return (new IptablesPacket(family, "tcp", Source: source, Destination: to, SourcePort: 40000, DestinationPort: 443, State: "INVALID", TcpFlags: "ACK,FIN"),
            "TCP packets conntrack marks INVALID");
    }

    /// <summary>
    /// Where the chain lets ordinary traffic through by its end: the probes that the nat table (<paramref name="natHook"/>)
    /// does not redirect and that end in the chain's ACCEPT policy or an unconditional ACCEPT, with the first one's
    /// verdict and all their names. INVALID packets skip nat, as in the kernel. Null when every probe is redirected or
    /// stopped, or when a rule on the way could not be decided.
    /// </summary>
    public static (IptablesVerdict Verdict, string What)? FailOpen(IptablesRuleSet ruleSet, IptablesFamily family, string table, string chain,
        string? source = null, string natHook = "OUTPUT", string? inInterface = null)
    {
        if (ruleSet.Chain(family, table, chain) is null)
        {
            return null;
        }

        IptablesVerdict? first = null;
        var leaks = new List<string>();
        foreach (var (probe, what) in LeakProbes(family, source))
        {
            var packet = probe with { InInterface = inInterface };
            if (packet.State != "INVALID")
            {
                var nat = ruleSet.Evaluate(packet, "nat", natHook);
                if (!nat.Certain)
                {
                    return null;
                }

                if (nat.Kind is IptablesVerdictKind.Redirect or IptablesVerdictKind.Dnat)
                {
                    continue;
                }
            }

            var verdict = ruleSet.Evaluate(packet, table, chain);
            if (!verdict.Certain)
            {
                return null;
            }

            if (verdict.Kind == IptablesVerdictKind.Accept && (verdict.ByPolicy || verdict.Rule is { IsUnconditional: true }))
            {
                first ??= verdict;
                leaks.Add(what);
            }
        }

        return first is null ? null : (first, string.Join(", ", leaks));
    }

    /// <summary>Whether tor's own connections still leave when the chain ends in REJECT: a rule (not the end) accepts a packet from the tor user.</summary>
    public static bool TorAccepted(Firewall firewall, IptablesFamily family, string chain = "OUTPUT")
    {
        if (firewall.TorUid(family) is not { } uid)
        {
            return false;
        }

        var packet = new IptablesPacket(family, "tcp", Destination: PublicAddress(family), SourcePort: 40000, DestinationPort: 443, Uid: uid);
        var verdict = firewall.RuleSet.Evaluate(packet, "filter", chain);
        return verdict.Kind == IptablesVerdictKind.Accept && !verdict.ByPolicy && verdict.Rule is { IsUnconditional: false };
    }

    /// <summary>Where a chain-level finding goes: the rule that decided, else the policy line, else the chain's last rule, else the evidence.</summary>
    public static SourceLocation ChainEnd(Firewall firewall, IptablesFamily family, string table, string chain, IptablesVerdict verdict)
    {
        if (!verdict.ByPolicy && verdict.Rule is { } rule)
        {
            return rule.Location;
        }

        var c = firewall.RuleSet.Chain(family, table, chain);
        return c?.PolicyLocation ?? c?.Rules.LastOrDefault()?.Location ?? firewall.TorProxyFor(family)?.Rule.Location ?? firewall.TorProxy!.Rule.Location;
    }

    /// <summary>How the chain's end was decided, for messages.</summary>
    public static string DescribeEnd(Firewall firewall, IptablesFamily family, string table, string chain, IptablesVerdict verdict)
    {
        if (!verdict.ByPolicy)
        {
            return $"the {table} {chain} chain ends with an unconditional ACCEPT";
        }

        var c = firewall.RuleSet.Chain(family, table, chain);
        if (!firewall.RuleSet.IsScript && c is { PolicyIsDefault: true, Rules.Count: 0 })
        {
            return $"the file loads no {table} table, so {chain} keeps the kernel's ACCEPT policy";
        }

        return c?.PolicyIsDefault != false
            ? firewall.RuleSet.IsScript
                ? $"the {table} {chain} chain falls through to the default ACCEPT policy (the script never sets '-P {chain} DROP' and adds no final REJECT or DROP)"
                : $"the {table} {chain} chain falls through to the ACCEPT policy (no final REJECT or DROP)"
            : $"the {table} {chain} chain's policy is ACCEPT and no final REJECT or DROP stops what the rules let pass";
    }

    /// <summary>The families the rule set sends through Tor (its own redirects or tor-uid exemptions there).</summary>
    public static IEnumerable<IptablesFamily> TorFamilies(Firewall firewall) =>
        firewall.RuleSet.Families.Where(f => firewall.TorProxyFor(f) is not null);

    /// <summary>
    /// The families in which the rule set sends the host's own traffic through Tor: nat OUTPUT redirects to a Tor port,
    /// or an OUTPUT rule singles out the tor user. A gateway that only redirects its clients (PREROUTING) does not
    /// claim its own traffic; IPT005 judges its FORWARD chain instead.
    /// </summary>
    public static IEnumerable<IptablesFamily> HostTorFamilies(Firewall firewall) =>
        TorFamilies(firewall).Where(f =>
            firewall.RuleSet.NatRedirects(f).Any(r => r.Chain == "OUTPUT" && r.ToPort is { } p && firewall.ClassificationPorts.Contains(p))
            || (firewall.TorUid(f) is { } uid && firewall.RuleSet.Rules(f).Any(r => r.Chain == "OUTPUT" && r.UidOwner is { Negated: false } o && o.Value == uid)));

    /// <summary>Whether a range holds only addresses that do not route on the Internet (private, loopback, link-local, CGNAT, multicast, reserved).</summary>
    public static bool IsNonPublic(IpNetwork range) => NonPublic.Any(n => n.Contains(range));

    private static readonly IpNetwork[] NonPublic =
    [
        IpNetwork.Parse("0.0.0.0/8"), IpNetwork.Parse("10.0.0.0/8"), IpNetwork.Parse("100.64.0.0/10"), IpNetwork.Parse("127.0.0.0/8"),
        IpNetwork.Parse("169.254.0.0/16"), IpNetwork.Parse("172.16.0.0/12"), IpNetwork.Parse("192.168.0.0/16"), IpNetwork.Parse("224.0.0.0/3"),
        IpNetwork.Parse("::/8"), IpNetwork.Parse("fc00::/7"), IpNetwork.Parse("fe80::/10"), IpNetwork.Parse("ff00::/8"),
    ];

    public static readonly IpNetwork LinkLocalV4 = IpNetwork.Parse("169.254.0.0/16");
}
