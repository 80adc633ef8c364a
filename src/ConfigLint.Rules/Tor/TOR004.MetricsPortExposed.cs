using ConfigLint.Analysis;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Tor;

namespace ConfigLint.Rules.Tor;

/// <summary>TOR004. Docs: rules/torrc/TOR004.metrics-port-exposed/README.md</summary>
public sealed class MetricsPortExposed : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("TOR004", "metrics-port-exposed",
        "Keep MetricsPort local and its policy narrow.", Language.Tor, DiagnosticLevel.Warning, 5.3, FixClass.None, "security", "CWE-200");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterTorConfigAction(Check);

    private static void Check(TorConfigContext ctx)
    {
        var ports = ctx.Config.Ports("MetricsPort").Where(p => p.Spec.Kind != TorPortKind.Disabled).ToList();
        var policy = ctx.Config.Policy("MetricsPortPolicy");
        foreach (var port in ports)
        {
            if (port.Spec.Kind == TorPortKind.Tcp && port.Spec.Scope != AddressScope.Loopback)
            {
                ctx.Report(port.Line.At(port.Spec.AddressSpan),
                    $"MetricsPort '{TorFacts.Describe(port)}' listens beyond loopback; the manual warns that exposing tor metrics publicly is dangerous to Tor users; bind it to 127.0.0.1 or an internal address.",
                    DiagnosticLevel.Warning, 5.3);
            }
            else if (policy.Count == 0)
            {
                ctx.Report(port.Line.At(port.Spec.AddressSpan),
                    $"MetricsPort '{TorFacts.Describe(port)}' has no MetricsPortPolicy, so tor rejects every request and the metrics are unusable; add 'MetricsPortPolicy accept <scraper address>'.",
                    DiagnosticLevel.Note, 2.0);
            }
        }

        var reported = new HashSet<object>();
        foreach (var entry in policy)
        {
            var item = entry.Item;
            if (!item.Accept)
            {
                continue;
            }

            var broad = item.AddressKind is PolicyAddressKind.Any or PolicyAddressKind.AnyIPv4 or PolicyAddressKind.AnyIPv6
                || item.MaskBits == 0
                || (item.AddressKind == PolicyAddressKind.Private)
                || (item.MaskBits is { } bits && bits <= 16 && NetAddress.Classify(item.Address) == AddressScope.Private);
            if (broad && reported.Add(entry.Line))
            {
                ctx.Report(entry.Location,
                    $"MetricsPortPolicy entry '{item.Text}' accepts a whole network, which covers every container on the bridge (and, through docker-proxy, IPv6 Internet clients); accept only the scraper's address.",
                    DiagnosticLevel.Warning, 6.5);
            }
        }
    }
}
