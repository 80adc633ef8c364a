using System.Collections.Immutable;
using ConfigLint.Analysis.Engine;
using ConfigLint.Semantics;
using ConfigLint.Semantics.Compose;
using ConfigLint.Semantics.Nginx;
using ConfigLint.Semantics.Squid;
using ConfigLint.Semantics.Tor;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Tor;

namespace ConfigLint.Analysis.Model;

// What `configlint compile` prints: the deployment model as plain values (paths as shown to the user). The names are
// the JSON contract of issue 12; the renderer writes them as they are here, in camelCase.

public sealed record CompiledModel(ImmutableArray<CompiledProject> Projects, ImmutableArray<StandaloneFile> Standalone);

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

public sealed record CompiledServiceNetwork(string Name, bool Internal);

public sealed record CompiledNetwork(string Name, bool Internal, bool External);

public sealed record CompiledPort(string? HostIp, string? Published, string Target, string Protocol, string Exposure);

public sealed record CompiledDaemon(string Kind, ImmutableArray<CompiledConfigFile> ConfigFiles, ImmutableArray<string> CommandLine, ImmutableArray<CompiledListener> Listeners);

public sealed record CompiledConfigFile(string Path, string Via);

public sealed record CompiledListener(string Option, string Address, string Port, ImmutableArray<string> Published);

public sealed record CompiledOnionService(string TorConfig, string HiddenServiceDir, ImmutableArray<CompiledOnionPort> Ports);

public sealed record CompiledOnionPort(int VirtualPort, string Target, CompiledBackend? Backend);

public sealed record CompiledBackend(string Service, string Path, int Line);

public sealed record StandaloneFile(string Path, string Kind);

/// <summary>Projects an analysis's <see cref="Deployment"/> onto the <see cref="CompiledModel"/> contract.</summary>
public static class ModelCompiler
{
    private static readonly string[] TorListenerOptions = ["SocksPort", "ControlPort", "MetricsPort", "ORPort", "DirPort", "TransPort", "NATDPort", "DNSPort", "HTTPTunnelPort", "ExtORPort"];

    public static CompiledModel Compile(AnalysisResult result)
    {
        var deployment = result.Deployment;
        var workspace = result.Workspace;
        string Show(SyntaxTree tree) => tree.Path;
        string ShowPath(string fullPath) => ((FileSystemWorkspace)workspace).DisplayPath(fullPath);

        var owned = new HashSet<SyntaxTree>();
        var projects = new List<CompiledProject>();
        foreach (var project in deployment.ComposeProjects.OrderBy(p => p.Directory, StringComparer.Ordinal))
        {
            owned.UnionWith(project.Files);
            var services = new List<CompiledService>();
            foreach (var service in project.Services)
            {
                var model = deployment.DockerfileOf(service);
                owned.UnionWith(model is null ? [] : [model.Tree]);
                var stage = model is null ? null : deployment.RuntimeStages(model).FirstOrDefault(s => service.Build?.Target is null || s.Name == service.Build.Target) ?? deployment.RuntimeStages(model).LastOrDefault();
                var build = service.Build is null ? null : new CompiledBuild(
                    model is not null ? Show(model.Tree) : service.Build.Dockerfile,
                    service.Build.Target,
                    stage is null ? null : stage.Name ?? stage.Index.ToString(System.Globalization.CultureInfo.InvariantCulture));
                var user = service.User?.Value ?? stage?.User?.User;
                var ports = service.Ports.Select(p => new CompiledPort(p.HostIp, p.Published, p.Target, p.Protocol, PortExposure.Of(service, p).ToText())).ToImmutableArray();
                var daemons = new List<CompiledDaemon>();
                var commandLine = service.Entrypoint.Concat(service.Command).Select(w => w.Value).ToImmutableArray();
                foreach (var tor in deployment.TorConfigsOf(service))
                {
                    owned.UnionWith(tor.Files);
                    daemons.Add(new CompiledDaemon("tor", ConfigFiles(tor.Main, tor.Files, service, model, deployment, workspace, "%include"), commandLine, TorListeners(tor, service)));
                }

                foreach (var squid in deployment.SquidConfigs.Where(c => deployment.ServicesRunning(c.Main).Contains(service)))
                {
                    owned.UnionWith(squid.Files);
                    daemons.Add(new CompiledDaemon("squid", ConfigFiles(squid.Main, squid.Files, service, model, deployment, workspace, "include"), commandLine,
                        [.. squid.Ports.Select(p => Listener(p.Line.Name, p.Address ?? "*", p.PortText, service))]));
                }

                foreach (var nginx in deployment.NginxConfigs.Where(c => deployment.ServicesRunning(c.Main).Contains(service)))
                {
                    owned.UnionWith(nginx.Files);
                    var listens = nginx.All.Where(n => n.Name == "server" && n.Enclosing("http") is not null)
                        .SelectMany(NginxConfig.Listens).Select(l => Listener("listen", l.Address, l.Port, service)).Distinct().ToImmutableArray();
                    daemons.Add(new CompiledDaemon("nginx", ConfigFiles(nginx.Main, nginx.Files, service, model, deployment, workspace, "include"), commandLine, listens));
                }

                services.Add(new CompiledService(
                    service.Name,
                    service.Image?.Value,
                    build,
                    user,
                    [.. service.EffectiveNetworks.Select(n => new CompiledServiceNetwork(n.Name, n.Internal))],
                    service.NetworkMode?.Value,
                    ports,
                    [.. daemons])
                {
                    Sources = [.. service.Sources.Select(src =>
                    {
                        var lines = src.Tree.Text.Lines.GetLinePositionSpan(src.Mapping.Span);
                        return (src.Tree.Path, lines.Start.Line + 1, lines.End.Line + 1);
                    })],
                    Files = [.. daemons.SelectMany(d => d.ConfigFiles.Select(f => f.Path)).Concat(model is null ? [] : [model.Tree.Path]).Distinct()],
                });
            }

            var onions = new List<CompiledOnionService>();
            var backends = deployment.OnionBackends(project).ToList();
            foreach (var tor in project.Services.SelectMany(s => deployment.TorConfigsOf(s)).Distinct())
            {
                foreach (var hs in tor.HiddenServices)
                {
                    var onionPorts = hs.Ports.Select(p =>
                    {
                        var backend = backends.FirstOrDefault(b => b.Line == p.Line);
                        var target = p.Port.UnixPath is { } unix ? "unix:" + unix : $"{p.Port.TargetAddress}:{p.Port.TargetPort?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? p.Port.VirtualPort.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
                        return new CompiledOnionPort(p.Port.VirtualPort, target,
                            backend.Backend is null ? null : new CompiledBackend(backend.Backend.Name, Show(backend.Backend.NameLocation.Tree), backend.Backend.NameLocation.LineSpan.Start.Line + 1));
                    }).ToImmutableArray();
                    onions.Add(new CompiledOnionService(Show(tor.Main), hs.Dir.Value.Trim(), onionPorts));
                }
            }

            projects.Add(new CompiledProject(
                ShowPath(project.Directory),
                [.. project.Files.Select(f => Show(f))],
                [.. services],
                [.. project.Networks.Values.OrderBy(n => n.Name, StringComparer.Ordinal).Select(n => new CompiledNetwork(n.Name, n.Internal, n.External))],
                [.. onions]));
        }

        // Files no compose project runs: a standalone daemon config or Dockerfile, or a fragment.
        var standalone = new List<StandaloneFile>();
        var roots = new HashSet<SyntaxTree>(deployment.TorConfigs.Select(c => c.Main).Concat(deployment.SquidConfigs.Select(c => c.Main)).Concat(deployment.NginxConfigs.Select(c => c.Main)).Concat(deployment.Dockerfiles.Select(d => d.Tree)));
        foreach (var tree in deployment.Trees.Where(t => !owned.Contains(t) && roots.Contains(t)).OrderBy(t => t.Path, StringComparer.Ordinal))
        {
            standalone.Add(new StandaloneFile(Show(tree), KindOf(tree.Language)));
        }

        return new CompiledModel([.. projects], [.. standalone]);
    }

    private static string KindOf(Language language) => language switch
    {
        Language.Tor => "tor",
        Language.Squid => "squid",
        Language.Nginx => "nginx",
        Language.Dockerfile => "dockerfile",
        Language.Compose => "compose",
        _ => "iptables",
    };

    /// <summary>A daemon's configuration files and how each reaches it: the main file by bind mount or COPY, the rest by include.</summary>
    private static ImmutableArray<CompiledConfigFile> ConfigFiles(SyntaxTree main, ImmutableArray<SyntaxTree> files, ComposeService service,
        Semantics.Dockerfile.DockerfileModel? model, Deployment deployment, IWorkspace workspace, string include)
    {
        var mainPath = workspace.FullPathOf(main);
        var mounted = service.HostMounts.FirstOrDefault(m => m.HostPath is { } host && PathContainment.IsAtOrBelow(mainPath, host.TrimEnd(Path.DirectorySeparatorChar)));
        var via = mounted is not null ? $"bind mount to {mounted.Target}" : model is not null ? $"COPY in {model.Tree.Path}" : "linked";
        return [new CompiledConfigFile(main.Path, via), .. files.Where(f => f != main).Select(f => new CompiledConfigFile(f.Path, $"{include} from {main.Path}"))];
    }

    private static ImmutableArray<CompiledListener> TorListeners(TorConfig tor, ComposeService service)
    {
        var listeners = new List<CompiledListener>();
        foreach (var option in TorListenerOptions)
        {
            foreach (var port in tor.Ports(option))
            {
                var spec = port.Spec;
                if (spec.Kind == TorPortKind.Unix)
                {
                    listeners.Add(new CompiledListener(option, "unix:" + spec.UnixPath, string.Empty, []));
                }
                else if (spec.Port is { } number && number != "0")
                {
                    listeners.Add(Listener(option, spec.Address, number, service));
                }
            }
        }

        return [.. listeners];
    }

    /// <summary>A listener and the published ports (host side, with their exposure) that reach it.</summary>
    private static CompiledListener Listener(string option, string address, string port, ComposeService service)
    {
        var published = new List<string>();
        if (int.TryParse(port, out var number))
        {
            foreach (var p in service.Ports.Where(p => p.TargetPorts.Contains(number)))
            {
                published.Add($"{(string.IsNullOrEmpty(p.HostIp) ? "0.0.0.0" : p.HostIp)}:{p.Published ?? "(any)"} ({PortExposure.Of(service, p).ToText()})");
            }

            if (service.IsHostNetwork)
            {
                published.Add($"host network ({Exposure.HostNetwork.ToText()})");
            }
        }

        return new CompiledListener(option, address, port, [.. published]);
    }
}
