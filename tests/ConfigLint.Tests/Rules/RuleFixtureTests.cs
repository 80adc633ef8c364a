using ConfigLint.Analysis;
using ConfigLint.Cli.Reporting;
using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Rules;

/// <summary>
/// Runs each rule alone on its own fixtures: every <c>bad*</c> must produce at least one finding of the rule,
/// every <c>good*</c> none; the rendered findings of each bad fixture are snapshotted next to it.
/// </summary>
public class RuleFixtureTests
{
    public static TheoryData<string, string> Fixtures()
    {
        var data = new TheoryData<string, string>();
        var folders = Directory.EnumerateDirectories(Repo.Rules).SelectMany(Directory.EnumerateDirectories)
            .Where(d => System.Text.RegularExpressions.Regex.IsMatch(Path.GetFileName(d), @"^[A-Z]+\d+\."))
            .OrderBy(d => d, StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(folder).OrderBy(e => e, StringComparer.Ordinal))
            {
                var fixture = Path.GetFileName(entry);
                if ((fixture.StartsWith("bad", StringComparison.Ordinal) || fixture.StartsWith("good", StringComparison.Ordinal)) && !fixture.EndsWith(".txt", StringComparison.Ordinal))
                {
                    data.Add(Path.GetRelativePath(Repo.Root, folder).Replace('\\', '/'), fixture);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Fixture_behaves(string ruleFolder, string fixture)
    {
        var id = Path.GetFileName(ruleFolder).Split('.')[0];
        var path = Path.Combine(Repo.Root, ruleFolder, fixture);
        var result = Lint.Run(Repo.Root, [path], [id]);
        result.Errors.ShouldBeEmpty();
        var findings = result.Findings.Where(f => f.RuleId == id).ToList();
        if (fixture.StartsWith("good", StringComparison.Ordinal))
        {
            findings.ShouldBeEmpty($"{fixture} must not trigger {id}");
            return;
        }

        findings.ShouldNotBeEmpty($"{fixture} must trigger {id}");
        var rendered = TextRenderer.Render(findings, rich: true, color: false) + FixSection(id, path, findings);
        var relative = Path.GetRelativePath(Path.Combine(Repo.TestSources, "Rules"), Path.Combine(Repo.Root, ruleFolder));
        rendered.ShouldMatchApproved(c => c
            .SubFolder(relative)
            .WithFilenameGenerator((_, _, type, ext) => $"{fixture}.{type}.{ext}")
            .NoDiff());
    }

    /// <summary>
    /// Issue 13: a cross-file finding names the other side. Every XF finding on the bad fixtures has a related location,
    /// and at least one of them in another file than the primary location, except where the risk lies in one file
    /// (a loopback publish note, a squid and tor in one container).
    /// </summary>
    [Fact]
    public void Every_cross_file_finding_has_related_locations()
    {
        var folders = Directory.EnumerateDirectories(Path.Combine(Repo.Rules, "crossfile")).SelectMany(r => Directory.EnumerateDirectories(r, "bad*")).Order(StringComparer.Ordinal).ToList();
        folders.ShouldNotBeEmpty();
        var findings = 0;
        var otherFile = 0;
        foreach (var folder in folders)
        {
            var id = Path.GetFileName(Path.GetDirectoryName(folder)!).Split('.')[0];
            foreach (var f in Lint.Run(Repo.Root, [folder], [id]).Findings.Where(f => f.RuleId == id))
            {
                findings++;
                f.Related.ShouldNotBeEmpty($"{folder}: {f.Message}");
                otherFile += f.Related.Any(r => r.Location.Tree != f.Location.Tree) ? 1 : 0;
            }
        }

        findings.ShouldBeGreaterThan(20);
        otherFile.ShouldBeGreaterThan(findings * 3 / 4, "most cross-file findings relate a second file");
    }

    /// <summary>
    /// The fixed text, as the diff <c>configlint fix</c> (and <c>--unsafe-fixes</c>) would print, checked on the way:
    /// the passes settle, nothing is refused, and no finding of the rule is left with a fix that was not applied.
    /// </summary>
    private static string FixSection(string id, string path, List<Finding> findings)
    {
        if (!findings.Any(f => f.Fix is not null))
        {
            return string.Empty;
        }

        var section = new System.Text.StringBuilder();
        foreach (var unsafeFixes in new[] { false, true })
        {
            if (unsafeFixes && !findings.Any(f => f.Fix?.Applicability == FixApplicability.Unsafe))
            {
                continue;
            }

            var outcome = Lint.Fix(Repo.Root, [path], unsafeFixes, [id]);
            outcome.Errors.ShouldBeEmpty();
            outcome.Converged.ShouldBeTrue();
            outcome.Refused.ShouldBeEmpty();
            outcome.Final.Findings.Where(f => f.RuleId == id && f.Fix is { } fix && (unsafeFixes || fix.Applicability == FixApplicability.Safe))
                .ShouldBeEmpty($"every {id} fix in {Path.GetFileName(path)} is applied");
            section.Append(unsafeFixes ? "\n--- configlint fix --unsafe-fixes ---\n" : "\n--- configlint fix ---\n");
            section.Append(outcome.Files.Length == 0 ? "(no safe fix)\n" : outcome.Diff());
        }

        return section.ToString();
    }
}
