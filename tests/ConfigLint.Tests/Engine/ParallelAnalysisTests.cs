using ConfigLint.Analysis.Engine;
using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Engine;

/// <summary>
/// <c>--threads</c>: discovery, parsing, suppressions and the rules run on several threads, and what the commands print
/// (every format, the notes and errors, the exit code) is byte for byte what one thread prints.
/// </summary>
public class ParallelAnalysisTests
{
    private static readonly string[][] Commands =
    [
        ["check", "--fail-on", "none", "--format", "json"],
        ["check", "--fail-on", "none", "--format", "text"],
        ["check", "--fail-on", "none", "--format", "sarif", "--include-suppressed"],
        ["compile", "--format", "json"],
        ["graph", "--format", "dot"],
        ["fix", "--diff"],
        ["fix", "--diff", "--unsafe-fixes"],
    ];

    [Fact]
    public void Examples_print_the_same_with_one_thread_and_with_many()
    {
        foreach (var command in Commands)
        {
            ShouldPrintTheSame(Repo.Root, command, "examples");
        }
    }

    [Fact]
    public void A_generated_tree_of_hundreds_of_files_prints_the_same_with_one_thread_and_with_many()
    {
        using var tree = GeneratedTree.Write(copies: 10);
        Directory.EnumerateFiles(tree.Root, "*", SearchOption.AllDirectories).Count().ShouldBeGreaterThan(300);
        foreach (var command in Commands)
        {
            ShouldPrintTheSame(tree.Root, command, ".");
        }
    }

    [Fact]
    public void Repeated_parallel_runs_agree()
    {
        // Races show up as runs that differ: the same tree, many threads, several times.
        using var tree = GeneratedTree.Write(copies: 6);
        var first = CliRun.In(tree.Root, "check", "--fail-on", "none", "--format", "json", "--threads", "8");
        first.Out.ShouldContain("\"ruleId\"");
        for (var i = 0; i < 5; i++)
        {
            CliRun.In(tree.Root, "check", "--fail-on", "none", "--format", "json", "--threads", "8").ShouldBe(first);
        }
    }

    [CorpusFact]
    public void The_corpus_prints_the_same_with_one_thread_and_with_many()
    {
        var corpus = Path.GetRelativePath(Repo.Root, Repo.Corpus);
        ShouldPrintTheSame(Repo.Root, ["check", "--fail-on", "none", "--format", "json"], corpus);
        ShouldPrintTheSame(Repo.Root, ["check", "--fail-on", "none", "--format", "sarif"], corpus);
    }

    [Fact]
    public void Threads_must_be_positive()
    {
        var (code, _, error) = CliRun.In(Repo.Root, "check", "--threads", "0", "examples");
        code.ShouldBe(2);
        error.ShouldContain("--threads must be 1 or more.");
    }

    [Fact]
    public void A_failing_step_rethrows_the_first_failure_unwrapped()
    {
        var ran = new int[200];
        var ex = Should.Throw<InvalidOperationException>(() => Parallelism.For(200, 4, i =>
        {
            ran[i] = 1;
            if (i is 70 or 150)
            {
                throw new InvalidOperationException($"item {i}");
            }
        }));
        ex.Message.ShouldBe("item 70");
    }

    private static void ShouldPrintTheSame(string cwd, string[] command, string path)
    {
        var one = CliRun.In(cwd, [.. command, "--threads", "1", path]);
        var many = CliRun.In(cwd, [.. command, "--threads", "6", path]);
        var byDefault = CliRun.In(cwd, [.. command, path]);
        many.Code.ShouldBe(one.Code, string.Join(' ', command));
        many.Out.ShouldBe(one.Out, string.Join(' ', command));
        many.Err.ShouldBe(one.Err, string.Join(' ', command));
        byDefault.ShouldBe(one, string.Join(' ', command));
    }
}

/// <summary>
/// A tree of a few hundred configuration files: the examples copied many times, each copy a little different (an
/// option a fix removes, a suppression, a file that does not parse, a torrc a neighbouring copy's compose file
/// mounts), so that fixes, notes and cross-file links all occur.
/// </summary>
public static class GeneratedTree
{
    public static TempTree Write(int copies)
    {
        var tree = new TempTree();
        var sources = Directory.EnumerateFiles(Repo.Examples, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".md", StringComparison.Ordinal) && !f.EndsWith(".svg", StringComparison.Ordinal) && !f.EndsWith("LICENSE", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        for (var copy = 0; copy < copies; copy++)
        {
            var folder = $"copy{copy:D2}";
            foreach (var source in sources)
            {
                var relative = Path.GetRelativePath(Repo.Examples, source);
                var text = File.ReadAllText(source);
                var name = Path.GetFileName(source);
                if (name.StartsWith("torrc", StringComparison.Ordinal))
                {
                    text += copy % 3 == 0 ? "\nSafeLogging 0\n" : copy % 3 == 1 ? "\n# configlint: ignore TOR001 -- generated\nSocksPort 0.0.0.0:9050\n" : "\nExitPolicy accept *:80\n";
                }
                else if (name == "squid.conf" && copy % 4 == 1)
                {
                    text += "\nhttp_access allow all\n";
                }

                tree.Write(Path.Combine(folder, relative), text);
            }

            // A torrc this copy's compose file mounts from the next copy: a link between two projects.
            var next = $"copy{(copy + 1) % copies:D2}";
            tree.Write(Path.Combine(folder, "linked", "compose.yaml"), $"""
                services:
                  tor:
                    image: debian:12
                    command: ["tor", "-f", "/etc/tor/torrc"]
                    volumes:
                      - ../../{next}/onion-site/tor/settings/torrc:/etc/tor/torrc
                    ports:
                      - "9050:9050"
                """);
            tree.Write(Path.Combine(folder, "broken", "torrc"), "SocksPort 9050\nSafeLogging 0\n\"unterminated\n");
            tree.Write(Path.Combine(folder, "nginx", "nginx.conf"), "events {}\nhttp {\n  server_tokens on;\n  include conf.d/*.conf;\n}\n");
            tree.Write(Path.Combine(folder, "nginx", "conf.d", "site.conf"), $"server {{\n  listen 80;\n  server_name site{copy}.example;\n  location / {{ proxy_pass http://backend; }}\n}}\n");
        }

        return tree;
    }
}
