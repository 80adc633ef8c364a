using System.Collections.Immutable;
using System.Globalization;
using ConfigLint.Analysis.Engine;
using ConfigLint.Semantics;
using ConfigLint.Semantics.Compose;
using ConfigLint.Semantics.Iptables;
using ConfigLint.Semantics.Nginx;
using ConfigLint.Semantics.Squid;
using ConfigLint.Semantics.Tor;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Tor;

namespace ConfigLint.Analysis.Model;

// What `configlint compile` prints: the deployment model as plain values (paths as shown to the user). The names are
// the JSON contract of issue 12; the renderer writes them as they are here, in camelCase.

public sealed record CompiledModel(ImmutableArray<CompiledProject> Projects, ImmutableArray<StandaloneFile> Standalone, ImmutableArray<CompiledFirewall> Firewalls);

public sealed record CompiledProject(
    string Root,
    ImmutableArray<string> ComposeFiles,
    ImmutableArray<CompiledService> Services,
    ImmutableArray<CompiledNetwork> Networks,
    ImmutableArray<CompiledOnionService> OnionServices);

public sealed record CompiledService(
    string Name,
    string? Image,
    CompiledBuild? Build,
    string? User,
    ImmutableArray<CompiledServiceNetwork> Networks,
    string? NetworkMode,
    ImmutableArray<CompiledPort> Ports,
    ImmutableArray<CompiledDaemon> Daemons)
{
    /// <summary>Where the service is written (its compose mappings, 1-based line ranges) and the files it runs: what <c>graph</c> marks findings on. Not part of the JSON.</summary>
    public ImmutableArray<(string Path, int FirstLine, int LastLine)> Sources { get; init; } = [];

    public ImmutableArray<string> Files { get; init; } = [];
}

public sealed record CompiledBuild(string? Dockerfile, string? Target, string? RuntimeStage);

/// <summary>A network a service joins, with its aliases and static addresses (what onion targets and other services resolve).</summary>
public sealed record CompiledServiceNetwork(string Name, bool Internal, ImmutableArray<string> Aliases, string? Ipv4Address, string? Ipv6Address);

/// <summary>A project network; <paramref name="HostBindingIpv4"/> is the bridge option that changes where unaddressed publishes bind.</summary>
public sealed record CompiledNetwork(string Name, bool Internal, bool External, string? Driver, string? HostBindingIpv4);

public sealed record CompiledPort(string? HostIp, string? Published, string Target, string Protocol, string Exposure);

public sealed record CompiledDaemon(string Kind, ImmutableArray<CompiledConfigFile> ConfigFiles, ImmutableArray<string> CommandLine, ImmutableArray<CompiledListener> Listeners)
{
    /// <summary>What the command line set that is shown but not merged into the configuration (nginx <c>-g</c>, <c>-c</c>; squid <c>-f</c>).</summary>
    public ImmutableArray<string> Notes { get; init; } = [];
}

/// <summary>A configuration file; <paramref name="Via"/> says how it got there in words, <paramref name="Mechanism"/> as a keyword (bindMount, configs, copy, include, defaults, standalone).</summary>
public sealed record CompiledConfigFile(string Path, string Via, string Mechanism);

public sealed record CompiledListener(string Option, string Address, string Port, ImmutableArray<string> Published);

public sealed record CompiledOnionService(string TorConfig, string HiddenServiceDir, ImmutableArray<CompiledOnionPort> Ports);

public sealed record CompiledOnionPort(int VirtualPort, string Target, CompiledBackend? Backend);

public sealed record CompiledBackend(string Service, string Path, int Line);

public sealed record StandaloneFile(string Path, string Kind);

/// <summary>
/// An iptables rule set (issue 14) and its egress: the other rule sets of its host, why it counts as a Tor transparent
/// proxy (or null), the torrc it was joined to, the compose services that carry it, what the deployment says about
/// IPv6 there (<c>disabled (…)</c>, <c>enabled (…)</c> or null), and per family what each probe packet ends in
/// (<see cref="FirewallEgress"/>).
/// </summary>
public sealed record CompiledFirewall(
    string Path,
    string Format,
    ImmutableArray<string> Families,
    ImmutableArray<string> Companions,
    CompiledTorProxy? TorProxy,
    CompiledFirewallTor? Tor,
    ImmutableArray<string> Carriers,
    string? Ipv6,
    ImmutableArray<CompiledEgress> Egress)
{
    /// <summary>The carriers as (project root, service name): what <c>graph</c> draws the rule set from. Not part of the JSON.</summary>
    public ImmutableArray<(string Project, string Service)> CarrierServices { get; init; } = [];
}

public sealed record CompiledTorProxy(string Reason, string Path, int Line);

/// <summary>The torrc files a rule set was joined to, how they were found, and their TransPort and DNSPort ports.</summary>
public sealed record CompiledFirewallTor(ImmutableArray<string> Configs, string Join, ImmutableArray<int> TransPorts, ImmutableArray<int> DnsPorts);

/// <summary>One family's probes; <paramref name="Gateway"/> when nat PREROUTING redirects (client probes follow the host's).</summary>
public sealed record CompiledEgress(string Family, bool Gateway, ImmutableArray<CompiledProbe> Probes);

/// <summary>
/// One probe's walk. <paramref name="Outcome"/>: <c>redirected</c>, <c>leaks</c>, <c>direct</c> (the tor user's own
/// connection let out), <c>blocked</c> or <c>unknown</c>. <paramref name="DecidedBy"/> is <c>rule</c> (at
/// <paramref name="Path"/>:<paramref name="Line"/>), <c>policy</c> (<paramref name="Policy"/>, at the line that set it, null for the
/// kernel's default) or null (nothing decided: an unknown outcome).
/// </summary>
public sealed record CompiledProbe(
    string Probe,
    string Label,
    string Traffic,
    string Packet,
    string Outcome,
    string? To,
    int? ToPort,
    string? TorListener,
    bool? ViaTor,
    string Chain,
    string? DecidedBy,
    string? Policy,
    string? Path,
    int? Line,
    string Reason);

/// <summary>Projects an analysis's <see cref="Deployment"/> onto the <see cref="CompiledModel"/> contract: it only reads the model's links.</summary>
public static class ModelCompiler
{
    public static CompiledModel Compile(AnalysisResult result)
    {
        var deployment = result.Deployment;
        string ShowPath(string fullPath) => ((FileSystemWorkspace)result.Workspace).DisplayPath(fullPath);

        var owned = new HashSet<SyntaxTree>();
        var projects = new List<CompiledProject>();
        foreach (var project in deployment.ComposeProjects.OrderBy(p => p.Directory, StringComparer.Ordinal))
        {
            owned.UnionWith(project.Files);
            var services = new List<CompiledService>();
            foreach (var service in project.Services)
            {
                var image = deployment.ImageOf(service);
                var model = image.Dockerfile;
                owned.UnionWith(model is null ? [] : [model.Tree]);
                var stage = image.RuntimeStage;
                var build = service.Build is null ? null : new CompiledBuild(
                    model is not null ? model.Tree.Path : service.Build.Dockerfile,
                    service.Build.Target,
                    stage is null ? null : stage.Name ?? stage.Index.ToString(CultureInfo.InvariantCulture));
                var user = service.User?.Value ?? stage?.User?.User ?? image.Known?.User;
                var daemons = deployment.DaemonsOf(service).Select(Daemon).ToImmutableArray();
                owned.UnionWith(deployment.DaemonsOf(service).SelectMany(d => d.ConfigFiles).Select(f => f.File));
                services.Add(new CompiledService(
                    service.Name,
                    service.Image?.Value,
                    build,
                    user,
                    [.. (service.Networks ?? [new ServiceNetwork("default", [], null, null, service.NameLocation)]).Select(n => (Joined: n, Network: project.Network(n.Name)))
                        .Select(n => new CompiledServiceNetwork(n.Network.Name, n.Network.Internal, n.Joined.Aliases, n.Joined.Ipv4Address, n.Joined.Ipv6Address))],
                    service.NetworkMode?.Value,
                    [.. service.Ports.Select(p => new CompiledPort(p.HostIp, p.Published, p.Target, p.Protocol, PortExposure.Of(service, p).ToText()))],
                    daemons)
                {
                    Sources = [.. service.Sources.Select(src =>
                    {
                        var lines = src.Tree.Text.Lines.GetLinePositionSpan(src.Mapping.Span);
                        return (src.Tree.Path, lines.Start.Line + 1, lines.End.Line + 1);
                    })],
                    Files = [.. daemons.SelectMany(d => d.ConfigFiles.Select(f => f.Path)).Concat(model is null ? [] : [model.Tree.Path]).Distinct()],
                });
            }

            var forwards = deployment.OnionForwards.ToLookup(f => (f.Config, f.Line));
            var onions = project.Services.SelectMany(s => deployment.TorConfigsOf(s)).Distinct()
                .SelectMany(tor => tor.HiddenServices.Select(hs => new CompiledOnionService(tor.Main.Path, hs.Dir.Value.Trim(),
                    [.. hs.Ports.Select(p => OnionPort(p.Port, forwards[(tor, p.Line)].FirstOrDefault()?.Backend))])))
                .ToImmutableArray();

            projects.Add(new CompiledProject(
                ShowPath(project.Directory),
                [.. project.Files.Select(f => f.Path)],
                [.. services],
                [.. project.Networks.Values.OrderBy(n => n.Name, StringComparer.Ordinal).Select(n => new CompiledNetwork(n.Name, n.Internal, n.External, n.Driver, n.HostBindingIpv4))],
                onions));
        }

        // Files no compose project runs: a standalone daemon config or Dockerfile, or a fragment.
        var standalone = new List<StandaloneFile>();
        var roots = new HashSet<SyntaxTree>(deployment.TorConfigs.Select(c => c.Main).Concat(deployment.SquidConfigs.Select(c => c.Main)).Concat(deployment.NginxConfigs.Select(c => c.Main)).Concat(deployment.Dockerfiles.Select(d => d.Tree)));
        foreach (var tree in deployment.Trees.Where(t => !owned.Contains(t) && roots.Contains(t)).OrderBy(t => t.Path, StringComparer.Ordinal))
        {
            standalone.Add(new StandaloneFile(tree.Path, KindOf(tree.Language)));
        }

        return new CompiledModel([.. projects], [.. standalone],
            [.. deployment.Firewalls.OrderBy(f => f.RuleSet.Tree.Path, StringComparer.Ordinal).Select(f => Firewall(f, ShowPath))]);
    }

    private static CompiledFirewall Firewall(Firewall firewall, Func<string, string> showPath)
    {
        var ruleSet = firewall.RuleSet;
        var ipv6 = firewall.Ipv6Disabled is { } off ? $"disabled ({off.Text})" : firewall.Ipv6Enabled is { } on ? $"enabled ({on.Text})" : null;
        return new CompiledFirewall(
            ruleSet.Tree.Path,
            ruleSet.IsScript ? "script" : "iptables-save",
            [.. ruleSet.Families.Order().Select(FamilyKey)],
            [.. firewall.Companions.Select(c => c.Tree.Path).Order(StringComparer.Ordinal)],
            firewall.TorProxy is { } proxy ? new CompiledTorProxy(proxy.Reason, proxy.Rule.Location.Path, Line(proxy.Rule.Location)) : null,
            firewall.Tor.Length == 0 ? null : new CompiledFirewallTor([.. firewall.Tor.Select(t => t.Config.Main.Path)], firewall.TorJoin ?? string.Empty, firewall.TransPorts, firewall.DnsPorts),
            [.. firewall.Carriers.Select(c => c.Name)],
            ipv6,
            [.. FirewallEgress.Of(firewall).Select(e => new CompiledEgress(FamilyKey(e.Family), e.Gateway, [.. e.Results.Select(Probe)]))])
        {
            CarrierServices = [.. firewall.Carriers.Select(c => (showPath(c.Project.Directory), c.Name))],
        };

        CompiledProbe Probe(EgressResult r)
        {
            var at = r.Rule?.Location ?? r.PolicyLocation;
            return new CompiledProbe(r.Probe.Id, r.Probe.Label, r.Probe.Traffic == EgressTraffic.Local ? "local" : "client", r.Probe.Description,
                r.Outcome.ToString().ToLowerInvariant(), r.To, r.ToPort, r.TorListener, r.ViaTor, r.Chain,
                r.Rule is not null ? "rule" : r.Policy is not null ? "policy" : null, r.Rule is null ? r.Policy : null,
                at?.Path ?? (r.Policy is not null ? ruleSet.Tree.Path : null), at is null ? null : Line(at), r.Reason);
        }
    }

    private static string FamilyKey(IptablesFamily family) => family == IptablesFamily.V4 ? "ipv4" : "ipv6";

    private static int Line(SourceLocation location) => location.LineSpan.Start.Line + 1;

    private static CompiledDaemon Daemon(DaemonInstance daemon) => new(
        daemon.KindName,
        [.. daemon.ConfigFiles.Select(f => new CompiledConfigFile(f.File.Path, f.Detail, char.ToLowerInvariant(f.Via.ToString()[0]) + f.Via.ToString()[1..]))],
        [.. daemon.CommandLine.Select(w => w.Value)],
        [.. daemon.Listeners.Select(l => new CompiledListener(l.Option, l.Address, l.Port,
            [.. l.Published.Select(p => p.Describe()).Concat(l.OnHostNetwork && l.Number is not null ? [$"host network ({Exposure.HostNetwork.ToText()})"] : [])]))])
    {
        Notes = daemon.CommandLineNotes,
    };

    /// <summary>A HiddenServicePort and its first backend (the tor service itself, for a loopback target).</summary>
    private static CompiledOnionPort OnionPort(TorHiddenServicePort port, ComposeService? backend)
    {
        var target = port.UnixPath is { } unix ? "unix:" + unix : $"{port.TargetAddress}:{(port.TargetPort ?? port.VirtualPort).ToString(CultureInfo.InvariantCulture)}";
        return new CompiledOnionPort(port.VirtualPort, target,
            backend is null ? null : new CompiledBackend(backend.Name, backend.NameLocation.Tree.Path, backend.NameLocation.LineSpan.Start.Line + 1));
    }

    private static string KindOf(Language language) => Languages.Of(language).Name switch
    {
        "torrc" => "tor",
        var name => name,
    };
}
