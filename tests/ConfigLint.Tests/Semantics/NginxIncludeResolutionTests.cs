using ConfigLint.Semantics;
using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Semantics;

/// <summary>
/// Issue 12 §3: includes resolve against the project — a fragment against the nginx.conf folder above it, stock files
/// every nginx package ships are not "missing", and glob(3) bracket expressions (the 'x[.]conf' optional include) are globs.
/// </summary>
public class NginxIncludeResolutionTests
{
    [Theory]
    [InlineData("ip_ranges.conf", "ip_ranges[.]conf", true)]
    [InlineData("site-a.conf", "site-[a-c].conf", true)]
    [InlineData("site-d.conf", "site-[a-c].conf", false)]
    [InlineData("site-d.conf", "site-[!a-c].conf", true)]
    [InlineData("x].conf", "x[]].conf", true)]
    [InlineData("x[.conf", "x[.conf", true)]
    public void Bracket_expressions_match_as_glob3_does(string name, string pattern, bool matches)
    {
        Glob.IsMatch(name, pattern).ShouldBe(matches);
        Glob.HasWildcards(pattern).ShouldBe(pattern != "x[.conf");
    }

    [Fact]
    public void A_fragment_resolves_its_includes_against_the_nginx_conf_above_it()
    {
        using var t = new TempTree();
        // As in h5bp's repository: the templates are copied into conf.d by hand, so nginx.conf does not include them.
        t.Write("nginx.conf", "events {}\nhttp {\n  server_tokens off;\n}\n");
        t.Write("h5bp/tls/policy.conf", "ssl_protocols TLSv1.2 TLSv1.3;\n");
        t.Write("conf.d/templates/site.conf", "server {\n  listen 443 ssl;\n  include h5bp/tls/policy.conf;\n}\n");
        var result = t.Check();
        result.Of("CL0004").ShouldBeEmpty();
        result.Of("NGX009").ShouldBeEmpty();

        // Named alone (pre-commit), the fragment gets the same answer.
        Lint.Run(t.Root, ["conf.d/templates/site.conf"]).Findings.Where(f => f.RuleId is "CL0004" or "NGX009").ShouldBeEmpty();
    }

    [Fact]
    public void Stock_files_and_optional_includes_are_not_missing_but_a_real_missing_file_is()
    {
        using var t = new TempTree();
        t.Write("nginx.conf", "events {}\nhttp {\n  include mime.types;\n  include /etc/nginx/fastcgi_params;\n  include conf.d/custom[.]conf;\n  include conf.d/missing.conf;\n}\n");
        var cl4 = t.Check().Of("CL0004").ShouldHaveSingleItem();
        cl4.Message.ShouldContain("'include conf.d/missing.conf' matches no file");
        cl4.Where().ShouldBe("6:11");
    }

    [Fact]
    public void A_fragment_nothing_includes_inherits_from_its_projects_nginx_conf()
    {
        using var t = new TempTree();
        // As in Wonderfall's images: vhost templates next to nginx.conf, which includes /sites-enabled/*.conf at run time.
        t.Write("nginx.conf", "events {}\nhttp {\n  server_tokens off;\n  add_header X-Frame-Options DENY;\n  include /sites-enabled/*.conf;\n}\n");
        t.Write("vhost_http.conf", "server {\n  listen 80;\n  location / {\n    add_header X-Debug 1;\n  }\n}\n");
        var result = t.Check();
        result.Of("NGX001").ShouldBeEmpty();
        var dropped = result.Of("NGX004").Where(f => f.Path == "vhost_http.conf").ShouldHaveSingleItem();
        dropped.Message.ShouldContain("the enclosing http block in nginx.conf (line 2)");
        dropped.Related.ShouldHaveSingleItem().Location.Tree.Path.ShouldBe("nginx.conf");

        // The same fragment with no nginx.conf above it has nothing to inherit.
        using var alone = new TempTree();
        alone.Write("vhost_http.conf", "server {\n  listen 80;\n}\n");
        alone.Check().Of("NGX001").ShouldHaveSingleItem();

        // Named alone (pre-commit), the fragment gets the same answer.
        Lint.Run(t.Root, ["vhost_http.conf"]).Findings.Select(f => f.RuleId).ShouldBe(result.Findings.Where(f => f.Path == "vhost_http.conf").Select(f => f.RuleId));
    }
}
