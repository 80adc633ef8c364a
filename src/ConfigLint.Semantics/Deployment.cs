using System.Collections.Immutable;
using ConfigLint.Semantics.Compose;
using ConfigLint.Semantics.Dockerfile;
using ConfigLint.Semantics.Nginx;
using ConfigLint.Semantics.Squid;
using ConfigLint.Semantics.Tor;
using ConfigLint.Syntax;

namespace ConfigLint.Semantics;

/// <summary>
/// The whole deployment: every parsed file, the effective tor configurations and compose projects, and
/// the links between them (which torrc a compose service runs, which services are onion backends).
/// Cross-file rules read this model.
/// </summary>
public sealed class Deployment
{
    private readonly Dictionary<ComposeService, ImmutableArray<TorConfig>> _torByService = [];
    private readonly Dictionary<TorConfig, ComposeService> _serviceByTor = [];

    private readonly Dictionary<ComposeService, DockerfileModel> _dockerfileByService = [];

    public Deployment(ImmutableArray<SyntaxTree> trees, ImmutableArray<TorConfig> torConfigs, ImmutableArray<ComposeProject> composeProjects, IWorkspace workspace,
        ImmutableArray<DockerfileModel> dockerfiles = default, ImmutableArray<SyntaxTree> squidMains = default, ImmutableArray<SyntaxTree> nginxMains = default)
    {
        _workspace = workspace;
        Trees = trees;
        TorConfigs = torConfigs;
        ComposeProjects = composeProjects;
        _dockerfiles = dockerfiles.IsDefault ? [] : dockerfiles;
        Link(workspace);
        LinkDockerfiles(workspace);
        LinkCopiedTorrcs(workspace);
        SquidConfigs = [.. squidMains.OrEmpty().Select(main => SquidBinder.Bind(main, workspace, DaemonVersionFor(workspace.FullPathOf(main), "squid", workspace)))];
        NginxConfigs = [.. nginxMains.OrEmpty().Select(main => NginxBinder.Bind(main, workspace, DaemonVersionFor(workspace.FullPathOf(main), "nginx", workspace)))];
        Trees = [.. Trees.Concat(SquidConfigs.SelectMany(c => c.Files)).Concat(NginxConfigs.SelectMany(c => c.Files)).Distinct().OrderBy(t => t.Path, StringComparer.Ordinal)];
    }

    /// <summary>The effective nginx configurations, bound with the nginx version the deployment shows.</summary>
    public ImmutableArray<NginxConfig> NginxConfigs { get; }

    /// <summary>The effective squid configurations (a main squid.conf with its includes), bound with the squid version the deployment shows.</summary>
    public ImmutableArray<SquidConfig> SquidConfigs { get; }

    private readonly Dictionary<TorConfig, DockerfileModel> _dockerfileByTor = [];

    private readonly IWorkspace _workspace;

    /// <summary>The tor configurations an image runs: copied into it, or linked to a compose service that builds it.</summary>
    public IEnumerable<TorConfig> TorConfigsOf(DockerfileModel model) =>
        ServicesBuilding(model).SelectMany(s => TorConfigsOf(s)).Concat(TorConfigs.Where(c => DockerfileOf(c) == model)).Distinct();

    /// <summary>The Dockerfile that copies a torrc into its image, when the deployment shows one.</summary>
    public DockerfileModel? DockerfileOf(TorConfig config) => _dockerfileByTor.GetValueOrDefault(config);

    /// <summary>
    /// Follows COPY/ADD in each Dockerfile's runtime stages (sources resolved against the build context):
    /// a copied torrc belongs to that image, and to the compose services that build it. Tor version evidence
    /// from the Dockerfile (a pinned package or a TOR_VERSION argument) is recorded on the configuration.
    /// </summary>
    private void LinkCopiedTorrcs(IWorkspace workspace)
    {
        foreach (var model in Dockerfiles)
        {
            var services = ServicesBuilding(model).ToList();
            var version = DockerTorVersion.Find(model);
            foreach (var path in CopiedSources(model, workspace))
            {
                foreach (var config in TorConfigs.Where(c => PathContainment.IsAtOrBelow(workspace.FullPathOf(c.Main), path)))
                {
                    _dockerfileByTor.TryAdd(config, model);
                    foreach (var service in services)
                    {
                        var list = TorConfigsOf(service);
                        if (!list.Contains(config))
                        {
                            _torByService[service] = list.Add(config);
                        }

                        _serviceByTor.TryAdd(config, service);
                    }
                }
            }

            if (version is not null)
            {
                foreach (var config in TorConfigsOf(model))
                {
                    config.TorVersion ??= version;
                }
            }
        }
    }

    private readonly Dictionary<DockerfileModel, ImmutableArray<string>> _copiedSources = [];

    /// <summary>
    /// The host paths the runtime stages of an image COPY/ADD from the build context (each context a building service
    /// uses). Computed once per image: squid, nginx and tor files all ask every image, and the Dockerfile links are
    /// fixed by the time anyone asks.
    /// </summary>
    private ImmutableArray<string> CopiedSources(DockerfileModel model, IWorkspace workspace)
    {
        if (!_copiedSources.TryGetValue(model, out var sources))
        {
            sources = [.. ComputeCopiedSources(model, workspace)];
            _copiedSources[model] = sources;
        }

        return sources;
    }

    private IEnumerable<string> ComputeCopiedSources(DockerfileModel model, IWorkspace workspace)
    {
        var dockerfile = workspace.FullPathOf(model.Tree);
        var contexts = ServicesBuilding(model).Select(s => s.Build?.ContextPath).OfType<string>().DefaultIfEmpty(Path.GetDirectoryName(dockerfile)!).Distinct().ToList();
        foreach (var stage in RuntimeStages(model))
        {
            foreach (var copy in stage.Instructions.Where(i => i.Command.Keyword is "copy" or "add" && !i.Command.Flags.Any(f => f.Name == "from")))
            {
                foreach (var source in copy.Command.Args.Take(Math.Max(0, copy.Command.Args.Length - 1)))
                {
                    foreach (var context in contexts)
                    {
                        yield return Path.GetFullPath(Path.Combine(context, model.Expand(source, copy) ?? source));
                    }
                }
            }
        }
    }

    /// <summary>The compose services that run a configuration file: they bind-mount it, or build an image that copies it in.</summary>
    public IEnumerable<ComposeService> ServicesRunning(SyntaxTree file)
    {
        var fullPath = _workspace.FullPathOf(file);
        var index = RunIndex();
        var found = new HashSet<ComposeService>();
        foreach (var path in SelfAndAncestors(fullPath))
        {
            found.UnionWith(index.ByMount.GetValueOrDefault(path, []));
            foreach (var model in index.ByCopy.GetValueOrDefault(path, []))
            {
                found.UnionWith(index.Building.GetValueOrDefault(model, []));
            }
        }

        return found.OrderBy(s => index.Order[s]);
    }

    /// <summary>
    /// The version of a daemon (squid, nginx) that runs a configuration file: from the Dockerfiles that copy it into
    /// their image, or the compose services that mount it (their image tag, or the Dockerfile they build).
    /// </summary>
    private Version? DaemonVersionFor(string fullPath, string daemon, IWorkspace workspace)
    {
        var index = RunIndex();
        var paths = SelfAndAncestors(fullPath).ToList();
        foreach (var model in paths.SelectMany(p => index.ByCopy.GetValueOrDefault(p, [])).Distinct().OrderBy(m => index.ModelOrder[m]))
        {
            if (DaemonVersion.Find(model, RuntimeStages(model), daemon) is { } v)
            {
                return v;
            }
        }

        foreach (var service in paths.SelectMany(p => index.ByMount.GetValueOrDefault(p, [])).Distinct().OrderBy(s => index.Order[s]))
        {
            if (DockerfileOf(service) is { } model && DaemonVersion.Find(model, RuntimeStages(model), daemon) is { } built)
            {
                return built;
            }

            if (service.Image?.Value is { } image && DaemonVersion.FromImage(image, daemon) is { } tagged)
            {
                return tagged;
            }
        }

        return null;
    }

    private static IEnumerable<string> SelfAndAncestors(string fullPath)
    {
        for (var path = fullPath; !string.IsNullOrEmpty(path); path = Path.GetDirectoryName(path))
        {
            yield return path;
        }
    }

    /// <summary>Which services mount, and which images copy, each host path: built once, so asking about a file costs its depth, not the number of services (issue 15).</summary>
    private sealed record RunIndexes(
        Dictionary<string, List<ComposeService>> ByMount,
        Dictionary<string, List<DockerfileModel>> ByCopy,
        Dictionary<DockerfileModel, List<ComposeService>> Building,
        Dictionary<ComposeService, int> Order,
        Dictionary<DockerfileModel, int> ModelOrder);

    private RunIndexes? _runIndexes;

    private RunIndexes RunIndex()
    {
        if (_runIndexes is not null)
        {
            return _runIndexes;
        }

        var byMount = new Dictionary<string, List<ComposeService>>(StringComparer.Ordinal);
        var byCopy = new Dictionary<string, List<DockerfileModel>>(StringComparer.Ordinal);
        var building = new Dictionary<DockerfileModel, List<ComposeService>>();
        var order = new Dictionary<ComposeService, int>();
        var modelOrder = new Dictionary<DockerfileModel, int>();
        foreach (var service in ComposeProjects.SelectMany(p => p.Services))
        {
            order.TryAdd(service, order.Count);

            // A mount of the host's root ('/:/host:ro', as node-exporter and cAdvisor do) carries every file on the machine and configures nothing.
            foreach (var host in service.HostMounts.Select(m => m.HostPath?.TrimEnd(Path.DirectorySeparatorChar)).Where(h => !string.IsNullOrEmpty(h)).Distinct())
            {
                Add(byMount, host!, service);
            }

            if (DockerfileOf(service) is { } model)
            {
                Add(building, model, service);
            }
        }

        foreach (var model in Dockerfiles)
        {
            modelOrder.TryAdd(model, modelOrder.Count);
            foreach (var source in CopiedSources(model, _workspace).Distinct())
            {
                Add(byCopy, source.TrimEnd(Path.DirectorySeparatorChar), model);
            }
        }

        return _runIndexes = new RunIndexes(byMount, byCopy, building, order, modelOrder);

        static void Add<TKey, TValue>(Dictionary<TKey, List<TValue>> map, TKey key, TValue value)
            where TKey : notnull
        {
            if (!map.TryGetValue(key, out var list))
            {
                map[key] = list = [];
            }

            if (!list.Contains(value))
            {
                list.Add(value);
            }
        }
    }

    /// <summary>A service's build args with values (an arg without a value takes the host's environment, unknown here).</summary>
    private static Dictionary<string, string> Args(ComposeService service) =>
        (service.Build?.Args ?? []).Where(a => a.Value is not null).GroupBy(a => a.Name).ToDictionary(g => g.Key, g => g.Last().Value!, StringComparer.Ordinal);


    private ImmutableArray<DockerfileModel> _dockerfiles;

    /// <summary>Every Dockerfile's model (rebuilt with compose build args where the services building it agree on them).</summary>
    public ImmutableArray<DockerfileModel> Dockerfiles => _dockerfiles;

    /// <summary>The Dockerfile a compose service builds (build context + dockerfile), when it is in the linted folder.</summary>
    public DockerfileModel? DockerfileOf(ComposeService service) => _dockerfileByService.GetValueOrDefault(service);

    /// <summary>The compose services that build a Dockerfile.</summary>
    public IEnumerable<ComposeService> ServicesBuilding(DockerfileModel model)
    {
        _servicesByDockerfile ??= _dockerfileByService.GroupBy(kv => kv.Value).ToDictionary(g => g.Key, g => g.Select(kv => kv.Key).ToImmutableArray());
        return _servicesByDockerfile.GetValueOrDefault(model, []);
    }

    /// <summary>Reverse of <see cref="_dockerfileByService"/>, built on first use (after <see cref="LinkDockerfiles"/> has settled the links).</summary>
    private Dictionary<DockerfileModel, ImmutableArray<ComposeService>>? _servicesByDockerfile;

    /// <summary>
    /// The stages that run: each building service's <c>build.target</c> (else the last stage); with no compose
    /// service building the file, the last stage. When every building service names a target, only those.
    /// </summary>
    public IReadOnlyList<DockerStage> RuntimeStages(DockerfileModel model)
    {
        var services = ServicesBuilding(model).ToList();
        var stages = new List<DockerStage>();
        foreach (var service in services)
        {
            if (model.RuntimeStage(service.Build?.Target) is { } stage && !stages.Contains(stage))
            {
                stages.Add(stage);
            }
        }

        if ((services.Count == 0 || services.Any(s => s.Build?.Target is null)) && model.Stages.LastOrDefault() is { } last && !stages.Contains(last))
        {
            stages.Add(last);
        }

        return stages;
    }

    /// <summary>BuildKit reads <c>&lt;Dockerfile&gt;.dockerignore</c> next to the Dockerfile first, then the context's <c>.dockerignore</c>.</summary>
    private static DockerIgnore LoadIgnore(IWorkspace workspace, string dockerfile, string context)
    {
        var text = workspace.ReadText(dockerfile + ".dockerignore") ?? workspace.ReadText(Path.Combine(context, ".dockerignore"));
        return text is null ? DockerIgnore.Empty : new DockerIgnore(text);
    }

    private void LinkDockerfiles(IWorkspace workspace)
    {
        var byPath = Dockerfiles.ToDictionary(d => workspace.FullPathOf(d.Tree), StringComparer.Ordinal);
        foreach (var service in ComposeProjects.SelectMany(p => p.Services))
        {
            if (service.Build?.ContextPath is not { } context || service.Build.HasInlineDockerfile)
            {
                continue;
            }

            var file = Path.GetFullPath(Path.Combine(context, service.Build.Dockerfile ?? "Dockerfile"));
            if (byPath.TryGetValue(file, out var model))
            {
                _dockerfileByService[service] = model;
                model.Ignore = LoadIgnore(workspace, file, context);
            }
        }

        // Compose build args override ARG defaults; when several services build one Dockerfile with different
        // args, the file is analysed with its own defaults.
        foreach (var group in _dockerfileByService.GroupBy(kv => kv.Value).ToList())
        {
            var argSets = group.Select(kv => Args(kv.Key)).ToList();
            if (argSets[0].Count == 0 || argSets.Skip(1).Any(a => !a.OrderBy(x => x.Key).SequenceEqual(argSets[0].OrderBy(x => x.Key))))
            {
                continue;
            }

            var rebuilt = DockerfileModel.Build(group.Key.Tree, argSets[0]);
            rebuilt.Ignore = group.Key.Ignore;
            _dockerfiles = _dockerfiles.Replace(group.Key, rebuilt);
            byPath[workspace.FullPathOf(group.Key.Tree)] = rebuilt;
            foreach (var (service, _) in group)
            {
                _dockerfileByService[service] = rebuilt;
            }
        }

        // A Dockerfile no compose file builds: its own folder is the usual context.
        foreach (var (file, model) in byPath)
        {
            if (model.Ignore.IsEmpty)
            {
                model.Ignore = LoadIgnore(workspace, file, Path.GetDirectoryName(file)!);
            }
        }
    }

    public ImmutableArray<SyntaxTree> Trees { get; private set; }

    public ImmutableArray<TorConfig> TorConfigs { get; }

    public ImmutableArray<ComposeProject> ComposeProjects { get; }

    /// <summary>The tor configurations a compose service runs (mounted into it, or named by its <c>-f</c> argument).</summary>
    public ImmutableArray<TorConfig> TorConfigsOf(ComposeService service) =>
        _torByService.TryGetValue(service, out var configs) ? configs : [];

    /// <summary>The compose service that runs a tor configuration, when the deployment shows one.</summary>
    public ComposeService? ServiceOf(TorConfig config) => _serviceByTor.GetValueOrDefault(config);

    /// <summary>The services an onion service forwards to (HiddenServicePort targets resolved in the project).</summary>
    public IEnumerable<(ComposeService Backend, TorConfig Config, TorLine Line)> OnionBackends(ComposeProject project)
    {
        foreach (var torService in project.Services)
        {
            foreach (var config in TorConfigsOf(torService))
            {
                foreach (var hs in config.HiddenServices)
                {
                    foreach (var (line, port) in hs.Ports)
                    {
                        if (port.UnixPath is not null)
                        {
                            continue;
                        }

                        if (port.TargetScope == AddressScope.Loopback)
                        {
                            yield return (torService, config, line);
                            foreach (var sharer in project.Services.Where(s => s.SharesNetworkWith == torService.Name))
                            {
                                yield return (sharer, config, line);
                            }

                            continue;
                        }

                        var host = port.TargetAddress.Trim('[', ']');
                        foreach (var candidate in project.Services)
                        {
                            if (candidate.HostNames.Contains(host, StringComparer.OrdinalIgnoreCase)
                                || (candidate.Networks ?? []).Any(n => n.Ipv4Address == host || n.Ipv6Address == host))
                            {
                                yield return (candidate, config, line);
                            }
                        }
                    }
                }
            }
        }
    }

    public bool IsOnionBackend(ComposeService service) => OnionBackends(service.Project).Any(b => b.Backend == service);

    private void Link(IWorkspace workspace)
    {
        foreach (var project in ComposeProjects)
        {
            foreach (var service in project.Services)
            {
                var linked = new List<TorConfig>();
                var binds = service.HostMounts.ToList();
                var fArg = FileArgument(service);
                foreach (var config in TorConfigs)
                {
                    var mainPath = workspace.FullPathOf(config.Main);
                    foreach (var bind in binds)
                    {
                        if (bind.HostPath is null)
                        {
                            continue;
                        }

                        var containerPath = ContainerPathOf(mainPath, bind);
                        if (containerPath is null)
                        {
                            continue;
                        }

                        // With -f, the mounted file must be the one tor reads; without, tor reads /etc/tor/torrc.
                        var wanted = fArg ?? "/etc/tor/torrc";
                        // A mounted folder holding a torrc-named file counts only where tor's files live in the container
                        // (a node-exporter or backup container mounting the whole host at /host runs no tor).
                        if (containerPath == wanted || (fArg is null && workspace.DirectoryExists(bind.HostPath) && Path.GetFileName(mainPath).StartsWith("torrc", StringComparison.Ordinal)
                            && bind.Target.Split('/', StringSplitOptions.RemoveEmptyEntries).Any(segment => segment.Equals("tor", StringComparison.OrdinalIgnoreCase) || segment.StartsWith("torrc", StringComparison.OrdinalIgnoreCase))))
                        {
                            linked.Add(config);
                        }
                    }
                }

                // The bind source lies outside the repository (e.g. /home/docker/tor/config): match the -f file
                // name against torrc files in the project's folder tree.
                if (linked.Count == 0 && fArg is not null)
                {
                    var name = Path.GetFileName(fArg);
                    linked.AddRange(TorConfigs.Where(c =>
                        Path.GetFileName(workspace.FullPathOf(c.Main)) == name
                        && PathContainment.IsAtOrBelow(workspace.FullPathOf(c.Main), project.Directory)));
                }

                if (linked.Count > 0)
                {
                    _torByService[service] = [.. linked.Distinct()];
                    foreach (var config in linked)
                    {
                        _serviceByTor.TryAdd(config, service);
                    }
                }
            }
        }
    }

    /// <summary>Where a host file appears inside the container through a bind mount, or null.</summary>
    private static string? ContainerPathOf(string hostFile, ComposeVolume bind)
    {
        var source = bind.HostPath!.TrimEnd(Path.DirectorySeparatorChar);
        if (hostFile == source)
        {
            return bind.Target;
        }

        if (hostFile.StartsWith(source + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return bind.Target.TrimEnd('/') + "/" + hostFile[(source.Length + 1)..].Replace(Path.DirectorySeparatorChar, '/');
        }

        return null;
    }

    /// <summary>The torrc a service's command names with <c>-f</c> / <c>--torrc-file</c>.</summary>
    private static string? FileArgument(ComposeService service)
    {
        var words = service.Entrypoint.Concat(service.Command).Select(w => w.Value).ToList();
        for (var i = 0; i < words.Count - 1; i++)
        {
            if (words[i] is "-f" or "--torrc-file")
            {
                return words[i + 1];
            }
        }

        return null;
    }
}
