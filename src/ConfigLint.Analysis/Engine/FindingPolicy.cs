using System.Collections.Immutable;
using ConfigLint.Analysis.Configuration;
using ConfigLint.Analysis.Suppression;
using ConfigLint.Syntax;

namespace ConfigLint.Analysis.Engine;

/// <summary>
/// What happens to findings after the rules ran, and only here: selection, suppression comments, per-file caps,
/// configured severities and the deterministic order. Rules never apply any of it themselves.
/// </summary>
public static class FindingPolicy
{
    /// <summary>How many findings of one rule one file may report; a broken or hostile file can hold millions (parse diagnostics are capped lower, by SyntaxTree, with their own count).</summary>
    public const int MaxFindingsPerRuleAndFile = 1000;

    /// <summary>
    /// The first <see cref="MaxFindingsPerRuleAndFile"/> findings of each rule in each file, and then one finding that
    /// says how many more there are, at the first one left out (compilers stop after so many errors for the same reason).
    /// </summary>
    public static List<Finding> CapPerFile(IEnumerable<Finding> findings)
    {
        var result = new List<Finding>();
        foreach (var group in findings.GroupBy(f => (f.Path, f.RuleId)))
        {
            // Duplicates (the same finding reached through two paths, e.g. a symlink loop) do not count toward the cap.
            var ordered = Ordered(group);
            if (ordered.Length <= MaxFindingsPerRuleAndFile)
            {
                result.AddRange(ordered);
                continue;
            }

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

    /// <summary>Deterministic order (path, line, column, rule, message; ties keep their order), duplicates removed (the first kept).</summary>
    public static ImmutableArray<Finding> Ordered(IEnumerable<Finding> findings)
    {
        var distinct = findings.DistinctBy(f => (f.RuleId, f.Path, f.Location.Span, f.Message)).ToList();

        // Each key computed once (a finding's line and column come from its file's line table), then one sort.
        var keys = new (string Path, int Line, int Column, string Rule, string Message, int Index)[distinct.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            var f = distinct[i];
            var start = f.LineSpan.Start;
            keys[i] = (f.Path, start.Line, start.Character, f.RuleId, f.Message, i);
        }

        Array.Sort(keys, static (a, b) =>
        {
            var c = string.CompareOrdinal(a.Path, b.Path);
            c = c != 0 ? c : a.Line.CompareTo(b.Line);
            c = c != 0 ? c : a.Column.CompareTo(b.Column);
            c = c != 0 ? c : string.CompareOrdinal(a.Rule, b.Rule);
            c = c != 0 ? c : string.CompareOrdinal(a.Message, b.Message);
            return c != 0 ? c : a.Index.CompareTo(b.Index);
        });
        var builder = ImmutableArray.CreateBuilder<Finding>(keys.Length);
        foreach (var key in keys)
        {
            builder.Add(distinct[key.Index]);
        }

        return builder.MoveToImmutable();
    }

    public static bool Matches(RuleDescriptor d, string pattern) =>
        d.Id.StartsWith(pattern, StringComparison.OrdinalIgnoreCase) || d.Name.Equals(pattern, StringComparison.OrdinalIgnoreCase);

    public static bool IsSelected(RuleDescriptor d, AnalysisOptions options) =>
        (options.EffectiveSelect.Count == 0 || options.EffectiveSelect.Any(p => Matches(d, p))) && !options.EffectiveIgnore.Any(p => Matches(d, p));

    /// <summary>Configured severity overrides: a new level for every finding of the rule, or none to drop them.</summary>
    public static List<Finding> ApplySeverity(List<Finding> findings, ConfigLintConfig? config)
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

    /// <summary>Hides findings a suppression comment with a reason covers (kept in <paramref name="suppressedFindings"/>), and reports comments that are malformed, name unknown rules or match nothing (CL0003).</summary>
    public static List<Finding> ApplySuppressions(ImmutableArray<SyntaxTree> trees, List<Finding> findings, AnalysisOptions options, IReadOnlyList<RuleDescriptor> known, List<Finding> suppressedFindings, int threads = 1)
    {
        var result = new List<Finding>();
        var byTree = findings.GroupBy(f => f.Location.Tree).ToDictionary(g => g.Key, g => g.ToList());

        // Reading the comments is per file (in parallel); matching them to findings stays in file order.
        var read = new List<SuppressionComment>[trees.Length];
        Parallelism.For(trees.Length, threads, i => read[i] = trees[i] is UnparsedTree ? [] : SuppressionComments.Read(trees[i]));
        for (var t = 0; t < trees.Length; t++)
        {
            var tree = trees[t];
            var comments = read[t];
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
