using ConfigLint.Analysis;
using ConfigLint.Semantics.Iptables;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Iptables;

/// <summary>IPT002. Docs: rules/iptables/IPT002.ipv6-not-handled/README.md</summary>
public sealed class Ipv6NotHandled : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("IPT002", "ipv6-not-handled",
        "Block or redirect IPv6 on a Tor transparent proxy.", Language.Iptables, DiagnosticLevel.Error, 8.6, FixClass.None, "security", "CWE-636");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterFirewallAction(Check);

    private static void Check(FirewallContext ctx)
    {
        var firewall = ctx.Firewall;
        if (!IptablesFacts.HostTorFamilies(firewall).Contains(IptablesFamily.V4) || firewall.TorProxyFor(IptablesFamily.V4) is not { } evidence || firewall.Ipv6Disabled is not null)
        {
            return;
        }

        var v6 = firewall.HostRuleSets.Where(r => r.HasFamily(IptablesFamily.V6)).ToList();
        // Handled: an ip6tables rule set that stops IPv6 (or sends it to Tor: then IPT001 judges its end).
        if (v6.Any(r => r.TorTransparentProxy(firewall.ClassificationPorts, firewall.TorUser, IptablesFamily.V6) is not null
                || IptablesFacts.FailOpen(r, IptablesFamily.V6, "filter", "OUTPUT") is null))
        {
            return;
        }

        var why = v6.Count == 0
            ? firewall.RuleSet.IsScript
                ? "the script runs no ip6tables command and no ip6tables rule set is loaded beside it"
                : "no ip6tables rule set (such as a rules.v6) is loaded beside it"
            : $"the ip6tables rules beside it ({string.Join(", ", v6.Select(r => r.Tree.Path))}) let IPv6 out";
        var enabled = firewall.Ipv6Enabled is { } e ? $" ({e.Text})" : string.Empty;
        ctx.Report(evidence.Rule.Location,
            $"This rule set sends IPv4 through Tor, but {why}, and nothing shows IPv6 disabled{enabled}: every IPv6 connection leaves with the host's real address. Load an ip6tables rule set with ':OUTPUT DROP' (accepting 'lo' and the tor user), or disable IPv6 (net.ipv6.conf.all.disable_ipv6=1).",
            related: firewall.Ipv6Enabled is { } en ? [new RelatedLocation(en.Location, "IPv6 is enabled here.")] : null);
    }
}
