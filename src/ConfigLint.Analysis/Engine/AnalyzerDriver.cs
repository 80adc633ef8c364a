using System.Collections.Immutable;
using ConfigLint.Analysis.Configuration;
using ConfigLint.Analysis.Suppression;
using ConfigLint.Semantics;
using ConfigLint.Semantics.Compose;
using ConfigLint.Semantics.Tor;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Compose;
using ConfigLint.Syntax.Tor;

namespace ConfigLint.Analysis.Engine;

/// <summary>What to run.</summary>
public sealed record AnalysisOptions(
    IReadOnlyList<string> Paths,
    string CurrentDirectory,
    IReadOnlyList<string> Select,
    IReadOnlyList<string> Ignore,
    ConfigLintConfig? Config = null,
    IReadOnlyDictionary<string, byte[]>? Overlay = null)
{
    /// <summary>The command line's --select wins over the configuration's; ignores add up.</summary>
    public IReadOnlyList<string> EffectiveSelect => Select.Count > 0 ? Select : (Config?.Select ?? []);

    public IReadOnlyList<string> EffectiveIgnore => [.. Ignore, .. Config?.Ignore ?? []];
}

/// <summary>What a run produced: findings in deterministic order, tool errors, the files read.</summary>
public sealed record AnalysisResult(ImmutableArray<Finding> Findings, ImmutableArray<string> Errors, ImmutableArray<SyntaxTree> Trees, Deployment Deployment)
{
    /// <summary>Findings a suppression comment hid, each with its <see cref="Finding.Suppression"/>, in the same order as <see cref="Findings"/>.</summary>
    public ImmutableArray<Finding> Suppressed { get; init; } = [];

    /// <summary>What was analysed (the projects) and what is reported (the paths named).</summary>
    public ProjectScope? Scope { get; init; }

    /// <summary>Files left out, each with the reason (a symlink leaving the root, a FIFO, a folder too deep, …): said, not an error.</summary>
    public ImmutableArray<string> Notes { get; init; } = [];

    /// <summary>The rules that ran (built-in diagnostics included), by ID.</summary>
    public ImmutableArray<RuleDescriptor> Rules { get; init; } = [];

    /// <summary>Where each tree was read from (full paths), for <c>fix</c>.</summary>
    public required IWorkspace Workspace { get; init; }
}

/// <summary>
/// The pipeline: discover → parse → bind → analyze → suppress → sort. Rules are stateless; every
/// callback is dispatched here, and suppressions, selection and ordering are applied here, never by rules.
/// </summary>
public sealed class AnalyzerDriver
{
    private readonly IReadOnlyList<IRule> _rules;

    public AnalyzerDriver(IEnumerable<IRule> rules) => _rules = rules.ToList();

    public IReadOnlyList<IRule> Rules => _rules;

    /// <summary>All descriptors, built-in first, then rules by ID.</summary>
    public IEnumerable<RuleDescriptor> Descriptors =>
        BuiltInDescriptors.All.Concat(_rules.Select(r => r.Descriptor).OrderBy(d => d.Id, StringComparer.Ordinal));

    public AnalysisResult Run(AnalysisOptions options)
    {
        var errors = new List<string>();
        var fullPaths = (options.Paths.Count == 0 ? ["."] : options.Paths)
            .Select(p => Path.GetFullPath(Path.Combine(options.CurrentDirectory, p))).ToList();
        var scope = ProjectScope.Of(fullPaths);
        var root = PathContainment.CommonFolder([.. scope.Folders, .. fullPaths]);
        var workspace = new FileSystemWorkspace(root, options.CurrentDirectory, options.Overlay);
        var discovery = FileDiscovery.Discover(scope, workspace, errors, options.Config);
        var discovered = discovery.Files;
        var discoveredPaths = discovered.Select(d => d.FullPath).ToHashSet(StringComparer.Ordinal);
        var notes = discovery.Notes.Where(n => scope.Contains(n.Path)).Select(n => n.Text).ToList();

        // A named file that is not a configuration file is skipped as a folder walk skips it; naming only such files is an error.
        var unrecognised = scope.NamedFiles
            .Where(p => IO.SafeFile.KindOf(p, follow: true) == IO.FileKind.Regular && !discovery.NotedPaths.Contains(p) && !discoveredPaths.Contains(p))
            .ToList();
        var what = "is not a torrc, squid.conf, nginx conf, Dockerfile or compose file ConfigLint recognises";
        if (unrecognised.Count > 0 && unrecognised.Count == fullPaths.Count)
        {
            errors.AddRange(unrecognised.Select(p => $"'{workspace.DisplayPath(p)}' {what}."));
        }
        else
        {
            notes.AddRange(unrecognised.Select(p => $"'{workspace.DisplayPath(p)}' {what}; it is skipped."));
        }

        if (notes.Count > FileDiscovery.MaxNotes)
        {
            notes = [.. notes.Take(FileDiscovery.MaxNotes), $"{notes.Count - FileDiscovery.MaxNotes} more files were left out for the same kinds of reasons; they are not listed."];
        }

        // Parse every discovered file (includes are parsed on demand by the binders).
        var trees = new List<SyntaxTree>();
        foreach (var file in discovered)
        {
            if (workspace.GetTree(file.FullPath, file.Language, out _) is { } tree)
            {
                trees.Add(tree);
            }
        }

        var torConfigs = BindTor(trees.Where(t => t.Language == Language.Tor && t is not UnparsedTree).ToList(), workspace);
        var projects = BindCompose(trees.OfType<YamlSyntaxTree>().Where(t => t.Language == Language.Compose).ToList(), workspace);
        var dockerfiles = trees.OfType<ConfigLint.Syntax.Dockerfile.DockerfileSyntaxTree>()
            .Select(ConfigLint.Semantics.Dockerfile.DockerfileModel.Build).ToImmutableArray();
        var squidMains = MainFiles(trees.Where(t => t.Language == Language.Squid && t is not UnparsedTree).ToList(), workspace, ConfigLint.Semantics.Squid.SquidBinder.DirectIncludes);
        var nginxMains = MainFiles(trees.Where(t => t.Language == Language.Nginx && t is not UnparsedTree).ToList(), workspace, ConfigLint.Semantics.Nginx.NginxBinder.DirectIncludes);
        var deployment = new Deployment([.. workspace.Trees.OrderBy(t => t.Path, StringComparer.Ordinal)], torConfigs, projects, workspace, dockerfiles, squidMains, nginxMains);

        var findings = new List<Finding>();
        var selected = _rules.Where(r => IsSelected(r.Descriptor, options)).ToList();
        foreach (var rule in selected)
        {
            try
            {
                RunRule(rule, deployment, findings);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                errors.Add($"rule {rule.Descriptor.Id} failed: {ex.GetType().Name}: {ex.Message}");
            }
        }

        AddBuiltIns(deployment, torConfigs.SelectMany(c => c.Diagnostics).Concat(projects.SelectMany(p => p.Diagnostics))
            .Concat(deployment.SquidConfigs.SelectMany(c => c.Diagnostics)).Concat(deployment.NginxConfigs.SelectMany(c => c.Diagnostics)), findings);

        errors.AddRange(workspace.ReadErrors.OrderBy(e => e, StringComparer.Ordinal));

        var suppressed = new List<Finding>();
        var visible = findings.Where(f => IsSelected(f.Descriptor, options)).ToList();
        visible = ApplySuppressions(deployment.Trees, visible, options, suppressed);

        // The whole project was analysed; what is reported is what lies in the files and folders named.
        bool InScope(Finding f) => scope.Contains(workspace.FullPathOf(f.Location.Tree));
        visible = CapPerFile(visible.Where(InScope));
        suppressed = suppressed.Where(InScope).ToList();
        return new AnalysisResult(Ordered(ApplySeverity(visible, options.Config)), [.. errors.Distinct()], deployment.Trees, deployment)
        {
            Notes = [.. notes],
            Scope = scope,
            Suppressed = Ordered(ApplySeverity(suppressed, options.Config)),
            Rules = [.. Descriptors.Where(d => IsSelected(d, options)).OrderBy(d => d.Id, StringComparer.Ordinal)],
            Workspace = workspace,
        };
    }

    /// <summary>How many findings of one rule one file may report; a broken or hostile file can hold millions (parse diagnostics are capped lower, by SyntaxTree, with their own count).</summary>
    public const int MaxFindingsPerRuleAndFile = 1000;

    /// <summary>
    /// The first <see cref="MaxFindingsPerRuleAndFile"/> findings of each rule in each file, and then one finding that
    /// says how many more there are, at the first one left out (compilers stop after so many errors for the same reason).
    /// </summary>
    private static List<Finding> CapPerFile(IEnumerable<Finding> findings)
    {
        var result = new List<Finding>();
        foreach (var group in findings.GroupBy(f => (f.Path, f.RuleId)))
        {
            var list = group.ToList();
            if (list.Count <= MaxFindingsPerRuleAndFile)
            {
                result.AddRange(list);
                continue;
            }

            var ordered = Ordered(list);
            result.AddRange(ordered.Take(MaxFindingsPerRuleAndFile));
            var first = ordered[MaxFindingsPerRuleAndFile];
            result.Add(first with
            {
                Message = $"{ordered.Length - MaxFindingsPerRuleAndFile} more {first.RuleId} findings in this file are not listed (ConfigLint lists at most {MaxFindingsPerRuleAndFile} of one rule per file); fix the ones above and check again.",
                Related = [],
                Fix = null,
            });
        }

        return result;
    }

    /// <summary>Deterministic order (path, line, column, rule, message), duplicates removed.</summary>
    public static ImmutableArray<Finding> Ordered(IEnumerable<Finding> findings) =>
        findings
            .DistinctBy(f => (f.RuleId, f.Path, f.Location.Span, f.Message))
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .ThenBy(f => f.LineSpan.Start.Line)
            .ThenBy(f => f.LineSpan.Start.Character)
            .ThenBy(f => f.RuleId, StringComparer.Ordinal)
            .ThenBy(f => f.Message, StringComparer.Ordinal)
            .ToImmutableArray();

    public static bool Matches(RuleDescriptor d, string pattern) =>
        d.Id.StartsWith(pattern, StringComparison.OrdinalIgnoreCase) || d.Name.Equals(pattern, StringComparison.OrdinalIgnoreCase);

    private static bool IsSelected(RuleDescriptor d, AnalysisOptions options) =>
        (options.EffectiveSelect.Count == 0 || options.EffectiveSelect.Any(p => Matches(d, p))) && !options.EffectiveIgnore.Any(p => Matches(d, p));

    /// <summary>Configured severity overrides: a new level for every finding of the rule, or none to drop them.</summary>
    private static List<Finding> ApplySeverity(List<Finding> findings, ConfigLintConfig? config)
    {
        if (config is null || config.Severity.IsEmpty)
        {
            return findings;
        }

        var result = new List<Finding>(findings.Count);
        foreach (var f in findings)
        {
            // The most specific setting wins: TOR001 over TOR.
            var level = config.Severity.Where(kv => Matches(f.Descriptor, kv.Key)).OrderByDescending(kv => kv.Key.Length).FirstOrDefault();
            if (level.Key is null)
            {
                result.Add(f);
            }
            else if (level.Value != DiagnosticLevel.None)
            {
                result.Add(f with { Level = level.Value });
            }
        }

        return result;
    }

    /// <summary>Torrc files that no other torrc includes (the includes are read to find out) are configurations of their own.</summary>
    private static ImmutableArray<TorConfig> BindTor(List<SyntaxTree> torTrees, FileSystemWorkspace workspace) =>
        [.. IncludeGraph.Roots(torTrees, t => TorBinder.DirectIncludes(t, workspace), workspace.FullPathOf,
            path => workspace.GetTree(path, Language.Tor, out _) is { } t and not UnparsedTree ? t : null)
            .Select(r => TorBinder.Bind(r, workspace))];

    /// <summary>
    /// Main files of a language, each bound as one configuration: those no other discovered file of it includes, and
    /// the files of an include cycle nothing outside it includes (<see cref="IncludeGraph.Roots"/>). A fragment resolves
    /// its includes against a guessed prefix, so files it alone names are not read here.
    /// </summary>
    private static ImmutableArray<SyntaxTree> MainFiles(List<SyntaxTree> trees, FileSystemWorkspace workspace, Func<SyntaxTree, IWorkspace, IReadOnlyList<string>> includes) =>
        IncludeGraph.Roots(trees, t => includes(t, workspace), workspace.FullPathOf, _ => null);

    private static readonly string[] MainComposeNames = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];

    private static ImmutableArray<ComposeProject> BindCompose(List<YamlSyntaxTree> trees, FileSystemWorkspace workspace)
    {
        var projects = ImmutableArray.CreateBuilder<ComposeProject>();
        foreach (var group in trees.GroupBy(t => Path.GetDirectoryName(workspace.FullPathOf(t))!).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var dir = group.Key;
            var envText = workspace.ReadText(Path.Combine(dir, ".env"));
            IReadOnlyDictionary<string, string> env = envText is null ? new Dictionary<string, string>() : Interpolation.ParseDotEnv(envText);
            var byName = group.ToDictionary(t => Path.GetFileName(workspace.FullPathOf(t)), StringComparer.Ordinal);
            var used = new HashSet<string>(StringComparer.Ordinal);
            var main = MainComposeNames.FirstOrDefault(byName.ContainsKey);
            if (main is not null)
            {
                var stem = main.StartsWith("docker-", StringComparison.Ordinal) ? "docker-compose" : "compose";
                var files = new List<YamlSyntaxTree> { byName[main] };
                used.Add(main);
                foreach (var ext in new[] { ".yaml", ".yml" })
                {
                    if (byName.TryGetValue($"{stem}.override{ext}", out var ov))
                    {
                        files.Add(ov);
                        used.Add($"{stem}.override{ext}");
                        break;
                    }
                }

                projects.Add(ComposeLoader.Load(dir, files, env, Loader(workspace)));
            }

            foreach (var (name, tree) in byName.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                if (!used.Contains(name))
                {
                    projects.Add(ComposeLoader.Load(dir, [tree], env, Loader(workspace)));
                }
            }
        }

        return projects.ToImmutable();
    }

    private static Func<string, YamlSyntaxTree?> Loader(FileSystemWorkspace workspace) =>
        path => workspace.GetTree(path, Language.Compose, out _) as YamlSyntaxTree;

    private static void RunRule(IRule rule, Deployment deployment, List<Finding> findings)
    {
        var context = new AnalysisContext(rule);
        rule.Initialize(context);
        var d = rule.Descriptor;
        void Report(Finding f) => findings.Add(f);

        if (context.SyntaxActions.Count > 0 || context.TreeActions.Count > 0)
        {
            foreach (var tree in deployment.Trees.Where(t => t is not UnparsedTree))
            {
                foreach (var (language, action) in context.TreeActions)
                {
                    if (tree.Language == language)
                    {
                        action(new SyntaxTreeContext(d, deployment, Report, tree));
                    }
                }

                if (context.SyntaxActions.Count > 0)
                {
                    foreach (var node in tree.Root.DescendantNodes().Prepend(tree.Root))
                    {
                        foreach (var (kind, action) in context.SyntaxActions)
                        {
                            if (node.Kind == kind)
                            {
                                action(new SyntaxNodeContext(d, deployment, Report, tree, node));
                            }
                        }
                    }
                }
            }
        }

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
            Dispatch([project], context.ComposeProjectActions, p => new ComposeProjectContext(d, deployment, Report, p));
            Dispatch(project.Services, context.ComposeServiceActions, s => new ComposeServiceContext(d, deployment, Report, s));
        }

        Dispatch(deployment.TorConfigs, context.TorConfigActions, c => new TorConfigContext(d, deployment, Report, c));
        Dispatch(deployment.Dockerfiles, context.DockerfileActions, m => new DockerfileContext(d, deployment, Report, m));
        Dispatch(deployment.SquidConfigs, context.SquidConfigActions, c => new SquidConfigContext(d, deployment, Report, c));
        Dispatch(deployment.NginxConfigs, context.NginxConfigActions, c => new NginxConfigContext(d, deployment, Report, c));
        Dispatch([deployment], context.DeploymentActions, _ => new DeploymentContext(d, deployment, Report));
    }

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
    private static void AddBuiltIns(Deployment deployment, IEnumerable<BindDiagnostic> bindDiagnostics, List<Finding> findings)
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

    private List<Finding> ApplySuppressions(ImmutableArray<SyntaxTree> trees, List<Finding> findings, AnalysisOptions options, List<Finding> suppressedFindings)
    {
        var result = new List<Finding>();
        var byTree = findings.GroupBy(f => f.Location.Tree).ToDictionary(g => g.Key, g => g.ToList());
        var known = Descriptors.ToList();
        foreach (var tree in trees)
        {
            var comments = tree is UnparsedTree ? [] : SuppressionComments.Read(tree);
            var list = byTree.GetValueOrDefault(tree) ?? [];
            foreach (var finding in list)
            {
                var line = finding.LineSpan.Start.Line;
                SuppressionComment? by = null;
                foreach (var c in comments)
                {
                    if (c.Reason is null || finding.RuleId == "CL0003")
                    {
                        continue;
                    }

                    if ((c.FileWide || c.TargetLine == line) && c.Codes.Any(code => Matches(finding.Descriptor, code)))
                    {
                        c.Used = true;
                        by ??= c;
                    }
                }

                if (by is null)
                {
                    result.Add(finding);
                }
                else
                {
                    suppressedFindings.Add(finding with { Suppression = new FindingSuppression(by.Reason!, by.Location, by.FileWide) });
                }
            }

            foreach (var c in comments)
            {
                var unknown = c.Codes.Where(code => !known.Any(d => Matches(d, code))).ToList();
                string? problem = null;
                if (c.Reason is null)
                {
                    problem = "Suppression comment has no reason ('-- why'); it is ignored.";
                }
                else if (unknown.Count > 0)
                {
                    problem = $"Suppression comment names unknown rule '{unknown[0]}'.";
                }
                else if (!c.Used && c.Codes.Any(code => known.Any(d => Matches(d, code) && IsSelected(d, options))))
                {
                    problem = $"Suppression comment for '{string.Join(",", c.Codes)}' matches no finding; remove it.";
                }

                if (problem is not null && IsSelected(BuiltInDescriptors.UnusedSuppression, options))
                {
                    result.Add(new Finding(BuiltInDescriptors.UnusedSuppression, BuiltInDescriptors.UnusedSuppression.DefaultLevel,
                        BuiltInDescriptors.UnusedSuppression.SecuritySeverity, problem, c.Location, [], null));
                }
            }
        }

        return result;
    }
}
