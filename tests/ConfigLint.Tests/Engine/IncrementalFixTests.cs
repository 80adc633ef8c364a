using System.Text.RegularExpressions;
using ConfigLint.Analysis.Engine;
using ConfigLint.Analysis.Fixing;
using ConfigLint.Cli;
using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Engine;

/// <summary>
/// <c>fix</c> analyses the whole input once, then in each pass only the projects (<see cref="AnalysisUnits"/>) whose
/// files the last pass changed, and ends where analysing everything in every pass would have ended.
/// </summary>
public class IncrementalFixTests
{
    private static (FixOutcome Outcome, FixTrace Trace) Fix(string cwd, string path, bool unsafeFixes = false, bool verify = false)
    {
        var trace = new FixTrace { Verify = verify };
        var outcome = Fixer.Run(CliApp.CreateDriver(), new AnalysisOptions([path], cwd, [], []), unsafeFixes, trace);
        return (outcome, trace);
    }

    [Fact]
    public void A_pass_reanalyses_only_the_project_the_last_pass_changed()
    {
        using var tree = new TempTree();
        var fixable = tree.Write("relay/torrc", "ORPort 9001\nNickname relay1\nContactInfo ops@example.org\nSafeLogging 0\nExitPolicy reject *:*\n");
        var other = tree.Write("proxy/squid.conf", File.ReadAllText(Path.Combine(Repo.Examples, "squid-forward-proxy-hardened", "squid.conf")));
        var stack = tree.Write("stack/compose.yaml", "services:\n  web:\n    image: nginx:1.27\n    read_only: true\n    security_opt: [\"no-new-privileges:true\"]\n    ports:\n      - \"127.0.0.1:8080:80\"\n");

        var (outcome, trace) = Fix(tree.Root, ".", verify: true);
        outcome.Files.Select(f => f.DisplayPath).ShouldBe(["relay/torrc"]);
        trace.Differences.ShouldBeEmpty();
        trace.Analyses[0].Whole.ShouldBeTrue();
        trace.Analyses[0].Files.ShouldBe([fixable, other, stack], ignoreOrder: true);

        // The pass after the fix looks at the relay alone: the proxy and the stack did not change.
        trace.Analyses.Count.ShouldBe(2);
        trace.Analyses[1].Whole.ShouldBeFalse();
        trace.Analyses[1].Files.ShouldBe([fixable]);
    }

    [Fact]
    public void A_file_another_project_mounts_is_reanalysed_with_that_project()
    {
        using var tree = new TempTree();
        var torrc = tree.Write("tor/torrc", "SocksPort 0.0.0.0:9050\nSafeLogging 0\n");
        var compose = tree.Write("stack/compose.yaml", "services:\n  tor:\n    image: debian:12\n    command: [\"tor\", \"-f\", \"/etc/tor/torrc\"]\n    volumes:\n      - ../tor/torrc:/etc/tor/torrc\n    ports:\n      - \"9050:9050\"\n");
        var alone = tree.Write("alone/torrc", "SocksPort 9050\n");

        var (outcome, trace) = Fix(tree.Root, ".", verify: true);
        outcome.Files.Select(f => f.DisplayPath).ShouldContain("tor/torrc");
        trace.Differences.ShouldBeEmpty();
        trace.Analyses.Skip(1).ShouldAllBe(a => !a.Whole);
        trace.Analyses[1].Files.ShouldBe([compose, torrc], ignoreOrder: true);
        trace.Analyses.Skip(1).ShouldAllBe(a => !a.Files.Contains(alone));
    }

    [Fact]
    public void Incremental_passes_agree_with_whole_analyses_on_a_generated_tree()
    {
        using var tree = GeneratedTree.Write(copies: 10);
        foreach (var unsafeFixes in new[] { false, true })
        {
            var (outcome, trace) = Fix(tree.Root, ".", unsafeFixes, verify: true);
            trace.Differences.ShouldBeEmpty();
            outcome.Files.Length.ShouldBeGreaterThan(10);
            trace.Analyses.Count(a => a.Whole).ShouldBe(1);
            trace.Analyses.Skip(1).ShouldAllBe(a => a.Files.Count < trace.Analyses[0].Files.Count);
        }
    }

    [Fact]
    public void Incremental_passes_agree_with_whole_analyses_on_the_examples_and_rule_fixtures()
    {
        foreach (var folder in new[] { "examples", "rules" })
        {
            foreach (var unsafeFixes in new[] { false, true })
            {
                var (outcome, trace) = Fix(Repo.Root, folder, unsafeFixes, verify: true);
                trace.Differences.ShouldBeEmpty(folder);
                outcome.Errors.ShouldBeEmpty();
            }
        }
    }

    [CorpusFact]
    public void Incremental_passes_agree_with_whole_analyses_on_the_corpus()
    {
        var (outcome, trace) = Fix(Repo.Root, Repo.Corpus, verify: true);
        trace.Differences.ShouldBeEmpty();
        outcome.Files.Length.ShouldBeGreaterThan(100);
        trace.Analyses.Count(a => a.Whole).ShouldBe(1);
        trace.Analyses[1].Files.Count.ShouldBeLessThan(trace.Analyses[0].Files.Count * 3 / 4);
    }

    /// <summary>
    /// Rules follow the model's links; one that searches a whole-deployment collection instead depends on files no link
    /// names, and <see cref="AnalysisUnits"/> must join them. This lists the rules that do, so a new one is looked at.
    /// </summary>
    [Fact]
    public void Rules_that_search_the_whole_deployment_are_known_to_the_units()
    {
        var sources = Path.Combine(Repo.Root, "src", "ConfigLint.Rules");
        var searching = Directory.EnumerateFiles(sources, "*.cs", SearchOption.AllDirectories)
            .Where(f => Regex.IsMatch(File.ReadAllText(f), @"\bDeployment\.(TorConfigs|ComposeProjects|SquidConfigs|NginxConfigs|Firewalls|Daemons|Dockerfiles|Images|Trees|OnionForwards)\b"))
            .Select(f => Path.GetFileNameWithoutExtension(f).Split('.')[0])
            .Order(StringComparer.Ordinal)
            .ToList();

        // XF001–XF010 visit each element once (a deployment action) and follow its links: nothing to join. SQD011
        // searches every torrc and compose service from each squid configuration: AnalysisUnits joins them.
        searching.ShouldBe(["SQD011", "XF001", "XF002", "XF006", "XF007", "XF008", "XF009", "XF010"]);
    }
}

/// <summary>The check that makes a partial analysis safe: it must not link or read a file of a unit it did not cover.</summary>
public class AnalysisUnitsTests
{
    [Fact]
    public void A_partial_run_that_links_a_unit_it_did_not_cover_is_refused()
    {
        using var tree = new TempTree();
        var torrc = tree.Write("tor/torrc", "SocksPort 0.0.0.0:9050\n");
        var compose = tree.Write("stack/compose.yaml", "services:\n  tor:\n    image: debian:12\n    command: [\"tor\", \"-f\", \"/etc/tor/torrc\"]\n    volumes:\n      - ../tor/torrc:/etc/tor/torrc\n");
        var options = new AnalysisOptions(["."], tree.Root, [], []);
        var prepared = AnalyzerDriver.Prepare(options);
        var driver = CliApp.CreateDriver();

        // Before any run, the two projects are apart; a run of both links them through the mount.
        var units = new AnalysisUnits(prepared.Discovery.Files, prepared.Workspace.Root);
        units.UnitOf(torrc).ShouldNotBe(units.UnitOf(compose));
        var both = driver.Analyze(options, prepared, new HashSet<string> { torrc, compose });
        units.Add(both, new HashSet<int> { units.UnitOf(compose)!.Value }).ShouldBeFalse();
        units.UnitOf(torrc).ShouldNotBe(units.UnitOf(compose));

        units.Add(both, null).ShouldBeTrue();
        units.UnitOf(torrc).ShouldBe(units.UnitOf(compose));
    }
}
