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
        var rendered = TextRenderer.Render(findings, rich: true, color: false);
        var relative = Path.GetRelativePath(Path.Combine(Repo.TestSources, "Rules"), Path.Combine(Repo.Root, ruleFolder));
        rendered.ShouldMatchApproved(c => c
            .SubFolder(relative)
            .WithFilenameGenerator((_, _, type, ext) => $"{fixture}.{type}.{ext}")
            .NoDiff());
    }
}
