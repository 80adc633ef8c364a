using ConfigLint.Analysis;
using ConfigLint.Semantics.Squid;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Squid;

/// <summary>SQD001. Docs: rules/squid/SQD001.open-forward-proxy/README.md</summary>
public sealed class OpenForwardProxy : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("SQD001", "open-forward-proxy",
        "Do not let arbitrary Internet clients use the forward proxy.", Language.Squid, DiagnosticLevel.Error, 9.3, FixClass.Conditional, "security", "CWE-441");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterSquidConfigAction(Check);

    private static void Check(SquidConfigContext ctx)
    {
        var config = ctx.Config;
        var rules = config.AccessList("http_access");
        var dead = SquidAccess.DeadRules(config, rules).ToList();
        if (dead.Count > 0)
        {
            var decider = rules.First(r => SquidAccess.IsUniversal(config, r));
            foreach (var rule in dead)
            {
                ctx.Report(rule.Line.Location,
                    $"'{rule.Line.Text}' comes after '{decider.Line.Text}', which matches every request, so it never runs.",
                    DiagnosticLevel.Note, 2.0);
            }
        }

        if (SquidFacts.OpenProxy(config) is not { } open)
        {
            return;
        }

        var (client, outcome) = open;
        var who = SquidFacts.Describe(client);
        if (outcome.Implicit)
        {
            ctx.Report(outcome.Decider!.Line.Location,
                $"The last http_access line '{outcome.Decider.Line.Text}' is a deny, and squid's default is the opposite of the last line: every request no line matches is allowed, so {who} can use this squid as an open proxy. End the list with 'http_access deny all'.",
                fix: Fix.Unsafe("append 'http_access deny all' after the last http_access line (requests no line matches are then refused)",
                    SquidFixes.After(config.AccessList("http_access")[^1].Line, "http_access deny all")));
            return;
        }

        ctx.Report(outcome.Decider!.Line.Location,
            $"'{outcome.Decider.Line.Text}' allows requests from any Internet address ({who}): this squid is an open proxy that anyone can relay attacks and abuse through. Allow only your own networks or authenticated users, and end the list with 'http_access deny all'.");
    }
}
