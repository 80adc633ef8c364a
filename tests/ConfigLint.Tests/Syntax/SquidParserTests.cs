using System.Diagnostics;
using ConfigLint.Analysis.Engine;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Squid;
using ConfigLint.Tests.Testing;
using Microsoft.CodeAnalysis.Text;
using Shouldly;
using Xunit.Abstractions;

namespace ConfigLint.Tests.Syntax;

/// <summary>squid.conf parser groundwork (issue 3): fidelity, squid's line rules, and squid itself as the oracle.</summary>
public class SquidParserTests(ITestOutputHelper output)
{
    private static (SquidDocumentSyntax Doc, SyntaxTree Tree) Parse(string text)
    {
        var tree = SquidParser.Parse("squid.conf", SourceText.From(text));
        tree.ToFullString().ShouldBe(text);
        tree.CheckFidelity().ShouldBeNull();
        return ((SquidDocumentSyntax)tree.Root, tree);
    }

    [Fact]
    public void Continuation_skips_comment_lines_and_inserts_nothing()
    {
        var (doc, tree) = Parse("acl Safe_ports port 80 \\\n# a comment\n\n   443\nhttp_access deny !Safe_ports # trailing\n");
        tree.Diagnostics.ShouldBeEmpty();
        doc.Directives.Select(d => d.LogicalLine).ShouldBe(["acl Safe_ports port 80 443", "http_access deny !Safe_ports # trailing"]);
        doc.Directives[1].Args.ShouldBe(["deny", "!Safe_ports"]);
    }

    [Fact]
    public void An_embedded_CR_ends_the_line_for_squid()
    {
        var (doc, _) = Parse("visible_hostname proxy\rhidden part\nvia off\r\n");
        doc.Directives.Select(d => d.LogicalLine).ShouldBe(["visible_hostname proxy", "via off"]);
    }

    [Fact]
    public void Names_are_case_sensitive_with_aliases_and_obsolete_directives()
    {
        // Obsolete directives are known names: whether they still work depends on the squid version, so the binder says.
        var (_, tree) = Parse("HTTP_PORT 3128\nascii_port 3129\nheader_access Via deny all\nhttp_acess deny all\n");
        tree.Diagnostics.Select(d => (d.Id, d.Level)).ShouldBe([("CL0002", DiagnosticLevel.Error), ("CL0002", DiagnosticLevel.Error)]);
        tree.Diagnostics[1].Message.ShouldContain("Did you mean 'http_access'?");
        SquidDirectives.Lookup("header_access")!.IsObsoleteIn(null).ShouldBeTrue();
        SquidDirectives.Lookup("dns_v4_first")!.IsObsoleteIn(new Version(4, 13)).ShouldBeFalse();
        SquidDirectives.Lookup("dns_v4_first")!.IsObsoleteIn(new Version(5, 7)).ShouldBeTrue();
        SquidDirectives.Lookup("cache_host_domain")!.IsObsoleteIn(new Version(3, 5, 27)).ShouldBeFalse();
        SquidDirectives.Lookup("http_port")!.IsObsoleteIn(null).ShouldBeFalse();
    }

    [Fact]
    public void A_line_continued_into_the_end_of_the_file_is_dropped_as_squid_drops_it()
    {
        var (doc, tree) = Parse("http_port 3128\nno_such_directive on \\\n# nothing follows\n");
        doc.Directives[1].Unterminated.ShouldBeTrue();
        var diagnostic = tree.Diagnostics.ShouldHaveSingleItem();
        (diagnostic.Id, diagnostic.Level).ShouldBe(("CL0001", DiagnosticLevel.Warning));
        diagnostic.Message.ShouldContain("squid drops it unread");
    }

    [Fact]
    public void Conditionals_must_balance()
    {
        // squid replaces ${process_number} before it evaluates the condition (squid -k parse accepts this).
        Parse("if ${process_number} = 1\nhttp_port 3128\nelse\nhttp_port 3129\nendif\n").Tree.Diagnostics.ShouldBeEmpty();
        Parse("if ${process_name} = 1\nendif\n").Tree.Diagnostics.ShouldHaveSingleItem().Message.ShouldContain("not a condition");
        Parse("if 1 = 1\nhttp_port 3128\nendif\nendif\nif true\n").Tree.Diagnostics.Select(d => d.Message).ShouldBe([
            "'endif' without a matching 'if'; squid refuses to start.", "'if' has no matching 'endif'; squid refuses to start."]);
    }

    [CorpusFact]
    public void Every_corpus_squid_file_round_trips()
    {
        var files = Directory.EnumerateFiles(Path.Combine(Repo.Corpus, "squid"), "*", SearchOption.AllDirectories).ToList();
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            var loaded = SourceLoader.Decode(bytes);
            loaded.Text.ShouldNotBeNull(file);
            var tree = SquidParser.Parse(file, loaded.Text!);
            SourceLoader.Encode(tree.ToFullString()).ShouldBe(bytes, file);
            tree.CheckFidelity().ShouldBeNull(file);
        }

        output.WriteLine($"{files.Count} corpus squid files round-trip.");
        files.Count.ShouldBeGreaterThan(70);
    }

    /// <summary>
    /// squid's own configuration tests (test-suite/squidconf, run by test-squid-conf.sh against the squid of that
    /// commit, the newest): a file whose instructions say <c>expect-failure</c> gets an error-level CL0001/CL0002,
    /// every other one none (its expected messages are warnings squid logs and starts anyway). No version is shown,
    /// so ConfigLint applies the newest squid's rules too.
    /// </summary>
    [CorpusFact]
    public void Squids_own_configuration_tests_agree()
    {
        var folder = Path.Combine(Repo.Corpus, "squid", "squid-cache-squid", "test-suite", "squidconf");
        var checkedFiles = 0;
        var disagreements = new List<string>();
        foreach (var conf in Directory.EnumerateFiles(folder, "*.conf").Order(StringComparer.Ordinal))
        {
            var instructions = conf + ".instructions";
            var fails = File.Exists(instructions) && File.ReadAllLines(instructions).Any(l => l.StartsWith("expect-failure", StringComparison.Ordinal));
            var errors = Lint.Run(folder, [conf], ["CL0001", "CL0002"]).Findings.Where(f => f.Level == DiagnosticLevel.Error).ToList();
            checkedFiles++;
            if (fails != errors.Count > 0)
            {
                disagreements.Add($"{Path.GetFileName(conf)}: squid's test expects {(fails ? "a failure" : "success")}, ConfigLint reports {errors.Count} error(s) {string.Join("; ", errors.Select(e => e.Message))}");
            }
        }

        output.WriteLine($"{checkedFiles} squid test-suite configurations checked.");
        checkedFiles.ShouldBeGreaterThan(15);
        disagreements.ShouldBeEmpty();
    }

    [Fact]
    public void Random_input_never_throws_and_round_trips()
    {
        var random = new Random(55);
        string[] pieces = ["http_access", "acl", "if", "endif", "else", "include", " ", "\t", "\n", "\r\n", "\r", "\\", "\\\n", "#", "\"", "allow", "all", "1", "=", "é"];
        for (var i = 0; i < 3000; i++)
        {
            Parse(FuzzTests.RandomText(random, pieces, random.Next(0, 100)));
        }
    }
}
