using ConfigLint.Analysis;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Tor;

namespace ConfigLint.Rules.Tor;

/// <summary>TOR013. Docs: rules/torrc/TOR013.bridge-fingerprintable/README.md</summary>
public sealed class BridgeFingerprintable : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("TOR013", "bridge-fingerprintable",
        "Do not let a bridge reveal itself to censors.", Language.Tor, DiagnosticLevel.Error, 7.5, FixClass.Safe, "security", "CWE-200");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterTorConfigAction(Check);

    private static void Check(TorConfigContext ctx)
    {
        var config = ctx.Config;
        if (!config.IsBridge)
        {
            return;
        }

        foreach (var line in config.All("MyFamily"))
        {
            ctx.Report(line.Location, "MyFamily on a bridge can reveal the bridge's fingerprint to censors (tor warns about it); remove the line.",
                DiagnosticLevel.Error, 7.5, fix: TorFixes.Delete(line, "remove the MyFamily line"));
        }

        foreach (var port in config.Ports("DirPort").Where(p => p.Spec.Kind != TorPortKind.Disabled))
        {
            ctx.Report(port.Line.Location, $"DirPort '{TorFacts.Describe(port)}' is set on a bridge; tor disables it ('Can't set a DirPort on a bridge relay'), so any published port only adds an open, useless port; remove the line.",
                DiagnosticLevel.Note, 3.1, fix: TorFixes.Delete(port.Line, "remove the DirPort line"));
        }

        foreach (var port in config.Ports("ORPort").Where(p => p.Spec.PortNumber == 9001))
        {
            ctx.Report(port.Line.At(port.Spec.AddressSpan.Length > 0 ? port.Spec.AddressSpan : port.Line.Entry.ValueSpan),
                "ORPort 9001 is the port everyone associates with Tor, and censors scan for it; pick another port for a bridge (and update the firewall and compose publish).",
                DiagnosticLevel.Note, 4.3);
        }

        foreach (var line in config.All("ServerTransportListenAddr"))
        {
            if (line.Value.TrimEnd().EndsWith(":9001", StringComparison.Ordinal))
            {
                ctx.Report(line.Location, "The pluggable transport listens on port 9001, the port censors scan for Tor; pick another port.",
                    DiagnosticLevel.Note, 4.3);
            }
        }
    }
}
