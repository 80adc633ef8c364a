using System.Collections.Immutable;
using ConfigLint.Analysis.Configuration;
using ConfigLint.Semantics;
using ConfigLint.Syntax;

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

    /// <summary>
    /// How many threads discovery, parsing, suppression and the rules may use (<c>--threads</c>): 0 (the default) for
    /// one per core, 1 for the sequential path. The findings are the same, in the same order, whatever the value.
    /// </summary>
    public int Threads { get; init; }

    /// <summary>When set, the run records each phase's wall time and each rule's there (<c>check --timings</c>).</summary>
    public PhaseTimings? Timings { get; init; }
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

    /// <summary>The notes of <see cref="Notes"/> that iptables rule sets gave, each with the rule set's full path (last in <see cref="Notes"/>, in this order).</summary>
    internal ImmutableArray<(string FullPath, string Text)> FirewallNotes { get; init; } = [];

    /// <summary>The rules that ran (built-in diagnostics included), by ID.</summary>
    public ImmutableArray<RuleDescriptor> Rules { get; init; } = [];

    /// <summary>Where each tree was read from (full paths), for <c>fix</c>.</summary>
    public required IWorkspace Workspace { get; init; }
}
