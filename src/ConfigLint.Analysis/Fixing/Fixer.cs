using System.Collections.Immutable;
using ConfigLint.Analysis.Engine;
using ConfigLint.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Analysis.Fixing;

/// <summary>A fix that was applied: the finding it answers, as reported in the pass that applied it.</summary>
public sealed record AppliedFix(Finding Finding, Fix Fix);

/// <summary>One file the fixes change: its bytes before and after.</summary>
public sealed record FixedFile(string FullPath, string DisplayPath, byte[] Original, byte[] Fixed, ImmutableArray<AppliedFix> Applied);

/// <summary>A fix that was not applied, and why.</summary>
public sealed record RefusedFix(string DisplayPath, string RuleId, string Reason);

/// <summary>
/// What <see cref="Fixer.Run(AnalyzerDriver, AnalysisOptions, bool)"/> produced. Nothing is written: the caller writes
/// <see cref="Files"/> (or diffs them). <see cref="Final"/> holds the findings, notes and errors after the last pass as
/// a whole analysis gives them; passes after the first re-analyse only what changed, so its model
/// (<see cref="AnalysisResult.Deployment"/>) is left empty.
/// </summary>
public sealed record FixOutcome(
    ImmutableArray<FixedFile> Files,
    ImmutableArray<RefusedFix> Refused,
    AnalysisResult Final,
    bool Converged)
{
    public ImmutableArray<string> Errors => Final.Errors;
}

/// <summary>
/// <c>configlint fix</c>'s engine, in memory. Each pass analyses the files (the edits so far stand in for the disk;
/// after the first pass, only the parts of the input the last pass changed: <see cref="IncrementalAnalysis"/>),
/// takes the fixes that apply (safe ones, and unsafe ones when asked), keeps those whose edits do not overlap an
/// earlier one in the same pass, and applies them. The next pass sees the new text, so fixes that build on each
/// other and findings a fix resolves settle, until a pass has nothing to apply. A file whose edits make it worse
/// (more CL0001/CL0002/CL0004 diagnostics than it had) is put back as it was before that pass and then fixed one fix
/// at a time, so only the offending fix (that rule's fix with that title, in that file) is refused. A file that does not parse is not fixed at all.
/// </summary>
public static class Fixer
{
    public const int MaxPasses = 24;

    /// <summary>In how many passes one fix (rule and title) may be applied to one file before it counts as not settling its finding.</summary>
    public const int MaxRepeats = 5;

    private static readonly string[] Breakage = ["CL0001", "CL0002", "CL0004"];

    public static FixOutcome Run(AnalyzerDriver driver, AnalysisOptions options, bool unsafeFixes) => Run(driver, options, unsafeFixes, null);

    /// <summary>As <see cref="Run(AnalyzerDriver, AnalysisOptions, bool)"/>, recording what each analysis covered in <paramref name="trace"/>.</summary>
    internal static FixOutcome Run(AnalyzerDriver driver, AnalysisOptions options, bool unsafeFixes, FixTrace? trace)
    {
        var analysis = new IncrementalAnalysis(driver, options, trace);
        var overlay = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var originals = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var display = new Dictionary<string, string>(StringComparer.Ordinal);
        var applied = new Dictionary<string, List<AppliedFix>>(StringComparer.Ordinal);
        var refused = new List<RefusedFix>();
        var blocked = new HashSet<(string File, string Rule, string Title)>();
        var oneAtATime = new HashSet<string>(StringComparer.Ordinal);
        var appliedCount = new Dictionary<(string File, string Rule, string Title), int>();
        Dictionary<string, int>? baseline = null;
        var skippedUnparsable = new HashSet<string>(StringComparer.Ordinal);

        // What the last pass changed, to check and possibly undo: file → (bytes before the pass, fixes applied in it).
        var lastPass = new Dictionary<string, (byte[]? Before, List<AppliedFix> Fixes)>(StringComparer.Ordinal);

        AnalysisResult result;
        var converged = false;
        for (var pass = 0; ; pass++)
        {
            result = analysis.Run(overlay);
            if (result.Errors.Length > 0 && pass == 0)
            {
                return new FixOutcome([], [], result, true);
            }

            var counts = BreakageCounts(result);
            baseline ??= counts;

            // Undo a file the last pass made worse, and go on with it one fix at a time.
            var undone = false;
            var broken = lastPass.Keys.Where(f => counts.GetValueOrDefault(display[f]) > baseline.GetValueOrDefault(display[f]) || result.Errors.Length > 0).ToHashSet(StringComparer.Ordinal);

            // A fix that spans files is undone in all of them.
            foreach (var (file, (_, fixes)) in lastPass.Where(kv => !broken.Contains(kv.Key)).ToList())
            {
                if (fixes.Any(fix => broken.Any(b => lastPass[b].Fixes.Contains(fix))))
                {
                    broken.Add(file);
                }
            }

            foreach (var (file, (before, fixes)) in lastPass)
            {
                var shown = display[file];
                if (!broken.Contains(file))
                {
                    continue;
                }

                Restore(overlay, file, before);
                applied[file].RemoveAll(fixes.Contains);
                undone = true;
                if (fixes.Count == 1 || oneAtATime.Contains(file))
                {
                    foreach (var fix in fixes)
                    {
                        blocked.Add((file, fix.Finding.RuleId, fix.Fix.Title));
                        refused.Add(new RefusedFix(shown, fix.Finding.RuleId, $"the edit ({fix.Fix.Title}) would make the file fail to parse or lose a known directive, so it was not applied"));
                    }
                }

                oneAtATime.Add(file);
            }

            lastPass.Clear();
            if (pass >= MaxPasses)
            {
                break;
            }

            if (undone)
            {
                continue;
            }

            // Choose this pass's fixes: no overlap with an earlier choice in any file they touch.
            var chosen = new Dictionary<SyntaxTree, List<TextEdit>>();
            var chosenEdits = new HashSet<ImmutableArray<TextEdit>>(SameEdits.Instance);
            var detached = new Dictionary<SyntaxTree, SyntaxTree>();
            var fixesByFile = new Dictionary<string, List<AppliedFix>>(StringComparer.Ordinal);
            var countedThisPass = new HashSet<(string File, string Rule, string Title)>();
            foreach (var finding in result.Findings)
            {
                if (finding.Fix is not { Edits.Length: > 0 } fix || (fix.Applicability == FixApplicability.Unsafe && !unsafeFixes))
                {
                    continue;
                }

                var files = fix.Edits.Select(e => e.Tree).Distinct().ToList();
                var fullPaths = files.Select(t => t.FullPath).ToList();

                // Only the files named are edited; the rest of the project only informs the decision.
                if (result.Scope is { } scope && !fullPaths.All(scope.Contains))
                {
                    continue;
                }
                if (fullPaths.Any(f => blocked.Contains((f, finding.RuleId, fix.Title))))
                {
                    continue;
                }

                // A fix that keeps coming back did not settle its finding (another line overrides what it wrote): stop it.
                if (fullPaths.Any(f => appliedCount.GetValueOrDefault((f, finding.RuleId, fix.Title)) >= MaxRepeats))
                {
                    foreach (var f in fullPaths)
                    {
                        blocked.Add((f, finding.RuleId, fix.Title));
                    }

                    refused.Add(new RefusedFix(finding.Path, finding.RuleId, $"the fix ({fix.Title}) was applied in {MaxRepeats} passes without settling the finding, so ConfigLint stopped applying it; check the file by hand"));
                    continue;
                }

                var unparsable = files.FirstOrDefault(t => t is UnparsedTree || t.Diagnostics.Any(d => d.Id == "CL0001"));
                if (unparsable is not null)
                {
                    if (skippedUnparsable.Add(unparsable.Path))
                    {
                        refused.Add(new RefusedFix(unparsable.Path, finding.RuleId, "the file does not parse (CL0001), so ConfigLint does not edit it"));
                    }

                    continue;
                }

                if (fullPaths.Any(f => oneAtATime.Contains(f) && fixesByFile.ContainsKey(f)))
                {
                    continue;
                }

                if (chosenEdits.Contains(fix.Edits))
                {
                    continue;
                }

                if (fix.Edits.Any(e => Overlaps(e, chosen.GetValueOrDefault(e.Tree)) || fix.Edits.Any(o => !ReferenceEquals(o, e) && o.Tree == e.Tree && Conflict(o, e))))
                {
                    continue;
                }

                foreach (var edit in fix.Edits)
                {
                    if (!chosen.TryGetValue(edit.Tree, out var list))
                    {
                        chosen[edit.Tree] = list = [];
                    }

                    list.Add(edit);
                }

                var appliedFix = Detached(new AppliedFix(finding, fix), detached);
                chosenEdits.Add(fix.Edits);
                foreach (var f in fullPaths.Distinct(StringComparer.Ordinal))
                {
                    if (!fixesByFile.TryGetValue(f, out var list))
                    {
                        fixesByFile[f] = list = [];
                    }

                    list.Add(appliedFix);
                }

                foreach (var f in fullPaths)
                {
                    // Counted once per pass: one pass may rightly apply the same fix to many lines.
                    if (countedThisPass.Add((f, finding.RuleId, fix.Title)))
                    {
                        appliedCount[(f, finding.RuleId, fix.Title)] = appliedCount.GetValueOrDefault((f, finding.RuleId, fix.Title)) + 1;
                    }
                }
            }

            if (chosen.Count == 0)
            {
                converged = true;
                break;
            }

            foreach (var (tree, edits) in chosen)
            {
                var full = tree.FullPath;
                display.TryAdd(full, tree.Path);
                var before = overlay.GetValueOrDefault(full);
                if (!originals.ContainsKey(full))
                {
                    originals[full] = SourceLoader.Encode(tree.Text.ToString());
                }

                var changed = tree.Text.WithChanges(edits.OrderBy(e => e.Span.Start).ThenBy(e => e.Span.Length).Select(e => new TextChange(e.Span, e.NewText)));
                overlay[full] = SourceLoader.Encode(changed.ToString());
                var fixes = fixesByFile[full];
                lastPass[full] = (before, fixes);
                if (!applied.TryGetValue(full, out var all))
                {
                    applied[full] = all = [];
                }

                all.AddRange(fixes.Where(f => !all.Contains(f)));
            }
        }

        var changedFiles = overlay
            .Where(kv => !kv.Value.AsSpan().SequenceEqual(originals[kv.Key]))
            .OrderBy(kv => display[kv.Key], StringComparer.Ordinal)
            .Select(kv => new FixedFile(kv.Key, display[kv.Key], originals[kv.Key], kv.Value, [.. applied[kv.Key]]))
            .ToImmutableArray();
        return new FixOutcome(changedFiles, [.. refused.Distinct()], result, converged);
    }

    /// <summary>
    /// The applied fix as it is kept until the end: its finding, fix and related locations point at the file's text as
    /// it was in that pass, not at the pass's syntax tree (every pass's trees of every edited file would stay in memory).
    /// </summary>
    private static AppliedFix Detached(AppliedFix applied, Dictionary<SyntaxTree, SyntaxTree> detached)
    {
        SyntaxTree Text(SyntaxTree tree)
        {
            if (!detached.TryGetValue(tree, out var text))
            {
                text = new SyntaxTree(tree.Path, tree.Language, tree.Text, new SyntaxNode(SyntaxKind.None, []), []);
                text.IdentifyAs(tree.FullPath);
                detached[tree] = text;
            }

            return text;
        }

        Fix Edits(Fix fix) => fix with { Edits = [.. fix.Edits.Select(e => e with { Tree = Text(e.Tree) })] };
        var finding = applied.Finding;
        var fix = Edits(applied.Fix);
        return new AppliedFix(finding with
        {
            Location = new ConfigLint.Semantics.SourceLocation(Text(finding.Location.Tree), finding.Location.Span),
            Related = [.. finding.Related.Select(r => r with { Location = new ConfigLint.Semantics.SourceLocation(Text(r.Location.Tree), r.Location.Span) })],
            Fix = finding.Fix is null ? null : ReferenceEquals(finding.Fix, applied.Fix) ? fix : Edits(finding.Fix),
        }, fix);
    }

    private static void Restore(Dictionary<string, byte[]> overlay, string file, byte[]? before)
    {
        if (before is null)
        {
            overlay.Remove(file);
        }
        else
        {
            overlay[file] = before;
        }
    }

    /// <summary>Per file, how many diagnostics say it is broken (syntax, unknown names, missing includes).</summary>
    private static Dictionary<string, int> BreakageCounts(AnalysisResult result)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var f in result.Findings.Concat(result.Suppressed).Where(f => Breakage.Contains(f.RuleId)))
        {
            counts[f.Path] = counts.GetValueOrDefault(f.Path) + 1;
        }

        return counts;
    }

    /// <summary>
    /// Two findings can propose the very same edits (one fix settles both): apply them once. Same edits: as many, and
    /// pairwise in the same file, at the same span, with the same text.
    /// </summary>
    private sealed class SameEdits : IEqualityComparer<ImmutableArray<TextEdit>>
    {
        public static readonly SameEdits Instance = new();

        public bool Equals(ImmutableArray<TextEdit> x, ImmutableArray<TextEdit> y) =>
            x.Length == y.Length && x.Zip(y).All(p => p.First.Tree == p.Second.Tree && p.First.Span == p.Second.Span && p.First.NewText == p.Second.NewText);

        public int GetHashCode(ImmutableArray<TextEdit> edits)
        {
            var hash = new HashCode();
            foreach (var e in edits)
            {
                hash.Add(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(e.Tree));
                hash.Add(e.Span);
                hash.Add(e.NewText, StringComparer.Ordinal);
            }

            return hash.ToHashCode();
        }
    }

    private static bool Overlaps(TextEdit edit, List<TextEdit>? others) => others is not null && others.Any(o => Conflict(o, edit));

    /// <summary>Edits conflict when their spans overlap, or when both insert at the same place (their order would be a guess).</summary>
    private static bool Conflict(TextEdit a, TextEdit b) =>
        a.Span.OverlapsWith(b.Span) ||
        (a.Span.IsEmpty && b.Span.IsEmpty && a.Span.Start == b.Span.Start) ||
        (a.Span.IsEmpty && b.Span.Contains(a.Span.Start) && a.Span.Start != b.Span.Start) ||
        (b.Span.IsEmpty && a.Span.Contains(b.Span.Start) && b.Span.Start != a.Span.Start);
}
