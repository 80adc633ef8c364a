using ConfigLint.Analysis.Engine;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Dockerfile;
using ConfigLint.Tests.Testing;
using Microsoft.CodeAnalysis.Text;
using Shouldly;
using Xunit.Abstractions;

namespace ConfigLint.Tests.Syntax;

public class DockerfileParserTests(ITestOutputHelper output)
{
    private static string ParserFolder => Path.Combine(Repo.Corpus, "dockerfile", "moby-buildkit", "frontend", "dockerfile", "parser");

    private static DockerfileSyntaxTree Parse(string text)
    {
        var tree = DockerfileParser.Parse("Dockerfile", SourceText.From(text));
        tree.ToFullString().ShouldBe(text);
        tree.CheckFidelity().ShouldBeNull();
        return tree;
    }

    /// <summary>BuildKit's parser test cases: our instruction list must print exactly as its AST dump.</summary>
    [CorpusFact]
    public void BuildKit_parser_testfiles_match_the_expected_dump()
    {
        var cases = Directory.EnumerateDirectories(Path.Combine(ParserFolder, "testfiles")).Order(StringComparer.Ordinal).ToList();
        var failures = new List<string>();
        foreach (var dir in cases)
        {
            var bytes = File.ReadAllBytes(Path.Combine(dir, "Dockerfile"));
            var tree = DockerfileParser.Parse("Dockerfile", SourceLoader.Decode(bytes).Text!);
            var expected = File.ReadAllText(Path.Combine(dir, "result")).Replace("\r\n", "\n", StringComparison.Ordinal);
            var errors = tree.Diagnostics.Where(d => d.Id == "CL0001").ToList();
            if (errors.Count > 0 || tree.Dump() != expected)
            {
                failures.Add($"{Path.GetFileName(dir)}:\n{string.Join("\n", errors.Select(e => e.Message))}\n--- expected\n{expected}--- actual\n{tree.Dump()}");
            }
        }

        output.WriteLine($"{cases.Count - failures.Count}/{cases.Count} BuildKit parser cases match.");
        failures.ShouldBeEmpty();
    }

    [CorpusFact]
    public void BuildKit_negative_testfiles_are_CL0001()
    {
        foreach (var dir in Directory.EnumerateDirectories(Path.Combine(ParserFolder, "testfiles-negative")))
        {
            var text = File.ReadAllText(Path.Combine(dir, "Dockerfile"));
            Parse(text).Diagnostics.ShouldContain(d => d.Id == "CL0001", Path.GetFileName(dir));
        }
    }

    [CorpusFact]
    public void Every_corpus_Dockerfile_round_trips()
    {
        var files = Directory.EnumerateFiles(Path.Combine(Repo.Corpus, "dockerfile"), "*", SearchOption.AllDirectories)
            .Where(f => LanguageDetector.ByName(f) == Language.Dockerfile).ToList();
        var ok = 0;
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            var loaded = SourceLoader.Decode(bytes);
            loaded.Text.ShouldNotBeNull(file);
            var tree = DockerfileParser.Parse(file, loaded.Text!);
            SourceLoader.Encode(tree.ToFullString()).ShouldBe(bytes, file);
            tree.CheckFidelity().ShouldBeNull(file);
            ok++;
        }

        output.WriteLine($"{ok} corpus Dockerfiles round-trip.");
        ok.ShouldBeGreaterThan(100);
    }

    [Fact]
    public void Escape_directive_changes_the_continuation_character()
    {
        var tree = Parse("# escape=`\nFROM windows\nRUN dir `\n  c:\\\n");
        tree.Escape.ShouldBe('`');
        tree.Instructions[1].Command.Args.ShouldBe(["dir   c:\\"]);
    }

    [Fact]
    public void Directives_only_count_at_the_top()
    {
        var tree = Parse("FROM a\n# escape=`\nRUN a \\\n b\n");
        tree.Directives.ShouldBeEmpty();
        tree.Instructions[1].Command.Args.ShouldBe(["a  b"]);
    }

    [Fact]
    public void Heredocs_are_read_with_their_bodies()
    {
        var tree = Parse("FROM alpine\nRUN <<EOF bash\necho hi\nEOF\nCOPY <<-\"A\" /a <<B /b\n\talpha\n\tA\nbeta\nB\nRUN echo done\n");
        tree.Diagnostics.ShouldBeEmpty();
        tree.Instructions.Length.ShouldBe(4);
        tree.Instructions[1].Heredocs.ShouldHaveSingleItem().Content.ShouldBe("echo hi\n");
        var copy = tree.Instructions[2].Heredocs;
        copy.Select(h => (h.Name, h.StripTabs, h.Quoted, h.Content)).ShouldBe([("A", true, true, "alpha\n"), ("B", false, false, "beta\n")]);
        tree.Instructions[3].Command.Args.ShouldBe(["echo done"]);
    }

    [Fact]
    public void Onbuild_heredocs_and_case_insensitive_keywords()
    {
        var tree = Parse("from alpine:3.20\nonbuild run <<EOT\necho later\nEOT\nCmd [\"sh\"]\n");
        tree.Diagnostics.ShouldBeEmpty();
        tree.Instructions.Select(i => i.Keyword).ShouldBe(["FROM", "ONBUILD", "CMD"]);
        tree.Instructions[1].Command.Child!.Keyword.ShouldBe("run");
        tree.Instructions[1].Heredocs.ShouldHaveSingleItem().Content.ShouldBe("echo later\n");
        tree.Dump().ShouldBe("(from \"alpine:3.20\")\n(onbuild (run \"<<EOT\"))\n(cmd \"sh\")\n");
    }

    [Fact]
    public void Unterminated_heredoc_and_unknown_instruction_are_located()
    {
        var tree = Parse("FROM alpine\nRUNN echo\nRUN <<EOF\necho\n");
        tree.Diagnostics.Select(d => d.Id).ShouldBe(["CL0002", "CL0001"]);
        tree.Diagnostics[0].Message.ShouldContain("Did you mean 'RUN'?");
    }

    [Fact]
    public void Flags_exec_and_shell_forms()
    {
        var tree = Parse("FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nCOPY --from=build --chmod=0755 /out /usr/local/bin/\nCMD [\"a\", \"b\"]\nCMD ['a']\n");
        tree.Instructions[0].Command.Flags.ShouldHaveSingleItem().Name.ShouldBe("platform");
        tree.Instructions[1].Command.Flags.Select(f => (f.Name, f.Value)).ShouldBe([("from", "build"), ("chmod", "0755")]);
        tree.Instructions[2].Command.IsJson.ShouldBeTrue();
        tree.Instructions[3].Command.IsJson.ShouldBeFalse();
    }
}

public class DockerShellWordTests(ITestOutputHelper output)
{
    /// <summary>BuildKit's envVarTest table (platform A and U lines): expansion result or error.</summary>
    [CorpusFact]
    public void BuildKit_envVarTest_cases_expand_identically()
    {
        var env = new Dictionary<string, string> { ["PWD"] = "/home", ["SHELL"] = "bash", ["KOREAN"] = "한국어", ["NULL"] = string.Empty };
        var path = Path.Combine(Repo.Corpus, "dockerfile", "moby-buildkit", "frontend", "dockerfile", "shell", "envVarTest");
        var cases = 0;
        var failures = new List<string>();
        foreach (var line in File.ReadAllLines(path))
        {
            if (line.TrimStart().StartsWith('#') || line.Trim().Length == 0)
            {
                continue;
            }

            var parts = line.Split('|');
            if (parts.Length != 3 || parts[0].Trim() is not ("A" or "U"))
            {
                continue;
            }

            cases++;
            var input = parts[1].Trim();
            var expected = parts[2].Trim();
            var actual = DockerShellWord.Expand(input, n => env.GetValueOrDefault(n), out var error);
            var got = actual ?? "error";
            if (got != expected)
            {
                failures.Add($"{input}: expected '{expected}', got '{got}' {error}");
            }
        }

        output.WriteLine($"{cases - failures.Count}/{cases} envVarTest cases match.");
        cases.ShouldBeGreaterThan(200);
        failures.ShouldBeEmpty();
    }
}

public class DockerShellWordsTests(ITestOutputHelper output)
{
    /// <summary>BuildKit's wordsTest table: expansion plus word splitting, with ENV lines extending the environment.</summary>
    [CorpusFact]
    public void BuildKit_wordsTest_cases_split_identically()
    {
        var env = new Dictionary<string, string>();
        var path = Path.Combine(Repo.Corpus, "dockerfile", "moby-buildkit", "frontend", "dockerfile", "shell", "wordsTest");
        var cases = 0;
        var failures = new List<string>();
        foreach (var line in File.ReadAllLines(path))
        {
            if (line.StartsWith('#') || line.Trim().Length == 0)
            {
                continue;
            }

            if (line.StartsWith("ENV ", StringComparison.Ordinal))
            {
                var pair = line[4..];
                var eq = pair.IndexOf('=');
                env[pair[..eq]] = pair[(eq + 1)..];
                continue;
            }

            var parts = line.Split('|');
            var input = parts[0].Trim();
            // Leading blanks separate the columns; trailing blanks are significant (the file says so).
            var expected = parts[1].TrimStart();

            cases++;
            var words = DockerShellWord.ExpandWords(input, n => env.GetValueOrDefault(n), out _);
            var got = words is null ? "error" : string.Join(",", words);
            if (got != expected)
            {
                failures.Add($"{input}: expected '{expected}', got '{got}'");
            }
        }

        output.WriteLine($"{cases - failures.Count}/{cases} wordsTest cases match.");
        cases.ShouldBeGreaterThan(20);
        failures.ShouldBeEmpty();
    }
}
