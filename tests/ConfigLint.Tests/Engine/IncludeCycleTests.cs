using ConfigLint.Analysis.Engine;
using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Engine;

/// <summary>
/// Include cycles (issue 11): every include on the cycle is a located CL0004 that says what the daemon does, every
/// file of the cycle still gets its own findings, and the answer for a file does not depend on which paths were named.
/// </summary>
public class IncludeCycleTests
{
    private static List<string> For(AnalysisResult result, string path) =>
        [.. result.Findings.Where(f => f.Path == path).Select(f => $"{f.Where()} {f.RuleId} {f.Message}")];

    private static void ShouldBeTheSameNamedAlone(TempTree t, params string[] files)
    {
        var all = t.Check();
        foreach (var file in files)
        {
            var alone = Lint.Run(t.Root, [Path.Combine(t.Root, file)]);
            alone.Errors.ShouldBeEmpty();
            For(alone, file).ShouldBe(For(all, file), $"check {file} and check . disagree on {file}");
        }
    }

    [Fact]
    public void Tor_include_cycle_is_reported_at_both_includes_and_both_files_are_analysed()
    {
        using var t = new TempTree();
        t.Write("torrc", "SocksPort 0.0.0.0:9050\n%include b\n");
        t.Write("b", "%include torrc\n");
        var result = t.Check();
        result.Errors.ShouldBeEmpty();
        result.Of("TOR001").ShouldHaveSingleItem().Path.ShouldBe("torrc");
        var cycle = result.Of("CL0004").Select(f => $"{f.Path}({f.Where()})").ToList();
        cycle.ShouldBe(["b(1:10)", "torrc(2:10)"]);
        result.Of("CL0004").ShouldAllBe(f => f.Message.Contains("include cycle") && f.Message.Contains("tor refuses to start"));
        ShouldBeTheSameNamedAlone(t, "torrc");
    }

    [Fact]
    public void Tor_cycle_through_a_folder_gives_the_same_answer_whichever_file_is_named()
    {
        using var t = new TempTree();
        t.Write("torrc", "SocksPort 0.0.0.0:9050\n%include torrc.d\n");
        t.Write("torrc.d/a", "ControlPort 0.0.0.0:9051\n%include ../torrc\n");
        var result = t.Check();
        result.Of("TOR001").Select(f => f.Path).ShouldBe(["torrc"]);
        result.Of("TOR003").Select(f => f.Path).ShouldBe(["torrc.d/a"]);
        result.Of("CL0004").Select(f => $"{f.Path}({f.Where()})").ShouldBe(["torrc(2:10)", "torrc.d/a(2:10)"]);
        // ('check torrc.d/a' alone makes torrc.d the root, so '../torrc' is outside it: a different question.)
        ShouldBeTheSameNamedAlone(t, "torrc");
    }

    [Fact]
    public void Nginx_glob_that_matches_its_own_file_is_a_cycle()
    {
        using var t = new TempTree();
        t.Write("nginx.conf", "events {}\nhttp {\n  include *.conf;\n  server { listen 80; }\n}\n");
        var result = t.Check();
        var f = result.Of("CL0004").ShouldHaveSingleItem();
        f.Where().ShouldBe("3:11");
        f.Message.ShouldBe("'include *.conf' includes 'nginx.conf', the file it is in: an include cycle; nginx recurses through it until it crashes or runs out of open files.");
        result.Of("NGX001").ShouldNotBeEmpty();
    }

    [Fact]
    public void Nginx_fragments_including_each_other_are_each_analysed()
    {
        using var t = new TempTree();
        t.Write("conf.d/a.conf", "server {\n  listen 80;\n  include conf.d/*.conf;\n}\n");
        t.Write("conf.d/b.conf", "location / {\n  proxy_pass http://$arg_host;\n}\ninclude conf.d/a.conf;\n");
        var result = t.Check();
        result.Errors.ShouldBeEmpty();
        result.Of("NGX005").ShouldNotBeEmpty();
        result.Of("CL0004").Select(f => $"{f.Path}({f.Where()})").Distinct().ShouldBe(["conf.d/a.conf(3:11)", "conf.d/b.conf(4:9)"]);
        ShouldBeTheSameNamedAlone(t, "conf.d/a.conf", "conf.d/b.conf");
    }

    [Fact]
    public void Squid_include_cycle_is_reported_and_both_files_are_analysed()
    {
        using var t = new TempTree();
        t.Write("squid.conf", "http_port 3128\ninclude b.conf\n");
        t.Write("b.conf", "include squid.conf\nhttp_access allow all\n");
        var result = t.Check();
        result.Errors.ShouldBeEmpty();
        result.Of("SQD001").Select(f => f.Path).Distinct().ShouldBe(["b.conf"]);
        result.Of("CL0004").Select(f => $"{f.Path}({f.Where()})").ShouldBe(["b.conf(1:9)", "squid.conf(2:9)"]);
        result.Of("CL0004").ShouldAllBe(f => f.Message.Contains("include cycle") && f.Message.Contains("squid refuses to start"));
        ShouldBeTheSameNamedAlone(t, "squid.conf");
    }
}

public class ComposeIncludeTests
{
    [Fact]
    public void Compose_include_cycle_is_reported_and_the_included_services_are_analysed()
    {
        using var t = new TempTree();
        t.Write("compose.yaml", "include:\n  - other.yaml\nservices:\n  web:\n    image: redis:7\n    ports: [\"6379:6379\"]\n");
        t.Write("other.yaml", "include:\n  - path: compose.yaml\nservices:\n  db:\n    image: postgres:16\n    ports: [\"5432:5432\"]\n");
        var result = t.Check();
        result.Errors.ShouldBeEmpty();
        result.Of("CMP001").Select(f => f.Path).Order(StringComparer.Ordinal).ShouldBe(["compose.yaml", "other.yaml"]);
        result.Of("CL0004").Select(f => $"{f.Path}({f.Where()})").ShouldBe(["compose.yaml(2:5)", "other.yaml(2:11)"]);
        result.Of("CL0004").ShouldAllBe(f => f.Message.Contains("include cycle") && f.Message.Contains("docker compose rejects it"));
    }

    [Fact]
    public void Compose_file_including_itself_and_a_missing_file_are_located()
    {
        using var t = new TempTree();
        t.Write("compose.yaml", "include: [compose.yaml, sub/missing.yaml]\nservices:\n  web: {image: redis:7, ports: [\"6379:6379\"]}\n");
        var result = t.Check();
        result.Of("CMP001").ShouldHaveSingleItem();
        result.Of("CL0004").Select(f => f.Where()).ShouldBe(["1:11", "1:25"]);
        result.Of("CL0004").First().Message.ShouldContain("the file it is in");
        result.Of("CL0004").Last().Message.ShouldContain("cannot find");
    }

    [Fact]
    public async Task Extends_through_services_defined_in_many_included_files_is_not_exponential()
    {
        using var t = new TempTree();
        var chain = "services:\n  s0: {image: redis:7, ports: [\"6379:6379\"]}\n" + string.Concat(Enumerable.Range(1, 16).Select(i => $"  s{i}: {{extends: s{i - 1}}}\n"));
        t.Write("compose.yaml", "include: [" + string.Join(", ", Enumerable.Range(1, 6).Select(i => $"part{i}.yaml")) + "]\n" + chain);
        for (var i = 1; i <= 6; i++)
        {
            t.Write($"part{i}.yaml", chain);
        }

        // Each service name has seven definitions, each extending all seven of the one before: 7^16 paths.
        var run = Task.Run(() => t.Check("CMP001"));
        (await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(20)))).ShouldBe(run);
        (await run).Of("CMP001").ShouldNotBeEmpty();
    }
}
