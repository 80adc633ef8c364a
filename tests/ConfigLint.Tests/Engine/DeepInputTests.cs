using System.Diagnostics;
using ConfigLint.Syntax.Compose;
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

    /// <summary>About 100 KB of YAML built to be slow or deep, and where the located CL0001 must be.</summary>
    public static TheoryData<string, string, string> HostileYaml => new()
    {
        { "flow sequences", new string('[', 100_000), $"1:{YamlParser.MaxNesting + 1}" },
        { "flow mappings", new string('{', 100_000), $"1:{YamlParser.MaxNesting + 1}" },
        { "block sequences on one line", string.Concat(Enumerable.Repeat("- ", 50_000)), $"1:{(2 * YamlParser.MaxNesting) + 1}" },
        { "explicit keys", string.Concat(Enumerable.Repeat("? ", 50_000)), $"1:{(2 * YamlParser.MaxNesting) + 1}" },
        { "indented mappings", string.Concat(Enumerable.Range(0, 440).Select(i => new string(' ', i) + "a:\n")), $"{YamlParser.MaxNesting + 1}:{YamlParser.MaxNesting + 1}" },
        { "indented sequences", string.Concat(Enumerable.Range(0, 440).Select(i => new string(' ', i) + "-\n")), $"{YamlParser.MaxNesting + 1}:{YamlParser.MaxNesting + 1}" },
        {
            "merge key chain",
            "x0: &m0 {k0: v}\n" + string.Concat(Enumerable.Range(1, 3000).Select(i => $"x{i}: &m{i} {{k{i}: v, <<: *m{i - 1}}}\n")) + "services: {s: {<<: *m3000, image: x}}\n",
            $"{YamlMappingNode.MaxMergeDepth + 2}:{$"x{YamlMappingNode.MaxMergeDepth + 1}: &m{YamlMappingNode.MaxMergeDepth + 1} {{k{YamlMappingNode.MaxMergeDepth + 1}: v, ".Length + 1}"
        },
        {
            "merge keys fanning out",
            "x0: &m0 {k0: v}\n" + string.Concat(Enumerable.Range(1, 30).Select(i => $"x{i}: &m{i} {{k{i}: v, <<: [{string.Join(", ", Enumerable.Repeat($"*m{i - 1}", 10))}]}}\n")) + "services: {s: {<<: *m30, image: x}}\n",
            "5:22"
        },
        {
            "billion laughs",
            "x-0: &a0 [lol]\n" + string.Concat(Enumerable.Range(1, 2000).Select(i => $"x-{i}: &a{i} [{string.Join(",", Enumerable.Repeat($"*a{i - 1}", 9))}]\n")),
            "5:11"
        },
    };

    [Theory]
    [MemberData(nameof(HostileYaml))]
    public void Hostile_yaml_is_fast_located_and_round_trips(string what, string text, string where)
    {
        var watch = Stopwatch.StartNew();
        var tree = SmallStack.Run(() =>
        {
            var t = YamlParser.Parse("compose.yaml", SourceText.From(text));
            foreach (var document in t.Documents)
            {
                // What the compose loader asks: every mapping's effective pairs.
                Touch(document.Root);
            }

            return t;
        });
        // Each takes well under a second alone; the bound leaves room for a machine shared with other builds.
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(2), what);
        tree.ToFullString().ShouldBe(text);
        tree.CheckFidelity().ShouldBeNull();
        // A long merge chain is also excessive aliasing for docker compose: both may be reported.
        tree.Diagnostics.Where(d => d.Id == "CL0001")
            .Select(d => tree.Text.Lines.GetLinePosition(d.Span.Start))
            .Select(p => $"{p.Line + 1}:{p.Character + 1}")
            .ShouldContain(where, what);
    }

    [Fact]
    public void Deep_flow_yaml_is_located_and_other_files_are_still_checked()
    {
        using var t = new TempTree();
        t.Write("compose.yaml", "services:\n  a:\n    image: x:1\n    labels: " + new string('[', 100_000) + "\n");
        t.Write("torrc", OpenTorrc);
        var result = SmallStack.Run(() => t.Check());
        result.Errors.ShouldBeEmpty();
        var deep = result.Of("CL0001").ShouldHaveSingleItem();
        // Three block mappings are open before the first '['.
        deep.Where().ShouldBe($"4:{13 + YamlParser.MaxNesting - 3}");
        deep.Message.ShouldContain("nest more than");
        result.Of("TOR001").ShouldHaveSingleItem();
    }

    /// <summary>Every mapping's effective pairs, walked with a stack.</summary>
    private static void Touch(YamlNode? root)
    {
        var stack = new Stack<YamlNode>();
        if (root is not null)
        {
            stack.Push(root);
        }

        while (stack.Count > 0)
        {
            switch (stack.Pop())
            {
                case YamlMappingNode m:
                    foreach (var pair in m.EffectivePairs)
                    {
                        stack.Push(pair.Value);
                    }

                    break;
                case YamlSequenceNode s:
                    foreach (var item in s.Items)
                    {
                        stack.Push(item);
                    }

                    break;
            }
        }
    }

    [Fact]
    public void Chained_ONBUILD_is_one_located_CL0001_not_a_recursion()
    {
        using var t = new TempTree();
        t.Write("Dockerfile", "FROM alpine:3.20\n" + string.Concat(Enumerable.Repeat("ONBUILD ", 12_000)) + "RUN true\n");
        t.Write("torrc", OpenTorrc);
        var watch = Stopwatch.StartNew();
        var result = SmallStack.Run(() => t.Check());
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
        var f = result.Of("CL0001").ShouldHaveSingleItem();
        f.Where().ShouldBe("2:1");
        f.Message.ShouldContain("'ONBUILD ONBUILD'");
        result.Of("TOR001").ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Squid_ACLs_combining_the_same_ACL_many_times_cost_once_each()
    {
        using var t = new TempTree();
        var acls = string.Concat(Enumerable.Range(1, 16).Select(i => $"acl a{i} any-of {string.Join(' ', Enumerable.Repeat($"a{i - 1}", 4))}\n"));
        t.Write("squid.conf", "http_port 3128\nacl a0 src 0.0.0.0/0\n" + acls + "http_access allow a16\nhttp_access deny all\n");
        var run = Task.Run(() => t.Check("SQD"));
        (await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(10)))).ShouldBe(run, "4^16 paths through the ACLs must not each be followed");
        (await run).Of("SQD001").ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Nginx_set_chains_naming_a_variable_many_times_are_followed_once_each()
    {
        using var t = new TempTree();
        var sets = string.Concat(Enumerable.Range(1, 8).Select(i => $"    set $v{i} {string.Concat(Enumerable.Repeat($"$v{i - 1}", 50))};\n"));
        t.Write("nginx.conf", "events {}\nhttp {\n  server {\n    listen 80;\n    set $v0 backend;\n" + sets
            + "    location / {\n      proxy_pass http://$v8;\n      add_header X-A $v8;\n    }\n  }\n}\n");
        var run = Task.Run(() => t.Check("NGX"));
        (await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(10)))).ShouldBe(run, "50^8 paths through the set chain must not each be followed");

        // No path leads to client input, so every path would have been tried.
        (await run).Of("NGX005").ShouldBeEmpty();
    }

    [Fact]
    public async Task An_include_glob_with_many_stars_is_not_exponential()
    {
        // nginx 'include *a*a*…*b;' against a long file name: each '*' tries every split of the name.
        var pattern = string.Concat(Enumerable.Repeat("*a", 30)) + "*b";
        var run = Task.Run(() => ConfigLint.Semantics.Glob.IsMatch(new string('a', 300), pattern));
        (await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(10)))).ShouldBe(run);
        (await run).ShouldBeFalse();
        ConfigLint.Semantics.Glob.IsMatch(new string('a', 300) + "b", pattern).ShouldBeTrue();
    }
}
