using ConfigLint.Analysis.Engine;
using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Engine;

/// <summary>Named files (pre-commit) are judged inside their project, and <c>fix</c> decides on the whole project.</summary>
public class ProjectContextTests
{
    private const string MainConf = "pid nginx.pid;\nerror_log error.log;\nevents {}\nhttp {\n    access_log off;\n    server_tokens off;\n    include conf.d/*.conf;\n}\n";
    private const string Fragment = "server {\n    listen 127.0.0.1:8098;\n    location / { return 204; }\n}\n";

    [Fact]
    public void A_staged_fragment_is_judged_under_the_nginx_conf_that_includes_it()
    {
        using var t = new TempTree();
        t.Write("nginx/nginx.conf", MainConf);
        t.Write("nginx/conf.d/site.conf", Fragment);
        Lint.Run(t.Root, ["nginx/conf.d/site.conf"]).Of("NGX001").ShouldBeEmpty();

        // Without server_tokens off in the main file, the finding is the main file's, not the fragment's.
        t.Write("nginx/nginx.conf", MainConf.Replace("    server_tokens off;\n", string.Empty, StringComparison.Ordinal));
        Lint.Run(t.Root, ["nginx/conf.d/site.conf"]).Findings.ShouldBeEmpty();
        Lint.Run(t.Root, ["nginx/nginx.conf"]).Of("NGX001").ShouldHaveSingleItem();
    }

    [OracleFact("nginx", needsCorpus: false)]
    public void Fixing_only_the_staged_fragment_adds_no_duplicate_and_nginx_still_accepts()
    {
        using var t = new TempTree();
        var main = t.Write("nginx/nginx.conf", MainConf);
        var site = t.Write("nginx/conf.d/site.conf", Fragment);
        var (code, _, err) = CliRun.In(t.Root, "fix", "nginx/conf.d/site.conf");
        code.ShouldBe(0, err);
        File.ReadAllText(site).ShouldBe(Fragment);
        File.ReadAllText(main).ShouldBe(MainConf);
        var nginx = ExternalTool.Run("nginx", ["-t", "-q", "-c", main, "-p", Path.Combine(t.Root, "nginx")], t.Root);
        nginx.Succeeded.ShouldBeTrue(nginx.Output);
    }

    [Fact]
    public void Fix_edits_only_named_files()
    {
        using var t = new TempTree();
        var main = t.Write("nginx/nginx.conf", MainConf.Replace("    server_tokens off;\n", string.Empty, StringComparison.Ordinal));
        var site = t.Write("nginx/conf.d/site.conf", Fragment);
        var outcome = Lint.Fix(t.Root, ["nginx/conf.d/site.conf"]);
        outcome.Files.ShouldBeEmpty();
        Lint.Fix(t.Root, ["nginx/nginx.conf"]).Files.ShouldHaveSingleItem().DisplayPath.ShouldBe("nginx/nginx.conf");
        File.ReadAllText(site).ShouldBe(Fragment);
        File.ReadAllText(main).ShouldNotContain("server_tokens");
    }

    [Fact]
    public void A_staged_torrc_sees_the_compose_file_that_mounts_it()
    {
        using var t = new TempTree();
        t.Write("compose.yaml", "services:\n  tor:\n    image: osminogin/tor-simple:0.4.8.10\n    volumes: [\"./torrc:/etc/tor/torrc:ro\"]\n    ports: [\"127.0.0.1:9050:9050\"]\n");
        t.Write("torrc", "SocksPort 0.0.0.0:9050\nSocksPolicy accept 172.16.0.0/12\nSocksPolicy reject *\n");
        var whole = Lint.Run(t.Root, ["."]).Findings.Where(f => f.Path == "torrc").Select(f => f.RuleId + f.Message).ToList();
        Lint.Run(t.Root, ["torrc"]).Findings.Select(f => f.RuleId + f.Message).ToList().ShouldBe(whole);
    }

    [Fact]
    public void The_project_root_is_the_nearest_compose_file_or_configuration_or_git_folder()
    {
        using var t = new TempTree();
        t.Write("repo/.git/HEAD", "ref: refs/heads/main\n");
        t.Write("repo/stack/compose.yaml", "services: {}\n");
        var torrc = t.Write("repo/stack/tor/torrc", "SocksPort 9050\n");
        var other = t.Write("repo/docs/torrc.example", "SocksPort 9050\n");
        var fragment = t.Write("loose/nginx/conf.d/x.conf", Fragment);
        t.Write("loose/nginx/nginx.conf", MainConf);
        ProjectScope.ProjectRootOf(torrc).ShouldBe(Path.Combine(t.Root, "repo", "stack"));
        ProjectScope.ProjectRootOf(other).ShouldBe(Path.Combine(t.Root, "repo"));
        ProjectScope.ProjectRootOf(fragment).ShouldBe(Path.Combine(t.Root, "loose", "nginx"));
    }

    [Fact]
    public void The_nearest_configuration_upward_applies_and_its_exclude_covers_named_files()
    {
        using var t = new TempTree();
        t.Write(".configlint.yaml", "exclude: [\"vendor/**\"]\nignore: [TOR002]\n");
        t.Write("vendor/torrc", "SocksPort 0.0.0.0:9050\n");
        t.Write("app/torrc", "SocksPort 0.0.0.0:9050\n");
        var (code, output, err) = CliRun.In(Path.Combine(t.Root, "app"), "check", "torrc", "../vendor/torrc");
        code.ShouldBe(1, err);
        output.ShouldContain("torrc(1,11): warning TOR001");
        output.ShouldNotContain("TOR002");
        output.ShouldNotContain("vendor");
    }
}
