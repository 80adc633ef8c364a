using ConfigLint.Analysis;
using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Engine;

/// <summary>
/// Design §7: the answer for a file does not depend on which paths were named. For every file of every example and
/// every multi-file rule fixture, <c>check FILE</c> (what pre-commit runs) reports exactly what <c>check .</c> at the
/// folder's root reports for that file.
/// </summary>
public class ContextConsistencyTests
{
    public static TheoryData<string> Folders()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.EnumerateDirectories(Repo.Examples).Where(d => Path.GetFileName(d) != "github").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(Repo.Root, dir));
        }

        foreach (var dir in Directory.EnumerateDirectories(Repo.Rules, "*", SearchOption.AllDirectories)
                     .Where(d => Path.GetRelativePath(Repo.Rules, d).Count(c => c == Path.DirectorySeparatorChar) == 2)
                     .Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(Repo.Root, dir));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Folders))]
    public void Check_FILE_reports_what_check_dot_reports_for_FILE(string folder)
    {
        var root = Path.Combine(Repo.Root, folder);
        var whole = Lint.Run(root, ["."]);
        var files = whole.Trees.Select(t => t.Path).Where(p => !p.StartsWith("..", StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal).ToList();
        files.ShouldNotBeEmpty();
        foreach (var file in files)
        {
            var alone = Lint.Run(root, [file]);
            alone.Errors.ShouldBeEmpty();
            Describe(alone.Findings).ShouldBe(Describe(whole.Findings.Where(f => f.Path == file)), $"{folder}: check {file}");
        }
    }

    private static List<string> Describe(IEnumerable<Finding> findings) =>
        findings.Select(f => $"{f.Path}({f.LineSpan.Start.Line + 1},{f.LineSpan.Start.Character + 1}) {f.Level} {f.RuleId}: {f.Message}").ToList();
}
