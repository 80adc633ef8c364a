using ConfigLint.Semantics;
using ConfigLint.Syntax;

namespace ConfigLint.Analysis.Engine;

/// <summary>
/// The pipeline, one direction: discover (<see cref="FileDiscovery"/>, scoped by <see cref="ProjectScope"/>) → parse
/// (<see cref="FileSystemWorkspace"/>) → bind (<see cref="ProjectBinder"/>, <see cref="DeploymentBuilder"/>) → analyze
/// (<see cref="RuleRunner"/>) → select, suppress, cap, order (<see cref="FindingPolicy"/>).
/// </summary>
public sealed class AnalyzerDriver
{
    private readonly IReadOnlyList<IRule> _rules;

    public AnalyzerDriver(IEnumerable<IRule> rules) => _rules = rules.ToList();

    public IReadOnlyList<IRule> Rules => _rules;

    /// <summary>All descriptors, built-in first, then rules by ID.</summary>
    public IEnumerable<RuleDescriptor> Descriptors =>
        BuiltInDescriptors.All.Concat(_rules.Select(r => r.Descriptor).OrderBy(d => d.Id, StringComparer.Ordinal));

    public AnalysisResult Run(AnalysisOptions options) => Analyze(options, Prepare(options));

    /// <summary>
    /// What a run settles before it reads any file for analysis: the scope, the root, the files discovered, and the
    /// notes and errors about paths. It reads the disk only (never the overlay), so every pass of <c>fix</c> shares it.
    /// </summary>
    internal sealed record Prepared(ProjectScope Scope, FileSystemWorkspace Workspace, DiscoveryResult Discovery, IReadOnlyList<string> Errors, IReadOnlyList<string> Notes);

    internal static Prepared Prepare(AnalysisOptions options)
    {
        var threads = Parallelism.Resolve(options.Threads);
        var errors = new List<string>();
        var fullPaths = (options.Paths.Count == 0 ? ["."] : options.Paths)
            .Select(p => Path.GetFullPath(Path.Combine(options.CurrentDirectory, p))).ToList();
        var scope = ProjectScope.Of(fullPaths);
        var root = PathContainment.CommonFolder([.. scope.Folders, .. fullPaths]);
        var workspace = new FileSystemWorkspace(root, options.CurrentDirectory, options.Overlay);
        var discovery = FileDiscovery.Discover(scope, workspace, errors, options.Config, threads);
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

        return new Prepared(scope, workspace, discovery, errors, notes);
    }

    /// <summary>
    /// Parses, binds and analyses what <paramref name="prepared"/> discovered: all of it, or only the files in
    /// <paramref name="only"/> (what <see cref="AnalysisUnits"/> says can be analysed apart). With
    /// <paramref name="previous"/> (the workspace of an earlier pass), a file whose text the overlay did not change
    /// since is not parsed again.
    /// </summary>
    internal AnalysisResult Analyze(AnalysisOptions options, Prepared prepared, IReadOnlySet<string>? only = null, FileSystemWorkspace? previous = null)
    {
        var scope = prepared.Scope;
        var errors = prepared.Errors.ToList();
        var notes = prepared.Notes.ToList();
        var workspace = previous is null ? prepared.Workspace : prepared.Workspace.Fork(options.Overlay, previous);
        var discovered = only is null ? prepared.Discovery.Files : prepared.Discovery.Files.Where(f => only.Contains(f.FullPath)).ToList();

        // A few files (one deployment) are analysed on this thread: the rules would not pay for the pool's threads.
        var threads = discovered.Count >= Parallelism.MinItems ? Parallelism.Resolve(options.Threads) : 1;

        // Parse every discovered file (in parallel; includes are parsed on demand by the binders), bind, analyze.
        options.Timings?.Mark("discovery");
        workspace.Prefetch(discovered, threads);
        var trees = new List<SyntaxTree>();
        foreach (var file in discovered)
        {
            if (workspace.GetTree(file.FullPath, file.Language, out _) is { } tree)
            {
                trees.Add(tree);
            }
        }

        options.Timings?.Mark("read+parse");
        var deployment = ProjectBinder.Bind(trees, workspace);
        var firewallNotes = deployment.Firewalls.Where(f => f.RuleSet.Notes.Length > 0 && scope.Contains(f.RuleSet.Tree.FullPath))
            .Select(f => (f.RuleSet.Tree.FullPath, FirewallNote(f.RuleSet))).ToList();
        notes.AddRange(firewallNotes.Select(n => n.Item2));
        options.Timings?.Mark("bind/model");
        var findings = RuleRunner.Run(_rules.Where(r => FindingPolicy.IsSelected(r.Descriptor, options)), deployment, errors, threads, options.Timings);
        RuleRunner.AddBuiltIns(deployment, deployment.TorConfigs.SelectMany(c => c.Diagnostics).Concat(deployment.ComposeProjects.SelectMany(p => p.Diagnostics))
            .Concat(deployment.SquidConfigs.SelectMany(c => c.Diagnostics)).Concat(deployment.NginxConfigs.SelectMany(c => c.Diagnostics)), findings);

        options.Timings?.Mark("rules");
        errors.AddRange(workspace.ReadErrors.OrderBy(e => e, StringComparer.Ordinal));

        var suppressed = new List<Finding>();
        var visible = findings.Where(f => FindingPolicy.IsSelected(f.Descriptor, options)).ToList();
        visible = FindingPolicy.ApplySuppressions(deployment.Trees, visible, options, [.. Descriptors], suppressed, threads);

        // The whole project was analysed; what is reported is what lies in the files and folders named.
        bool InScope(Finding f) => scope.Contains(f.Location.Tree.FullPath);
        visible = FindingPolicy.CapPerFile(visible.Where(InScope));
        suppressed = suppressed.Where(InScope).ToList();
        var result = new AnalysisResult(FindingPolicy.Ordered(FindingPolicy.ApplySeverity(visible, options.Config)), [.. errors.Distinct()], deployment.Trees, deployment)
        {
            Notes = [.. notes],
            FirewallNotes = [.. firewallNotes],
            Scope = scope,
            Suppressed = FindingPolicy.Ordered(FindingPolicy.ApplySeverity(suppressed, options.Config)),
            Rules = [.. Descriptors.Where(d => FindingPolicy.IsSelected(d, options)).OrderBy(d => d.Id, StringComparer.Ordinal)],
            Workspace = workspace,
        };
        options.Timings?.Mark("policy/suppressions");
        return result;
    }

    /// <summary>
    /// What the iptables reader could not follow in a file, said rather than guessed: the first note with its line and
    /// column, and how many more there are.
    /// </summary>
    private static string FirewallNote(ConfigLint.Semantics.Iptables.IptablesRuleSet ruleSet)
    {
        var first = ruleSet.Notes[0];
        var position = first.Location.Tree.Text.Lines.GetLinePosition(first.Location.Span.Start);
        var more = ruleSet.Notes.Length > 1 ? $" ({ruleSet.Notes.Length - 1} more in this file)" : string.Empty;
        var skipped = ruleSet.Understood ? string.Empty : " The file's rules are not analysed.";
        return $"{ruleSet.Tree.Path}:{position.Line + 1}:{position.Character + 1}: {first.Message}{more}{skipped}";
    }
}
