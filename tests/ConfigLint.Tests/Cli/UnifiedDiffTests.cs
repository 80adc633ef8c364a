using ConfigLint.Cli.Reporting;
using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Cli;

/// <summary>The diff <c>fix --diff</c> prints: GNU diff's format, and <c>git apply</c> turns the old text into the new.</summary>
public class UnifiedDiffTests
{
    [Fact]
    public void Equal_texts_give_no_diff() => UnifiedDiff.Create("f", "a\nb\n", "a\nb\n").ShouldBeEmpty();

    [Fact]
    public void Distant_changes_get_their_own_hunks_with_three_lines_of_context()
    {
        var old = string.Concat(Enumerable.Range(1, 20).Select(i => $"{i}\n"));
        var @new = string.Concat(Enumerable.Range(1, 20).Select(i => i switch { 2 => "two\n", 18 => "18\neighteen+\n", _ => $"{i}\n" }));
        UnifiedDiff.Create("f", old, @new).ShouldBe("""
            --- a/f
            +++ b/f
            @@ -1,5 +1,5 @@
             1
            -2
            +two
             3
             4
             5
            @@ -16,5 +16,6 @@
             16
             17
             18
            +eighteen+
             19
             20

            """.Replace("\r\n", "\n"));
    }

    [Fact]
    public void A_missing_final_line_break_is_marked()
    {
        UnifiedDiff.Create("f", "a\nb", "a\nb\nc\n").ShouldBe("--- a/f\n+++ b/f\n@@ -1,2 +1,3 @@\n a\n-b\n\\ No newline at end of file\n+b\n+c\n");
        UnifiedDiff.Create("f", "", "x\n").ShouldBe("--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+x\n");
    }

    [ToolFact("git", "apt-get install git")]
    public void Random_edits_round_trip_through_git_apply()
    {
        var random = new Random(20261121);
        string[] words = ["alpha", "beta", "gamma", "delta", "", "  indented", "x\r"];
        using var tree = new TempTree();
        for (var round = 0; round < 60; round++)
        {
            var lines = Enumerable.Range(0, random.Next(0, 30)).Select(_ => words[random.Next(words.Length)]).ToList();
            var old = string.Join("\n", lines) + (random.Next(3) == 0 ? string.Empty : "\n");
            var changed = new List<string>(lines);
            for (var edits = random.Next(1, 6); edits > 0; edits--)
            {
                var at = random.Next(changed.Count + 1);
                switch (random.Next(3))
                {
                    case 0: changed.Insert(at, words[random.Next(words.Length)] + round); break;
                    case 1 when at < changed.Count: changed.RemoveAt(at); break;
                    default: if (at < changed.Count) { changed[at] += "!"; } break;
                }
            }

            var @new = string.Join("\n", changed) + (random.Next(3) == 0 ? string.Empty : "\n");
            var diff = UnifiedDiff.Create("file.txt", old, @new);
            if (old == @new)
            {
                diff.ShouldBeEmpty();
                continue;
            }

            var file = tree.Write("file.txt", old);
            var patch = tree.Write("change.patch", diff);
            var run = ExternalTool.Run("git", ["apply", "--unsafe-paths", patch], tree.Root);
            run.Succeeded.ShouldBeTrue($"round {round}:\n{diff}\n{run.Output}");
            File.ReadAllText(file).ShouldBe(@new, $"round {round}:\n{diff}");
        }
    }
}
