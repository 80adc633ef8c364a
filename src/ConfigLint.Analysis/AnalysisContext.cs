using System.Collections.Immutable;
using ConfigLint.Semantics;
using ConfigLint.Semantics.Compose;
using ConfigLint.Semantics.Tor;
using ConfigLint.Syntax;

namespace ConfigLint.Analysis;

/// <summary>A rule: a stateless class holding its descriptor and its checks. Found by the build, not by a list.</summary>
public interface IRule
{
    RuleDescriptor Descriptor { get; }

    /// <summary>Registers the rule's callbacks (syntax kinds, options, files, model events).</summary>
    void Initialize(AnalysisContext context);
}

/// <summary>Registration surface for rules (Roslyn's Register*Action).</summary>
public sealed class AnalysisContext
{
    internal AnalysisContext(IRule rule) => Rule = rule;

    internal IRule Rule { get; }

    internal List<(ImmutableHashSet<string> Options, Action<TorLineContext> Action)> TorLineActions { get; } = [];

    internal List<Action<TorConfigContext>> TorConfigActions { get; } = [];

    internal List<Action<ComposeServiceContext>> ComposeServiceActions { get; } = [];

    internal List<Action<DockerfileContext>> DockerfileActions { get; } = [];

    internal List<Action<DeploymentContext>> DeploymentActions { get; } = [];

    internal List<Action<SquidConfigContext>> SquidConfigActions { get; } = [];

    internal List<Action<NginxConfigContext>> NginxConfigActions { get; } = [];

    internal List<Action<FirewallContext>> FirewallActions { get; } = [];

    /// <summary>Called once per iptables rule set (an iptables-save file or a script), placed on its host with the torrc it is joined to.</summary>
    public void RegisterFirewallAction(Action<FirewallContext> action) => FirewallActions.Add(action);

    /// <summary>Called once per effective nginx configuration (a main file, or a fragment no other file includes, with its includes).</summary>
    public void RegisterNginxConfigAction(Action<NginxConfigContext> action) => NginxConfigActions.Add(action);

    /// <summary>Called once per effective squid configuration (a main squid.conf with its includes).</summary>
    public void RegisterSquidConfigAction(Action<SquidConfigContext> action) => SquidConfigActions.Add(action);

    /// <summary>Called once for the whole deployment: cross-file rules, which read the model's links (daemons, listeners, onion forwards).</summary>
    public void RegisterDeploymentAction(Action<DeploymentContext> action) => DeploymentActions.Add(action);

    /// <summary>Called once per Dockerfile, with its stage model.</summary>
    public void RegisterDockerfileAction(Action<DockerfileContext> action) => DockerfileActions.Add(action);

    /// <summary>Called for every effective line of the given tor options (canonical names; aliases and any casing match).</summary>
    public void RegisterTorLineAction(Action<TorLineContext> action, params string[] options) =>
        TorLineActions.Add((options.ToImmutableHashSet(StringComparer.OrdinalIgnoreCase), action));

    /// <summary>Called once per effective tor configuration (a main torrc with its includes).</summary>
    public void RegisterTorConfigAction(Action<TorConfigContext> action) => TorConfigActions.Add(action);

    /// <summary>Called once per effective compose service.</summary>
    public void RegisterComposeServiceAction(Action<ComposeServiceContext> action) => ComposeServiceActions.Add(action);
}

/// <summary>Shared reporting for every callback context.</summary>
public abstract class RuleContext
{
    private readonly Action<Finding> _report;

    private protected RuleContext(RuleDescriptor descriptor, Deployment deployment, Action<Finding> report)
    {
        Descriptor = descriptor;
        Deployment = deployment;
        _report = report;
    }

    public RuleDescriptor Descriptor { get; }

    /// <summary>The whole deployment model, for rules that look across files.</summary>
    public Deployment Deployment { get; }

    /// <summary>Reports a finding of this rule; level and score default to the descriptor's.</summary>
    public void Report(SourceLocation location, string message, DiagnosticLevel? level = null, double? score = null,
        IEnumerable<RelatedLocation>? related = null, Fix? fix = null)
    {
        if (!message.EndsWith('.'))
        {
            throw new ArgumentException($"{Descriptor.Id}: messages are full sentences ending with a period: '{message}'", nameof(message));
        }

        _report(new Finding(Descriptor, level ?? Descriptor.DefaultLevel, score ?? Descriptor.SecuritySeverity, message, location,
            related?.ToImmutableArray() ?? [], fix));
    }
}

public sealed class TorLineContext : RuleContext
{
    internal TorLineContext(RuleDescriptor d, Deployment deployment, Action<Finding> r, TorConfig config, TorLine line)
        : base(d, deployment, r)
    {
        Config = config;
        Line = line;
    }

    public TorConfig Config { get; }

    public TorLine Line { get; }
}

public sealed class TorConfigContext : RuleContext
{
    internal TorConfigContext(RuleDescriptor d, Deployment deployment, Action<Finding> r, TorConfig config)
        : base(d, deployment, r) => Config = config;

    public TorConfig Config { get; }

    /// <summary>Line 1 of the main torrc: where absence findings go.</summary>
    public SourceLocation FileStart => new(Config.Main, Config.Main.Text.Lines.Count > 0 ? Config.Main.Text.Lines[0].Span : default);

    /// <summary>The compose service that runs this configuration, when the deployment shows one.</summary>
    public ComposeService? Service => Deployment.ServiceOf(Config);
}

public sealed class ComposeServiceContext : RuleContext
{
    internal ComposeServiceContext(RuleDescriptor d, Deployment deployment, Action<Finding> r, ComposeService service)
        : base(d, deployment, r) => Service = service;

    public ComposeService Service { get; }
}

public sealed class DockerfileContext : RuleContext
{
    internal DockerfileContext(RuleDescriptor d, Deployment deployment, Action<Finding> r, ConfigLint.Semantics.Dockerfile.DockerfileModel model)
        : base(d, deployment, r) => Model = model;

    public ConfigLint.Semantics.Dockerfile.DockerfileModel Model { get; }

    /// <summary>The stages that run: compose build targets, and the last stage unless every building service names a target.</summary>
    public IReadOnlyList<ConfigLint.Semantics.Dockerfile.DockerStage> RuntimeStages => Deployment.RuntimeStages(Model);

    /// <summary>Line 1 of the Dockerfile.</summary>
    public SourceLocation FileStart => new(Model.Tree, Model.Tree.Text.Lines.Count > 0 ? Model.Tree.Text.Lines[0].Span : default);

    public SourceLocation At(Microsoft.CodeAnalysis.Text.TextSpan span) => new(Model.Tree, span);
}

public sealed class SquidConfigContext : RuleContext
{
    internal SquidConfigContext(RuleDescriptor d, Deployment deployment, Action<Finding> r, ConfigLint.Semantics.Squid.SquidConfig config)
        : base(d, deployment, r) => Config = config;

    public ConfigLint.Semantics.Squid.SquidConfig Config { get; }
}

public sealed class NginxConfigContext : RuleContext
{
    internal NginxConfigContext(RuleDescriptor d, Deployment deployment, Action<Finding> r, ConfigLint.Semantics.Nginx.NginxConfig config)
        : base(d, deployment, r) => Config = config;

    public ConfigLint.Semantics.Nginx.NginxConfig Config { get; }
}

public sealed class DeploymentContext : RuleContext
{
    internal DeploymentContext(RuleDescriptor d, Deployment deployment, Action<Finding> r)
        : base(d, deployment, r)
    {
    }
}

public sealed class FirewallContext : RuleContext
{
    internal FirewallContext(RuleDescriptor d, Deployment deployment, Action<Finding> r, Firewall firewall)
        : base(d, deployment, r) => Firewall = firewall;

    /// <summary>The rule set with its host, carriers and joined torrc.</summary>
    public Firewall Firewall { get; }

    public ConfigLint.Semantics.Iptables.IptablesRuleSet RuleSet => Firewall.RuleSet;
}
