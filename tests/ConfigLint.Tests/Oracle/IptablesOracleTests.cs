using System.Text.RegularExpressions;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Iptables;
using ConfigLint.Tests.Syntax;
using ConfigLint.Tests.Testing;
using Microsoft.CodeAnalysis.Text;
using Shouldly;
using Xunit.Abstractions;

namespace ConfigLint.Tests.Oracle;

/// <summary>
/// A fact that needs a working <c>iptables-restore --test</c> (Debian's iptables; it talks to the kernel's netfilter,
/// which needs privileges): skipped with iptables-restore's own answer when it cannot test even an empty table.
/// </summary>
public sealed class IptablesRestoreFactAttribute : FactAttribute
{
    public IptablesRestoreFactAttribute()
    {
        if (Repo.Which("iptables-restore") is null || Repo.Which("ip6tables-restore") is null)
        {
            Skip = "needs 'iptables-restore' and 'ip6tables-restore' on PATH (CI installs them: apt-get install iptables)";
        }
        else if (!Repo.HasCorpus)
        {
            Skip = $"needs the shared corpus at {Repo.Corpus}";
        }
        else if (IptablesOracleTests.Probe() is { } problem)
        {
            Skip = $"'iptables-restore --test' does not work here (it needs netfilter privileges): {problem}";
        }
    }
}

/// <summary>Debian's <c>iptables-restore --test</c> / <c>ip6tables-restore --test</c> judge what an iptables-save file is.</summary>
public partial class IptablesOracleTests(ITestOutputHelper output)
{
    /// <summary>Null when <c>iptables-restore --test</c> accepts an empty filter table, else its output.</summary>
    internal static string? Probe()
    {
        var path = Path.Combine(Path.GetTempPath(), $"configlint-ipt-probe-{Environment.ProcessId}.txt");
        File.WriteAllText(path, "*filter\nCOMMIT\n");
        try
        {
            var run = ExternalTool.Run("iptables-restore", ["--test", path]);
            return run.Succeeded ? null : run.Output.Trim();
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static bool IsV6(string file)
    {
        var name = Path.GetFileName(file);
        return name.Contains("v6", StringComparison.Ordinal) || name.Contains("ip6", StringComparison.Ordinal);
    }

    /// <summary>Runs the restore program for the file's family; returns null when accepted, else the line it names (0 when none).</summary>
    internal static int? Restore(string file, bool v6, out string log)
    {
        var run = ExternalTool.Run(v6 ? "ip6tables-restore" : "iptables-restore", ["--test", file]);
        log = run.Output;
        if (run.Succeeded)
        {
            return null;
        }

        var m = LineNamed().Match(log);
        return m.Success ? int.Parse(m.Groups.Cast<Group>().Skip(1).First(g => g.Success).Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    [GeneratedRegex(@"Error occurred at line: (\d+)|line (\d+) failed|COMMIT expected at line (\d+)|line (\d+) ")]
    private static partial Regex LineNamed();

    /// <summary>Every corpus dump the restore program accepts gets no CL0001 from the parser or the whole engine.</summary>
    [IptablesRestoreFact]
    public void Files_iptables_restore_accepts_have_no_CL0001()
    {
        var accepted = 0;
        var failures = new List<string>();
        foreach (var file in IptablesParserTests.CorpusDumps())
        {
            if (Restore(file, IsV6(file), out _) is not null)
            {
                continue;
            }

            accepted++;
            var tree = IptablesParser.Parse(file, SourceText.From(File.ReadAllText(file)));
            failures.AddRange(tree.Diagnostics.Select(d => $"{file}:{tree.Text.Lines.GetLinePosition(d.Span.Start).Line + 1}: {d.Message}"));
        }

        using var t = new TempTree();
        foreach (var file in IptablesParserTests.CorpusDumps().Where(f => Restore(f, IsV6(f), out _) is null).Take(12))
        {
            var copy = t.Write(Path.Combine($"f{accepted++}", IsV6(file) ? "rules.v6" : "rules.v4"), File.ReadAllText(file));
            var result = Lint.Run(t.Root, [copy], ["CL0001"]);
            failures.AddRange(result.Findings.Select(f => $"{file} (engine): {f.Message}"));
        }

        output.WriteLine($"iptables-restore/ip6tables-restore --test accepted {accepted - 12} corpus dumps.");
        (accepted - 12).ShouldBeGreaterThanOrEqualTo(30);
        failures.ShouldBeEmpty();
    }

    /// <summary>Mutants of accepted dumps that the restore program rejects get CL0001 (through the engine) at the line it names.</summary>
    [IptablesRestoreFact]
    public void Mutants_iptables_restore_rejects_are_reported_at_the_line_it_names()
    {
        var mutations = new (string Name, Func<string[], int, string[]?> Apply)[]
        {
            ("unknown option", (l, r) => Replace(l, r, l[r] + " --no-such-option")),
            ("stray argument", (l, r) => Replace(l, r, l[r] + " stray")),
            ("second target", (l, r) => l[r].Contains(" -j ", StringComparison.Ordinal) ? Replace(l, r, l[r] + " -j DROP") : null),
            ("double negation", (l, r) => Replace(l, r, l[r].Replace(" -j ", " ! ! -s 10.0.0.1 -j ", StringComparison.Ordinal))),
            ("old-style negation", (l, r) => Replace(l, r, l[r] + " -d ! 10.0.0.1")),
            ("-t in a rule", (l, r) => Replace(l, r, l[r] + " -t nat")),
            ("port out of range", (l, r) => Replace(l, r, l[r] + " -p tcp --dport 70000")),
            ("missing target", (l, r) => Replace(l, r, l[r] + " -j")),
            ("indented comment", (l, r) => Replace(l, r, "  # " + l[r])),
            ("trailing comment", (l, r) => Replace(l, r, l[r] + " # why")),
            ("blank line of spaces", (l, r) => Insert(l, r, "   ")),
            ("broken counters", (l, r) => Replace(l, r, "[0:0 " + l[r])),
            ("missing chain", (l, r) => Replace(l, r, "-A")),
            ("indented COMMIT", (l, _) => Array.IndexOf(l, "COMMIT") is var c and >= 0 ? Replace(l, c, " COMMIT") : null),
            ("COMMIT with blanks", (l, _) => Array.IndexOf(l, "COMMIT") is var c and >= 0 ? Replace(l, c, "COMMIT  ") : null),
            ("unknown table", (l, _) => Array.FindIndex(l, x => x.StartsWith('*')) is var h and >= 0 ? Replace(l, h, l[h] + "x") : null),
            ("table inside table", (l, r) => Insert(l, r, "*raw")),
            ("chain without policy", (l, _) => Array.FindIndex(l, x => x.StartsWith(':')) is var c and >= 0 ? Replace(l, c, l[c].Split(' ')[0]) : null),
            ("empty chain name", (l, r) => Insert(l, r, ":")),
            ("rule after COMMIT", (l, _) => [.. l.Take(Array.LastIndexOf(l, "COMMIT") + 1), "-A INPUT -j ACCEPT", .. l.Skip(Array.LastIndexOf(l, "COMMIT") + 1)]),
            ("no final COMMIT", (l, _) => [.. l.Take(Array.LastIndexOf(l, "COMMIT")), .. l.Skip(Array.LastIndexOf(l, "COMMIT") + 1).Where(x => !x.StartsWith('*') && !x.StartsWith(':') && !x.StartsWith('-') && x != "COMMIT")]),
            ("invalid address", (l, r) => l[r].Contains(" -s ", StringComparison.Ordinal) ? null : Replace(l, r, l[r].Replace(" -j ", " -s 10.0.0.300 -j ", StringComparison.Ordinal))),
        };

        using var t = new TempTree();
        var candidates = IptablesParserTests.CorpusDumps()
            .Where(f => !IsV6(f) && File.ReadAllText(f).Split('\n').Any(l => l.StartsWith("-A ", StringComparison.Ordinal)) && Restore(f, false, out _) is null)
            .Take(4).ToList();
        var rejected = 0;
        var misses = new List<string>();
        foreach (var file in candidates)
        {
            var lines = File.ReadAllText(file).TrimEnd('\n').Split('\n');
            var rule = Array.FindLastIndex(lines, l => l.StartsWith("-A ", StringComparison.Ordinal) && l.Contains(" -j ", StringComparison.Ordinal));
            foreach (var (name, apply) in mutations)
            {
                if (apply(lines, rule) is not { } mutant)
                {
                    continue;
                }

                var path = t.Write(Path.Combine($"m{rejected}-{misses.Count}-{name.Replace(' ', '-')}", "rules.v4"), string.Join('\n', mutant) + "\n");
                if (Restore(path, false, out var log) is not { } line || line == 0)
                {
                    continue;
                }

                rejected++;
                var result = Lint.Run(t.Root, [path], ["CL0001"]);
                if (!result.Findings.Any(f => f.RuleId == "CL0001" && f.LineSpan.Start.Line + 1 == line))
                {
                    misses.Add($"{name} in {Path.GetFileName(Path.GetDirectoryName(file))}/{Path.GetFileName(file)}: restore says line {line} ({log.Split('\n')[0]}); ConfigLint: {string.Join(" | ", result.Findings.Select(f => $"{f.LineSpan.Start.Line + 1} {f.Message}"))}");
                }
            }
        }

        output.WriteLine($"{rejected} mutants rejected by iptables-restore --test, {rejected - misses.Count} located by ConfigLint.");
        rejected.ShouldBeGreaterThanOrEqualTo(20);
        misses.ShouldBeEmpty();

        static string[] Replace(string[] lines, int at, string text)
        {
            var copy = (string[])lines.Clone();
            copy[at] = text;
            return copy;
        }

        static string[] Insert(string[] lines, int at, string text) => [.. lines.Take(at), text, .. lines.Skip(at)];
    }

    /// <summary><c>configlint fix</c> never turns a rule set iptables-restore accepts into one it rejects (fixtures, examples, corpus).</summary>
    [IptablesRestoreFact]
    public void Fixed_rule_sets_still_pass_iptables_restore() =>
        FixOracle.AssertDaemonAcceptsFixedFiles(ConfigLint.Syntax.Language.Iptables, "iptables", "iptables-restore", f => Restore(f, IsV6(f), out _) is null, output);
}
