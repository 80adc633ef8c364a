using ConfigLint.Analysis;
using ConfigLint.Semantics.Tor;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Tor;

/// <summary>TOR007. Docs: rules/torrc/TOR007.tor-reaches-private-networks/README.md</summary>
public sealed class TorReachesPrivateNetworks : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("TOR007", "tor-reaches-private-networks",
        "Keep tor's defaults that block private and internal addresses.", Language.Tor, DiagnosticLevel.Error, 8.6, FixClass.Safe, "security", "CWE-918");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterTorConfigAction(Check);

    private static void Check(TorConfigContext ctx)
    {
        var config = ctx.Config;
        if (config.IsTrue("TestingTorNetwork"))
        {
            return;
        }

        var reported = new HashSet<TorLine>();
        if (TorFacts.IsExit(config) && config.Is("ExitPolicyRejectPrivate", "0") && config.Last("ExitPolicyRejectPrivate") is { } rp)
        {
            reported.Add(rp);
            ctx.Report(rp.Location, "ExitPolicyRejectPrivate 0 lets every Tor user reach this exit's private networks: sibling containers, host services and cloud metadata (169.254.169.254); remove the line.",
                DiagnosticLevel.Error, 8.6, fix: TorFixes.Delete(rp, "remove 'ExitPolicyRejectPrivate 0'"));

            foreach (var entry in config.Policy("ExitPolicy"))
            {
                if (!entry.Item.Accept && entry.Item.CoversFamily(false) && entry.Item.CoversFamily(true))
                {
                    break;
                }

                if (entry.Item.Accept && entry.Item.CoversPrivateRange && reported.Add(entry.Line))
                {
                    ctx.Report(entry.Location, $"ExitPolicy entry '{entry.Item.Text}' accepts private, loopback or link-local addresses and ExitPolicyRejectPrivate is 0, so Tor users can reach internal services; remove it.",
                        DiagnosticLevel.Error, 8.6);
                }
            }
        }

        if (config.IsTrue("ExtendAllowPrivateAddresses") && config.Last("ExtendAllowPrivateAddresses") is { } ext)
        {
            ctx.Report(ext.Location, "ExtendAllowPrivateAddresses 1 lets circuits extend to private addresses, which the manual says 'can create security issues'; remove the line.",
                DiagnosticLevel.Warning, 6.5, fix: TorFixes.Delete(ext, "remove 'ExtendAllowPrivateAddresses 1'"));
        }

        if (config.HasClientPorts || config.HasOnionServices)
        {
            foreach (var option in new[] { "ClientRejectInternalAddresses", "ClientDNSRejectInternalAddresses" })
            {
                if (config.Is(option, "0") && config.Last(option) is { } line)
                {
                    ctx.Report(line.Location, $"{option} 0 lets hostile names resolve to, or streams reach, internal addresses (DNS rebinding towards internal services); remove the line.",
                        DiagnosticLevel.Warning, 5.4, fix: TorFixes.Delete(line, $"remove '{option} 0'"));
                }
            }
        }
    }
}
