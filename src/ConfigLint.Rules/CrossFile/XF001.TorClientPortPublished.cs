using ConfigLint.Analysis;
using ConfigLint.Rules.Compose;
using ConfigLint.Rules.Tor;
using ConfigLint.Semantics;
using ConfigLint.Semantics.Compose;
using ConfigLint.Syntax;
using static ConfigLint.Rules.CrossFile.CrossFileFacts;

namespace ConfigLint.Rules.CrossFile;

/// <summary>XF001. Docs: rules/crossfile/XF001.tor-client-port-published/README.md</summary>
public sealed class TorClientPortPublished : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("XF001", "tor-client-port-published",
        "Do not publish tor's client ports to the network.", null, DiagnosticLevel.Error, 9.1, FixClass.Safe, "security", "CWE-668", "cross-file");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterDeploymentAction(Check);

    private static void Check(DeploymentContext ctx)
    {
        foreach (var daemon in ctx.Deployment.Daemons.Where(d => d.Tor is not null && d.Service is not null))
        {
            var service = daemon.Service!;
            foreach (var listener in daemon.Listeners.Where(l => TorFacts.ClientPortOptions.Contains(l.Option) && l.Number is not null))
            {
                // tor's DNSPort answers UDP; the other client ports are TCP.
                var protocol = listener.Option == "DNSPort" ? "udp" : "tcp";
                var published = listener.Published.Where(p => p.Port.Protocol.Equals(protocol, StringComparison.OrdinalIgnoreCase)).ToList();
                var what = Describe(listener);
                if (listener.Scope == AddressScope.Loopback)
                {
                    // Docker forwards to the container's network address: a loopback listener is reached by no publish.
                    foreach (var p in published.Where(p => PortExposure.Reach(p.Exposure) >= 2))
                    {
                        ctx.Report(p.Port.Location,
                            $"Port '{p.Port.Text}' of service '{service.Name}' publishes nothing: {what} ({At(listener.Location)}) listens on the container's loopback, which Docker's port forwarding does not reach; remove the publish (keep the listener on loopback).",
                            DiagnosticLevel.Note, 2.0, [new RelatedLocation(listener.Location, $"{what} listens on loopback inside the container.")]);
                    }

                    continue;
                }

                var who = Consequence(listener.Option);
                var policy = PolicyRemark(daemon, listener.Option);
                if (listener.OnHostNetwork && service.NetworkMode is { } mode)
                {
                    ctx.Report(listener.Location,
                        $"{what} listens beyond loopback and service '{service.Name}' uses the host's network ('network_mode: host', {At(mode.Location)}): it is open on the host's own interfaces, so {who}; bind it to 127.0.0.1.{policy}",
                        related: [new RelatedLocation(mode.Location, $"Service '{service.Name}' shares the host's network stack.")]);
                    continue;
                }

                foreach (var p in published)
                {
                    var related = new RelatedLocation(listener.Location, $"{what}: the listener the publish reaches.");
                    if (PortExposure.Reach(p.Exposure) >= 2)
                    {
                        var fix = ComposeFixes.BindToLoopback(p.Port);
                        ctx.Report(p.Port.Location,
                            $"{what} ({At(listener.Location)}, TOR001) is published {Where(p)} as '{p.Port.Text}' by service '{service.Name}': {who}. Publish it on 127.0.0.1 only.{policy}",
                            related: [related], fix: fix is null ? null : Fix.Safe("publish on 127.0.0.1", fix));
                    }
                    else if (p.Exposure == Exposure.Loopback)
                    {
                        ctx.Report(p.Port.Location,
                            $"{what} ({At(listener.Location)}) is published on the host's loopback as '{p.Port.Text}' by service '{service.Name}'. Docker before 28.0 also forwards such ports from other hosts on the local network (moby/moby#45610); on an older Docker, firewall it or use a unix socket.",
                            DiagnosticLevel.Note, 3.7, [related]);
                    }
                }
            }
        }
    }

    private static string Consequence(string option) => option switch
    {
        "DNSPort" => "anyone who can reach the host can use this tor as an open resolver (and for UDP amplification)",
        "TransPort" or "NATDPort" => "anyone who can reach the host can send traffic through this Tor transparent proxy",
        _ => "anyone who can reach the host can use this Tor proxy",
    };

    /// <summary>What the torrc's SocksPolicy does for a published listener: nothing against IPv6 clients through docker-proxy.</summary>
    private static string PolicyRemark(DaemonInstance daemon, string option)
    {
        if (option is not ("SocksPort" or "DNSPort" or "HTTPTunnelPort"))
        {
            return string.Empty;
        }

        return daemon.Tor!.Policy("SocksPolicy").Count == 0
            ? " No SocksPolicy limits who may use it (TOR002)."
            : " Its SocksPolicy does not close it: IPv6 clients reach an IPv4-only bridge through docker-proxy with the bridge gateway (inside 172.16.0.0/12) as their source address (moby/moby#44015).";
    }
}
