using System.Collections.Immutable;
using ConfigLint.Semantics.Compose;
using ConfigLint.Semantics.Dockerfile;
using ConfigLint.Semantics.Nginx;
using ConfigLint.Semantics.Squid;
using ConfigLint.Semantics.Tor;
using ConfigLint.Syntax;

namespace ConfigLint.Semantics;

/// <summary>
/// The whole deployment, as <see cref="DeploymentBuilder"/> compiled it: every file read, the effective configurations,
/// compose projects and Dockerfiles, and the typed links between them — which image each service runs, which daemons
/// run where with which files and command line, the listeners and the published ports that reach them, and where each
/// onion service forwards. Immutable: every link is computed and indexed once, when the model is built; rules only read.
/// </summary>
public sealed class Deployment
{
    private readonly IReadOnlyDictionary<ComposeService, ServiceImage> _images;
    private readonly IReadOnlyDictionary<DockerfileModel, ImmutableArray<ComposeService>> _building;
    private readonly IReadOnlyDictionary<ComposeService, ImmutableArray<DaemonInstance>> _daemonsByService;
    private readonly IReadOnlyDictionary<TorConfig, DaemonInstance> _daemonByTor;
    private readonly IReadOnlyDictionary<SyntaxTree, ImmutableArray<ComposeService>> _servicesByFile;
    private readonly IReadOnlyDictionary<DockerfileModel, ImmutableArray<DockerStage>> _runtimeStages;
    private readonly HashSet<ComposeService> _onionBackends;
    private readonly ILookup<DockerfileModel, TorConfig> _torByImage;
    private readonly IReadOnlyDictionary<DockerStage, ImageRun> _imageRuns;

    internal Deployment(DeploymentBuilder.Parts parts)
    {
        Trees = parts.Trees;
        ComposeProjects = parts.ComposeProjects;
        Dockerfiles = parts.Dockerfiles;
        TorConfigs = parts.TorConfigs;
        SquidConfigs = parts.SquidConfigs;
        NginxConfigs = parts.NginxConfigs;
        Images = parts.Images;
        Daemons = parts.Daemons;
        OnionForwards = parts.OnionForwards;
        _images = parts.Images.ToDictionary(i => i.Service);
        _building = parts.Building;
        _runtimeStages = parts.RuntimeStages;
        _servicesByFile = parts.ServicesByFile;
        Firewalls = parts.Firewalls;
        _imageRuns = parts.ImageRuns;
        _daemonsByService = parts.Daemons.Where(d => d.Service is not null).GroupBy(d => d.Service!).ToDictionary(g => g.Key, g => g.ToImmutableArray());
        var byTor = new Dictionary<TorConfig, DaemonInstance>();
        foreach (var daemon in parts.Daemons.Where(d => d.Tor is not null))
        {
            byTor.TryAdd(daemon.Tor!, daemon);
        }

        _daemonByTor = byTor;
        _onionBackends = [.. parts.OnionForwards.Select(f => f.Backend).OfType<ComposeService>()];
        _torByImage = parts.Daemons.Where(d => d.Image is not null && d.Tor is not null).Select(d => (d.Image!, d.Tor!)).Distinct().ToLookup(p => p.Item1, p => p.Item2);
    }

    /// <summary>Every file read (named, discovered, included), by path.</summary>
    public ImmutableArray<SyntaxTree> Trees { get; }

    public ImmutableArray<ComposeProject> ComposeProjects { get; }

    /// <summary>Every Dockerfile's model (rebuilt with compose build args where the services building it agree on them).</summary>
    public ImmutableArray<DockerfileModel> Dockerfiles { get; }

    /// <summary>The effective tor configurations: each torrc as each service (or image) runs it, command line merged; a torrc nothing runs, as it is.</summary>
    public ImmutableArray<TorConfig> TorConfigs { get; }

    /// <summary>The effective squid configurations (a main squid.conf with its includes), bound with the squid version the deployment shows.</summary>
    public ImmutableArray<SquidConfig> SquidConfigs { get; }

    /// <summary>The effective nginx configurations, bound with the nginx version the deployment shows.</summary>
    public ImmutableArray<NginxConfig> NginxConfigs { get; }

    /// <summary>What every compose service runs: the Dockerfile it builds (context, target, runtime stage) or the image it pulls.</summary>
    public ImmutableArray<ServiceImage> Images { get; }

    /// <summary>Every daemon instance: per service, per standalone image, and per configuration nothing runs.</summary>
    public ImmutableArray<DaemonInstance> Daemons { get; }

    /// <summary>Every <c>HiddenServicePort</c> of a torrc a service runs, with its backend service and answering listener when the project shows them.</summary>
    public ImmutableArray<OnionForward> OnionForwards { get; }

    /// <summary>The image a compose service runs.</summary>
    public ServiceImage ImageOf(ComposeService service) => _images[service];

    /// <summary>The Dockerfile a compose service builds (build context + dockerfile), when it is in the linted folder.</summary>
    public DockerfileModel? DockerfileOf(ComposeService service) => _images.GetValueOrDefault(service)?.Dockerfile;

    /// <summary>The compose services that build a Dockerfile.</summary>
    public IEnumerable<ComposeService> ServicesBuilding(DockerfileModel model) => _building.GetValueOrDefault(model, []);

    /// <summary>
    /// The stages that run: each building service's <c>build.target</c> (else the last stage); with no compose
    /// service building the file, the last stage. When every building service names a target, only those.
    /// </summary>
    public IReadOnlyList<DockerStage> RuntimeStages(DockerfileModel model) => _runtimeStages.GetValueOrDefault(model, []);

    /// <summary>
    /// What a runtime stage runs: its ENTRYPOINT/CMD, the entrypoint scripts it copies in (read when the repository has
    /// them), the packages it installs. Null for a stage that is not a runtime stage.
    /// </summary>
    public ImageRun? ImageRunOf(DockerStage stage) => _imageRuns.GetValueOrDefault(stage);

    /// <summary>The daemons a service runs.</summary>
    public ImmutableArray<DaemonInstance> DaemonsOf(ComposeService service) => _daemonsByService.GetValueOrDefault(service, []);

    /// <summary>The daemon instance that runs an effective tor configuration.</summary>
    public DaemonInstance? DaemonOf(TorConfig config) => _daemonByTor.GetValueOrDefault(config);

    /// <summary>The tor configurations a compose service runs (mounted into it, copied into its image, or named by its <c>-f</c> argument).</summary>
    public ImmutableArray<TorConfig> TorConfigsOf(ComposeService service) => [.. DaemonsOf(service).Select(d => d.Tor).OfType<TorConfig>()];

    /// <summary>The compose service that runs a tor configuration, when the deployment shows one.</summary>
    public ComposeService? ServiceOf(TorConfig config) => DaemonOf(config)?.Service;

    /// <summary>The Dockerfile whose image runs a tor configuration (it copies the torrc, or its service builds it).</summary>
    public DockerfileModel? DockerfileOf(TorConfig config) => DaemonOf(config)?.Image;

    /// <summary>The tor configurations an image runs: copied into it, or linked to a compose service that builds it.</summary>
    public IEnumerable<TorConfig> TorConfigsOf(DockerfileModel model) => _torByImage[model];

    /// <summary>The compose services that run a configuration file: they bind-mount it, or build an image that copies it in.</summary>
    public IEnumerable<ComposeService> ServicesRunning(SyntaxTree file) => _servicesByFile.GetValueOrDefault(file, []);

    /// <summary>The services an onion service forwards to (HiddenServicePort targets resolved in the project).</summary>
    public IEnumerable<(ComposeService Backend, TorConfig Config, TorLine Line)> OnionBackends(ComposeProject project) =>
        OnionForwards.Where(f => f.Backend is not null && f.Backend.Project == project).Select(f => (f.Backend!, f.Config, f.Line));

    public bool IsOnionBackend(ComposeService service) => _onionBackends.Contains(service);

    /// <summary>Every iptables rule set, placed on its host and joined to the torrc it must agree with (path order).</summary>
    public ImmutableArray<Firewall> Firewalls { get; }
}
