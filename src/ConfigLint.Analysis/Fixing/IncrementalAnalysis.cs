using System.Collections.Immutable;
using ConfigLint.Analysis.Engine;
using ConfigLint.Syntax;

namespace ConfigLint.Analysis.Fixing;

/// <summary>What each analysis of a <c>fix</c> run covered (a test hook; <see cref="Fixer"/> fills it when given one).</summary>
internal sealed class FixTrace
{
    /// <summary>Per analysis, in order: whether it covered the whole input, and the discovered files it analysed.</summary>
    public List<(bool Whole, IReadOnlySet<string> Files)> Analyses { get; } = [];

    /// <summary>When set, each partial analysis is checked against a whole one; differences land in <see cref="Differences"/>.</summary>
    public bool Verify { get; init; }

    public List<string> Differences { get; } = [];
}

/// <summary>
/// The analyses of one <c>fix</c> run. The first covers the whole input; each later one covers only the
/// <see cref="AnalysisUnits"/> holding a file whose text changed since the one before (the others' findings are kept),
/// reuses the discovery, and does not parse again a file that did not change. A partial analysis that links or reads a
/// file of a unit it did not cover is replaced by a whole one. The result is the one a whole analysis gives.
/// </summary>
internal sealed class IncrementalAnalysis(AnalyzerDriver driver, AnalysisOptions options, FixTrace? trace)
{
    private AnalyzerDriver.Prepared? _prepared;
    private AnalysisUnits? _units;
    private FileSystemWorkspace? _workspace;
    private Dictionary<string, byte[]> _analysed = new(StringComparer.Ordinal);
    private AnalysisResult? _last;

    // The merged state: findings and trees by the file they are in, the rule sets' notes by rule set, in model order.
    private List<Finding> _findings = [];
    private List<Finding> _suppressed = [];
    private Dictionary<string, SyntaxTree> _trees = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _firewallNotes = new(StringComparer.Ordinal);
    private List<string> _firewallOrder = [];

    public AnalysisResult Run(IReadOnlyDictionary<string, byte[]> overlay)
    {
        var current = new Dictionary<string, byte[]>(overlay, StringComparer.Ordinal);
        var run = options with { Overlay = current };
        if (_prepared is null || _units is null || _last is null)
        {
            _prepared = AnalyzerDriver.Prepare(run);
            _units = new AnalysisUnits(_prepared.Discovery.Files, _prepared.Workspace.Root);
            var first = Whole(run, current);

            // Later passes start from what discovery learnt about the disk, not from the first pass's trees (the pass
            // keeps those that did not change).
            _prepared = _prepared with { Workspace = _prepared.Workspace.Fork(null, null) };
            return first;
        }

        var changed = current.Keys.Concat(_analysed.Keys).Distinct(StringComparer.Ordinal)
            .Where(p => !ReferenceEquals(current.GetValueOrDefault(p), _analysed.GetValueOrDefault(p)))
            .ToList();
        if (changed.Count == 0)
        {
            return _last;
        }

        var units = changed.Select(_units.UnitOf).ToList();
        if (units.Any(u => u is null))
        {
            return Whole(run, current);
        }

        var affected = units.Select(u => u!.Value).ToHashSet();
        var only = _units.DiscoveredIn(affected);
        bool InAffected(string path) => _units.UnitOf(path) is { } u && affected.Contains(u);
        var keptFindings = _findings.Where(f => !InAffected(f.Location.Tree.FullPath)).ToList();
        var keptSuppressed = _suppressed.Where(f => !InAffected(f.Location.Tree.FullPath)).ToList();
        var keptTrees = _trees.Where(kv => !InAffected(kv.Key)).ToList();
        var keptNotes = _firewallNotes.Where(kv => !InAffected(kv.Key)).ToList();

        // The changed files' earlier trees, and what the last pass found in them, are let go before this pass reads them again.
        var previous = Forget();
        var result = driver.Analyze(run, _prepared, only, previous);
        trace?.Analyses.Add((false, only));
        if (!_units.Add(result, affected))
        {
            return Whole(run, current);
        }

        _workspace = result.Workspace as FileSystemWorkspace;
        _analysed = current;
        _findings = [.. keptFindings, .. result.Findings];
        _suppressed = [.. keptSuppressed, .. result.Suppressed];
        _trees = keptTrees.Concat(result.Trees.Select(t => KeyValuePair.Create(t.FullPath, t))).GroupBy(kv => kv.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);
        _firewallNotes.Clear();
        foreach (var (path, text) in keptNotes.Select(kv => (kv.Key, kv.Value)).Concat(result.FirewallNotes))
        {
            _firewallNotes[path] = text;
        }

        _last = Merged(result) with { Deployment = NoModel(result) };
        if (trace is { Verify: true })
        {
            Compare(_last, driver.Run(run), trace.Differences);
        }

        return _last;
    }

    private AnalysisResult Whole(AnalysisOptions run, Dictionary<string, byte[]> current)
    {
        var units = _units!;
        var previous = Forget();
        var result = driver.Analyze(run, _prepared!, null, previous);
        trace?.Analyses.Add((true, units.Discovered));
        units.Add(result, null);
        _workspace = result.Workspace as FileSystemWorkspace;
        _analysed = current;
        _findings = [.. result.Findings];
        _suppressed = [.. result.Suppressed];
        _trees = result.Trees.GroupBy(t => t.FullPath, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        _firewallOrder = [.. result.Deployment.Firewalls.Select(f => f.RuleSet.Tree.FullPath)];
        _firewallNotes.Clear();
        foreach (var (path, text) in result.FirewallNotes)
        {
            _firewallNotes[path] = text;
        }

        _last = result with { Deployment = NoModel(result) };
        return _last;
    }

    /// <summary>
    /// An empty model in place of the pass's: the next pass must not hold two models at once (the findings, trees,
    /// notes and errors are all <c>fix</c> reads), so memory stays a check's plus the edited texts.
    /// </summary>
    private static ConfigLint.Semantics.Deployment NoModel(AnalysisResult result) =>
        new ConfigLint.Semantics.DeploymentBuilder(result.Workspace, [], [], [], [], []).Build([]);

    /// <summary>Drops the merged state (kept parts are copied out first) and returns the last pass's workspace, to seed the next.</summary>
    private FileSystemWorkspace? Forget()
    {
        var previous = _workspace;
        _workspace = null;
        _last = null;
        _findings = [];
        _suppressed = [];
        _trees = new(StringComparer.Ordinal);
        return previous;
    }

    /// <summary>The latest analysis with the kept units' findings, trees and rule set notes put back, as a whole analysis orders them.</summary>
    private AnalysisResult Merged(AnalysisResult latest)
    {
        var order = _firewallOrder.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i, StringComparer.Ordinal);
        var firewallNotes = _firewallNotes.OrderBy(kv => order.GetValueOrDefault(kv.Key, int.MaxValue)).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => (kv.Key, kv.Value)).ToImmutableArray();
        return latest with
        {
            Findings = FindingPolicy.Ordered(_findings),
            Trees = [.. _trees.Values.OrderBy(t => t.Path, StringComparer.Ordinal)],
            Suppressed = FindingPolicy.Ordered(_suppressed),
            Notes = [.. _prepared!.Notes, .. firewallNotes.Select(n => n.Item2)],
            FirewallNotes = firewallNotes,
        };
    }

    /// <summary>What a test compares: every finding as printed (with its fix and related locations), the notes and the errors.</summary>
    private static void Compare(AnalysisResult merged, AnalysisResult whole, List<string> differences)
    {
        static IEnumerable<string> Lines(AnalysisResult r) =>
            r.Findings.Select(f => "finding " + Describe(f)).Concat(r.Suppressed.Select(f => "suppressed " + Describe(f)))
                .Concat(r.Notes.Select(n => "note " + n)).Concat(r.Errors.Select(e => "error " + e));

        var a = Lines(merged).ToList();
        var b = Lines(whole).ToList();
        if (!a.SequenceEqual(b))
        {
            differences.AddRange(a.Except(b).Select(l => "only incremental: " + l).Concat(b.Except(a).Select(l => "only whole: " + l)).DefaultIfEmpty("same lines, another order"));
        }
    }

    private static string Describe(Finding f) =>
        $"{f.Path}:{f.LineSpan} {f.RuleId} {f.Level} {f.Message} related[{string.Join("; ", f.Related.Select(r => $"{r.Location.Path}:{r.Location.Span} {r.Message}"))}] " +
        $"fix[{f.Fix?.Title} {f.Fix?.Applicability} {string.Join("; ", f.Fix?.Edits.Select(e => $"{e.Tree.Path}:{e.Span}={e.NewText}") ?? [])}]";
}
