using ConfigLint.Analysis;
using ConfigLint.Rules.Iptables;
using ConfigLint.Semantics;
using ConfigLint.Semantics.Iptables;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Iptables;
using static ConfigLint.Rules.CrossFile.CrossFileFacts;

namespace ConfigLint.Rules.CrossFile;

/// <summary>XF011. Docs: rules/crossfile/XF011.firewall-torrc-mismatch/README.md</summary>
public sealed class FirewallTorrcMismatch : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("XF011", "firewall-torrc-mismatch",
        "Redirect a transparent proxy's traffic to the ports and addresses its torrc listens on.", null, DiagnosticLevel.Error, 8.2, FixClass.Conditional, "security", "CWE-636", "cross-file");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterFirewallAction(Check);

    private static void Check(FirewallContext ctx)
    {
        var firewall = ctx.Firewall;
        if (firewall.Tor.IsEmpty || !firewall.IsTorTransparentProxy)
        {
            return;
        }

        var torrc = string.Join(", ", firewall.Tor.Select(t => t.Config.Main.Path).Distinct());
        foreach (var family in IptablesFacts.TorFamilies(firewall))
        {
            var to = IptablesFacts.PublicAddress(family);
            var seen = new HashSet<IptablesRule>();
            foreach (var hook in new[] { "OUTPUT", "PREROUTING" })
            {
                // A gateway's clients arrive on the interface its redirects name.
                var inInterface = hook == "PREROUTING"
                    ? firewall.RuleSet.NatRedirects(family).Where(r => r.Chain == hook).Select(r => r.Rule.Command.Criterion("in-interface")).FirstOrDefault(i => i is { Negated: false, IsSymbolic: false })?.Value
                    : null;
                var dns = firewall.RuleSet.Evaluate(new IptablesPacket(family, "udp", Destination: to, SourcePort: 40000, DestinationPort: 53, InInterface: inInterface), "nat", hook);
                Redirect(ctx, firewall, family, hook, dns, "DNSPort", "DNS (udp/53)", firewall.Tor.SelectMany(t => t.DnsPorts).ToList(), 53, seen, torrc);
                var tcp = firewall.RuleSet.Evaluate(new IptablesPacket(family, "tcp", Destination: to, SourcePort: 40000, DestinationPort: 443, InInterface: inInterface), "nat", hook);
                Redirect(ctx, firewall, family, hook, tcp, "TransPort", "TCP", firewall.Tor.SelectMany(t => t.TransPorts).ToList(), 443, seen, torrc);
            }

            if (family == IptablesFamily.V4)
            {
                Automap(ctx, firewall);
            }
        }
    }

    private static void Redirect(FirewallContext ctx, Firewall firewall, IptablesFamily family, string hook, IptablesVerdict verdict, string option, string what,
        List<ConfigLint.Semantics.Tor.TorPortLine> listeners, int originalPort, HashSet<IptablesRule> seen, string torrc)
    {
        if (verdict.Kind is not (IptablesVerdictKind.Redirect or IptablesVerdictKind.Dnat) || verdict.Rule is not { } rule || !seen.Add(rule))
        {
            return;
        }

        var port = verdict.ToPort ?? originalPort;
        var matching = listeners.Where(l => l.Spec.PortNumber == port).ToList();
        if (matching.Count == 0)
        {
            var has = listeners.Where(l => l.Spec.PortNumber is not null).ToList();
            var torSide = has.Count == 0
                ? $"the torrc ({torrc}) sets no {option}{(option == "TransPort" ? " (the default is 0: off)" : string.Empty)}, so nothing listens there and {what} fails"
                : $"the torrc's {option} is {string.Join(", ", has.Select(l => l.Spec.Port).Distinct())} ({At(has[0].Line.Location)}), so {what} goes to a closed port and fails";
            var single = has.Select(l => l.Spec.PortNumber).Distinct().Count() == 1 ? has[0].Spec.PortNumber : null;
            var edit = single is { } target ? PortEdit(rule, target) : null;
            ctx.Report(rule.Location,
                $"This rule redirects {what} to port {port}, but {torSide}. Redirect it to the port tor listens on{(single is { } p ? $" ({p})" : string.Empty)}, or change the torrc to match.",
                related: [has.Count > 0
                    ? new RelatedLocation(has[0].Line.Location, $"The torrc's {option}.")
                    : new RelatedLocation(FileStart(firewall.Tor[0].Config.Main), $"The torrc, which sets no {option}.")],
                fix: edit is null ? null : Fix.Safe($"redirect to {option} {single}", edit));
            return;
        }

        // The port matches: can the packet reach the listener's address?
        var reachable = matching.FirstOrDefault(l => Reaches(l.Spec, hook, verdict, family));
        if (reachable is null)
        {
            var listener = matching[0];
            var target = verdict.Kind == IptablesVerdictKind.Dnat && verdict.ToAddress is { } address
                ? address
                : hook == "OUTPUT" ? IptablesFacts.Loopback(family) : "the address of the interface the packet came in on";
            // IPv6 sent to a loopback where tor does not listen fails closed: an outage for IPv6, not a leak.
            var v6Loopback = family == IptablesFamily.V6 && hook == "OUTPUT" && verdict.Kind == IptablesVerdictKind.Redirect;
            ctx.Report(rule.Location,
                v6Loopback
                    ? $"This rule sends IPv6 {what} to {target} port {port}, but the torrc's {option} listens on {listener.Spec.Address} ({At(listener.Line.Location)}) only: those IPv6 connections are refused (they fail closed, nothing leaks). Add '{option} [::1]:{port}' if IPv6 should work through Tor, or drop IPv6 in the filter table to say what is meant."
                    : $"This rule sends {what} to {target} port {port}, but the torrc's {option} listens on {listener.Spec.Address} ({At(listener.Line.Location)}), which that address does not reach: {what} fails{(hook == "PREROUTING" ? " for every client of this gateway" : string.Empty)}. Bind {option} to {(hook == "PREROUTING" ? "the LAN address (or 0.0.0.0 with the firewall closing it from outside)" : target)}.",
                v6Loopback ? DiagnosticLevel.Note : null, v6Loopback ? 3.0 : null,
                related: [new RelatedLocation(listener.Line.Location, $"The torrc's {option}.")]);
        }
    }

    private static SourceLocation FileStart(SyntaxTree tree) => new(tree, tree.Text.Lines.Count > 0 ? tree.Text.Lines[0].Span : default);

    /// <summary>
    /// Whether a listener receives what the rule sends: REDIRECT in OUTPUT goes to 127.0.0.1 (::1); in PREROUTING to the
    /// incoming interface's address, which a loopback-only listener never sees; DNAT goes to its address.
    /// </summary>
    private static bool Reaches(Syntax.Tor.TorPortSpec spec, string hook, IptablesVerdict verdict, IptablesFamily family)
    {
        var address = spec.Address.Trim('[', ']');
        var any = address is "0.0.0.0" or "::";
        if (verdict.Kind == IptablesVerdictKind.Dnat && verdict.ToAddress is { } to)
        {
            return any || address == to.Trim('[', ']');
        }

        return hook == "OUTPUT" ? any || address == IptablesFacts.Loopback(family) : spec.Scope != AddressScope.Loopback;
    }

    /// <summary>Rewrites the rule's port in <c>--to-ports</c> (REDIRECT) or <c>--to-destination addr:port</c> (DNAT), when the port is written literally.</summary>
    private static TextEdit? PortEdit(IptablesRule rule, int port)
    {
        var target = rule.Command.Target;
        if (target?.Option("to-ports") is { Args.Length: 1 } ports && !ports.IsSymbolic && ports.Args[0].Value.All(char.IsAsciiDigit))
        {
            return new TextEdit(rule.Location.Tree, ports.Args[0].Span, port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return null;
    }

    private static void Automap(FirewallContext ctx, Firewall firewall)
    {
        foreach (var settings in firewall.Tor.Where(t => t.Automap))
        {
            foreach (var chain in new[] { "OUTPUT", "PREROUTING" })
            {
                foreach (var bypass in firewall.RuleSet.BypassRanges(IptablesFamily.V4, "nat", chain))
                {
                    if (!bypass.Range.Overlaps(settings.VirtualNetwork))
                    {
                        continue;
                    }

                    var line = settings.VirtualNetworkLine ?? settings.AutomapLine!;
                    var range = settings.VirtualNetworkLine is null ? $"the default automap range {settings.VirtualNetwork}" : $"VirtualAddrNetworkIPv4 {settings.VirtualNetwork} ({At(line.Location)})";
                    ctx.Report(bypass.Rule.Location,
                        $"This rule exempts {bypass.Range} from the redirect to Tor, which overlaps {range} with AutomapHostsOnResolve on: tor answers .onion (and other automapped) names with addresses in that range, and connections to them go to the LAN instead of Tor, so onion sites fail and the names leak to the LAN. Narrow the exemption, or move VirtualAddrNetworkIPv4 out of it.",
                        related: [new RelatedLocation(line.Location, "The torrc's automap range.")]);
                }
            }
        }
    }
}
