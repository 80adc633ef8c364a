using ConfigLint.Syntax;
using ConfigLint.Tests.Testing;
using Shouldly;
using Xunit.Abstractions;

namespace ConfigLint.Tests.Oracle;

/// <summary>The real squid (<c>squid -k parse</c>) is the judge of what is a valid squid.conf.</summary>
public class SquidOracleTests(ITestOutputHelper output)
{
    /// <summary>Runs <c>squid -k parse -f file</c> from the file's folder; true when squid accepts it.</summary>
    internal static bool SquidAccepts(string file, out string log)
    {
        var run = ExternalTool.Run("squid", ["-k", "parse", "-f", file], Path.GetDirectoryName(file)!);
        log = run.Output;
        return run.Succeeded && !log.Contains("FATAL", StringComparison.Ordinal) && !log.Contains("unrecognized", StringComparison.Ordinal);
    }

    private static IEnumerable<string> CorpusSquidFiles() =>
        Directory.EnumerateFiles(Path.Combine(Repo.Corpus, "squid"), "*.conf", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    /// <summary>Files squid accepts get no CL0001 (and no error-level CL0002) from the whole engine: parser, includes, ACL binding.</summary>
    [OracleFact("squid")]
    public void Files_squid_accepts_have_no_CL0001()
    {
        var accepted = 0;
        var failures = new List<string>();
        foreach (var file in CorpusSquidFiles())
        {
            if (!SquidAccepts(file, out _))
            {
                continue;
            }

            accepted++;
            var result = Lint.Run(Path.GetDirectoryName(file)!, [file], ["CL0001", "CL0002"]);
            failures.AddRange(result.Findings.Where(f => f.Level == DiagnosticLevel.Error).Select(f => $"{file}:{f.LineSpan.Start.Line + 1}: {f.RuleId} {f.Message}"));
        }

        output.WriteLine($"squid accepted {accepted} corpus .conf files.");
        accepted.ShouldBeGreaterThan(30);
        failures.ShouldBeEmpty();
    }

    /// <summary>Mutants of accepted corpus files that squid rejects get CL0001/CL0002 at the mutated line.</summary>
    [OracleFact("squid")]
    public void Mutants_squid_rejects_are_reported_at_the_right_line()
    {
        var mutations = new (string Name, Func<string, string> Line)[]
        {
            ("misspelt directive", l => Key(l) + "x" + l[Key(l).Length..]),
            ("undefined ACL", _ => "http_access allow no_such_acl_here"),
            ("negated undefined ACL", _ => "http_access deny !no_such_acl_here"),
            ("ACL type change", _ => "acl cl_twice src 10.0.0.0/8\nacl cl_twice dst 10.0.0.0/8"),
            ("stray endif", _ => "endif"),
            ("stray else", _ => "else"),
            ("bad condition", _ => "if maybe\nendif"),
            ("unclosed if", _ => "if true"),
            ("acl without type", _ => "acl lonely"),
            ("wrong case", l => Key(l).ToUpperInvariant() + l[Key(l).Length..]),
        };
        using var t = new TempTree();
        var checkedMutants = 0;
        var misses = new List<string>();
        var candidates = CorpusSquidFiles().Where(f => SquidAccepts(f, out _)).Take(6).ToList();
        foreach (var file in candidates)
        {
            var lines = File.ReadAllText(file).Split('\n');
            var target = Array.FindLastIndex(lines, l => l.StartsWith("http_access", StringComparison.Ordinal) && !l.TrimEnd().EndsWith('\\'));
            if (target < 0)
            {
                continue;
            }

            foreach (var (name, mutate) in mutations)
            {
                var mutant = (string[])lines.Clone();
                mutant[target] = mutate(lines[target].TrimEnd('\r'));
                var expectedLine = target + mutant[target].Split('\n').Length - 1;
                if (name is "bad condition" or "unclosed if")
                {
                    expectedLine = target;
                }

                var path = t.Write(Path.Combine($"m{checkedMutants}", "squid.conf"), string.Join('\n', mutant));
                if (SquidAccepts(path, out _))
                {
                    continue;
                }

                checkedMutants++;
                var result = Lint.Run(t.Root, [path], ["CL0001", "CL0002"]);
                if (!result.Findings.Any(f => f.LineSpan.Start.Line == expectedLine && f.Level == DiagnosticLevel.Error))
                {
                    misses.Add($"{name} in {file} line {target + 1}: {string.Join(" | ", result.Findings.Select(f => $"{f.LineSpan.Start.Line + 1} {f.RuleId}"))}");
                }
            }
        }

        output.WriteLine($"{checkedMutants} mutants rejected by squid, {checkedMutants - misses.Count} located by ConfigLint.");
        checkedMutants.ShouldBeGreaterThanOrEqualTo(20);
        misses.ShouldBeEmpty();
    }

    private static string Key(string line) => line.Split([' ', '\t'], 2)[0];

    /// <summary><c>configlint fix</c> never turns a squid.conf squid accepts into one it rejects (fixtures, examples, corpus).</summary>
    [OracleFact("squid", needsCorpus: false)]
    public void Fixed_squid_confs_still_pass_squid_parse() =>
        FixOracle.AssertDaemonAcceptsFixedFiles(ConfigLint.Syntax.Language.Squid, "squid", "squid", f => SquidAccepts(f, out _), output);
}
