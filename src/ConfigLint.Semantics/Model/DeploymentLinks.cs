using System.Collections.Immutable;
using ConfigLint.Semantics.Compose;
using ConfigLint.Semantics.Dockerfile;
using ConfigLint.Semantics.Nginx;
using ConfigLint.Semantics.Squid;
using ConfigLint.Semantics.Tor;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Tor;

namespace ConfigLint.Semantics;

// The typed links of the deployment model (issue 12). Every record here is built once by DeploymentBuilder and never
// changed; rules and `configlint compile` read them, none computes them again.

/// <summary>The daemons ConfigLint understands.</summary>
public enum DaemonKind
{
    Tor,
    Squid,
    Nginx,
}

/// <summary>How a configuration file reaches the daemon that reads it.</summary>
public enum ConfigVia
{
    /// <summary>A compose bind mount (short or long syntax) puts the host file (or its folder) in the container.</summary>
    BindMount,

    /// <summary>A compose top-level <c>configs:</c> entry with a <c>file:</c> source.</summary>
    Configs,

    /// <summary>A <c>COPY</c>/<c>ADD</c> in the image's runtime stage.</summary>
    Copy,

    /// <summary>An include of another configuration file (<c>%include</c>, <c>include</c>).</summary>
    Include,

    /// <summary><c>--defaults-torrc FILE</c>: tor's lower-priority defaults file.</summary>
    Defaults,

    /// <summary>No service or image shows who reads the file: the file is a deployment of its own.</summary>
    Standalone,
}

/// <summary>One configuration file of a daemon and how it got there (<paramref name="Detail"/> says it in words: "bind mount to /etc/tor/torrc").</summary>
public sealed record ConfigFileLink(SyntaxTree File, ConfigVia Via, string Detail)
{
    /// <summary>The compose mount that carries the file (the file itself or a folder above it), for <see cref="ConfigVia.BindMount"/> and <see cref="ConfigVia.Configs"/>.</summary>
    public ComposeVolume? Mount { get; init; }
}

/// <summary>
/// A word of a daemon's command line: compose <c>entrypoint</c>/<c>command</c> or Dockerfile <c>ENTRYPOINT</c>/<c>CMD</c>.
/// <paramref name="Exact"/> when the word's source text is the value itself (no quotes, escapes or interpolation), so a
/// span inside the value maps onto the source.
/// </summary>
public sealed record CommandWord(string Value, SourceLocation Location, bool Exact);

/// <summary>The image a service runs: built from a Dockerfile in the project, or pulled by name (possibly a known image).</summary>
public sealed record ServiceImage(
    ComposeService Service,
    DockerfileModel? Dockerfile,
    string? Context,
    string? Target,
    DockerStage? RuntimeStage,
    KnownImage? Known);

/// <summary>A published port that reaches a container port, with the exposure <see cref="PortExposure"/> computed once.</summary>
public sealed record PublishedPort(ComposeService Service, ComposePort Port, Exposure Exposure)
{
    public string Describe() => $"{(string.IsNullOrEmpty(Port.HostIp) ? "0.0.0.0" : Port.HostIp)}:{Port.Published ?? "(any)"} ({Exposure.ToText()})";
}

/// <summary>
/// A socket a daemon listens on (tor's client, control, metrics and OR ports; squid's <c>http_port</c>; nginx's
/// <c>listen</c>) and the published ports of its service that reach it. <paramref name="Port"/> is empty for a unix socket.
/// </summary>
public sealed record Listener(string Option, string Address, string Port, SourceLocation Location, ImmutableArray<PublishedPort> Published)
{
    /// <summary>The service's host network: the listener is on the host's own interfaces.</summary>
    public bool OnHostNetwork { get; init; }

    /// <summary>Where the listener is bound: loopback (a unix socket counts as local too), private, public, wildcard, a host name.</summary>
    public AddressScope Scope => Address.StartsWith("unix:", StringComparison.Ordinal) ? AddressScope.Loopback : NetAddress.Classify(Address);

    /// <summary>The port number, when it is one.</summary>
    public int? Number => int.TryParse(Port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>The widest exposure of the listener: host network, else the widest published port, else not published.</summary>
    public Exposure Exposure => OnHostNetwork ? Exposure.HostNetwork : Published.Select(p => p.Exposure).DefaultIfEmpty(Exposure.NotPublished).MaxBy(PortExposure.Reach);
}

/// <summary>
/// One running daemon: which service (or standalone image) runs it, the files of its effective configuration and how each
/// got there, its command line and the listeners it opens. Exactly one of <see cref="Tor"/>, <see cref="Squid"/> and
/// <see cref="Nginx"/> is set when a configuration file is known; a known image with no configuration in the project has none.
/// </summary>
public sealed record DaemonInstance(
    DaemonKind Kind,
    ComposeService? Service,
    DockerfileModel? Image,
    ImmutableArray<ConfigFileLink> ConfigFiles,
    ImmutableArray<CommandWord> CommandLine,
    ImmutableArray<Listener> Listeners)
{
    public TorConfig? Tor { get; init; }

    /// <summary>The daemon's name as configuration files and <c>configlint compile</c> spell it: tor, squid, nginx.</summary>
    public string KindName => Kind.ToString().ToLowerInvariant();

    /// <summary>The tor configuration as its files give it, before the command line is merged in (what XF010 compares).</summary>
    public TorConfig? TorFiles { get; init; }

    public SquidConfig? Squid { get; init; }

    public NginxConfig? Nginx { get; init; }

    /// <summary>What the command line set that the model could not merge into the configuration (e.g. nginx <c>-g</c> directives).</summary>
    public ImmutableArray<string> CommandLineNotes { get; init; } = [];
}

/// <summary>
/// A <c>HiddenServicePort</c> and what answers it: the backend service (catalog §0.1 item 4: loopback, a shared network
/// stack, a service name, alias, container_name or static address) and, when that service runs a daemon listening on the
/// target port, the listener.
/// </summary>
public sealed record OnionForward(
    TorConfig Config,
    TorHiddenService HiddenService,
    TorLine Line,
    TorHiddenServicePort Port,
    ComposeService? TorService,
    ComposeService? Backend,
    Listener? Answering);
