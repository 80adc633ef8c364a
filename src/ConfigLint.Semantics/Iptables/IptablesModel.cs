using System.Collections.Immutable;
using System.Globalization;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Iptables;

namespace ConfigLint.Semantics.Iptables;

/// <summary>The address family a rule set is for: iptables (IPv4) or ip6tables (IPv6).</summary>
public enum IptablesFamily
{
    V4,
    V6,
}

/// <summary>One rule in a chain: its specification (from the file or script command) and where it was written.</summary>
public sealed class IptablesRule
{
    internal IptablesRule(IptablesFamily family, string table, string chain, IptablesCommand command, SourceLocation location)
    {
        Family = family;
        Table = table;
        Chain = chain;
        Command = command;
        Location = location;
    }

    public IptablesFamily Family { get; }

    public string Table { get; }

    /// <summary>The chain the rule is in (after renames, the name it was added under).</summary>
    public string Chain { get; internal set; }

    /// <summary>The parsed command that added the rule: criteria, matches, target.</summary>
    public IptablesCommand Command { get; }

    /// <summary>The line (iptables-save) or command (script) that added the rule; for a loop, the command inside the loop.</summary>
    public SourceLocation Location { get; }

    /// <summary>The target or chain jumped to, or null when the rule has none.</summary>
    public string? Target => Command.Target?.Name;

    public bool IsGoto => Command.IsGoto;

    /// <summary>The <c>-p</c> criterion, or null.</summary>
    public IptablesOption? Protocol => Command.Criterion("protocol");

    /// <summary>The <c>-d</c> criterion, or null.</summary>
    public IptablesOption? Destination => Command.Criterion("destination");

    /// <summary>The <c>-s</c> criterion, or null.</summary>
    public IptablesOption? Source => Command.Criterion("source");

    /// <summary>The <c>-m owner --uid-owner</c> option, or null.</summary>
    public IptablesOption? UidOwner => Command.Match("owner")?.Option("uid-owner");

    /// <summary>Whether the rule has no criteria and no matches other than comments: it applies to every packet.</summary>
    public bool IsUnconditional => Command.Criteria.Length == 0 && Command.Matches.All(m => m.Name == "comment");

    /// <summary>The first port of a REDIRECT/MASQUERADE <c>--to-ports</c> or a DNAT <c>--to-destination addr:port</c>, or null.</summary>
    public int? ToPort
    {
        get
        {
            var target = Command.Target;
            var ports = target?.Option("to-ports")?.Value;
            if (ports is null && target?.Option("to-destination")?.Value is { } to)
            {
                var colon = to.LastIndexOf(':');
                var bracket = to.LastIndexOf(']');
                ports = colon > 0 && (to.Count(c => c == ':') == 1 || bracket >= 0 && bracket < colon) ? to[(colon + 1)..] : null;
            }

            var first = ports?.Split('-', ':')[0];
            return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : null;
        }
    }

    /// <summary>The address of a DNAT <c>--to-destination</c> (without the port), or null.</summary>
    public string? ToAddress
    {
        get
        {
            if (Command.Target?.Option("to-destination")?.Value is not { } to)
            {
                return null;
            }

            if (to.StartsWith('['))
            {
                return to[1..Math.Max(1, to.IndexOf(']', StringComparison.Ordinal))];
            }

            return to.Count(c => c == ':') == 1 ? to[..to.IndexOf(':', StringComparison.Ordinal)] : to;
        }
    }

    public override string ToString() => $"{Table} {Chain}: {string.Join(' ', Command.Words.Select(w => w.Value))}";
}

/// <summary>A chain: its policy (built-in chains) and its rules in evaluation order.</summary>
public sealed class IptablesChain
{
    internal IptablesChain(string name, bool builtIn)
    {
        Name = name;
        IsBuiltIn = builtIn;
        Policy = builtIn ? "ACCEPT" : null;
    }

    public string Name { get; internal set; }

    public bool IsBuiltIn { get; }

    /// <summary><c>ACCEPT</c> or <c>DROP</c> for a built-in chain; null for a user chain.</summary>
    public string? Policy { get; internal set; }

    /// <summary>Where the policy was set (<c>:OUTPUT DROP</c>, <c>-P OUTPUT DROP</c>), or null when it is the kernel's default ACCEPT.</summary>
    public SourceLocation? PolicyLocation { get; internal set; }

    /// <summary>Whether the policy is the default ACCEPT that nothing in the file or script set.</summary>
    public bool PolicyIsDefault => IsBuiltIn && PolicyLocation is null;

    internal List<IptablesRule> RuleList { get; } = [];

    public IReadOnlyList<IptablesRule> Rules => RuleList;
}

/// <summary>A table of one family: its chains (built-in ones always present).</summary>
public sealed class IptablesTable
{
    internal IptablesTable(IptablesFamily family, string name)
    {
        Family = family;
        Name = name;
        foreach (var chain in IptablesTables.BuiltInChains.GetValueOrDefault(name, []))
        {
            ChainMap[chain] = new IptablesChain(chain, builtIn: true);
        }
    }

    public IptablesFamily Family { get; }

    public string Name { get; }

    internal Dictionary<string, IptablesChain> ChainMap { get; } = new(StringComparer.Ordinal);

    /// <summary>The chains, built-in ones first, then user chains by name.</summary>
    public IEnumerable<IptablesChain> Chains => ChainMap.Values.OrderBy(c => !c.IsBuiltIn).ThenBy(c => c.Name, StringComparer.Ordinal);

    public IptablesChain? Chain(string name) => ChainMap.GetValueOrDefault(name);
}

/// <summary>Something the binder could not model or had to choose (a script it could not follow, a command iptables would refuse).</summary>
public sealed record IptablesNote(string Message, SourceLocation Location);

/// <summary>
/// A packet to evaluate. Null fields mean "an unremarkable value no rule names": a public address, a port, user and
/// interface that no criterion lists (so <c>-d 10.0.0.0/8</c> does not match and <c>! -d 10.0.0.0/8</c> does).
/// A connection state of null is <c>NEW</c>; TCP flags of null are a connection's first SYN when the state is NEW and an ACK otherwise.
/// </summary>
public sealed record IptablesPacket(
    IptablesFamily Family,
    string Protocol,
    string? Source = null,
    string? Destination = null,
    int? SourcePort = null,
    int? DestinationPort = null,
    string? Uid = null,
    string? State = null,
    string? InInterface = null,
    string? OutInterface = null,
    string? TcpFlags = null);

/// <summary>How a packet's walk through the chains ended.</summary>
public enum IptablesVerdictKind
{
    Accept,
    Drop,
    Reject,
    Redirect,
    Dnat,
    Snat,
    Masquerade,
    Queue,

    /// <summary>The walk met a jump loop or ran past its step bound.</summary>
    Loop,
}

/// <summary>
/// The outcome of <see cref="IptablesRuleSet.Evaluate"/>: the verdict, the rule that decided it (null when the chain's
/// policy did), the REDIRECT/DNAT destination, every rule the packet matched on the way (jumps included), and whether
/// the answer is certain (false when a rule on the way had a criterion ConfigLint cannot decide, which was taken as not matching).
/// </summary>
public sealed record IptablesVerdict(
    IptablesVerdictKind Kind,
    IptablesRule? Rule,
    string Chain,
    bool ByPolicy,
    bool PolicyIsDefault,
    int? ToPort,
    string? ToAddress,
    bool Certain,
    ImmutableArray<IptablesRule> Matched)
{
    /// <summary>Whether the packet leaves or goes on (ACCEPT, or NAT that translates it).</summary>
    public bool Passes => Kind is IptablesVerdictKind.Accept or IptablesVerdictKind.Redirect or IptablesVerdictKind.Dnat or IptablesVerdictKind.Snat or IptablesVerdictKind.Masquerade;
}

/// <summary>A nat REDIRECT or DNAT rule: which packets it catches and where it sends them.</summary>
public sealed record IptablesRedirect(IptablesRule Rule, string Chain, string? Protocol, bool ProtocolNegated, string? DestinationPorts, int? ToPort, string? ToAddress)
{
    /// <summary>Whether the rule catches packets of this protocol (<c>tcp</c>, <c>udp</c>).</summary>
    public bool AppliesTo(string protocol) =>
        Protocol is null || Protocol == "all" || (IptablesRuleSet.SameProtocol(Protocol, protocol) != ProtocolNegated);
}

/// <summary>A destination range that RETURN/ACCEPT exempts (before the redirect, in nat; or accepted out, in filter).</summary>
public sealed record IptablesBypass(IpNetwork Range, IptablesRule Rule);

/// <summary>Why a rule set counts as a Tor transparent proxy (catalog §1.7), pointing at the rule that shows it.</summary>
public sealed record TorProxyEvidence(string Reason, IptablesRule Rule);
