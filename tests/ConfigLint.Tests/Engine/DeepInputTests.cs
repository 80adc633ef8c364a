using ConfigLint.Syntax.Nginx;
using ConfigLint.Tests.Testing;
using Microsoft.CodeAnalysis.Text;
using Shouldly;

namespace ConfigLint.Tests.Engine;

/// <summary>
/// Hostile repositories (issue 11): input nested far deeper than any real configuration gets a located CL0001, and
/// the run still finishes with every other file's findings. Each check runs on a 256 KiB stack.
/// </summary>
public class DeepInputTests
{
    private const string OpenTorrc = "SocksPort 0.0.0.0:9050\n";

    [Theory]
    [InlineData(8_000)]
    [InlineData(100_000)]
    public void Deep_nginx_nesting_is_a_located_CL0001_and_other_files_are_still_checked(int levels)
    {
        using var t = new TempTree();
        t.Write("nginx.conf", "http { " + string.Concat(Enumerable.Repeat("a {", levels)) + new string('}', levels) + "}");
        t.Write("torrc", OpenTorrc);
        var result = SmallStack.Run(() => t.Check());
        result.Errors.ShouldBeEmpty();
        var deep = result.Of("CL0001").ShouldHaveSingleItem();
        deep.Path.ShouldEndWith("nginx.conf");
        deep.Message.ShouldBe($"Block 'a' is nested more than {NginxParser.MaxNesting} levels deep; ConfigLint does not read what is inside it.");
        // 'http {' is level 1 and each 'a {' one more: the 100th 'a' is the first past the limit.
        deep.Where().ShouldBe($"1:{7 + (3 * (NginxParser.MaxNesting - 1)) + 1}");
        result.Of("TOR001").ShouldHaveSingleItem().Path.ShouldEndWith("torrc");
    }

    [Fact]
    public void Over_deep_nginx_block_round_trips_and_ends_at_its_own_brace()
    {
        // Inside the over-deep block: a quoted '}', a commented '}' and '${' must not end it early.
        var deep = string.Concat(Enumerable.Repeat("a {\n", NginxParser.MaxNesting));
        var text = deep + "b { return 200 \"}\"; # }\n set $x ${y}; c { d; } }\n" + new string('}', NginxParser.MaxNesting) + "\nserver_tokens on;\n";
        var tree = SmallStack.Run(() => NginxParser.Parse("nginx.conf", SourceText.From(text)));
        tree.ToFullString().ShouldBe(text);
        tree.CheckFidelity().ShouldBeNull();
        var error = tree.Diagnostics.ShouldHaveSingleItem();
        error.Id.ShouldBe("CL0001");
        tree.Text.ToString(error.Span).ShouldBe("b {");
        var doc = (NginxDocumentSyntax)tree.Root;
        doc.Directives.Select(d => d.Name).ShouldBe(["a", "server_tokens"]);
    }

    [Fact]
    public void Nginx_nesting_through_includes_is_bounded_too()
    {
        using var t = new TempTree();
        var half = 60;
        var body = string.Concat(Enumerable.Repeat("location / {\n", half)) + "include conf.d/next.conf;\n" + new string('}', half) + "\n";
        t.Write("nginx.conf", "events {}\nhttp {\n server {\n" + body + " }\n}\n");
        t.Write("conf.d/next.conf", body.Replace("next.conf", "last.conf", StringComparison.Ordinal));
        t.Write("conf.d/last.conf", body.Replace("include conf.d/next.conf;", "add_header X-A b;", StringComparison.Ordinal));
        var result = SmallStack.Run(() => t.Check("CL0001"));
        result.Errors.ShouldBeEmpty();
        var f = result.Of("CL0001").ShouldHaveSingleItem();
        f.Message.ShouldContain("through includes");
        f.Path.ShouldEndWith("conf.d/next.conf");
    }
}
