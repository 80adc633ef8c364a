using ConfigLint.Analysis;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Tor;

namespace ConfigLint.Rules.Tor;

/// <summary>TOR011. Docs: rules/torrc/TOR011.onion-target-leaves-host/README.md</summary>
public sealed class OnionTargetLeavesHost : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("TOR011", "onion-target-leaves-host",
        "Point HiddenServicePort at loopback, a unix socket or a fixed internal address.", Language.Tor, DiagnosticLevel.Warning, 7.4, FixClass.None, "security", "CWE-319");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterTorLineAction(Check, "HiddenServicePort");

    private static void Check(TorLineContext ctx)
    {
        if (ctx.Line.Value.Length == 0)
        {
            return;
        }

        var port = TorHiddenServicePort.Parse(ctx.Line.Entry);
        if (port.Error is not null || port.UnixPath is not null)
        {
            return;
        }

        switch (port.TargetScope)
        {
            case AddressScope.Public:
                ctx.Report(ctx.Line.At(port.TargetSpan),
                    $"HiddenServicePort forwards to public address '{port.TargetAddress}': onion traffic leaves the host in clear text and the onion is linked to that server; run the backend locally and forward to 127.0.0.1 or a unix socket.",
                    DiagnosticLevel.Warning, 7.4);
                break;
            case AddressScope.Hostname:
                ctx.Report(ctx.Line.At(port.TargetSpan),
                    $"HiddenServicePort target '{port.TargetAddress}' is a host name that tor resolves once at start-up: if the backend container is recreated with a new address, tor keeps forwarding to the old one, and a misspelt name leaks to upstream DNS; prefer a unix socket or a fixed ipv4_address.",
                    DiagnosticLevel.Note, 2.5);
                break;
        }
    }
}
