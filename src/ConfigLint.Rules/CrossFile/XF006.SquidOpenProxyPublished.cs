using System.Net;
using ConfigLint.Analysis;
using ConfigLint.Semantics;
using ConfigLint.Semantics.Compose;
using ConfigLint.Semantics.Squid;
using ConfigLint.Syntax;
using static ConfigLint.Rules.CrossFile.CrossFileFacts;

namespace ConfigLint.Rules.CrossFile;

/// <summary>XF006. Docs: rules/crossfile/XF006.squid-open-proxy-published/README.md</summary>
public sealed class SquidOpenProxyPublished : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("XF006", "squid-open-proxy-published",
        "Do not publish a squid whose http_access lets Internet clients through.", null, DiagnosticLevel.Error, 9.3, FixClass.None, "security", "CWE-441", "cross-file");

    /// <summary>Docker's default bridge gateway: what docker-proxy shows as the source of IPv6 clients on an IPv4-only bridge (inside localnet's 172.16.0.0/12).</summary>
    private static readonly IPAddress Gateway = IPAddress.Parse("172.17.0.1");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterDeploymentAction(Check);

    private static void Check(DeploymentContext ctx)
    {
        foreach (var daemon in ctx.Deployment.Daemons.Where(d => d.Squid is not null && d.Service is not null))
        {
            var squid = daemon.Squid!;
            var service = daemon.Service!;
            var rules = squid.AccessList("http_access");
            foreach (var port in squid.ForwardPorts.Where(p => p.Address is null or "0.0.0.0" or "::" or "[::]" && !p.Has("require-proxy-header")))
            {
                var listener = daemon.Listeners.FirstOrDefault(l => l.Location == port.Line.Location);
                if (listener is null)
                {
                    continue;
                }

                var published = listener.Published.Where(p => p.Port.Protocol == "tcp" && PortExposure.Reach(p.Exposure) >= 2).ToList();
                if (published.Count == 0 && !listener.OnHostNetwork)
                {
                    continue;
                }

                // An Internet client as itself (DNAT keeps its address; the host network sees it directly), then an IPv6
                // Internet client through docker-proxy, which squid sees as the bridge gateway.
                var direct = SquidAccess.Evaluate(squid, rules, new SquidClient(false, port));
                var viaGateway = listener.OnHostNetwork ? null : SquidAccess.Evaluate(squid, rules, new SquidClient(false, port, Source: Gateway));
                var outcome = direct.Allowed ? direct : viaGateway is { Allowed: true } ? viaGateway : null;
                if (outcome is null)
                {
                    continue;
                }

                var how = outcome == direct
                    ? "any Internet client"
                    : "IPv6 Internet clients, which Docker's userland proxy hands to squid from the bridge gateway (172.17.0.1, inside localnet's 172.16.0.0/12)";
                var decider = outcome.Decider is { } d
                    ? outcome.Implicit ? $"no http_access line matches, so the opposite of the last one ('{d.Line.Text}') applies" : $"'{d.Line.Text}' ({At(d.Line.Location)}) lets them through"
                    : "nothing denies them";
                var related = new List<RelatedLocation> { new(port.Line.Location, $"'{port.Line.Text}': the forward-proxy port the publish reaches.") };
                if (outcome.Decider is { } rule)
                {
                    related.Add(new RelatedLocation(rule.Line.Location, $"The http_access line that decides for {(outcome == direct ? "Internet clients" : "the gateway address")}."));
                }

                if (listener.OnHostNetwork && service.NetworkMode is { } mode)
                {
                    ctx.Report(mode.Location,
                        $"Service '{service.Name}' runs squid on the host's network with '{port.Line.Text}' on every address, and {decider} for {how}: an open proxy anyone can relay through. Bind http_port to a private address and allow only known networks.",
                        related: related);
                    continue;
                }

                foreach (var p in published)
                {
                    ctx.Report(p.Port.Location,
                        $"Service '{service.Name}' publishes squid's '{port.Line.Text}' ({At(port.Line.Location)}) {Where(p)} as '{p.Port.Text}', and {decider} for {how}: an open proxy anyone can relay through. Publish it on 127.0.0.1 or a private address, and allow only authenticated users or known public addresses.",
                        related: related);
                }
            }
        }
    }
}
