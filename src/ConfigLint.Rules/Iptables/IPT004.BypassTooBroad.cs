using ConfigLint.Analysis;
using ConfigLint.Semantics;
using ConfigLint.Semantics.Iptables;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Iptables;

/// <summary>IPT004. Docs: rules/iptables/IPT004.bypass-too-broad/README.md</summary>
public sealed class BypassTooBroad : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("IPT004", "bypass-too-broad",
        "Exempt only specific local ranges from a Tor transparent proxy.", Language.Iptables, DiagnosticLevel.Warning, 6.1, FixClass.None, "security", "CWE-636");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterFirewallAction(Check);

    private static void Check(FirewallContext ctx)
    {
        var firewall = ctx.Firewall;
        var ruleSet = firewall.RuleSet;
        foreach (var family in IptablesFacts.TorFamilies(firewall))
        {
            var seen = new HashSet<(IptablesRule, IpNetwork)>();
            foreach (var (table, chain) in new[] { ("nat", "OUTPUT"), ("nat", "PREROUTING"), ("filter", "OUTPUT") })
            {
                foreach (var bypass in ruleSet.BypassRanges(family, table, chain))
                {
                    if (seen.Add((bypass.Rule, bypass.Range)) && Why(firewall, bypass.Range, table) is { } why)
                    {
                        var verb = table == "nat" ? "skips the redirect to Tor for" : "lets out";
                        ctx.Report(bypass.Rule.Location, $"This {bypass.Rule.Target} {verb} {bypass.Range}, which {why}. Exempt only the specific local ranges the host needs (a LAN /24, 127.0.0.0/9 and 127.128.0.0/10).");
                    }
                }
            }

            var transPorts = firewall.Tor.IsEmpty ? [9040] : firewall.TransPorts;
            foreach (var redirect in ruleSet.NatRedirects(family))
            {
                if (redirect.Protocol is "udp" or "17" or null or "all" && redirect.AppliesTo("udp") && redirect.ToPort is { } port && transPorts.Contains(port)
                    && redirect.DestinationPorts is not "53")
                {
                    ctx.Report(redirect.Rule.Location,
                        $"This rule redirects {(redirect.Protocol is "udp" or "17" ? "UDP" : "every protocol, UDP included,")} to port {port}, {(firewall.Tor.IsEmpty ? "the usual TransPort" : "the torrc's TransPort")}, which accepts only TCP: the UDP is not carried by Tor, it is only refused. Drop UDP explicitly in the filter table instead of suggesting it is covered.",
                        DiagnosticLevel.Note, 3.0);
                }
            }
        }
    }

    private static string? Why(Firewall firewall, IpNetwork range, string table)
    {
        if (range.IsAny)
        {
            return "is every address";
        }

        if (!range.IsV6 && range.Overlaps(IptablesFacts.LinkLocalV4))
        {
            return "covers the link-local range 169.254.0.0/16 with the cloud metadata endpoints (169.254.169.254 hands out instance credentials)";
        }

        if (!IptablesFacts.IsNonPublic(range))
        {
            return "holds public Internet addresses: connections there leave with the host's real address";
        }

        if (table == "nat" && !range.IsV6)
        {
            var automap = firewall.Tor.IsEmpty
                ? [(TorTransparentSettings.DefaultVirtualNetwork, "tor's default automap range")]
                : firewall.Tor.Where(t => t.Automap).Select(t => (t.VirtualNetwork, "the torrc's automap range (VirtualAddrNetworkIPv4)")).ToList();
            foreach (var (network, what) in automap)
            {
                if (range.Overlaps(network))
                {
                    return $"overlaps {what} {network}: .onion names resolve to addresses there, and those connections go to the LAN instead of Tor";
                }
            }
        }

        return null;
    }
}
