using ConfigLint.Analysis;
using ConfigLint.Semantics.Iptables;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Iptables;

/// <summary>IPT001. Docs: rules/iptables/IPT001.fail-open-output/README.md</summary>
public sealed class FailOpenOutput : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("IPT001", "fail-open-output",
        "End a Tor transparent proxy's OUTPUT chain in REJECT or DROP.", Language.Iptables, DiagnosticLevel.Error, 9.3, FixClass.Safe, "security", "CWE-636");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterFirewallAction(Check);

    private static void Check(FirewallContext ctx)
    {
        var firewall = ctx.Firewall;
        foreach (var family in IptablesFacts.HostTorFamilies(firewall))
        {
            if (IptablesFacts.FailOpen(firewall.RuleSet, family, "filter", "OUTPUT") is not var (verdict, what))
            {
                continue;
            }

            var end = IptablesFacts.DescribeEnd(firewall, family, "filter", "OUTPUT", verdict);
            var torOk = IptablesFacts.TorAccepted(firewall, family);
            var advice = torOk
                ? "End the chain with '-A OUTPUT -j REJECT'."
                : "Accept the tor user ('-m owner --uid-owner <tor user> -j ACCEPT'), then end the chain with '-A OUTPUT -j REJECT'.";
            ctx.Report(IptablesFacts.ChainEnd(firewall, family, "filter", "OUTPUT", verdict),
                $"This {IptablesFacts.Name(family)} rule set sends traffic through Tor, but {end}: {what} and everything else the nat table does not redirect leaves with the host's real address. {advice}",
                fix: torOk ? FixFor(firewall.RuleSet, family, verdict) : null);
        }
    }

    private static Fix? FixFor(IptablesRuleSet ruleSet, IptablesFamily family, IptablesVerdict verdict)
    {
        var chain = ruleSet.Chain(family, "filter", "OUTPUT")!;
        var edit = !verdict.ByPolicy && verdict.Rule is { } accept && chain.Rules.Count > 0 && chain.Rules[^1] == accept
            ? IptablesFixes.Replace(ruleSet, accept, "-j REJECT")
            : verdict.ByPolicy ? IptablesFixes.Append(ruleSet, family, "filter", "OUTPUT", "-j REJECT") : null;
        return edit is null ? null : Fix.Safe("end OUTPUT with REJECT", edit);
    }
}
