using ConfigLint.Analysis;
using ConfigLint.Semantics.Iptables;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Iptables;

/// <summary>IPT003. Docs: rules/iptables/IPT003.missing-leak-guards/README.md</summary>
public sealed class MissingLeakGuards : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("IPT003", "missing-leak-guards",
        "Drop INVALID and stray FIN/ACK, RST/ACK packets before a Tor transparent proxy's accepts.", Language.Iptables, DiagnosticLevel.Warning, 7.4, FixClass.Safe, "security", "CWE-636");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterFirewallAction(Check);

    private static void Check(FirewallContext ctx)
    {
        var firewall = ctx.Firewall;
        var ruleSet = firewall.RuleSet;
        foreach (var family in IptablesFacts.HostTorFamilies(firewall))
        {
            if (ruleSet.Chain(family, "filter", "OUTPUT") is not { } output)
            {
                continue;
            }

            var to = IptablesFacts.PublicAddress(family);
            var verdicts = new[] { "ACK,FIN", "ACK,RST" }
                .Select(flags => ruleSet.Evaluate(new IptablesPacket(family, "tcp", Destination: to, SourcePort: 40000, DestinationPort: 443, State: "INVALID", TcpFlags: flags), "filter", "OUTPUT"))
                .ToList();
            if (verdicts.All(Guarded))
            {
                continue;
            }

            var leaks = verdicts.Any(v => v.Passes);
            var lo = IptablesFacts.Loopback(family);
            var location = output.Rules.FirstOrDefault()?.Location ?? output.PolicyLocation ?? firewall.TorProxyFor(family)!.Rule.Location;
            var message = leaks
                ? $"Nothing in this {IptablesFacts.Name(family)} OUTPUT chain drops packets that conntrack marks INVALID (or stray FIN/ACK and RST/ACK packets): the nat table does not redirect them, so when a redirected connection's state expires its closing packets leave for the real destination with the host's real address. Add '-m conntrack --ctstate INVALID -j DROP' and the Tor wiki's FIN/ACK and RST/ACK drops at the top of OUTPUT."
                : $"This {IptablesFacts.Name(family)} OUTPUT chain has no INVALID-state or FIN/ACK, RST/ACK guard; its end stops such packets today, but one broad ACCEPT added later would let them leave with the host's real address. Add '-m conntrack --ctstate INVALID -j DROP' and the Tor wiki's FIN/ACK and RST/ACK drops at the top of OUTPUT.";
            var edit = IptablesFixes.Prepend(ruleSet, family, "filter", "OUTPUT",
            [
                "-m conntrack --ctstate INVALID -j DROP",
                $"! -o lo ! -d {lo} ! -s {lo} -p tcp -m tcp --tcp-flags ACK,FIN ACK,FIN -j DROP",
                $"! -o lo ! -d {lo} ! -s {lo} -p tcp -m tcp --tcp-flags ACK,RST ACK,RST -j DROP",
            ]);
            ctx.Report(location, message, leaks ? null : DiagnosticLevel.Note, leaks ? null : 3.0,
                fix: edit is null ? null : Fix.Safe("drop INVALID and stray FIN/ACK, RST/ACK packets first", edit));
        }
    }

    /// <summary>A rule (not the chain's end) drops or rejects the packet.</summary>
    private static bool Guarded(IptablesVerdict verdict) =>
        verdict.Kind is IptablesVerdictKind.Drop or IptablesVerdictKind.Reject && !verdict.ByPolicy && verdict.Rule is { IsUnconditional: false };
}
