using ConfigLint.Analysis.Engine;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Iptables;
using ConfigLint.Tests.Testing;
using Microsoft.CodeAnalysis.Text;
using Shouldly;
using Xunit.Abstractions;

namespace ConfigLint.Tests.Syntax;

/// <summary>The iptables-save parser: full fidelity, iptables-restore's tokenizer, CL0001 where iptables-restore stops.</summary>
public class IptablesParserTests(ITestOutputHelper output)
{
    internal static SyntaxTree Parse(string text) => IptablesParser.Parse("rules.v4", SourceText.From(text));

    /// <summary>The iptables-save dumps of the corpus (SOURCES.md "iptables": rules.v4/v6, *.rules, TorBox *.nat, Whonix and netfilter dumps).</summary>
    internal static List<string> CorpusDumps() =>
        [.. Directory.EnumerateFiles(Path.Combine(Repo.Corpus, "iptables"), "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/_licenses/", StringComparison.Ordinal) && !f.EndsWith(".t", StringComparison.Ordinal))
            .Where(f => IptablesFile.Classify(File.ReadAllText(f)) == IptablesFileKind.Save)
            .Order(StringComparer.Ordinal)];

    [CorpusFact]
    public void Every_corpus_iptables_save_file_round_trips()
    {
        var dumps = CorpusDumps();
        var failures = new List<string>();
        foreach (var file in dumps)
        {
            var bytes = File.ReadAllBytes(file);
            var loaded = SourceLoader.Decode(bytes);
            var tree = IptablesParser.Parse(file, loaded.Text!);
            if (!SourceLoader.Encode(tree.ToFullString()).AsSpan().SequenceEqual(bytes) || tree.CheckFidelity() is not null)
            {
                failures.Add(file);
            }
        }

        output.WriteLine($"{dumps.Count} iptables-save files round-trip: {string.Join(", ", dumps.Select(Path.GetFileName))}");
        failures.ShouldBeEmpty();

        // SOURCES.md lists 46 dumps; the two nft-native files and the .t unit tests are not dumps.
        dumps.Count.ShouldBe(46);
        dumps.ShouldNotContain(f => f.Contains("nftabels", StringComparison.Ordinal) || f.EndsWith("0010-nft-native.txt", StringComparison.Ordinal));
    }

    [CorpusFact]
    public void Every_corpus_iptables_file_of_any_kind_round_trips_through_both_readers()
    {
        var files = Directory.EnumerateFiles(Path.Combine(Repo.Corpus, "iptables"), "*", SearchOption.AllDirectories).ToList();
        foreach (var file in files)
        {
            var text = SourceText.From(File.ReadAllText(file));
            IptablesParser.Parse(file, text).ToFullString().ShouldBe(text.ToString(), file);
            IptablesFile.ParseScript(file, text).ToFullString().ShouldBe(text.ToString(), file);
        }

        files.Count.ShouldBeGreaterThan(90);
    }

    /// <summary>GNU long options with '=' (yabusygin's files): iptables 1.8.8/1.8.9 mis-parse them (bug 1677), 1.8.10 fixed it; valid syntax.</summary>
    [CorpusFact]
    public void Long_options_with_equals_are_valid_syntax()
    {
        var file = Path.Combine(Repo.Corpus, "iptables", "yabusygin-ansible-role-iptables", "files", "rules.v4");
        var tree = IptablesParser.Parse(file, SourceText.From(File.ReadAllText(file)));
        tree.Diagnostics.ShouldBeEmpty();
        var first = ((IptablesDocumentSyntax)tree.Root).Lines.OfType<IptablesCommandLineSyntax>().First().Command!;
        (first.Action, first.Chain, first.Criterion("in-interface")!.Value, first.Target!.Name).ShouldBe((IptablesAction.Append, "INPUT", "lo", "ACCEPT"));
    }

    [Fact]
    public void A_rule_line_is_read_into_criteria_matches_and_target()
    {
        var tree = Parse("# c\n*nat\n:OUTPUT ACCEPT [0:0]\n[3:180] -A OUTPUT ! -o lo -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -m owner ! --uid-owner debian-tor -m comment --comment \"to \\\"tor\\\"\" -j REDIRECT --to-ports 9040\nCOMMIT\n");
        tree.Diagnostics.ShouldBeEmpty();
        var doc = (IptablesDocumentSyntax)tree.Root;
        doc.Lines.Select(l => l.Kind).ShouldBe([SyntaxKind.IptablesTableHeader, SyntaxKind.IptablesChainDeclaration, SyntaxKind.IptablesCommandLine, SyntaxKind.IptablesCommit]);
        var cmd = doc.Lines.OfType<IptablesCommandLineSyntax>().Single().Command!;
        cmd.Action.ShouldBe(IptablesAction.Append);
        cmd.Chain.ShouldBe("OUTPUT");
        cmd.Criterion("out-interface")!.Negated.ShouldBeTrue();
        cmd.Criterion("protocol")!.Value.ShouldBe("tcp");
        cmd.Match("tcp")!.Option("tcp-flags")!.Args.Select(a => a.Value).ShouldBe(["FIN,SYN,RST,ACK", "SYN"]);
        cmd.Match("owner")!.Option("uid-owner")!.Negated.ShouldBeTrue();
        cmd.Match("comment")!.Option("comment")!.Value.ShouldBe("to \"tor\"");
        cmd.Target!.Name.ShouldBe("REDIRECT");
        cmd.Target.Option("to-ports")!.Value.ShouldBe("9040");
        var chain = doc.Lines.OfType<IptablesChainDeclarationSyntax>().Single();
        (chain.Name, chain.Policy).ShouldBe(("OUTPUT", "ACCEPT"));
    }

    [Fact]
    public void Implicit_protocol_match_multiport_state_dnat_and_long_options_with_equals()
    {
        var tree = Parse("*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -p udp --dport 53 -m state --state NEW -j DNAT --to-destination 10.0.0.1:5353\n-A PREROUTING --protocol=tcp -m multiport --dports 80,443 --jump=MASQUERADE\nCOMMIT\n");
        tree.Diagnostics.ShouldBeEmpty();
        var cmds = ((IptablesDocumentSyntax)tree.Root).Lines.OfType<IptablesCommandLineSyntax>().Select(l => l.Command!).ToList();
        cmds[0].Match("udp")!.Implicit.ShouldBeTrue();
        cmds[0].Match("udp")!.Option("destination-port")!.Value.ShouldBe("53");
        cmds[0].Match("state")!.Option("state")!.Value.ShouldBe("NEW");
        cmds[0].Target!.Option("to-destination")!.Value.ShouldBe("10.0.0.1:5353");
        cmds[1].Criterion("protocol")!.Value.ShouldBe("tcp");
        cmds[1].Match("multiport")!.Option("destination-ports")!.Value.ShouldBe("80,443");
        cmds[1].Target!.Name.ShouldBe("MASQUERADE");
    }

    [Theory]
    [InlineData("*filter\n:INPUT ACCEPT [0:0]\n", 3)]
    [InlineData("*filtr\nCOMMIT\n", 1)]
    [InlineData("*filter\n*nat\nCOMMIT\n", 2)]
    [InlineData("*filter\nCOMMIT\nCOMMIT\n", 3)]
    [InlineData("-A INPUT -j ACCEPT\n", 1)]
    [InlineData("*filter\n:INPUT\nCOMMIT\n", 2)]
    [InlineData("*filter\n:\nCOMMIT\n", 2)]
    [InlineData("*filter\n[1:2 -A INPUT -j ACCEPT\nCOMMIT\n", 2)]
    [InlineData("*filter\n-A INPUT -t nat -j ACCEPT\nCOMMIT\n", 2)]
    [InlineData("*filter\n-A INPUT --bogus -j ACCEPT\nCOMMIT\n", 2)]
    [InlineData("*filter\n-A INPUT -s ! 1.2.3.4 -j ACCEPT\nCOMMIT\n", 2)]
    [InlineData("*filter\n-A INPUT ! ! -s 1.2.3.4 -j ACCEPT\nCOMMIT\n", 2)]
    [InlineData("*filter\n-A INPUT -j ACCEPT -j DROP\nCOMMIT\n", 2)]
    [InlineData("*filter\n-A INPUT -j ACCEPT x\nCOMMIT\n", 2)]
    [InlineData("*filter\n-A INPUT --dport 22 -j ACCEPT\nCOMMIT\n", 2)]
    [InlineData("*filter\n-A INPUT -p tcp --dport 99999 -j ACCEPT\nCOMMIT\n", 2)]
    [InlineData("*nat\n-A OUTPUT -j REDIRECT --to-ports 9040\nCOMMIT\n", 2)]
    [InlineData("*filter\n  # x\nCOMMIT\n", 2)]
    [InlineData("*filter\n   \nCOMMIT\n", 2)]
    [InlineData("*filter\n-A INPUT -j ACCEPT # c\nCOMMIT\n", 2)]
    [InlineData("*filter\n-A\nCOMMIT\n", 2)]
    [InlineData("*filter\n-A FOO -j ACCEPT\nCOMMIT\n", 2)]
    [InlineData("*filter\n-A INPUT -j NOSUCHCHAIN\nCOMMIT\n", 2)]
    [InlineData("*filter\n:FOO ACCEPT [0:0]\nCOMMIT\n", 2)]
    [InlineData("*filter\n-A INPUT -s 1.2.3.400 -j ACCEPT\nCOMMIT\n", 2)]
    public void Syntax_errors_are_CL0001_at_the_line_iptables_restore_names(string text, int line)
    {
        var tree = Parse(text);
        tree.Diagnostics.ShouldNotBeEmpty();
        tree.Diagnostics.ShouldAllBe(d => d.Id == "CL0001");
        tree.Text.Lines.GetLinePosition(tree.Diagnostics[0].Span.Start).Line.ShouldBe(line - 1, string.Join(" | ", tree.Diagnostics.Select(d => d.Message)));
        tree.ToFullString().ShouldBe(text);
    }

    [Theory]
    [InlineData("#only")]
    [InlineData("\n\n*filter\nCOMMIT\n")]
    [InlineData("*filter\n:INPUT ACCEPT\n:X - [0:0]\n-A INPUT -j X\n-A X -j RETURN\nCOMMIT\n")]
    [InlineData("* filter\nCOMMIT")]
    [InlineData("*filter\n-4 -A INPUT -j ACCEPT\n-6 -A INPUT -j ACCEPT\n--ipv4 -A INPUT -j DROP\nCOMMIT\n")]
    [InlineData("*filter\n-N X\n-A X -j RETURN\n-I INPUT 1 -j X\n-D INPUT 1\n-F\n-Z\nCOMMIT\n")]
    [InlineData("*filter\n-A INPUT -m comment --comment \"\" -j ACCEPT\n-A INPUT -m comment --comment a\\\"b -j ACCEPT\nCOMMIT\n")]
    [InlineData("*filter\n-A INPUT -m limit --limit 5/min -m recent --name x --rcheck -m hashlimit --hashlimit-upto 5/s --hashlimit-name h -j LOG --log-prefix \"x: \"\nCOMMIT\n")]
    public void Inputs_iptables_restore_accepts_have_no_CL0001(string text)
    {
        var tree = Parse(text);
        tree.Diagnostics.ShouldBeEmpty();
        tree.ToFullString().ShouldBe(text);
    }

    [Fact]
    public void A_quote_closes_its_word_as_in_add_param_to_argv()
    {
        var tree = Parse("*filter\n-A INPUT -m comment --comment a\"b c\"d -j ACCEPT\nCOMMIT\n");
        var words = ((IptablesDocumentSyntax)tree.Root).Lines.OfType<IptablesCommandLineSyntax>().Single().Words.Select(w => w.Value).ToList();
        words.ShouldContain("ab c");
        words.ShouldContain("d");
        tree.Diagnostics.Single().Message.ShouldContain("`d'");
    }

    [Fact]
    public void Parsers_never_throw_and_always_round_trip_on_random_iptables_text()
    {
        var random = new Random(9040);
        string[] pieces = ["*filter\n", "*nat\n", "*", ":", "COMMIT", "\n", "\r\n", " ", "\t", "-A ", "OUTPUT ", "-j ", "ACCEPT", "! ", "\"", "\\", "[0:0]", "[", "]",
            "-m owner --uid-owner ", "--to-ports ", "-p tcp ", "#", "-4 ", "--append=", "$X", "${X}", "for x in a b; do ", "done", "if ", "fi", "case $1 in", "start)", ";;", "esac",
            "iptables ", "'", "`", "$(", ")", "<<EOF\n", "EOF", "é", "😀", "\uFEFF"];
        for (var i = 0; i < 3000; i++)
        {
            var text = FuzzTests.RandomText(random, pieces, random.Next(0, 160));
            var save = IptablesParser.Parse("rules.v4", SourceText.From(text));
            save.ToFullString().ShouldBe(text);
            save.CheckFidelity().ShouldBeNull(text);
            ConfigLint.Semantics.Iptables.IptablesBinder.Bind(save);
            var script = IptablesFile.ParseScript("fw.sh", SourceText.From(text));
            script.ToFullString().ShouldBe(text);
            script.CheckFidelity().ShouldBeNull(text);
            ConfigLint.Semantics.Iptables.IptablesBinder.Bind(script);
        }
    }

    [Fact]
    public void The_engine_parses_iptables_files_and_reports_CL0001_and_leaves_ordinary_scripts_alone()
    {
        using var t = new TempTree();
        t.Write("etc/iptables/rules.v4", "*filter\n:OUTPUT DROP [0:0]\n-A OUTPUT -o lo -j ACCEPT\n-A OUTPUT -j REJECT --bogus\nCOMMIT\n");
        t.Write("etc/iptables/rules.v6", "*filter\n:OUTPUT DROP [0:0]\nCOMMIT\n");
        t.Write("tor-router.sh", "#!/bin/sh\niptables -F\niptables -t nat -F\niptables -A OUTPUT -j DRP\n");
        t.Write("build.sh", "#!/bin/sh\nset -e\nmake\n\"unterminated\n");
        var result = t.Check("CL0001");
        result.Findings.Select(f => (f.Location.Path.Replace('\\', '/').Split('/')[^1], f.LineSpan.Start.Line + 1)).ShouldBe([("rules.v4", 4)]);
        result.Findings[0].Message.ShouldContain("--bogus");
        var iptables = result.Trees.Where(tree => tree.Language == Language.Iptables).Select(tree => tree.Path.Split('/')[^1]).Order(StringComparer.Ordinal).ToList();
        iptables.ShouldBe(["rules.v4", "rules.v6", "tor-router.sh"]);
        result.Trees.Single(tree => tree.Path.EndsWith("tor-router.sh", StringComparison.Ordinal)).Root.ShouldBeOfType<IptablesScriptSyntax>();
    }

    [Fact]
    public void Hostile_lines_are_bounded_and_still_round_trip()
    {
        var many = "*filter\n-A INPUT" + string.Concat(Enumerable.Repeat(" -m comment --comment x", 50_000)) + "\nCOMMIT\n";
        var started = DateTime.UtcNow;
        var tree = Parse(many);
        (DateTime.UtcNow - started).ShouldBeLessThan(TimeSpan.FromSeconds(10));
        tree.ToFullString().ShouldBe(many);
        tree.Diagnostics.ShouldContain(d => d.Message.Contains("words", StringComparison.Ordinal));
        tree.Root.DescendantTokens().Count().ShouldBeLessThan(IptablesParser.MaxArguments + 10);

        var quotes = "*filter\n-A INPUT " + new string('"', 1_000_000) + "\nCOMMIT\n";
        Parse(quotes).ToFullString().ShouldBe(quotes);
    }
}
