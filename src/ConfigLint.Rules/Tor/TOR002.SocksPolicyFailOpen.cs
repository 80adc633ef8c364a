using ConfigLint.Analysis;
using ConfigLint.Semantics.Tor;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Tor;

/// <summary>TOR002. Docs: rules/torrc/TOR002.socks-policy-fail-open/README.md</summary>
public sealed class SocksPolicyFailOpen : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("TOR002", "socks-policy-fail-open",
        "End SocksPolicy with 'reject *' when client listeners are reachable.", Language.Tor, DiagnosticLevel.Warning, 6.5, FixClass.Conditional, "security", "CWE-284");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterTorConfigAction(Check);

    private static void Check(TorConfigContext ctx)
    {
        var exposed = TorFacts.ExposedClientPorts(ctx.Config).ToList();
        if (exposed.Count == 0)
        {
            return;
        }

        var first = exposed[0];
        var policy = ctx.Config.Policy("SocksPolicy");
        if (policy.Count == 0)
        {
            ctx.Report(first.Line.At(first.Spec.AddressSpan),
                $"No SocksPolicy guards '{first.Line.Name} {TorFacts.Describe(first)}', and tor accepts every client address that no policy rejects; add 'SocksPolicy accept <trusted network>' lines followed by 'SocksPolicy reject *'.");
            return;
        }

        // First match: where each address family is decided, and whether it was rejected.
        var (v4, v6, decider, dead) = TorFacts.EvaluateSocksPolicy(policy);
        foreach (var entry in dead.DistinctBy(e => e.Line))
        {
            ctx.Report(entry.Location,
                $"SocksPolicy entry '{entry.Item.Text}' comes after an entry that already decides every address, so it never matches.",
                DiagnosticLevel.Note, 2.0);
        }

        if (decider is not null)
        {
            ctx.Report(decider.Location,
                $"SocksPolicy entry '{decider.Item.Text}' accepts every address, so the policy guards nothing for '{first.Line.Name} {TorFacts.Describe(first)}'; accept only trusted networks and end with 'SocksPolicy reject *'.");
            return;
        }

        if (v4 != false || v6 != false)
        {
            var last = policy[^1];
            ctx.Report(last.Line.ValueLocation,
                $"SocksPolicy does not end with 'reject *', so tor accepts every address it does not list on '{first.Line.Name} {TorFacts.Describe(first)}'; add 'SocksPolicy reject *' after the accept entries.",
                fix: TorFixes.InsertAfter(last.Line, policy.All(e => e.Item.Accept) ? FixApplicability.Safe : FixApplicability.Unsafe,
                    "add 'SocksPolicy reject *' after the last SocksPolicy line", "SocksPolicy reject *"));
        }
    }
}
