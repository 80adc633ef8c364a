using ConfigLint.Analysis;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Tor;

/// <summary>TOR010. Docs: rules/torrc/TOR010.onion-service-v2/README.md</summary>
public sealed class OnionServiceV2 : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("TOR010", "onion-service-v2",
        "Migrate version 2 onion services to version 3.", Language.Tor, DiagnosticLevel.Error, 7.5, FixClass.None, "security", "CWE-327");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) =>
        context.RegisterTorLineAction(Check, "HiddenServiceVersion", "HiddenServiceAuthorizeClient", "HidServAuth");

    private static void Check(TorLineContext ctx)
    {
        if (ctx.Line.Name == "HiddenServiceVersion")
        {
            if (ctx.Line.Value == "2")
            {
                ctx.Report(ctx.Line.Location, "HiddenServiceVersion 2 asks for a version 2 onion service; v2 is obsolete and disabled in every supported tor (its cryptography is broken); create a new v3 service.");
            }

            return;
        }

        ctx.Report(ctx.Line.Location, $"{ctx.Line.Name} is a v2-only option that current tor skips as obsolete, so the client authorization it was meant to enforce is gone; use v3 client authorization (the authorized_clients/ directory, ClientOnionAuthDir).");
    }
}
