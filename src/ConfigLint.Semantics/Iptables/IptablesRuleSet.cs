using System.Collections.Immutable;
using System.Globalization;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Iptables;

namespace ConfigLint.Semantics.Iptables;

/// <summary>
/// The rule set one file (iptables-save or script) leaves in the kernel: per family, table and chain the ordered rules
/// and the policy, with the questions the IPT and XF011 rules ask — what a packet ends in (first match, jumps,
/// RETURN, policy), where nat sends tcp and udp, which destination ranges bypass the redirect, and whether the rule
/// set counts as a Tor transparent proxy.
/// </summary>
public sealed class IptablesRuleSet
{
    /// <summary>How many rules one evaluation may visit before it calls the walk a loop.</summary>
    public const int MaxSteps = 100_000;

    internal IptablesRuleSet(SyntaxTree tree, ImmutableArray<IptablesTable> tables, ImmutableArray<IptablesFamily> families,
        ImmutableArray<IptablesNote> notes, bool understood)
    {
        Tree = tree;
        Tables = tables;
        Families = families;
        Notes = notes;
        Understood = understood;
    }

    /// <summary>The file the rule set comes from.</summary>
    public SyntaxTree Tree { get; }

    /// <summary>Every table of every family the file touches (built-in chains always present).</summary>
    public ImmutableArray<IptablesTable> Tables { get; }

    /// <summary>The families the file is for (an iptables-save file with <c>-4</c>/<c>-6</c> lines is for both; a script for those it calls).</summary>
    public ImmutableArray<IptablesFamily> Families { get; }

    /// <summary>What the binder could not model or chose (a script it could not follow, symbolic values, refused commands).</summary>
    public ImmutableArray<IptablesNote> Notes { get; }

    /// <summary>False for a script the reader could not follow: then the rule set is empty and a note says why.</summary>
    public bool Understood { get; }

    /// <summary>Whether the file is a shell script rather than iptables-save output.</summary>
    public bool IsScript => Tree.Root is IptablesScriptSyntax;

    public bool HasFamily(IptablesFamily family) => Families.Contains(family);

    /// <summary>The table, or null when the file has none of that name for the family.</summary>
    public IptablesTable? Table(IptablesFamily family, string name) => Tables.FirstOrDefault(t => t.Family == family && t.Name == name);

    public IptablesChain? Chain(IptablesFamily family, string table, string chain) => Table(family, table)?.Chain(chain);

    /// <summary>Every rule of the family, table by table, chain by chain, in order.</summary>
    public IEnumerable<IptablesRule> Rules(IptablesFamily family) =>
        Tables.Where(t => t.Family == family).SelectMany(t => t.Chains.SelectMany(c => c.Rules));

    /// <summary>
    /// Walks <paramref name="chain"/> of <paramref name="table"/> (a hook such as filter OUTPUT, nat OUTPUT/PREROUTING,
    /// filter FORWARD) with the packet: first match wins, jumps and gotos enter user chains, RETURN goes back, the end
    /// of a built-in chain applies its policy. Non-terminating targets (LOG, MARK, …) go on. A jump loop or a walk past
    /// <see cref="MaxSteps"/> ends in <see cref="IptablesVerdictKind.Loop"/>.
    /// </summary>
    public IptablesVerdict Evaluate(IptablesPacket packet, string table, string chain)
    {
        var t = Table(packet.Family, table);
        var start = t?.Chain(chain);
        if (t is null || start is null)
        {
            return new IptablesVerdict(IptablesVerdictKind.Accept, null, chain, true, true, null, null, true, []);
        }

        var matched = ImmutableArray.CreateBuilder<IptablesRule>();
        var certain = true;
        var stack = new Stack<(IptablesChain Chain, int Next)>();
        var current = start;
        var index = 0;
        var steps = 0;
        while (true)
        {
            if (index >= current.RuleList.Count)
            {
                if (stack.Count == 0)
                {
                    // The end of the built-in chain (or a goto'd chain's end, which returns to it): its policy.
                    return new IptablesVerdict(start.Policy == "DROP" ? IptablesVerdictKind.Drop : IptablesVerdictKind.Accept, null, start.Name, true,
                        start.PolicyIsDefault, null, null, certain, matched.ToImmutable());
                }

                (current, index) = stack.Pop();
                continue;
            }

            if (++steps > MaxSteps)
            {
                return new IptablesVerdict(IptablesVerdictKind.Loop, current.RuleList[index], current.Name, false, false, null, null, false, matched.ToImmutable());
            }

            var rule = current.RuleList[index];
            index++;
            var result = Matches(rule, packet);
            if (result == Tri.Unknown)
            {
                certain = false;
                continue;
            }

            if (result == Tri.No)
            {
                continue;
            }

            matched.Add(rule);
            var target = rule.Target;
            switch (target)
            {
                case null:
                    continue;
                case "ACCEPT":
                    return Verdict(IptablesVerdictKind.Accept);
                case "DROP":
                    return Verdict(IptablesVerdictKind.Drop);
                case "REJECT":
                    return Verdict(IptablesVerdictKind.Reject);
                case "QUEUE" or "NFQUEUE":
                    return Verdict(IptablesVerdictKind.Queue);
                case "REDIRECT":
                    return Verdict(IptablesVerdictKind.Redirect);
                case "DNAT":
                    return Verdict(IptablesVerdictKind.Dnat);
                case "SNAT":
                    return Verdict(IptablesVerdictKind.Snat);
                case "MASQUERADE":
                    return Verdict(IptablesVerdictKind.Masquerade);
                case "RETURN":
                    if (stack.Count == 0)
                    {
                        index = current.RuleList.Count;
                        current = start;
                        index = start.RuleList.Count;
                    }
                    else
                    {
                        (current, index) = stack.Pop();
                    }

                    continue;
            }

            if (t.Chain(target) is { } next && !next.IsBuiltIn)
            {
                if (next == current || stack.Any(f => f.Chain == next))
                {
                    return new IptablesVerdict(IptablesVerdictKind.Loop, rule, current.Name, false, false, null, null, false, matched.ToImmutable());
                }

                if (!rule.IsGoto)
                {
                    stack.Push((current, index));
                }
                else if (stack.Count == 0)
                {
                    // A goto from the built-in chain: the goto'd chain's end applies the policy.
                    stack.Push((start, start.RuleList.Count));
                }

                current = next;
                index = 0;
                continue;
            }

            if (!IptablesModules.IsTarget(target) || !NonTerminating.Contains(target))
            {
                // An extension target ConfigLint does not model: it may or may not stop the walk.
                certain &= NonTerminating.Contains(target);
            }

            IptablesVerdict Verdict(IptablesVerdictKind kind) =>
                new(kind, rule, current.Name, false, false, rule.ToPort, rule.ToAddress, certain, matched.ToImmutable());
        }
    }

    private static readonly HashSet<string> NonTerminating = new(StringComparer.Ordinal)
    {
        "LOG", "NFLOG", "ULOG", "MARK", "CONNMARK", "CONNSECMARK", "SECMARK", "TOS", "DSCP", "TTL", "HL", "ECN", "TCPMSS", "CLASSIFY", "CT",
        "NOTRACK", "TRACE", "AUDIT", "CHECKSUM", "IDLETIMER", "LED", "RATEEST", "SET", "TEE", "HMARK",
    };

    private readonly System.Collections.Concurrent.ConcurrentDictionary<IptablesFamily, ImmutableArray<IptablesRedirect>> _redirects = new();
    private ILookup<Microsoft.CodeAnalysis.Text.TextSpan, IptablesRule>? _bySpan;

    /// <summary>How many rules the command at a span added (more than one for a loop body or a function called twice).</summary>
    public int RulesAddedAt(Microsoft.CodeAnalysis.Text.TextSpan span)
    {
        _bySpan ??= Tables.SelectMany(t => t.Chains).SelectMany(c => c.Rules).ToLookup(r => r.Location.Span);
        return _bySpan[span].Count();
    }

    /// <summary>Every nat REDIRECT and DNAT rule of the family (any chain), in table order.</summary>
    public ImmutableArray<IptablesRedirect> NatRedirects(IptablesFamily family) => _redirects.GetOrAdd(family, ComputeNatRedirects);

    private ImmutableArray<IptablesRedirect> ComputeNatRedirects(IptablesFamily family)
    {
        var nat = Table(family, "nat");
        if (nat is null)
        {
            return [];
        }

        return [.. nat.Chains.SelectMany(c => c.Rules)
            .Where(r => r.Target is "REDIRECT" or "DNAT")
            .Select(r => new IptablesRedirect(r, r.Chain, r.Protocol?.Value?.ToLowerInvariant(), r.Protocol?.Negated ?? false,
                DestinationPorts(r), r.ToPort, r.ToAddress))];
    }

    /// <summary>The ports nat REDIRECT/DNAT sends packets of <paramref name="protocol"/> to (distinct, in rule order; null = the packet's own port).</summary>
    public ImmutableArray<int?> RedirectPorts(IptablesFamily family, string protocol) =>
        [.. NatRedirects(family).Where(r => r.AppliesTo(protocol)).Select(r => r.ToPort).Distinct()];

    private static string? DestinationPorts(IptablesRule rule)
    {
        foreach (var m in rule.Command.Matches)
        {
            if (m.Option("destination-port", "destination-ports", "ports") is { } o)
            {
                return (o.Negated ? "!" : string.Empty) + o.Value;
            }
        }

        return null;
    }

    /// <summary>
    /// Destination ranges that <paramref name="chain"/> of <paramref name="table"/> exempts with RETURN or ACCEPT:
    /// rules with a positive <c>-d</c> (and no uid or state condition). In nat only those before the chain's last
    /// REDIRECT/DNAT count (they are what skips the redirect); in filter every ACCEPT does. Names (not addresses) are left out.
    /// </summary>
    public ImmutableArray<IptablesBypass> BypassRanges(IptablesFamily family, string table = "nat", string chain = "OUTPUT")
    {
        var c = Chain(family, table, chain);
        if (c is null)
        {
            return [];
        }

        var last = table == "nat" ? c.RuleList.FindLastIndex(r => r.Target is "REDIRECT" or "DNAT") : c.RuleList.Count - 1;
        var result = ImmutableArray.CreateBuilder<IptablesBypass>();
        for (var i = 0; i <= last; i++)
        {
            var rule = c.RuleList[i];
            if (rule.Target is not ("RETURN" or "ACCEPT") || rule.Destination is not { Negated: false, IsSymbolic: false } d
                || rule.Command.Matches.Any(m => m.Name is "owner" or "state" or "conntrack"))
            {
                continue;
            }

            foreach (var part in (d.Value ?? string.Empty).Split(','))
            {
                if (IpNetwork.TryParse(part, out var range) && range.IsV6 == (family == IptablesFamily.V6))
                {
                    result.Add(new IptablesBypass(range, rule));
                }
            }
        }

        return result.ToImmutable();
    }

    /// <summary>Tor's usual user names (Debian's debian-tor, Fedora's toranon, Arch's and Alpine's tor, OpenBSD's _tor).</summary>
    public static readonly ImmutableArray<string> KnownTorUsers = ["debian-tor", "tor", "toranon", "_tor"];

    /// <summary>The transparent-proxy ports used when no torrc is known (catalog §1.7).</summary>
    public static readonly ImmutableArray<int> DefaultTorPorts = [9040, 5353, 9053];

    /// <summary>
    /// Whether the rule set counts as a Tor transparent proxy (catalog §1.7): a nat REDIRECT/DNAT to a torrc TransPort or
    /// DNSPort (to 9040, 5353 or 9053 when <paramref name="torPorts"/> is null: no torrc), or a <c>-m owner --uid-owner</c>
    /// exemption for the tor user (<paramref name="torUser"/>, else a usual tor user name or a script variable named
    /// like one, e.g. <c>$TOR_UID</c>). Null when it does not.
    /// </summary>
    public TorProxyEvidence? TorTransparentProxy(IReadOnlyCollection<int>? torPorts = null, string? torUser = null, IptablesFamily? only = null,
        IReadOnlyCollection<int>? torrcPorts = null)
    {
        var ports = torPorts ?? DefaultTorPorts;
        var families = only is { } f ? Families.Where(x => x == f).ToImmutableArray() : Families;
        foreach (var family in families)
        {
            foreach (var r in NatRedirects(family))
            {
                if (r.ToPort is { } port && ports.Contains(port))
                {
                    return new TorProxyEvidence($"nat {r.Rule.Target} sends {r.Protocol ?? "all"} traffic to port {port}, {(torrcPorts?.Contains(port) == true || (torPorts is not null && torrcPorts is null && !DefaultTorPorts.Contains(port)) ? "a port the torrc listens on" : "a usual Tor transparent-proxy port")}.", r.Rule);
                }
            }
        }

        foreach (var family in families)
        {
            foreach (var rule in Rules(family))
            {
                if (rule.UidOwner is { Negated: false } owner && owner.Value is { } user && IsTorUser(owner, user, torUser))
                {
                    return new TorProxyEvidence($"The rule exempts the tor user ('{user}') with -m owner --uid-owner.", rule);
                }
            }
        }

        return null;
    }

    private static bool IsTorUser(IptablesOption owner, string user, string? torUser)
    {
        if (owner.IsSymbolic)
        {
            return user.Contains("TOR", StringComparison.OrdinalIgnoreCase);
        }

        return torUser is not null ? user == torUser : KnownTorUsers.Contains(user);
    }

    // ---- matching ----

    private enum Tri
    {
        No,
        Yes,
        Unknown,
    }

    private static Tri And(Tri a, Tri b) => a == Tri.No || b == Tri.No ? Tri.No : a == Tri.Unknown || b == Tri.Unknown ? Tri.Unknown : Tri.Yes;

    private static Tri Negate(Tri value, bool negated) => !negated || value == Tri.Unknown ? value : value == Tri.Yes ? Tri.No : Tri.Yes;

    private static Tri Of(bool value) => value ? Tri.Yes : Tri.No;

    private static Tri Matches(IptablesRule rule, IptablesPacket packet)
    {
        var result = Tri.Yes;
        foreach (var c in rule.Command.Criteria)
        {
            result = And(result, c.IsSymbolic ? Tri.Unknown : Negate(Criterion(c, packet), c.Negated));
            if (result == Tri.No)
            {
                return result;
            }
        }

        foreach (var m in rule.Command.Matches)
        {
            result = And(result, Module(m, packet));
            if (result == Tri.No)
            {
                return result;
            }
        }

        return result;
    }

    private static Tri Criterion(IptablesOption c, IptablesPacket packet) => c.Name switch
    {
        "protocol" => c.Value is null ? Tri.Unknown : Of(c.Value.Equals("all", StringComparison.OrdinalIgnoreCase) || c.Value == "0" || SameProtocol(c.Value, packet.Protocol)),
        "source" => Address(c.Value, packet.Source),
        "destination" => Address(c.Value, packet.Destination),
        "in-interface" => Interface(c.Value, packet.InInterface),
        "out-interface" => Interface(c.Value, packet.OutInterface ?? (packet.Destination is { } d && NetAddress.IsLoopback(d) ? "lo" : null)),
        "fragment" => Tri.No,
        _ => Tri.Unknown,
    };

    /// <summary>Whether two protocol names or numbers are the same protocol.</summary>
    internal static bool SameProtocol(string a, string b) => Canonical(a) == Canonical(b);

    private static string Canonical(string protocol) => protocol.ToLowerInvariant() switch
    {
        "6" => "tcp",
        "17" => "udp",
        "1" => "icmp",
        "58" or "ipv6-icmp" or "icmp6" => "icmpv6",
        var other => other,
    };

    private static Tri Address(string? value, string? packet)
    {
        if (value is null)
        {
            return Tri.Unknown;
        }

        var unknown = false;
        foreach (var part in value.Split(','))
        {
            if (!IpNetwork.TryParse(part, out var range))
            {
                unknown = true;
                continue;
            }

            if (packet is not null && IpNetwork.TryParse(packet, out var address) && range.Contains(address))
            {
                return Tri.Yes;
            }
        }

        return unknown ? Tri.Unknown : Tri.No;
    }

    private static Tri Interface(string? value, string? packet)
    {
        if (value is null)
        {
            return Tri.Unknown;
        }

        if (value == "+")
        {
            return Tri.Yes;
        }

        if (packet is null)
        {
            return Tri.No;
        }

        return Of(value.EndsWith('+') ? packet.StartsWith(value[..^1], StringComparison.Ordinal) : packet == value);
    }

    private static Tri Module(IptablesModule m, IptablesPacket packet)
    {
        var result = Tri.Yes;
        foreach (var o in m.Options)
        {
            // A packet whose user no rule names (Uid null) is not the user a script variable holds; a packet carrying
            // the variable's own text is.
            var value = o.Name == "uid-owner" && (packet.Uid is null || o.Value == packet.Uid)
                ? Negate(Of(packet.Uid is not null), o.Negated)
                : o.IsSymbolic ? Tri.Unknown : Negate(Option(m.Name, o, packet), o.Negated);
            result = And(result, value);
        }

        return m.Name switch
        {
            "comment" => Tri.Yes,
            "tcp" or "udp" or "multiport" or "owner" or "state" or "conntrack" or "icmp" or "icmp6" => result,
            _ => m.Options.Length == 0 ? Tri.Yes : Tri.Unknown,
        };
    }

    private static Tri Option(string module, IptablesOption o, IptablesPacket packet)
    {
        var state = packet.State ?? "NEW";
        switch (o.Name)
        {
            case "destination-port":
            case "destination-ports":
                return Ports(o.Value, packet.DestinationPort);
            case "source-port":
            case "source-ports":
                return Ports(o.Value, packet.SourcePort);
            case "ports":
                return Ports(o.Value, packet.DestinationPort) == Tri.Yes || Ports(o.Value, packet.SourcePort) == Tri.Yes ? Tri.Yes : Tri.No;
            case "syn":
                return Flags("SYN,RST,ACK,FIN", "SYN", packet, state);
            case "tcp-flags":
                return o.Args.Length == 2 ? Flags(o.Args[0].Value, o.Args[1].Value, packet, state) : Tri.Unknown;
            case "state":
            case "ctstate":
                return Of((o.Value ?? string.Empty).Split(',').Any(s => s.Equals(state, StringComparison.OrdinalIgnoreCase)));
            case "uid-owner":
                if (packet.Uid is null || o.Value is null)
                {
                    return Tri.No;
                }

                if (o.Value == packet.Uid)
                {
                    return Tri.Yes;
                }

                var range = o.Value.Split('-');
                if (range.All(p => p.All(char.IsAsciiDigit)) && packet.Uid.All(char.IsAsciiDigit) && range.Length <= 2)
                {
                    var uid = long.Parse(packet.Uid, CultureInfo.InvariantCulture);
                    return Of(uid >= long.Parse(range[0], CultureInfo.InvariantCulture) && uid <= long.Parse(range[^1], CultureInfo.InvariantCulture));
                }

                // A name against a number: the same user or not depends on /etc/passwd.
                return range.All(p => p.All(char.IsAsciiDigit)) != packet.Uid.All(char.IsAsciiDigit) ? Tri.Unknown : Tri.No;
            case "icmp-type":
            case "icmpv6-type":
                return Tri.Unknown;
            default:
                return module is "conntrack" or "owner" ? Tri.Unknown : Tri.Unknown;
        }
    }

    private static Tri Ports(string? spec, int? port)
    {
        if (spec is null)
        {
            return Tri.Unknown;
        }

        if (port is null)
        {
            return Tri.No;
        }

        foreach (var item in spec.Split(','))
        {
            var bounds = item.Split(':');
            if (!bounds.All(b => b.Length == 0 || b.All(char.IsAsciiDigit)))
            {
                return Tri.Unknown;
            }

            var low = bounds[0].Length == 0 ? 0 : int.Parse(bounds[0], CultureInfo.InvariantCulture);
            var high = bounds.Length > 1 ? (bounds[1].Length == 0 ? 65535 : int.Parse(bounds[1], CultureInfo.InvariantCulture)) : low;
            if (port >= low && port <= high)
            {
                return Tri.Yes;
            }
        }

        return Tri.No;
    }

    private static Tri Flags(string mask, string comparison, IptablesPacket packet, string state)
    {
        if (!packet.Protocol.Equals("tcp", StringComparison.OrdinalIgnoreCase))
        {
            return Tri.No;
        }

        var flags = Set(packet.TcpFlags ?? (state.Equals("NEW", StringComparison.OrdinalIgnoreCase) ? "SYN" : "ACK"));
        var m = Set(mask);
        var c = Set(comparison);
        return Of(m.All(f => flags.Contains(f) == c.Contains(f)));

        static HashSet<string> Set(string text)
        {
            var set = new HashSet<string>(text.ToUpperInvariant().Split(',', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
            if (set.Contains("ALL"))
            {
                set.UnionWith(["SYN", "ACK", "FIN", "RST", "URG", "PSH"]);
            }

            set.Remove("NONE");
            return set;
        }
    }
}
