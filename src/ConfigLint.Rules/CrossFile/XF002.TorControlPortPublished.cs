using ConfigLint.Analysis;
using ConfigLint.Rules.Compose;
using ConfigLint.Rules.Tor;
using ConfigLint.Semantics;
using ConfigLint.Semantics.Compose;
using ConfigLint.Syntax;
using static ConfigLint.Rules.CrossFile.CrossFileFacts;

namespace ConfigLint.Rules.CrossFile;

/// <summary>XF002. Docs: rules/crossfile/XF002.tor-control-port-published/README.md</summary>
public sealed class TorControlPortPublished : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("XF002", "tor-control-port-published",
        "Do not publish tor's ControlPort or MetricsPort.", null, DiagnosticLevel.Error, 9.6, FixClass.Safe, "security", "CWE-668", "cross-file");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterDeploymentAction(Check);

    private static void Check(DeploymentContext ctx)
    {
        foreach (var daemon in ctx.Deployment.Daemons.Where(d => d.Tor is not null && d.Service is not null))
        {
            var service = daemon.Service!;
            var auth = TorFacts.HasControlAuth(daemon.Tor!);
            foreach (var listener in daemon.Listeners.Where(l => l.Option is "ControlPort" or "MetricsPort" && l.Number is not null && l.Scope != AddressScope.Loopback))
            {
                var what = Describe(listener);
                // Without a MetricsPortPolicy tor rejects every metrics request (tor.1: "MetricsPortPolicy must be defined").
                var metricsOpen = daemon.Tor!.Policy("MetricsPortPolicy").Any(e => e.Item.Accept);
                var (level, score, risk) = listener.Option == "MetricsPort"
                    ? metricsOpen
                        ? (DiagnosticLevel.Error, 7.5, "the metrics (circuit, stream and onion-service counters) are served to whoever the MetricsPortPolicy accepts, and through docker-proxy IPv6 clients arrive with the bridge gateway's private address (moby/moby#44015), so a policy admitting private ranges admits the Internet")
                        : (DiagnosticLevel.Note, 3.0, "no MetricsPortPolicy accepts anyone, so tor refuses every request; the publish only adds an open port")
                    : auth
                        ? (DiagnosticLevel.Error, 9.6, "anyone who can reach the host can try the control password, and a controller can read the host's real address ('GETINFO address') and rewrite the configuration")
                        : (DiagnosticLevel.Note, 3.0, "tor closes a non-loopback ControlPort without authentication itself (TOR003), so the publish exposes nothing until authentication is added");
                var listenerSide = new RelatedLocation(listener.Location, $"{what}: the listener the publish reaches.");
                if (listener.OnHostNetwork && service.NetworkMode is { } mode)
                {
                    ctx.Report(listener.Location,
                        $"{what} listens beyond loopback and service '{service.Name}' uses the host's network ('network_mode: host', {At(mode.Location)}): {risk}; bind it to 127.0.0.1.",
                        level, score, [new RelatedLocation(mode.Location, $"Service '{service.Name}' shares the host's network stack.")]);
                    continue;
                }

                foreach (var p in listener.Published.Where(p => p.Port.Protocol == "tcp" && PortExposure.Reach(p.Exposure) >= 2))
                {
                    var fix = ComposeFixes.BindToLoopback(p.Port);
                    ctx.Report(p.Port.Location,
                        $"{what} ({At(listener.Location)}) is published {Where(p)} as '{p.Port.Text}' by service '{service.Name}': {risk}. Publish it on 127.0.0.1 only.",
                        level, score, [listenerSide], fix is null ? null : Fix.Safe("publish on 127.0.0.1", fix));
                }
            }
        }
    }
}
