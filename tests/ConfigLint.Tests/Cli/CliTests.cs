using System.Text.Json;
using ConfigLint.Cli;
using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Cli;

/// <summary>The real command, in process, on the examples: output contracts, snapshots and exit codes.</summary>
public class CliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => RunIn(Repo.Root, terminal: false, args);

    private static (int Code, string Out, string Err) RunIn(string cwd, bool terminal, params string[] args) => CliRun.In(cwd, terminal, args);

    [Theory]
    [InlineData("onion-site", 1)]
    [InlineData("onion-site-hardened", 0)]
    [InlineData("onion-site-exposed", 1)]
    [InlineData("tor-relay", 1)]
    [InlineData("squid-forward-proxy", 1)]
    [InlineData("squid-forward-proxy-hardened", 0)]
    [InlineData("transparent-proxy", 1)]
    [InlineData("transparent-proxy-hardened", 0)]
    public void Check_on_examples_matches_snapshot(string example, int expectedCode)
    {
        var (code, output, err) = Run("check", $"examples/{example}");
        // Only notes go to stderr (what the iptables reader chose in a script); they are part of the snapshot.
        err.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldAllBe(l => l.StartsWith("configlint: note: "));
        code.ShouldBe(expectedCode);
        (err.Length == 0 ? output : output + "--- stderr ---\n" + err).ShouldMatchApproved(c => c.SubFolder("../Snapshots").WithDiscriminator(example).NoDiff());
    }

    [Fact]
    public void Onion_site_findings_follow_the_catalog_seed_expectations()
    {
        var (_, output, _) = Run("check", "examples/onion-site", "--format", "json");
        var ids = JsonDocument.Parse(output).RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("ruleId").GetString()).ToList();
        ids.ShouldContain("TOR011");
        ids.ShouldNotContain("TOR001");
        ids.ShouldNotContain("TOR002");
        ids.ShouldNotContain("TOR012");
        ids.ShouldContain("CMP006");
    }

    [Fact]
    public void Tor_relay_findings_follow_the_catalog_seed_expectations()
    {
        var (_, output, _) = Run("check", "examples/tor-relay", "--format", "json");
        var findings = JsonDocument.Parse(output).RootElement.GetProperty("findings").EnumerateArray().ToList();
        string Rule(JsonElement f) => f.GetProperty("ruleId").GetString()!;
        string PathOf(JsonElement f) => f.GetProperty("path").GetString()!;
        findings.Where(f => (Rule(f) == "TOR005" || Rule(f) == "TOR006") && !PathOf(f).EndsWith("bridge", StringComparison.Ordinal)).ShouldBeEmpty();
        findings.Where(f => Rule(f) == "TOR013").Select(f => f.GetProperty("level").GetString()).ShouldAllBe(l => l == "note");
        findings.Count(f => Rule(f) == "TOR013").ShouldBe(2);
        var cmp001 = findings.Where(f => Rule(f) == "CMP001").ShouldHaveSingleItem();
        cmp001.GetProperty("level").GetString().ShouldBe("note");
        cmp001.GetProperty("line").GetInt32().ShouldBe(18);
    }

    [Fact]
    public void Json_contract()
    {
        var (code, output, _) = Run("check", "examples/tor-relay", "--format", "json");
        code.ShouldBe(1);
        var root = JsonDocument.Parse(output).RootElement;
        root.EnumerateObject().Select(p => p.Name).ShouldBe(["findings"]);
        foreach (var f in root.GetProperty("findings").EnumerateArray())
        {
            f.EnumerateObject().Select(p => p.Name).ShouldBe(["ruleId", "level", "message", "path", "line", "column", "endLine", "endColumn", "fix"]);
            f.GetProperty("level").GetString().ShouldBeOneOf("error", "warning", "note");
            f.GetProperty("path").GetString()!.ShouldStartWith("examples/tor-relay/");
            f.GetProperty("line").GetInt32().ShouldBeGreaterThan(0);
            f.GetProperty("column").GetInt32().ShouldBeGreaterThan(0);
            if (f.GetProperty("fix").ValueKind != JsonValueKind.Null)
            {
                f.GetProperty("fix").GetString().ShouldBeOneOf("safe", "unsafe");
            }
            f.GetProperty("message").GetString()!.ShouldEndWith(".");
        }

        root.GetProperty("findings").EnumerateArray().ShouldContain(f => f.GetProperty("ruleId").GetString() == "TOR013" && f.GetProperty("fix").GetString() == "safe");
        output.ShouldMatchApproved(c => c.SubFolder("../Snapshots").WithDiscriminator("tor-relay-json").NoDiff());
    }

    [Fact]
    public void Text_lines_are_compiler_style()
    {
        var (_, output, _) = Run("check", "examples/tor-relay");
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            line.ShouldMatch(@"^examples/tor-relay/[^()]+\(\d+,\d+\): (error|warning|note) (TOR|CMP|DKR|CL)\d{3,4}: .+\.$");
        }
    }

    [Fact]
    public void Output_is_deterministic()
    {
        Run("check", "examples").Out.ShouldBe(Run("check", "examples").Out);
    }

    [Fact]
    public void Terminal_output_has_code_frames_and_a_summary()
    {
        var (_, output, _) = RunIn(Repo.Root, terminal: true, "check", "examples/onion-site");
        output.ShouldContain("3 | HiddenServicePort 80 nginx:80");
        output.ShouldContain("  |                      ^^^^^");
        output.ShouldMatch(@"\n\d+ findings: 0 errors, \d+ warnings, \d+ notes\.\n$");
    }

    [Theory]
    [InlineData("error", 1)]
    [InlineData("warning", 1)]
    [InlineData("none", 0)]
    public void Fail_on_sets_the_threshold(string level, int code) =>
        Run("check", "examples/tor-relay", "--fail-on", level).Code.ShouldBe(code);

    [Fact]
    public void Fail_on_note_fails_on_notes()
    {
        using var t = new TempTree();
        t.Write("torrc", "SocksPort 0\nHiddenServiceDir /var/lib/tor/hs\nHiddenServicePort 80 web:80\n");
        RunIn(t.Root, terminal: false, "check").Code.ShouldBe(0);
        RunIn(t.Root, terminal: false, "check", "--fail-on", "note").Code.ShouldBe(1);
    }

    [Theory]
    [InlineData("check", "--format", "xml")]
    [InlineData("check", "--bogus")]
    [InlineData("frobnicate")]
    [InlineData("check", "--select", "NOPE999")]
    [InlineData("rule", "TOR999")]
    public void Usage_errors_exit_2_with_a_message(params string[] args)
    {
        var (code, output, err) = Run(args);
        code.ShouldBe(2);
        output.ShouldBeEmpty();
        err.ShouldStartWith("configlint: error: ");
        err.ShouldNotContain("   at ");
    }

    [Fact]
    public void Missing_path_exits_2()
    {
        var (code, _, err) = Run("check", "examples/does-not-exist");
        code.ShouldBe(2);
        err.Trim().ShouldBe("configlint: error: 'examples/does-not-exist' does not exist.");
    }

    [Fact]
    public void Output_option_writes_the_report_to_a_file()
    {
        using var t = new TempTree();
        var (code, stdout, _) = Run("check", "examples/tor-relay", "--format", "json", "--output", Path.Combine(t.Root, "report.json"));
        code.ShouldBe(1);
        stdout.ShouldBeEmpty();
        File.ReadAllText(Path.Combine(t.Root, "report.json")).ShouldBe(Run("check", "examples/tor-relay", "--format", "json").Out);
        Directory.GetFiles(t.Root).ShouldHaveSingleItem();
    }

    [Fact]
    public void Select_and_ignore_filter()
    {
        Run("check", "examples/tor-relay", "--select", "TOR014").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldAllBe(l => l.Contains(" TOR014: ", StringComparison.Ordinal));
        Run("check", "examples/tor-relay", "--ignore", "CMP,TOR014").Out.ShouldNotContain(" CMP0");
    }

    [Fact]
    public void Rules_lists_every_rule_and_rule_prints_docs()
    {
        var (code, output, _) = Run("rules");
        code.ShouldBe(0);
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(ConfigLint.Rules.RuleCatalog.CreateAll().Count + ConfigLint.Analysis.BuiltInDescriptors.All.Count);
        output.ShouldContain("TOR001  warning none tor-client-listener-exposed");
        var docs = Run("rule", "tor-client-listener-exposed");
        docs.Code.ShouldBe(0);
        docs.Out.ShouldStartWith("# tor-client-listener-exposed (TOR001)");
        Run("rule", "tor001").Out.ShouldBe(docs.Out);
    }
}
