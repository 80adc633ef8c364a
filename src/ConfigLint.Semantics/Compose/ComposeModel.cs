using System.Collections.Immutable;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Compose;

namespace ConfigLint.Semantics.Compose;

/// <summary>A scalar value: interpolated text, the raw text and where it is written.</summary>
public sealed record ComposeValue(string Value, string Raw, SourceLocation Location, bool Interpolated)
{
    /// <summary>compose-go's toBoolean: true/y/yes/on and false/n/no/off, any case.</summary>
    public bool? AsBool => Value.ToLowerInvariant() switch
    {
        "true" or "y" or "yes" or "on" => true,
        "false" or "n" or "no" or "off" => false,
        _ => null,
    };
}

/// <summary>A <c>ports</c> entry in canonical long form.</summary>
public sealed record ComposePort(string? HostIp, string? Published, string Target, string Protocol, SourceLocation Location, string Raw)
{
    /// <summary>No host IP (all interfaces), or 0.0.0.0 / :: explicitly.</summary>
    public bool BindsAllInterfaces => string.IsNullOrEmpty(HostIp) || HostIp is "0.0.0.0" or "::" or "[::]";

    public bool BindsLoopback => !string.IsNullOrEmpty(HostIp) && NetAddress.IsLoopback(HostIp);

    /// <summary>The container ports (a range expands).</summary>
    public IEnumerable<int> TargetPorts
    {
        get
        {
            var parts = Target.Split('-');
            if (int.TryParse(parts[0], out var low))
            {
                var high = parts.Length > 1 && int.TryParse(parts[1], out var h) ? h : low;
                for (var p = low; p <= high && p - low < 65536; p++)
                {
                    yield return p;
                }
            }
        }
    }

    public string MergeKey => $"{HostIp}|{Target}|{Published}|{Protocol}";

    /// <summary>The entry in short syntax, as messages quote it: <see cref="Raw"/>, or the long syntax's fields in that form.</summary>
    public string Text => Node is not YamlMappingNode
        ? Raw
        : (string.IsNullOrEmpty(HostIp) ? string.Empty : HostIp + ":") + (Published is null ? (string.IsNullOrEmpty(HostIp) ? string.Empty : ":") : Published + ":") + Target
            + (Protocol == "tcp" ? string.Empty : "/" + Protocol);

    /// <summary>The YAML node the entry is written as (a scalar in short syntax, a mapping in long syntax), for fixes.</summary>
    public Syntax.Compose.YamlNode? Node { get; init; }
}

/// <summary>A <c>volumes</c> entry in canonical long form.</summary>
public sealed record ComposeVolume(string Type, string? Source, string Target, bool ReadOnly, SourceLocation Location, string? HostPath)
{
    public bool IsBind => Type == "bind";

    /// <summary>The YAML node the entry is written as (a scalar in short syntax, a mapping in long syntax), for fixes.</summary>
    public YamlNode? Node { get; init; }
}

/// <summary>A <c>configs</c> entry of a service: the top-level config's name and where it lands in the container.</summary>
public sealed record ComposeConfigMount(string Source, string Target, SourceLocation Location);

/// <summary>A service's attachment to a network.</summary>
public sealed record ServiceNetwork(string Name, ImmutableArray<string> Aliases, string? Ipv4Address, string? Ipv6Address, SourceLocation Location);

/// <summary>An environment variable or build arg.</summary>
public sealed record EnvVar(string Name, string? Value, bool Interpolated, SourceLocation Location);

public sealed record ComposeBuild(
    string? Context,
    string? Dockerfile,
    bool HasInlineDockerfile,
    string? Target,
    ImmutableArray<EnvVar> Args,
    ComposeValue? Privileged,
    SourceLocation Location,
    string? ContextPath);

/// <summary>A top-level network definition (or the implicit <c>default</c>).</summary>
public sealed record ComposeNetwork(string Name, bool Internal, string? Driver, string? HostBindingIpv4, bool External, SourceLocation? Location)
{
    /// <summary>The network's <c>enable_ipv6</c> value, when set.</summary>
    public ComposeValue? EnableIpv6 { get; init; }
}

/// <summary>One service after every compose file in effect was merged (override files, documents, anchors, merge keys).</summary>
public sealed class ComposeService
{
    public required string Name { get; init; }

    public required ComposeProject Project { get; init; }

    /// <summary>Where the service's name is written in the first file that defines it.</summary>
    public required SourceLocation NameLocation { get; init; }

    public ComposeValue? Image { get; set; }

    public ComposeBuild? Build { get; set; }

    public ComposeValue? User { get; set; }

    public ComposeValue? NetworkMode { get; set; }

    public ComposeValue? Pid { get; set; }

    public ComposeValue? Ipc { get; set; }

    public ComposeValue? Uts { get; set; }

    public ComposeValue? UsernsMode { get; set; }

    public ComposeValue? ContainerName { get; set; }

    public ComposeValue? Privileged { get; set; }

    public ComposeValue? ReadOnly { get; set; }

    public ComposeValue? UseApiSocket { get; set; }

    /// <summary>Where the service's <c>healthcheck:</c> is written (a test or <c>disable: true</c>), or null.</summary>
    public SourceLocation? Healthcheck { get; set; }

    public ImmutableArray<ComposePort> Ports { get; set; } = [];

    public ImmutableArray<ComposeVolume> Volumes { get; set; } = [];

    public ImmutableArray<ComposeConfigMount> Configs { get; set; } = [];

    /// <summary>
    /// Every host path that appears inside the container: bind mounts, and <c>configs</c> whose top-level
    /// definition names a <c>file</c>, as read-only binds.
    /// </summary>
    public IEnumerable<ComposeVolume> HostMounts =>
        Volumes.Where(v => v.IsBind).Concat(Configs
            .Where(c => Project.ConfigFile(c.Source) is not null)
            .Select(c => new ComposeVolume("bind", c.Source, c.Target, true, c.Location, Project.ConfigFile(c.Source))));

    /// <summary>The networks the service joins; null when it has no <c>networks:</c> and joins <c>default</c>.</summary>
    public ImmutableArray<ServiceNetwork>? Networks { get; set; }

    public ImmutableArray<ComposeValue> CapAdd { get; set; } = [];

    public ImmutableArray<ComposeValue> CapDrop { get; set; } = [];

    public ImmutableArray<ComposeValue> SecurityOpt { get; set; } = [];

    public ImmutableArray<EnvVar> Environment { get; set; } = [];

    /// <summary>The service's <c>sysctls</c> (map or list form), merged like <c>environment</c>.</summary>
    public ImmutableArray<EnvVar> Sysctls { get; set; } = [];

    public ImmutableArray<ComposeValue> Command { get; set; } = [];

    public ImmutableArray<ComposeValue> Entrypoint { get; set; } = [];

    public ImmutableArray<ComposeValue> Links { get; set; } = [];

    /// <summary>The services this one depends on (<c>depends_on</c>, list or mapping form).</summary>
    public ImmutableArray<string> DependsOn { get; set; } = [];

    public ImmutableArray<string> Profiles { get; set; } = [];

    /// <summary>Which keys the service's mappings set, with where (for absence findings and fixes).</summary>
    public ImmutableArray<(SyntaxTree Tree, YamlMappingNode Mapping)> Sources { get; set; } = [];

    /// <summary>The effective network attachments, with the implicit <c>default</c> when none are listed.</summary>
    public IEnumerable<ComposeNetwork> EffectiveNetworks =>
        (Networks ?? [new ServiceNetwork("default", [], null, null, NameLocation)]).Select(n => Project.Network(n.Name));

    /// <summary>On at least one network that is not internal (ports can be published).</summary>
    public bool HasNonInternalNetwork => EffectiveNetworks.Any(n => !n.Internal);

    public bool IsHostNetwork => NetworkMode?.Value == "host";

    /// <summary>The service whose network namespace this one joins (<c>service:x</c> / <c>container:x</c>).</summary>
    public string? SharesNetworkWith => NetworkMode?.Value switch
    {
        { } v when v.StartsWith("service:", StringComparison.Ordinal) => v[8..],
        { } v when v.StartsWith("container:", StringComparison.Ordinal) => v[10..],
        _ => null,
    };

    /// <summary>Names other services can use for this one: the service name, container_name, network aliases.</summary>
    public IEnumerable<string> HostNames
    {
        get
        {
            yield return Name;
            if (ContainerName is { } c)
            {
                yield return c.Value;
            }

            foreach (var alias in (Networks ?? []).SelectMany(n => n.Aliases))
            {
                yield return alias;
            }
        }
    }

    /// <summary>The command and entrypoint words, joined, for heuristics (which daemon runs).</summary>
    public string CommandLine => string.Join(' ', Entrypoint.Concat(Command).Select(c => c.Value));
}

/// <summary>A compose project: the files in effect (base, then overrides) and the merged services.</summary>
public sealed class ComposeProject
{
    private readonly Dictionary<string, ComposeNetwork> _networks = new(StringComparer.Ordinal);
    private readonly List<BindDiagnostic> _diagnostics = [];

    /// <summary>Problems found while merging the project (extends cycles, missing bases).</summary>
    public IReadOnlyList<BindDiagnostic> Diagnostics => _diagnostics;

    internal void AddDiagnostic(BindDiagnostic diagnostic) => _diagnostics.Add(diagnostic);

    public required string Directory { get; init; }

    public required ImmutableArray<YamlSyntaxTree> Files { get; init; }

    public required IReadOnlyDictionary<string, string> Environment { get; init; }

    public ImmutableArray<ComposeService> Services { get; internal set; } = [];

    public IReadOnlyDictionary<string, ComposeNetwork> Networks => _networks;

    public YamlSyntaxTree MainFile => Files[0];

    public ComposeService? Service(string name) => Services.FirstOrDefault(s => s.Name == name);

    /// <summary>A network by name; undeclared ones (and <c>default</c>) are plain bridges, not internal.</summary>
    public ComposeNetwork Network(string name) =>
        _networks.TryGetValue(name, out var n) ? n : new ComposeNetwork(name, false, null, null, false, null);

    internal void SetNetwork(ComposeNetwork network) => _networks[network.Name] = network;

    private readonly Dictionary<string, string> _configFiles = new(StringComparer.Ordinal);

    /// <summary>The host file of a top-level <c>configs</c> entry, or null.</summary>
    public string? ConfigFile(string name) => _configFiles.GetValueOrDefault(name);

    internal void SetConfigFile(string name, string path) => _configFiles[name] = path;
}
