using System.Text.RegularExpressions;
using ConfigLint.Analysis;
using ConfigLint.Semantics;
using ConfigLint.Semantics.Iptables;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Iptables;

/// <summary>IPT005. Docs: rules/iptables/IPT005.middlebox-forward-fail-open/README.md</summary>
public sealed partial class MiddleboxForwardFailOpen : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("IPT005", "middlebox-forward-fail-open",
        "End a Tor gateway's FORWARD chain in DROP.", Language.Iptables, DiagnosticLevel.Error, 8.6, FixClass.Conditional, "security", "CWE-636");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterFirewallAction(Check);

    private static void Check(FirewallContext ctx)
    {
        var firewall = ctx.Firewall;
        var ruleSet = firewall.RuleSet;
        foreach (var family in IptablesFacts.TorFamilies(firewall))
        {
            var redirect = ruleSet.NatRedirects(family).FirstOrDefault(r => r.Chain == "PREROUTING" && r.ToPort is { } p && firewall.ClassificationPorts.Contains(p));
            var lan = redirect?.Rule.Command.Criterion("in-interface") is { Negated: false, IsSymbolic: false } i ? i.Value : null;
            if (redirect is null || Forwarding(ruleSet, family) is not { } forwarding
                || IptablesFacts.FailOpen(ruleSet, family, "filter", "FORWARD", family == IptablesFamily.V4 ? "192.168.42.23" : "fd42::23", "PREROUTING", lan) is not var (verdict, what))
            {
                continue;
            }

            var end = IptablesFacts.DescribeEnd(firewall, family, "filter", "FORWARD", verdict);
            var chain = ruleSet.Chain(family, "filter", "FORWARD")!;
            var otherAccepts = chain.Rules.Any(r => r.Target == "ACCEPT" && !(r == chain.Rules[^1] && r.IsUnconditional));
            TextEdit? edit = null;
            if (!otherAccepts)
            {
                edit = !verdict.ByPolicy && verdict.Rule is { } accept && chain.Rules.Count > 0 && chain.Rules[^1] == accept
                    ? IptablesFixes.Replace(ruleSet, accept, "-j DROP")
                    : verdict.ByPolicy ? IptablesFixes.Append(ruleSet, family, "filter", "FORWARD", "-j DROP") : null;
            }

            var location = IptablesFacts.ChainEnd(firewall, family, "filter", "FORWARD", verdict);
            ctx.Report(location,
                $"This gateway redirects its clients' traffic to Tor in PREROUTING{(location == redirect.Rule.Location ? string.Empty : $" ({ConfigLint.Rules.CrossFile.CrossFileFacts.At(redirect.Rule.Location)})")} and forwards packets ({forwarding}), but {end}: the clients' {what} and anything not redirected is routed out directly with the gateway's real address. End FORWARD with '-A FORWARD -j DROP' (after any accepts meant for other routing).",
                related: location == redirect.Rule.Location ? null : [new RelatedLocation(redirect.Rule.Location, "The PREROUTING redirect to Tor.")],
                fix: edit is null ? null : Fix.Safe("end FORWARD with DROP", edit));
        }
    }

    /// <summary>Evidence that the host forwards: the script turns ip_forward on, nat masquerades or SNATs, or FORWARD accepts something.</summary>
    private static string? Forwarding(IptablesRuleSet ruleSet, IptablesFamily family)
    {
        if (ruleSet.IsScript && ruleSet.Tree.Text.Lines.Any(l => !l.ToString().TrimStart().StartsWith('#') && IpForward().IsMatch(l.ToString())))
        {
            return "the script turns on IP forwarding";
        }

        if (ruleSet.Chain(family, "nat", "POSTROUTING")?.Rules.FirstOrDefault(r => r.Target is "MASQUERADE" or "SNAT") is { } nat)
        {
            return $"nat POSTROUTING {nat.Target}s them";
        }

        return ruleSet.Chain(family, "filter", "FORWARD")?.Rules.Any(r => r.Target == "ACCEPT" && !r.IsUnconditional) == true ? "FORWARD accepts some of them" : null;
    }

    [GeneratedRegex(@"(ip_forward|forwarding)\s*=\s*1\b|echo\s+1\s*>\s*/proc/sys/net/ipv[46]/(ip_forward|conf/\S+/forwarding)")]
    private static partial Regex IpForward();
}
