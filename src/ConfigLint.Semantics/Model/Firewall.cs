using System.Collections.Immutable;
using ConfigLint.Semantics.Compose;
using ConfigLint.Semantics.Iptables;
using ConfigLint.Semantics.Tor;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Tor;

namespace ConfigLint.Semantics;

/// <summary>
/// What a transparent-proxy firewall must agree with in a torrc (catalog §1.6 XF011, §1.7): the enabled TransPort and
/// DNSPort listeners, the automap range (<c>VirtualAddrNetworkIPv4</c>, alias <c>VirtualAddrNetwork</c>, default
/// 127.192.0.0/10), whether <c>AutomapHostsOnResolve</c> is on, and the <c>User</c> tor switches to.
/// </summary>
public sealed record TorTransparentSettings(
    TorConfig Config,
    ImmutableArray<TorPortLine> TransPorts,
    ImmutableArray<TorPortLine> DnsPorts,
    IpNetwork VirtualNetwork,
    TorLine? VirtualNetworkLine,
    bool Automap,
    TorLine? AutomapLine,
    string? User,
    TorLine? UserLine)
{
    /// <summary>tor's default automap range for IPv4 (tor.1 VirtualAddrNetworkIPv4).</summary>
    public static readonly IpNetwork DefaultVirtualNetwork = IpNetwork.Parse("127.192.0.0/10");

    public static TorTransparentSettings Of(TorConfig config)
    {
        var network = config.Last("VirtualAddrNetworkIPv4");
        var parsed = network is not null && IpNetwork.TryParse(network.Value.Trim(), out var n) && !n.IsV6 ? n : DefaultVirtualNetwork;
        var automap = config.Last("AutomapHostsOnResolve");
        var user = config.Last("User");
        return new TorTransparentSettings(config,
            [.. config.Ports("TransPort").Where(p => p.Spec.Kind != TorPortKind.Disabled)],
            [.. config.Ports("DNSPort").Where(p => p.Spec.Kind != TorPortKind.Disabled)],
            parsed, network, automap?.AsBool == true, automap, user?.Value, user);
    }

    /// <summary>The numeric TransPort ports.</summary>
    public IEnumerable<int> TransPortNumbers => TransPorts.Select(p => p.Spec.PortNumber).OfType<int>();

    /// <summary>The numeric DNSPort ports.</summary>
    public IEnumerable<int> DnsPortNumbers => DnsPorts.Select(p => p.Spec.PortNumber).OfType<int>();
}

/// <summary>Evidence about IPv6 on the host of a rule set: where it is disabled or enabled, and by what.</summary>
public sealed record Ipv6Evidence(string Text, SourceLocation Location);

/// <summary>
/// An iptables rule set placed in the deployment (issue 14): the host it runs on (the other rule sets loaded there,
/// such as a <c>rules.v6</c> beside a <c>rules.v4</c>, and the compose services whose network namespace it carries),
/// the torrc it must agree with and how that was found, whether it counts as a Tor transparent proxy, and what the
/// deployment says about IPv6 there.
/// </summary>
public sealed record Firewall(
    IptablesRuleSet RuleSet,
    ImmutableArray<IptablesRuleSet> Companions,
    ImmutableArray<TorTransparentSettings> Tor,
    string? TorJoin,
    ImmutableArray<ComposeService> Carriers,
    TorProxyEvidence? TorProxy,
    Ipv6Evidence? Ipv6Disabled,
    Ipv6Evidence? Ipv6Enabled)
{
    /// <summary>The ports that make a redirect a Tor redirect: the joined torrc's TransPort and DNSPort ports, and the usual 9040, 5353 and 9053.</summary>
    public ImmutableArray<int> ClassificationPorts { get; init; } = IptablesRuleSet.DefaultTorPorts;

    /// <summary>Why the rule set counts as a Tor transparent proxy for one family (its own redirects or tor-uid exemptions there), or null.</summary>
    public TorProxyEvidence? TorProxyFor(IptablesFamily family) =>
        _proxyFor.GetOrAdd(family, f => RuleSet.TorTransparentProxy(ClassificationPorts, TorUser, f, [.. TransPorts, .. DnsPorts]));

    private readonly System.Collections.Concurrent.ConcurrentDictionary<IptablesFamily, TorProxyEvidence?> _proxyFor = new();

    /// <summary>The rule set and its companions: every rule set the host loads.</summary>
    public IEnumerable<IptablesRuleSet> HostRuleSets => Companions.Prepend(RuleSet);

    /// <summary>Whether the rule set counts as a Tor transparent proxy (catalog §1.7); IPT rules apply only then.</summary>
    public bool IsTorTransparentProxy => TorProxy is not null;

    /// <summary>The user tor runs as, when the torrc's <c>User</c> says so.</summary>
    public string? TorUser => Tor.Select(t => t.User).FirstOrDefault(u => u is not null);

    /// <summary>
    /// The uid value the rule set itself uses for tor (a <c>--uid-owner</c> naming a tor user or a <c>$TOR…</c> variable,
    /// else the user the nat table exempts from its redirect), else the torrc's User, else null: what a packet "from
    /// tor" carries when the rules are evaluated.
    /// </summary>
    public string? TorUid(IptablesFamily family)
    {
        foreach (var rule in RuleSet.Rules(family))
        {
            if (rule.UidOwner is { Negated: false } owner && owner.Value is { } value
                && (owner.IsSymbolic ? value.Contains("TOR", StringComparison.OrdinalIgnoreCase) : IptablesRuleSet.KnownTorUsers.Contains(value) || value == TorUser))
            {
                return value;
            }
        }

        // The user the nat table exempts from the redirect (RETURN/ACCEPT by --uid-owner before it) is tor's.
        var nat = RuleSet.Chain(family, "nat", "OUTPUT")?.Rules ?? [];
        foreach (var rule in nat.TakeWhile(r => r.Target is not ("REDIRECT" or "DNAT")))
        {
            if (rule.Target is "RETURN" or "ACCEPT" && rule.UidOwner is { Negated: false, Value: { } exempted })
            {
                return exempted;
            }
        }

        return TorUser;
    }

    /// <summary>Every TransPort port of the joined torrc files.</summary>
    public ImmutableArray<int> TransPorts => [.. Tor.SelectMany(t => t.TransPortNumbers).Distinct().Order()];

    /// <summary>Every DNSPort port of the joined torrc files.</summary>
    public ImmutableArray<int> DnsPorts => [.. Tor.SelectMany(t => t.DnsPortNumbers).Distinct().Order()];
}
