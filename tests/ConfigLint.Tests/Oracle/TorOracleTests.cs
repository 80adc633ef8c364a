using ConfigLint.Analysis.Engine;
using ConfigLint.Syntax.Tor;
using ConfigLint.Tests.Testing;
using Shouldly;
using Xunit.Abstractions;

namespace ConfigLint.Tests.Oracle;

/// <summary>The real tor is the judge of what is a valid torrc.</summary>
public class TorOracleTests(ITestOutputHelper output)
{
    private static readonly string Empty = Path.Combine(Path.GetTempPath(), "configlint-empty-defaults");

    /// <summary>Runs <c>tor --verify-config</c>; true when tor accepts the file.</summary>
    private static bool TorAccepts(string file, out string log)
    {
        File.WriteAllText(Empty, string.Empty);
        var data = Path.Combine(Path.GetTempPath(), "configlint-tor-data");
        Directory.CreateDirectory(data);
        var run = ExternalTool.Run("tor", ["--verify-config", "--defaults-torrc", Empty, "-f", file, "--DataDirectory", data, "--Log", "warn stdout"], Path.GetDirectoryName(file)!);
        log = run.Output;
        return run.Succeeded;
    }

    private static IEnumerable<string> CorpusTorrcs() =>
        Directory.EnumerateFiles(Path.Combine(Repo.Corpus, "torrc"), "*", SearchOption.AllDirectories)
            .Where(f => LanguageDetector.ByName(f) == ConfigLint.Syntax.Language.Tor || Path.GetFileName(f) == "torrc" || f.EndsWith(".torrc", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    [OracleFact("tor")]
    public void Every_torrc_tor_accepts_has_no_CL0001_or_CL0002()
    {
        var accepted = 0;
        var rejected = 0;
        var failures = new List<string>();
        foreach (var file in CorpusTorrcs())
        {
            if (!TorAccepts(file, out _))
            {
                rejected++;
                continue;
            }

            accepted++;
            var result = Lint.Run(Path.GetDirectoryName(file)!, [file], ["CL0001", "CL0002"]);
            failures.AddRange(result.Findings.Select(f => $"{file}({f.Where()}): {f.RuleId} {f.Message}"));
        }

        output.WriteLine($"tor accepted {accepted} corpus torrc files and rejected {rejected}.");
        accepted.ShouldBeGreaterThan(50);
        failures.ShouldBeEmpty();
    }

    [OracleFact("tor", needsCorpus: false)]
    public void Every_known_alias_and_obsolete_option_is_accepted_by_tor()
    {
        using var t = new TempTree();
        var failures = new List<string>();
        foreach (var option in TorOptions.Obsolete)
        {
            var path = t.Write("obsolete.torrc", $"SocksPort 0\n{option} 1\n");
            if (!TorAccepts(path, out var log) || !log.Contains("obsolete", StringComparison.Ordinal))
            {
                failures.Add($"obsolete {option}");
            }
        }

        foreach (var (alias, target) in TorOptions.Aliases)
        {
            var path = t.Write("alias.torrc", $"SocksPort 0\n{alias} 1\n");
            TorAccepts(path, out var log);
            if (log.Contains("Unknown option", StringComparison.Ordinal) != (TorOptions.Lookup(alias).Status == TorOptionStatus.Unknown))
            {
                failures.Add($"alias {alias} -> {target}: {log}");
            }
        }

        failures.ShouldBeEmpty();
    }

    [OracleFact("tor", needsCorpus: false)]
    public void Boolean_value_types_match_tor()
    {
        using var t = new TempTree();
        var failures = new List<string>();
        foreach (var option in TorOptions.Booleans.Concat(TorOptions.AutoBooleans))
        {
            var auto = TorOptions.AutoBooleans.Contains(option);
            // Per-service options are only parsed inside an onion-service block.
            var block = TorOptions.IsPerServiceOption(option) ? $"HiddenServiceDir {t.Root}/hs\nHiddenServicePort 80\n" : string.Empty;
            var ok = t.Write("ok.torrc", $"SocksPort 0\n{block}{option} {(auto ? "auto" : "0")}\n");
            var bad = t.Write("bad.torrc", $"SocksPort 0\n{block}{option} {(auto ? "yes" : "auto")}\n");
            if (!TorAccepts(ok, out var log1) && log1.Contains($"Could not parse {option}", StringComparison.Ordinal))
            {
                failures.Add($"{option}: tor rejected the valid value");
            }

            if (TorAccepts(bad, out var log2) || !log2.Contains($"Could not parse {option}", StringComparison.Ordinal))
            {
                failures.Add($"{option}: tor did not reject the invalid value");
            }
        }

        failures.ShouldBeEmpty();
    }

    /// <summary>Every typed option: a value of its type passes tor and ConfigLint, a value of another type fails both.</summary>
    [OracleFact("tor", needsCorpus: false)]
    public void Typed_values_match_tor()
    {
        var cases = new Dictionary<TorValueKind, (string Good, string[] Bad)>
        {
            [TorValueKind.MemUnit] = ("20 KBytes", ["${RATE}", "10 foo", "-1"]),
            [TorValueKind.Interval] = ("2 hours", ["${X}", "5 mins", "99999999999"]),
            [TorValueKind.MsecInterval] = ("100 msec", ["10 ms"]),
            [TorValueKind.PositiveInteger] = ("3", ["-1", "1.5", "x"]),
            [TorValueKind.Integer] = ("-1", ["1.5", "x"]),
            [TorValueKind.Double] = ("0.5", ["abc"]),
        };
        using var t = new TempTree();
        var failures = new List<string>();
        foreach (var option in TorOptions.All.Where(n => TorValues.KindOf(n) != TorValueKind.Other))
        {
            var (good, bad) = cases[TorValues.KindOf(option)];
            var block = TorOptions.IsPerServiceOption(option) ? $"HiddenServiceDir {t.Root}/hs\nHiddenServicePort 80\n" : string.Empty;
            foreach (var (value, valid) in bad.Select(b => (b, false)).Prepend((good, true)))
            {
                var file = t.Write("typed.torrc", $"SocksPort 0\n{block}{option} {value}\n");
                var torRejects = !TorAccepts(file, out var log) && log.Contains($"Could not parse {option}", StringComparison.Ordinal);
                var lintRejects = TorValues.Problem(option, value) is not null;
                if (torRejects != lintRejects || torRejects == valid)
                {
                    failures.Add($"{option} {value}: tor {(torRejects ? "rejects" : "accepts")}, ConfigLint {(lintRejects ? "rejects" : "accepts")}");
                }
            }
        }

        foreach (var (line, valid) in new[]
        {
            ("PublishServerDescriptor bad", false), ("PublishServerDescriptor v3, v2", true), ("PublishServerDescriptor hidserv", true),
            ("ServerTransportListenAddr obfs4 [aaaa::bbbb:ccccc]:443", false), ("ServerTransportListenAddr obfs4 [::]:443", true),
            ("ServerTransportListenAddr obfs4 0.0.0.0:99999", false), ("ServerTransportListenAddr obfs4 host:443", false),
        })
        {
            var file = t.Write("special.torrc", $"SocksPort 0\n{line}\n");
            var torAccepts = TorAccepts(file, out _);
            var lint = Lint.Run(t.Root, [file], ["CL0001"]).Findings;
            if (torAccepts != valid || lint.Any() == valid)
            {
                failures.Add($"{line}: tor {(torAccepts ? "accepts" : "rejects")}, ConfigLint {(lint.Any() ? "reports" : "is silent")}");
            }
        }

        failures.ShouldBeEmpty();
    }

    [OracleFact("tor", needsCorpus: false)]
    public void Option_table_matches_tors_own_list()
    {
        var listed = ExternalTool.Run("tor", ["--list-torrc-options"]).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.Contains('[', StringComparison.Ordinal)).ToList();
        var missing = listed.Where(o => TorOptions.Lookup(o).Status != TorOptionStatus.Known).ToList();
        missing.ShouldBeEmpty();
    }

    /// <summary>Mutants of accepted corpus files that tor rejects must get CL0001/CL0002 at the mutated line.</summary>
    [OracleFact("tor")]
    public void Mutants_tor_rejects_are_reported_at_the_right_line()
    {
        var mutations = new (string Name, Func<string, string> Line)[]
        {
            ("misspelt key", l => Key(l) + "Xq" + l[Key(l).Length..]),
            ("bad escape", l => Key(l) + " \"bad\\qescape\""),
            ("excess after quote", l => Key(l) + " \"x\" trailing"),
            ("unknown percent directive", l => "%Include " + l),
            ("bad boolean", _ => "SafeSocks yes"),
            ("bad policy", _ => "ExitPolicy allow *:80"),
            ("bad port", _ => "SocksPort 1.2.3:9050"),
            ("bad hs port", _ => "HiddenServicePort notaport"),
        };
        using var t = new TempTree();
        var checkedMutants = 0;
        var misses = new List<string>();
        var candidates = CorpusTorrcs().Where(f => TorAccepts(f, out _)).Take(12).ToList();
        foreach (var file in candidates)
        {
            var lines = File.ReadAllText(file).Split('\n');
            var target = Array.FindIndex(lines, l => l.Length > 0 && char.IsAsciiLetter(l[0]) && !l.TrimEnd().EndsWith('\\') && !l.Contains('"', StringComparison.Ordinal));
            if (target < 0)
            {
                continue;
            }

            foreach (var (name, mutate) in mutations)
            {
                var mutant = (string[])lines.Clone();
                mutant[target] = mutate(lines[target].TrimEnd('\r'));
                var path = t.Write(Path.Combine(Path.GetFileName(Path.GetDirectoryName(file)!) + "-" + checkedMutants, "torrc"), string.Join('\n', mutant));
                if (TorAccepts(path, out _))
                {
                    continue;
                }

                checkedMutants++;
                var result = Lint.Run(t.Root, [path], ["CL0001", "CL0002"]);
                if (!result.Findings.Any(f => f.LineSpan.Start.Line == target && f.Level == ConfigLint.Syntax.DiagnosticLevel.Error))
                {
                    misses.Add($"{name} in {file} line {target + 1}: {mutant[target]}");
                }
            }
        }

        output.WriteLine($"{checkedMutants} mutants rejected by tor, {checkedMutants - misses.Count} located by ConfigLint.");
        checkedMutants.ShouldBeGreaterThanOrEqualTo(20);
        misses.ShouldBeEmpty();
    }

    private static string Key(string line) => line.Split([' ', '\t'], 2)[0];

    /// <summary><c>configlint fix</c> never turns a torrc tor accepts into one it rejects (fixtures, examples, corpus).</summary>
    [OracleFact("tor", needsCorpus: false)]
    public void Fixed_torrcs_still_pass_tor_verify_config() =>
        FixOracle.AssertDaemonAcceptsFixedFiles(ConfigLint.Syntax.Language.Tor, "torrc", "tor", f => TorAccepts(f, out _), output);
}
