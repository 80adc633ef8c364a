using ConfigLint.Syntax.Nginx;
using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Semantics;

/// <summary>nginx's shape checks (context, block form, argument count) as the binder applies them.</summary>
public class NginxBinderTests
{
    private const string Head = "events {}\nhttp {\n";

    private static List<string> Errors(params (string Path, string Text)[] files)
    {
        using var t = new TempTree();
        foreach (var (path, text) in files)
        {
            t.Write(path, text);
        }

        return [.. t.Check("CL0001").Findings.Select(f => $"{Path.GetFileName(f.Path)}:{f.Where()}-{f.LineSpan.End.Line + 1}: {f.Message}")];
    }

    [Fact]
    public void A_directive_outside_its_contexts_is_an_error_naming_where_it_belongs()
    {
        var errors = Errors(("nginx.conf", Head + "  server {\n    listen 80;\n    proxy_pass http://app;\n  }\n}\n"));
        errors.ShouldHaveSingleItem().ShouldBe("nginx.conf:5:5-5: Directive 'proxy_pass' is not allowed in a 'server' block; nginx refuses to start (\"directive is not allowed here\"). Its contexts: location, if in location, limit_except.");
    }

    [Fact]
    public void A_dropped_semicolon_that_merges_two_lines_is_reported_over_both()
    {
        var errors = Errors(("nginx.conf", Head + "  server_tokens off\n  add_header X-Frame-Options DENY;\n}\n"));
        var error = errors.ShouldHaveSingleItem();
        error.ShouldStartWith("nginx.conf:3:3-4: Directive 'server_tokens' takes 1 argument, not 4;");
        error.ShouldContain("is a ';' missing at the end of the first one?");
    }

    [Fact]
    public void Block_form_is_checked_both_ways()
    {
        var errors = Errors(("nginx.conf", Head + "  server {\n    location /a;\n    autoindex on { }\n  }\n}\n"));
        errors.Count.ShouldBe(2);
        errors[0].ShouldContain("Directive 'location' needs a block");
        errors[1].ShouldContain("Directive 'autoindex' takes no block");
    }

    [Fact]
    public void The_same_name_is_judged_by_its_context()
    {
        // 'server' is a block in http and a one-or-more-argument directive in upstream.
        Errors(("nginx.conf", Head + "  upstream app { server 10.0.0.1:80 weight=2; }\n  server { listen 80; }\n}\n")).ShouldBeEmpty();
        Errors(("nginx.conf", Head + "  upstream app { server { } }\n}\n")).ShouldHaveSingleItem().ShouldContain("Directive 'server' takes no block");
    }

    [Fact]
    public void Stream_mail_and_data_blocks_are_not_judged_by_the_http_table()
    {
        var conf = "events {}\nstream {\n  server {\n    listen 53 udp;\n    proxy_pass dns;\n  }\n}\nhttp {\n  map $x $y { default 1; proxy_pass 2; }\n  types { text/html html; }\n}\n";
        Errors(("nginx.conf", conf)).ShouldBeEmpty();
    }

    [Fact]
    public void A_fragment_guessed_to_be_http_is_not_judged_by_context_but_by_shapes_common_to_all_contexts()
    {
        // conf.d/tcp.conf may be a stream fragment: proxy_pass in a server is fine there.
        Errors(("conf.d/tcp.conf", "server {\n  listen 12345;\n  proxy_pass backend:12345;\n}\n")).ShouldBeEmpty();
        // server_tokens takes one argument wherever it is allowed.
        Errors(("conf.d/site.conf", "server {\n  listen 80;\n  server_tokens off on;\n}\n")).ShouldHaveSingleItem().ShouldContain("takes 1 argument, not 2");
    }

    [Fact]
    public void An_included_file_is_judged_in_the_context_it_is_included_in()
    {
        var errors = Errors(
            ("nginx.conf", Head + "  server {\n    listen 80;\n    include snippets/proxy.conf;\n    location / { include snippets/proxy.conf; }\n  }\n}\n"),
            ("snippets/proxy.conf", "proxy_pass http://app;\n"));
        errors.ShouldHaveSingleItem().ShouldStartWith("proxy.conf:1:1-1: Directive 'proxy_pass' is not allowed in a 'server' block");
    }

    [Theory]
    [InlineData("add_header", NginxContext.LocationIf, "2 or 3 arguments")]
    [InlineData("listen", NginxContext.Server, "1 or more arguments")]
    [InlineData("events", NginxContext.Main, "no arguments")]
    [InlineData("location", NginxContext.Server, "1 or 2 arguments")]
    public void The_shape_table_reads_as_nginx_documents_it(string name, NginxContext context, string arity)
    {
        NginxDirectiveShapes.Of(name).ShouldNotBeNull()[context].DescribeArity().ShouldBe(arity);
    }
}
