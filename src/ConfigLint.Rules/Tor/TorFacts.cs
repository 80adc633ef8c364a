using ConfigLint.Analysis;
using ConfigLint.Analysis.Fixing;
using ConfigLint.Semantics.Tor;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Tor;

namespace ConfigLint.Rules.Tor;

/// <summary>Shared tor knowledge for the TOR rules.</summary>
internal static class TorFacts
{
    /// <summary>Client listeners guarded by SocksPolicy (all CONN_TYPE_AP listeners, plus DNSPort).</summary>
    public static readonly string[] ClientPortOptions = ["SocksPort", "HTTPTunnelPort", "TransPort", "NATDPort", "DNSPort"];

    /// <summary>Describes a port line's listen address for messages: "0.0.0.0:9050".</summary>
    public static string Describe(TorPortLine port) => port.Line.Value.Split([' ', '\t'], 2)[0];

    /// <summary>Non-loopback TCP client listeners: what TOR001 reports and TOR002 guards.</summary>
    public static IEnumerable<TorPortLine> ExposedClientPorts(TorConfig config) =>
        ClientPortOptions.SelectMany(config.Ports)
            .Where(p => p.Spec.Kind == TorPortKind.Tcp && p.Spec.Scope != AddressScope.Loopback)
            .OrderBy(p => p.Line.Entry.KeyToken.TokenSpan.Start);

    /// <summary>
    /// The concatenated SocksPolicy read first-match: how IPv4 and IPv6 addresses no earlier entry accepted are decided
    /// (null: not decided, so tor accepts them), the last entry that decided a family by accepting it, and the entries
    /// after both families are decided (they never match).
    /// </summary>
    public static (bool? Ipv4, bool? Ipv6, TorPolicyEntry? AcceptingDecider, IReadOnlyList<TorPolicyEntry> Dead) EvaluateSocksPolicy(IReadOnlyList<TorPolicyEntry> policy)
    {
        bool? v4 = null;
        bool? v6 = null;
        TorPolicyEntry? decider = null;
        var dead = new List<TorPolicyEntry>();
        foreach (var entry in policy)
        {
            if (v4 is not null && v6 is not null)
            {
                dead.Add(entry);
                continue;
            }

            var decided = false;
            if (v4 is null && entry.Item.CoversFamily(ipv6: false))
            {
                v4 = entry.Item.Accept;
                decided = true;
            }

            if (v6 is null && entry.Item.CoversFamily(ipv6: true))
            {
                v6 = entry.Item.Accept;
                decided = true;
            }

            if (decided && entry.Item.Accept)
            {
                decider = entry;
            }
        }

        return (v4, v6, decider, dead);
    }

    /// <summary>Whether the SocksPolicy rejects every IPv4 and IPv6 address it has not accepted.</summary>
    public static bool SocksPolicyRejectsTheRest(TorConfig config) =>
        EvaluateSocksPolicy(config.Policy("SocksPolicy")) is { Ipv4: false, Ipv6: false };

    public static bool HasControlAuth(TorConfig config) =>
        config.All("HashedControlPassword").Any(l => l.Value.Length > 0) || config.IsTrue("CookieAuthentication");

    /// <summary>An exit: a public relay whose ExitRelay is not 0 and that exits somewhere.</summary>
    public static bool IsExit(TorConfig config) =>
        config.IsPublicRelay && !config.Is("ExitRelay", "0")
        && (config.Is("ExitRelay", "1") || config.IsTrue("ReducedExitPolicy") || config.IsTrue("IPv6Exit")
            || config.Policy("ExitPolicy").Any(e => e.Item.Accept));
}

/// <summary>Fixes on torrc lines: only lines written in a torrc (not tor's command line) are edited.</summary>
internal static class TorFixes
{
    /// <summary>Deletes a whole torrc line (tor then uses the default, or an earlier line).</summary>
    public static Fix? Delete(TorLine line, string title) =>
        line.Tree.Language == Language.Tor ? Fix.Safe(title, Edits.DeleteStatement(line.Tree, line.Entry.Span)) : null;

    /// <summary>Adds lines right after <paramref name="line"/>, so they take effect exactly after it.</summary>
    public static Fix? InsertAfter(TorLine line, FixApplicability applicability, string title, params string[] lines) =>
        line.Tree.Language == Language.Tor ? new Fix(title, applicability, [Edits.InsertLinesAfter(line.Tree, line.Entry.Span, lines)]) : null;

    /// <summary>Replaces a line's value.</summary>
    public static Fix? SetValue(TorLine line, FixApplicability applicability, string title, string value) =>
        line.Tree.Language == Language.Tor && line.Entry.ValueToken is not null && !line.Entry.IsQuoted
            ? new Fix(title, applicability, [Edits.Replace(line.Tree, line.Entry.ValueSpan, value)])
            : null;
}
