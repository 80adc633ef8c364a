using System.Text;
using ConfigLint.Analysis.Engine;
using ConfigLint.Syntax;
using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Precision;

/// <summary>
/// The precision regression table (issue 16): how many findings each rule reports, per level, on the real-world part of
/// <c>../shared/corpus</c>, and how many of its files fail at the default <c>--fail-on warning</c>, per language. A
/// change that moves any count fails here and writes the new table beside the approved one, so every change to
/// precision is a reviewed diff: rename the <c>.received.txt</c> over the <c>.approved.txt</c> once the moved findings
/// have been read.
/// </summary>
public class RealWorldPrecisionTests
{
    /// <summary>
    /// Folders that are some tool's test fixtures, not deployments (SOURCES.md, "Folders with machine-checkable
    /// expectations" and "Inputs without portable expectations"), and the team's <c>_derived</c> files.
    /// </summary>
    internal static readonly string[] ToolSuites =
    [
        "dockerfile/moby-buildkit/frontend/",
        "dockerfile/hadolint-hadolint/",
        "dockerfile/aquasecurity-trivy-checks/",
        "dockerfile/bridgecrewio-checkov/",
        "dockerfile/replicatedhq-dockerfilelint/",
        "torrc/torproject-tor/src/test/",
        "squid/squid-cache-squid/test-suite/",
        "nginx/nginxinc-crossplane/tests/",
        "nginx/yandex-gixy/tests/",
        "nginx/dvershinin-gixy/tests/",
        "compose/compose-spec-compose-go/",
        "compose/compose-spec-compose-spec/",
        "compose/docker-compose/",
        "compose/nginx-proxy-nginx-proxy/test/",
        "compose/compose-spec-conformance-tests/",
        "compose/zavoloklom-docker-compose-linter/",
        "iptables/aosp-mirror-platform_external_iptables/",
    ];

    internal static bool IsRealWorld(string corpusPath) =>
        !corpusPath.Contains("/_derived/", StringComparison.Ordinal) && !ToolSuites.Any(p => corpusPath.StartsWith(p, StringComparison.Ordinal));

    [CorpusFact]
    public void Finding_counts_on_real_world_files_are_the_reviewed_ones()
    {
        var result = Lint.Run(Repo.Corpus, ["."]);
        string PathOf(SyntaxTree tree) => Path.GetRelativePath(Repo.Corpus, tree.FullPath).Replace('\\', '/');

        var findings = result.Findings.Where(f => IsRealWorld(PathOf(f.Location.Tree))).ToList();
        var trees = result.Trees.Where(t => IsRealWorld(PathOf(t))).ToList();
        var text = new StringBuilder();
        text.AppendLine("# Findings per rule and level on the real-world files of ../shared/corpus (tool test suites excluded)");
        foreach (var group in findings.GroupBy(f => (f.RuleId, f.Level)).OrderBy(g => g.Key.RuleId, StringComparer.Ordinal).ThenByDescending(g => g.Key.Level))
        {
            text.AppendLine($"{group.Key.RuleId} {group.Key.Level.ToString().ToLowerInvariant()} {group.Count()}");
        }

        text.AppendLine();
        text.AppendLine("# Files failing at --fail-on warning, per language: failing / analysed");
        foreach (var language in trees.GroupBy(t => t.Language).OrderBy(g => g.Key.ToString(), StringComparer.Ordinal))
        {
            var failing = findings.Where(f => f.Level >= DiagnosticLevel.Warning && f.Location.Tree.Language == language.Key)
                .Select(f => f.Location.Tree.FullPath).Distinct(StringComparer.Ordinal).Count();
            text.AppendLine($"{language.Key.ToString().ToLowerInvariant()} {failing} / {language.Count()}");
        }

        text.ToString().ShouldMatchApproved(c => c.SubFolder(".").WithDiscriminator("real-world").NoDiff());
    }
}
