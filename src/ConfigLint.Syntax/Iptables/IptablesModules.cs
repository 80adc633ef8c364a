using System.Collections.Frozen;

namespace ConfigLint.Syntax.Iptables;

/// <summary>
/// The matches and targets ConfigLint knows, with each option's number of arguments (from iptables-extensions(8) and
/// the netfilter extension tests). An option of a known module that is not listed here is "unknown option", as
/// iptables says; a module not listed here is read loosely (its options take the words up to the next option) and
/// never judged.
/// </summary>
public static class IptablesModules
{
    /// <summary>Match name → option long name → number of arguments.</summary>
    public static FrozenDictionary<string, FrozenDictionary<string, int>> Matches { get; } = Build(
        ("tcp", "source-port:1 sport:1 destination-port:1 dport:1 tcp-flags:2 syn:0 tcp-option:1"),
        ("udp", "source-port:1 sport:1 destination-port:1 dport:1"),
        ("udplite", "source-port:1 sport:1 destination-port:1 dport:1"),
        ("icmp", "icmp-type:1"),
        ("icmp6", "icmpv6-type:1"),
        ("owner", "uid-owner:1 gid-owner:1 socket-exists:0 suppl-groups:0"),
        ("conntrack", "ctstate:1 ctproto:1 ctorigsrc:1 ctorigdst:1 ctreplsrc:1 ctrepldst:1 ctorigsrcport:1 ctorigdstport:1 ctreplsrcport:1 ctrepldstport:1 ctstatus:1 ctexpire:1 ctdir:1"),
        ("state", "state:1"),
        ("multiport", "source-ports:1 sports:1 destination-ports:1 dports:1 ports:1"),
        ("comment", "comment:1"),
        ("limit", "limit:1 limit-burst:1"),
        ("mark", "mark:1"),
        ("connmark", "mark:1"),
        ("addrtype", "src-type:1 dst-type:1 limit-iface-in:0 limit-iface-out:0"),
        ("pkttype", "pkt-type:1"),
        ("ttl", "ttl-eq:1 ttl-lt:1 ttl-gt:1"),
        ("hl", "hl-eq:1 hl-lt:1 hl-gt:1"),
        ("iprange", "src-range:1 dst-range:1"),
        ("mac", "mac-source:1"),
        ("length", "length:1"),
        ("physdev", "physdev-in:1 physdev-out:1 physdev-is-in:0 physdev-is-out:0 physdev-is-bridged:0"));

    /// <summary>Target name → option long name → number of arguments.</summary>
    public static FrozenDictionary<string, FrozenDictionary<string, int>> Targets { get; } = Build(
        ("ACCEPT", string.Empty),
        ("DROP", string.Empty),
        ("RETURN", string.Empty),
        ("QUEUE", string.Empty),
        ("REJECT", "reject-with:1"),
        ("REDIRECT", "to-ports:1 random:0"),
        ("DNAT", "to-destination:1 random:0 persistent:0"),
        ("SNAT", "to-source:1 random:0 random-fully:0 persistent:0"),
        ("MASQUERADE", "to-ports:1 random:0 random-fully:0"),
        ("LOG", "log-level:1 log-prefix:1 log-tcp-sequence:0 log-tcp-options:0 log-ip-options:0 log-uid:0 log-macdecode:0"),
        ("NFLOG", "nflog-group:1 nflog-prefix:1 nflog-range:1 nflog-size:1 nflog-threshold:1"),
        ("MARK", "set-mark:1 set-xmark:1 and-mark:1 or-mark:1 xor-mark:1"));

    /// <summary>Extension targets that exist besides <see cref="Targets"/> (a <c>-j</c> to one of them is not a missing chain).</summary>
    public static FrozenSet<string> OtherTargets { get; } = new[]
    {
        "AUDIT", "CHECKSUM", "CLASSIFY", "CLUSTERIP", "CONNMARK", "CONNSECMARK", "CT", "DSCP", "ECN", "HL", "HMARK", "IDLETIMER", "LED",
        "NETMAP", "NFQUEUE", "NOTRACK", "RATEEST", "SECMARK", "SET", "SYNPROXY", "TCPMSS", "TCPOPTSTRIP", "TEE", "TOS", "TPROXY", "TRACE",
        "TTL", "ULOG", "MIRROR", "SAME", "DNPT", "SNPT", "MASQUERADE", "BALANCE", "IPV4OPTSSTRIP", "TARPIT", "DELUDE", "CHAOS", "NOP",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Aliases of option names, mapped to the name the model reads.</summary>
    public static FrozenDictionary<string, string> Canonical { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["sport"] = "source-port",
        ["dport"] = "destination-port",
        ["sports"] = "source-ports",
        ["dports"] = "destination-ports",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Whether ConfigLint knows the match or target's options.</summary>
    public static bool IsKnown(string module) => Matches.ContainsKey(module) || Targets.ContainsKey(module);

    /// <summary>Whether <c>-j NAME</c> names a target iptables has (otherwise it must be a chain of the table).</summary>
    public static bool IsTarget(string name) => Targets.ContainsKey(name) || OtherTargets.Contains(name);

    private static FrozenDictionary<string, FrozenDictionary<string, int>> Build(params (string Name, string Options)[] modules) =>
        modules.ToFrozenDictionary(
            m => m.Name,
            m => m.Options.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(o => o.Split(':'))
                .ToFrozenDictionary(o => o[0], o => int.Parse(o[1], System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal),
            StringComparer.Ordinal);
}
