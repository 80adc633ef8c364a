using ConfigLint.Analysis;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Tor;

/// <summary>TOR009. Docs: rules/torrc/TOR009.non-anonymous-onion-service/README.md</summary>
public sealed class NonAnonymousOnionService : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("TOR009", "non-anonymous-onion-service",
        "Do not run onion services in non-anonymous (single onion) mode by accident.", Language.Tor, DiagnosticLevel.Error, 9.0, FixClass.None, "security", "CWE-359");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) =>
        context.RegisterTorLineAction(Check, "HiddenServiceNonAnonymousMode", "HiddenServiceSingleHopMode");

    private static void Check(TorLineContext ctx)
    {
        if (ctx.Line.Value != "1" || ctx.Line != ctx.Config.Last(ctx.Line.Name))
        {
            return;
        }

        var other = ctx.Line.Name == "HiddenServiceNonAnonymousMode" ? "HiddenServiceSingleHopMode" : "HiddenServiceNonAnonymousMode";
        var extra = ctx.Config.IsTrue(other)
            ? string.Empty
            : $" tor also requires {other} 1 with it, so this configuration does not even start.";
        if (ctx.Config.HasClientPorts)
        {
            extra += " tor rejects any non-zero SocksPort in this mode: set 'SocksPort 0'.";
        }

        ctx.Report(ctx.Line.Location,
            $"{ctx.Line.Name} 1 makes the onion service non-anonymous: its server's location is not hidden, and a HiddenServiceDir used this way can never be anonymous again. Suppress this with a reason if a single onion service is intended.{extra}");
    }
}
