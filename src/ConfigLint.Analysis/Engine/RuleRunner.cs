using ConfigLint.Semantics;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Tor;

namespace ConfigLint.Analysis.Engine;

/// <summary>
/// The analyze step: each rule registers its callbacks once, and the runner calls them on the model's elements in model
/// order. A rule that throws is reported as a tool error and the others still run.
/// </summary>
public static class RuleRunner
{
    /// <summary>
    /// Runs the rules over the deployment; findings are raw (no selection, suppression or ordering yet). Rules are
    /// independent (each reads the immutable model and reports into its own list), so they run on up to
    /// <paramref name="threads"/> threads; the lists are joined in rule order, as one thread would have made them.
    /// With <paramref name="timings"/>, each rule's time is recorded (thread-safe).
    /// </summary>
    public static List<Finding> Run(IEnumerable<IRule> rules, Deployment deployment, List<string> errors, int threads = 1, PhaseTimings? timings = null)
    {
        var list = rules.ToList();
        var perRule = new List<Finding>[list.Count];
        var failures = new string?[list.Count];
        Parallelism.For(list.Count, threads, i =>
        {
            var rule = list[i];
            var found = perRule[i] = [];
            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                RunRule(rule, deployment, found);
                timings?.AddRule(rule.Descriptor.Id, start);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                failures[i] = $"rule {rule.Descriptor.Id} failed: {ex.GetType().Name}: {ex.Message}";
            }
        });

        var findings = new List<Finding>(perRule.Sum(f => f.Count));
        for (var i = 0; i < list.Count; i++)
        {
            findings.AddRange(perRule[i]);
            if (failures[i] is { } failure)
            {
                errors.Add(failure);
            }
        }

        return findings;
    }

    private static void RunRule(IRule rule, Deployment deployment, List<Finding> findings)
    {
        var context = new AnalysisContext(rule);
        rule.Initialize(context);
        var d = rule.Descriptor;
        void Report(Finding f) => findings.Add(WithoutForeignFix(f, d));

        foreach (var config in deployment.TorConfigs)
        {
            foreach (var (options, action) in context.TorLineActions)
            {
                foreach (var line in config.Lines)
                {
                    if (options.Contains(line.Name) && line.Entry.Option.Status != TorOptionStatus.Unknown && config.IsEffective(line))
                    {
                        action(new TorLineContext(d, deployment, Report, config, line));
                    }
                }
            }
        }

        foreach (var project in deployment.ComposeProjects)
        {
            Dispatch(project.Services, context.ComposeServiceActions, s => new ComposeServiceContext(d, deployment, Report, s));
        }

        Dispatch(deployment.TorConfigs, context.TorConfigActions, c => new TorConfigContext(d, deployment, Report, c));
        Dispatch(deployment.Dockerfiles, context.DockerfileActions, m => new DockerfileContext(d, deployment, Report, m));
        Dispatch(deployment.SquidConfigs, context.SquidConfigActions, c => new SquidConfigContext(d, deployment, Report, c));
        Dispatch(deployment.NginxConfigs, context.NginxConfigActions, c => new NginxConfigContext(d, deployment, Report, c));
        Dispatch(deployment.Firewalls, context.FirewallActions, f => new FirewallContext(d, deployment, Report, f));
        Dispatch([deployment], context.DeploymentActions, _ => new DeploymentContext(d, deployment, Report));
    }

    /// <summary>
    /// A rule's fix is written in its own language's syntax; where the model put a line in another file (a tor option
    /// given on the command line lives in a compose file or Dockerfile), the finding stands but the edit is not offered.
    /// </summary>
    private static Finding WithoutForeignFix(Finding finding, RuleDescriptor rule) =>
        finding.Fix is { } fix && rule.Language is { } language && fix.Edits.Any(e => e.Tree.Language != language) ? finding with { Fix = null } : finding;

    /// <summary>Calls every action registered for a kind of model element on each element, in model order.</summary>
    private static void Dispatch<TItem, TContext>(IEnumerable<TItem> items, List<Action<TContext>> actions, Func<TItem, TContext> contextFor)
    {
        if (actions.Count == 0)
        {
            return;
        }

        foreach (var item in items)
        {
            foreach (var action in actions)
            {
                action(contextFor(item));
            }
        }
    }

    /// <summary>Parse diagnostics of every file read (includes too) and the binders' diagnostics, as CL findings.</summary>
    public static void AddBuiltIns(Deployment deployment, IEnumerable<BindDiagnostic> bindDiagnostics, List<Finding> findings)
    {
        var located = deployment.Trees
            .SelectMany(tree => tree.Diagnostics.Select(d => (d.Id, d.Level, d.Message, Location: new SourceLocation(tree, d.Span))))
            .Concat(bindDiagnostics.Select(d => (d.Id, d.Level, d.Message, d.Location)));
        foreach (var (id, level, message, location) in located)
        {
            var descriptor = BuiltInDescriptors.All.First(b => b.Id == id);
            findings.Add(new Finding(descriptor, level, descriptor.SecuritySeverity, message, location, [], null));
        }
    }
}
