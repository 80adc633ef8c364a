using ConfigLint.Analysis;
using ConfigLint.Semantics;
using ConfigLint.Semantics.Compose;
using ConfigLint.Syntax;
using static ConfigLint.Rules.CrossFile.CrossFileFacts;
using static ConfigLint.Rules.CrossFile.OnionFacts;

namespace ConfigLint.Rules.CrossFile;

/// <summary>XF003. Docs: rules/crossfile/XF003.onion-backend-not-isolated/README.md</summary>
public sealed class OnionBackendNotIsolated : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("XF003", "onion-backend-not-isolated",
        "Keep an onion service's backend on internal networks only, with no published ports.", null, DiagnosticLevel.Error, 9.0, FixClass.None, "security", "CWE-200", "cross-file");

    private const string Leak = "an SSRF, webhook, avatar fetch, update check or DNS lookup by the backend leaves from the server's real address";

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterDeploymentAction(Check);

    private static void Check(DeploymentContext ctx)
    {
        var forwards = Resolved(ctx.Deployment).ToList();

        // A loopback target resolves to tor's container and to every service sharing its stack; when one does, that is the app.
        var shared = forwards.Where(f => f.Backend != f.TorService && InTorStack(f)).Select(f => f.Line).ToHashSet();
        foreach (var group in forwards.Where(f => !(f.Backend == f.TorService && shared.Contains(f.Line))).GroupBy(f => f.Backend!))
        {
            var backend = group.Key;
            var lines = group.DistinctBy(f => f.Line).ToList();
            var hs = string.Join(", ", lines.Select(Describe));
            var related = lines.Select(HsRelated).ToList();
            if (lines.Any(InTorStack))
            {
                SameStack(ctx, backend, lines, hs, related);
                continue;
            }

            Separate(ctx, backend, lines[0].TorService!, hs, related);
        }
    }

    /// <summary>The app shares tor's network stack: it has tor's egress (catalog: single container, warning 6.5).</summary>
    private static void SameStack(DeploymentContext ctx, ComposeService backend, List<OnionForward> lines, string hs, List<RelatedLocation> related)
    {
        var tor = lines[0].TorService!;
        var torEgress = tor.NetworkMode is null ? tor.HasNonInternalNetwork : tor.NetworkMode.Value != "none";
        if (!torEgress)
        {
            return;
        }

        if (backend == tor)
        {
            // One finding per HiddenServicePort line: each is a target to change.
            foreach (var forward in lines)
            {
                ctx.Report(forward.Line.Location,
                    $"'{forward.Line.Name} {forward.Line.Value}' sends onion visitors to a backend inside service '{tor.Name}' itself ({At(tor.NameLocation)}): the app shares tor's network stack and tor's Internet egress, so {Leak}. Run the app in its own container on an 'internal: true' network shared with tor and point the target at it.",
                    DiagnosticLevel.Warning, 6.5, [new RelatedLocation(tor.NameLocation, $"Service '{tor.Name}' runs tor and the onion service's backend in one network stack.")]);
            }

            return;
        }

        ctx.Report(backend.NetworkMode!.Location,
            $"Service '{backend.Name}' answers {hs} through 'network_mode: {backend.NetworkMode.Value}', so it shares tor's network stack and tor's Internet egress: {Leak}. Give it its own network stack on an 'internal: true' network shared with tor and target it by name.",
            DiagnosticLevel.Warning, 6.5, related);
    }

    /// <summary>A backend in its own container: its network mode, networks and ports decide (catalog XF003 a–d).</summary>
    private static void Separate(DeploymentContext ctx, ComposeService backend, ComposeService tor, string hs, List<RelatedLocation> related)
    {
        var who = $"Service '{backend.Name}' answers {hs}";
        if (backend.NetworkMode is { } mode && mode.Value != "none")
        {
            var owner = backend.SharesNetworkWith is { } name ? backend.Project.Service(name) : null;
            if (backend.IsHostNetwork || mode.Value == "bridge")
            {
                ctx.Report(mode.Location,
                    $"{who} and uses 'network_mode: {mode.Value}': {(backend.IsHostNetwork ? "it is on the host's own network, reachable on the host's addresses and with its egress" : "Docker's default bridge is not internal and has Internet egress")}, so {Leak}. Attach it only to an 'internal: true' network shared with tor.",
                    related: related);
            }
            else if (owner is not null && (owner.IsHostNetwork || (owner.NetworkMode is null ? owner.HasNonInternalNetwork : owner.NetworkMode.Value != "none")))
            {
                ctx.Report(mode.Location,
                    $"{who} and shares the network stack of service '{owner.Name}' ('network_mode: {mode.Value}'), which is not internal-only: {Leak}. Attach it only to an 'internal: true' network shared with tor.",
                    related: [.. related, new RelatedLocation(owner.NameLocation, $"Service '{owner.Name}' has Internet egress.")]);
            }

            return;
        }

        foreach (var network in backend.EffectiveNetworks.Where(n => !n.Internal))
        {
            var attachment = (backend.Networks ?? []).FirstOrDefault(n => n.Name == network.Name);
            var where = attachment?.Location ?? backend.NameLocation;
            var what = attachment is null ? "joins the implicit 'default' network (it lists no 'networks:')" : $"joins network '{network.Name}'";
            var networkRelated = network.Location is { } defined ? [.. related, new RelatedLocation(defined, $"Network '{network.Name}' is {(network.External ? "external" : "not internal")}.")] : related;
            // tor must reach the Tor network: an external network that is tor's only one has egress, whatever its type.
            var torOnlyNetwork = tor.NetworkMode is null && tor.EffectiveNetworks.Select(n => n.Name).SequenceEqual([network.Name]);
            if (network.External && torOnlyNetwork)
            {
                ctx.Report(where,
                    $"{who} and {what}, an external network that is also the only network of service '{tor.Name}', which needs Internet egress to reach the Tor network: so the network has egress, and {Leak}. Attach the backend only to an 'internal: true' network shared with tor.",
                    related: [.. networkRelated, new RelatedLocation(tor.NameLocation, $"Service '{tor.Name}' runs tor on network '{network.Name}' only.")]);
            }
            else if (network.External)
            {
                ctx.Report(where,
                    $"{who} and {what}, an external network whose type this project does not show: unless it is internal, {Leak}. Use a network declared here with 'internal: true'.",
                    DiagnosticLevel.Warning, 6.5, networkRelated);
            }
            else
            {
                ctx.Report(where,
                    $"{who} and {what}, which is not 'internal: true', so the backend has Internet egress: {Leak}. Attach it only to an internal network shared with tor.",
                    related: networkRelated);
            }
        }

        foreach (var port in backend.Ports)
        {
            var exposure = PortExposure.Of(backend, port);
            if (exposure == Exposure.SuppressedInternal)
            {
                ctx.Report(port.Location,
                    $"{who} and publishes '{port.Text}', which Docker does not map because every network of the service is an internal bridge; it would publish the onion content on clearnet the day a non-internal network (or Swarm's ingress) is added. Remove the publish.",
                    DiagnosticLevel.Note, 2.0, related);
            }
            else if (PortExposure.Reach(exposure) >= 2)
            {
                var published = new PublishedPort(backend, port, exposure);
                ctx.Report(port.Location,
                    $"{who} and publishes '{port.Text}' {Where(published)}: scanners that fetch the host's addresses can match the onion site's content, headers and certificates to the server's real address. Remove the publish; tor reaches the backend over the internal network.",
                    related: related);
            }
        }
    }
}
