using System.Text.Json;
using ConfigLint.Cli;
using ConfigLint.Tests.Testing;
using Shouldly;
using Xunit.Abstractions;

namespace ConfigLint.Tests.Cli;

/// <summary>The SARIF 2.1.0 and GitHub-annotation outputs: shape GitHub code scanning relies on, stable fingerprints, the real validator.</summary>
public class SarifTests(ITestOutputHelper output)
{
    private static (int Code, string Out, string Err) RunIn(string cwd, params string[] args) => CliRun.In(cwd, args);

    private static JsonElement Run0(string sarif) => JsonDocument.Parse(sarif).RootElement.GetProperty("runs").EnumerateArray().ShouldHaveSingleItem();

    public static TheoryData<string> Examples() => [.. Directory.EnumerateDirectories(Repo.Examples).Select(d => Path.GetFileName(d)).Where(n => n != "github").Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Examples))]
    public void Sarif_of_each_example_has_what_code_scanning_reads(string example)
    {
        var (code, sarif, err) = RunIn(Repo.Root, "check", $"examples/{example}", "--format", "sarif", "--fail-on", "none");
        // Notes (what the iptables reader chose in a script) go to stderr; nothing else may.
        err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("configlint: note: ", StringComparison.Ordinal)).ShouldBeEmpty();
        code.ShouldBe(0);
        var root = JsonDocument.Parse(sarif).RootElement;
        root.GetProperty("version").GetString().ShouldBe("2.1.0");
        var run = Run0(sarif);
        var driver = run.GetProperty("tool").GetProperty("driver");
        driver.GetProperty("name").GetString().ShouldBe("ConfigLint");
        driver.GetProperty("semanticVersion").GetString()!.ShouldMatch(@"^\d+\.\d+\.\d+");
        run.GetProperty("automationDetails").GetProperty("id").GetString().ShouldBe("configlint/");
        run.GetProperty("originalUriBaseIds").GetProperty("%SRCROOT%").GetProperty("uri").GetString().ShouldStartWith("file:///");

        var rules = driver.GetProperty("rules").EnumerateArray().ToList();
        rules.Select(r => r.GetProperty("id").GetString()).ShouldBeUnique();
        foreach (var rule in rules)
        {
            var id = rule.GetProperty("id").GetString()!;
            rule.GetProperty("help").GetProperty("text").GetString().ShouldNotBeNullOrWhiteSpace();
            rule.GetProperty("help").GetProperty("markdown").GetString()!.ShouldContain($"({id})");
            rule.GetProperty("helpUri").GetString()!.ShouldEndWith("/README.md");
            File.Exists(Path.Combine(Repo.Root, rule.GetProperty("helpUri").GetString()!.Split("/blob/main/")[1])).ShouldBeTrue($"{id}'s helpUri names a file in the repository");
            rule.GetProperty("fullDescription").GetProperty("text").GetString()!.Length.ShouldBeInRange(1, 1024);
            var properties = rule.GetProperty("properties");
            var tags = properties.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ToList();
            tags.Count.ShouldBeInRange(1, 10);
            properties.GetProperty("precision").GetString().ShouldBeOneOf("very-high", "high", "medium", "low");
            if (tags.Contains("security"))
            {
                var score = double.Parse(properties.GetProperty("security-severity").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
                score.ShouldBeInRange(0.1, 10.0);
            }
        }

        var withFixes = 0;
        foreach (var result in run.GetProperty("results").EnumerateArray())
        {
            var index = result.GetProperty("ruleIndex").GetInt32();
            rules[index].GetProperty("id").GetString().ShouldBe(result.GetProperty("ruleId").GetString());
            result.GetProperty("level").GetString().ShouldBeOneOf("error", "warning", "note");
            result.GetProperty("message").GetProperty("text").GetString().ShouldNotBeNullOrWhiteSpace();
            var physical = result.GetProperty("locations").EnumerateArray().ShouldHaveSingleItem().GetProperty("physicalLocation");
            var uri = physical.GetProperty("artifactLocation").GetProperty("uri").GetString()!;
            uri.ShouldStartWith($"examples/{example}/");
            File.Exists(Path.Combine(Repo.Root, Uri.UnescapeDataString(uri))).ShouldBeTrue();
            physical.GetProperty("artifactLocation").GetProperty("uriBaseId").GetString().ShouldBe("%SRCROOT%");
            var region = physical.GetProperty("region");
            region.GetProperty("startLine").GetInt32().ShouldBeGreaterThan(0);
            region.GetProperty("startColumn").GetInt32().ShouldBeGreaterThan(0);
            region.GetProperty("endLine").GetInt32().ShouldBeGreaterThanOrEqualTo(region.GetProperty("startLine").GetInt32());
            result.GetProperty("partialFingerprints").GetProperty("primaryLocationLineHash").GetString()!.ShouldMatch("^[0-9a-f]{16}:[0-9]+$");
            if (result.TryGetProperty("fixes", out var fixes))
            {
                // An empty fixes[] (or a fix without replacements) makes GitHub reject the upload.
                var fix = fixes.EnumerateArray().ShouldHaveSingleItem();
                fix.GetProperty("description").GetProperty("text").GetString()!.ShouldEndWith(".");
                foreach (var change in fix.GetProperty("artifactChanges").EnumerateArray())
                {
                    File.Exists(Path.Combine(Repo.Root, Uri.UnescapeDataString(change.GetProperty("artifactLocation").GetProperty("uri").GetString()!))).ShouldBeTrue();
                    change.GetProperty("replacements").GetArrayLength().ShouldBeGreaterThan(0);
                }

                withFixes++;
            }
            result.TryGetProperty("suppressions", out _).ShouldBeFalse();
        }

        if (!example.EndsWith("-hardened", StringComparison.Ordinal))
        {
            withFixes.ShouldBeGreaterThan(0, "each insecure example has a finding 'configlint fix' can mend");
        }
    }

    [Fact]
    public void Sarif_is_byte_for_byte_deterministic()
    {
        var first = RunIn(Repo.Root, "check", "examples", "--format", "sarif").Out;
        RunIn(Repo.Root, "check", "examples", "--format", "sarif").Out.ShouldBe(first);
        Run0(first).GetProperty("results").GetArrayLength().ShouldBeGreaterThan(10);
    }

    [Fact]
    public void Line_hashes_survive_unrelated_lines_moving_and_tell_identical_lines_apart()
    {
        using var t = new TempTree();
        t.Write("torrc", "SocksPort 0.0.0.0:9050\nDNSPort 0.0.0.0:5353\n");
        JsonElement[] Results() => [.. Run0(RunIn(t.Root, "check", ".", "--format", "sarif", "--select", "TOR001").Out).GetProperty("results").EnumerateArray()];
        static string Hash(JsonElement r) => r.GetProperty("partialFingerprints").GetProperty("primaryLocationLineHash").GetString()!;
        static int Line(JsonElement r) => r.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region").GetProperty("startLine").GetInt32();

        var before = Results();
        before.Length.ShouldBe(2);
        t.Write("torrc", "# Client side\n\nLog notice stdout\n  SocksPort 0.0.0.0:9050\nDNSPort 0.0.0.0:5353\nSocksPort 0.0.0.0:9050\n");
        var after = Results();
        after.Length.ShouldBe(3);
        Line(after[0]).ShouldBe(4);
        Hash(after[0]).ShouldBe(Hash(before[0]), "moving and re-indenting the line keeps its hash");
        Hash(after[1]).ShouldBe(Hash(before[1]));
        Hash(after[2]).Split(':')[0].ShouldBe(Hash(after[0]).Split(':')[0]);
        Hash(after[2]).ShouldNotBe(Hash(after[0]), "the same line twice gets its occurrence number");
    }

    [Fact]
    public void Suppressed_findings_are_left_out_unless_asked_for()
    {
        using var t = new TempTree();
        t.Write("torrc", "# configlint: ignore TOR001 -- the container network is internal\nSocksPort 0.0.0.0:9050\nDNSPort 0.0.0.0:5353\n");
        var plain = Run0(RunIn(t.Root, "check", ".", "--format", "sarif", "--select", "TOR001").Out).GetProperty("results").EnumerateArray().ToList();
        plain.ShouldHaveSingleItem().GetProperty("message").GetProperty("text").GetString()!.ShouldContain("DNSPort");

        var all = Run0(RunIn(t.Root, "check", ".", "--format", "sarif", "--select", "TOR001", "--include-suppressed").Out).GetProperty("results").EnumerateArray().ToList();
        all.Count.ShouldBe(2);
        var suppression = all[0].GetProperty("suppressions").EnumerateArray().ShouldHaveSingleItem();
        suppression.GetProperty("kind").GetString().ShouldBe("inSource");
        suppression.GetProperty("justification").GetString().ShouldBe("the container network is internal");
        all[1].TryGetProperty("suppressions", out _).ShouldBeFalse();
    }

    [Fact]
    public void Category_sets_automation_details_and_cross_file_findings_carry_related_locations()
    {
        var (_, sarif, _) = RunIn(Repo.Root, "check", "examples/onion-site", "--format", "sarif", "--category", "deploy/onion");
        var run = Run0(sarif);
        run.GetProperty("automationDetails").GetProperty("id").GetString().ShouldBe("deploy/onion/");
        var related = run.GetProperty("results").EnumerateArray().Where(r => r.TryGetProperty("relatedLocations", out _)).ToList();
        related.ShouldNotBeEmpty("onion-site has cross-file findings (NGX001 names the onion service's torrc)");
        foreach (var r in related.SelectMany(r => r.GetProperty("relatedLocations").EnumerateArray()))
        {
            r.GetProperty("id").GetInt32().ShouldBeGreaterThan(0);
            r.GetProperty("message").GetProperty("text").GetString().ShouldNotBeNullOrWhiteSpace();
            r.GetProperty("physicalLocation").GetProperty("region").GetProperty("startLine").GetInt32().ShouldBeGreaterThan(0);
        }

        RunIn(Repo.Root, "check", "examples/onion-site", "--format", "sarif", "--category", "").Code.ShouldBe(2);
    }

    [Fact]
    public void Github_format_writes_workflow_commands_with_escaped_values()
    {
        using var t = new TempTree();
        t.Write("tor,1/torrc", "SocksPort 0.0.0.0:9050\nORPort 9001\n");
        var (code, text, _) = RunIn(t.Root, "check", ".", "--format", "github");
        code.ShouldBe(1);
        var lines = text.TrimEnd('\n').Split('\n');
        lines.ShouldContain(l => l.StartsWith("::warning file=tor%2C1/torrc,line=1,col=11,endLine=1,endColumn=18,title=TOR001 tor-client-listener-exposed::", StringComparison.Ordinal));
        lines.ShouldAllBe(l => l.StartsWith("::error ") || l.StartsWith("::warning ") || l.StartsWith("::notice "));
        lines.ShouldAllBe(l => !l.Contains('\r'));
    }

    /// <summary>Microsoft's SARIF multitool (<c>validate --rule-kind "Gh;Sarif"</c>): no error and no warning on any example.</summary>
    [ToolFact("sarif-multitool")]
    public void Sarif_multitool_reports_no_errors_or_warnings_on_any_example()
    {
        using var t = new TempTree();
        var files = new List<string>();
        foreach (var example in Examples())
        {
            var (_, sarif, _) = RunIn(Repo.Root, "check", $"examples/{example}", "--format", "sarif", "--include-suppressed");
            files.Add(t.Write($"{example}.sarif", sarif));
        }

        // A broken log first, so that a validator that reports nothing cannot pass this test.
        var broken = t.Write("broken.sarif", """{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","version":"2.1.0","runs":[{"tool":{"driver":{"name":"x","rules":[{"id":"R1","help":{"text":""}}]}},"results":[{"ruleId":"R1","message":{"text":"m"}}]}]}""");
        Validate([broken]).ShouldNotBeEmpty();

        var problems = Validate(files);
        output.WriteLine($"{files.Count} example logs validated: {problems.Count} errors or warnings.");
        problems.ShouldBeEmpty();
    }

    private static List<string> Validate(IReadOnlyList<string> files)
    {
        var log = Path.Combine(Path.GetDirectoryName(files[0])!, $"validation-{Guid.NewGuid():N}.sarif");
        var run = ExternalTool.Run(Tools.SarifMultitool!, ["validate", "--rule-kind", "Gh;Sarif", "--level", "Error;Warning", "--output", log, .. files], timeout: TimeSpan.FromMinutes(3));
        File.Exists(log).ShouldBeTrue($"the multitool wrote no log: {run.Output}");
        return [.. JsonDocument.Parse(File.ReadAllText(log)).RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray()
            .Select(r => $"{r.GetProperty("ruleId").GetString()} {(r.TryGetProperty("level", out var level) ? level.GetString() : "warning")}: {r.GetProperty("message")}")];
    }
}
