using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Semantics;

public class TorBinderTests
{
    [Fact]
    public void Includes_splice_files_and_folders_in_sorted_order_skipping_dotfiles()
    {
        using var t = new TempTree();
        t.Write("torrc", "SocksPort 0\n%include torrc.d\n%include extra/*.conf\n");
        t.Write("torrc.d/b", "ORPort 9001\n");
        t.Write("torrc.d/a", "Nickname relayA\n");
        t.Write("torrc.d/.hidden", "ExitRelay 1\n");
        t.Write("extra/x.conf", "ExitPolicy accept *:80\n");
        t.Write("extra/y.txt", "ExitPolicy accept *:81\n");
        var result = t.Check();
        var config = result.Deployment.TorConfigs.ShouldHaveSingleItem();
        config.Lines.Select(l => l.Name).ShouldBe(["SocksPort", "Nickname", "ORPort", "ExitPolicy"]);
        config.Files.Length.ShouldBe(4);

        // The relay is found through the include, and the finding points into the included file.
        var tor006 = result.Of("TOR006").ShouldHaveSingleItem();
        tor006.Path.ShouldEndWith("extra/x.conf");
    }

    [Fact]
    public void Include_cycle_is_a_located_error_not_a_hang()
    {
        using var t = new TempTree();
        t.Write("torrc", "SocksPort 0\n%include a.inc\n");
        t.Write("a.inc", "%include b.inc\n");
        t.Write("b.inc", "%include a.inc\n");
        var result = t.Check();
        // Each include on the cycle is reported; the one into the cycle is not.
        result.Findings.Where(f => f.RuleId == "CL0004" && f.Message.Contains("cycle", StringComparison.Ordinal))
            .Select(f => $"{f.Path}({f.Where()})").ShouldBe(["a.inc(1:10)", "b.inc(1:10)"]);
    }

    [Fact]
    public void Include_outside_the_root_is_not_read()
    {
        using var t = new TempTree();
        t.Write("inner/torrc", "SocksPort 0\n%include ../secret.conf\n%include /etc/tor/torrc.d/*.conf\n");
        t.Write("secret.conf", "SocksPort 0.0.0.0:9050\n");
        var result = Lint.Run(t.Root, [Path.Combine(t.Root, "inner")]);
        result.Of("TOR001").ShouldBeEmpty();
        var outside = result.Of("CL0004").ToList();
        outside.Count.ShouldBe(2);
        outside[0].Message.ShouldContain("outside the linted folder");
        outside[1].Level.ShouldBe(ConfigLint.Syntax.DiagnosticLevel.Note);
    }

    [Fact]
    public void Missing_relative_include_is_an_error()
    {
        using var t = new TempTree();
        t.Write("torrc", "SocksPort 0\n%include nothere.conf\n");
        var f = t.Check().Of("CL0004").ShouldHaveSingleItem();
        f.Level.ShouldBe(ConfigLint.Syntax.DiagnosticLevel.Error);
        f.Where().ShouldBe("2:10");
    }

    [Fact]
    public void Include_nesting_is_limited_to_tors_depth()
    {
        using var t = new TempTree();
        t.Write("torrc", "SocksPort 0\n%include l1.inc\n");
        for (var i = 1; i <= 40; i++)
        {
            t.Write($"l{i}.inc", $"%include l{i + 1}.inc\n");
        }

        t.Write("l41.inc", "Nickname deep\n");
        t.Check().Findings.ShouldContain(f => f.RuleId == "CL0004" && f.Message.Contains("31 levels", StringComparison.Ordinal));
    }

    [Fact]
    public void Slash_prefix_clears_earlier_lines()
    {
        using var t = new TempTree();
        t.Write("torrc", "SocksPort 0.0.0.0:9050\n/SocksPort\nSocksPort 127.0.0.1:9050\n");
        t.Check().Of("TOR001").ShouldBeEmpty();
    }

    [Fact]
    public void Symlink_out_of_the_root_is_not_followed()
    {
        using var outside = new TempTree();
        outside.Write("torrc", "SocksPort 0.0.0.0:9050\n");
        using var t = new TempTree();
        t.Write("torrc", "SocksPort 0\n");
        File.CreateSymbolicLink(Path.Combine(t.Root, "linked"), outside.Root);
        File.CreateSymbolicLink(Path.Combine(t.Root, "loop"), t.Root);
        var result = t.Check();
        result.Trees.Length.ShouldBe(1);
        result.Of("TOR001").ShouldBeEmpty();
    }
}

public class TorServiceOrderTests
{
    [Fact]
    public void Per_service_option_before_any_HiddenServiceDir_is_CL0001()
    {
        using var t = new TempTree();
        t.Write("torrc", "SocksPort 0\nHiddenServicePort 80 127.0.0.1:8080\nHiddenServiceDir /var/lib/tor/hs\nHiddenServicePort 81 127.0.0.1:8081\n");
        var f = t.Check("CL0001").Findings.ShouldHaveSingleItem();
        f.Where().ShouldBe("2:1");
        f.Message.ShouldContain("before any HiddenServiceDir");
    }
}
