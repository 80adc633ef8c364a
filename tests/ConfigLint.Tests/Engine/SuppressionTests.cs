using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Engine;

public class SuppressionTests
{
    [Fact]
    public void Ignore_comment_suppresses_the_next_statement_only()
    {
        using var t = new TempTree();
        t.Write("torrc", "# configlint: ignore TOR001 -- the sibling containers need it\nSocksPort 0.0.0.0:9050\nSocksPort 0.0.0.0:9150\nSocksPolicy accept 10.0.0.0/8, reject *\n");
        var r = t.Check();
        r.Of("TOR001").ShouldHaveSingleItem().Where().ShouldBe("3:11");
        r.Of("CL0003").ShouldBeEmpty();
    }

    [Fact]
    public void Stacked_comments_and_names_work_and_ignore_file_covers_everything()
    {
        using var t = new TempTree();
        t.Write("torrc", "# configlint: ignore-file tor-client-listener-exposed -- lab setup\n# configlint: ignore TOR002 -- lab setup\nSocksPort 0.0.0.0:9050\nSocksPort 0.0.0.0:9150\n");
        var r = t.Check();
        r.Of("TOR001").ShouldBeEmpty();
        r.Of("TOR002").ShouldBeEmpty();
        r.Of("CL0003").ShouldBeEmpty();
    }

    [Fact]
    public void Unused_unknown_and_reasonless_suppressions_are_CL0003()
    {
        using var t = new TempTree();
        t.Write("compose.yaml", "services:\n  a:\n    image: x:1\n    cap_drop: [ALL]\n    read_only: true\n    security_opt: [\"no-new-privileges:true\"]\n    # configlint: ignore CMP002 -- not privileged any more\n    user: app\n    # configlint: ignore CMP999 -- typo\n    pid: host\n    # configlint: ignore CMP005\n    ipc: host\n");
        var r = t.Check();
        var cl = r.Of("CL0003").Select(f => (f.Where(), f.Message)).ToList();
        cl.Count.ShouldBe(3);
        cl[0].Item2.ShouldContain("matches no finding");
        cl[1].Item2.ShouldContain("unknown rule 'CMP999'");
        cl[2].Item2.ShouldContain("no reason");
        r.Of("CMP005").Count().ShouldBe(2);
    }

    [Fact]
    public void Unused_check_respects_select()
    {
        using var t = new TempTree();
        t.Write("torrc", "# configlint: ignore TOR001 -- kept for later\nSocksPort 0.0.0.0:9050\n");
        t.Check("TOR015").Findings.ShouldBeEmpty();
    }

    [Fact]
    public void Select_and_ignore_take_ids_prefixes_and_names()
    {
        using var t = new TempTree();
        t.Write("torrc", "SocksPort 0.0.0.0:9050\nSafeLogging 0\n");
        Lint.Run(t.Root, [t.Root], ["TOR"], ["socks-policy-fail-open"]).Findings.Select(f => f.RuleId).ShouldBe(["TOR001", "TOR015"]);
        Lint.Run(t.Root, [t.Root], ["TOR015"]).Findings.Select(f => f.RuleId).ShouldBe(["TOR015"]);
    }
}

public class DockerfileSuppressionTests
{
    [Fact]
    public void Dockerfile_comments_suppress_the_next_instruction_and_the_file()
    {
        using var t = new TempTree();
        t.Write("Dockerfile", "# configlint: ignore-file DKR006 -- health is checked by the orchestrator\nFROM alpine:3.20\n# configlint: ignore DKR004 -- the archive is extracted on purpose\nADD config.txt /etc/app/\nADD other.txt /etc/app/\nUSER 10001\nCMD [\"/usr/local/bin/app\"]\n");
        var r = t.Check("DKR", "CL0003");
        r.Of("DKR006").ShouldBeEmpty();
        r.Of("DKR004").ShouldHaveSingleItem().Where().ShouldBe("5:1");
        r.Of("CL0003").ShouldBeEmpty();
    }
}
