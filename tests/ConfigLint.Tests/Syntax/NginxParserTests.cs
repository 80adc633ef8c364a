using System.Text.Json;
using ConfigLint.Analysis.Engine;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Nginx;
using ConfigLint.Tests.Testing;
using Microsoft.CodeAnalysis.Text;
using Shouldly;
using Xunit.Abstractions;

namespace ConfigLint.Tests.Syntax;

/// <summary>nginx parser groundwork (issue 3): fidelity, nginx's token rules, crossplane's expectations.</summary>
public class NginxParserTests(ITestOutputHelper output)
{
    private static (NginxDocumentSyntax Doc, SyntaxTree Tree) Parse(string text)
    {
        var tree = NginxParser.Parse("nginx.conf", SourceText.From(text));
        tree.ToFullString().ShouldBe(text);
        tree.CheckFidelity().ShouldBeNull();
        return ((NginxDocumentSyntax)tree.Root, tree);
    }

    private static string Crossplane => Path.Combine(Repo.Corpus, "nginx", "nginxinc-crossplane");

    [Fact]
    public void Comments_only_at_token_start_quotes_escapes_and_variables()
    {
        var (doc, tree) = Parse("http { # c\n  log_format main 'a#b' a#b \"x\\\"y\" ${host}x;\n  location ~ \\.php$ { return 200 'ok'; }\n}\n");
        tree.Diagnostics.ShouldBeEmpty();
        var http = doc.Directives.ShouldHaveSingleItem();
        http.Block!.Value.Select(d => d.Name).ShouldBe(["log_format", "location"]);
        http.Block!.Value[0].Args.ShouldBe(["main", "a#b", "a#b", "x\"y", "${host}x"]);
        http.Block!.Value[1].Args.ShouldBe(["~", "\\.php$"]);
    }

    [Fact]
    public void Errors_are_located_and_parsing_goes_on()
    {
        var (doc, tree) = Parse("http {\n  server {\n    proxy_pass http://a\n  }\n  server_tokens off;\n");
        tree.Diagnostics.Select(d => (d.Id, tree.Text.Lines.GetLinePosition(d.Span.Start).Line + 1)).ShouldBe([("CL0001", 4), ("CL0001", 6)]);
        doc.Directives[0].Block!.Value.Select(d => d.Name).ShouldBe(["server", "server_tokens"]);
    }

    [CorpusFact]
    public void Every_corpus_nginx_file_round_trips()
    {
        var files = Directory.EnumerateFiles(Path.Combine(Repo.Corpus, "nginx"), "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".json", StringComparison.Ordinal)).ToList();
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            var loaded = SourceLoader.Decode(bytes);
            if (loaded.Text is null)
            {
                continue;
            }

            var tree = NginxParser.Parse(file, loaded.Text);
            SourceLoader.Encode(tree.ToFullString()).ShouldBe(bytes, file);
            tree.CheckFidelity().ShouldBeNull(file);
        }

        output.WriteLine($"{files.Count} corpus nginx files round-trip.");
        files.Count.ShouldBeGreaterThan(400);
    }

    /// <summary>crossplane's parse expectations for configs without includes: directives, lines and arguments.</summary>
    [CorpusFact]
    public void Crossplane_parse_cases_match()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Crossplane, "_derived", "expectations.json")));
        var checkedCases = 0;
        foreach (var c in json.RootElement.GetProperty("parse_cases").EnumerateArray())
        {
            var options = c.GetProperty("options");
            if (options.EnumerateObject().Any(o => o.Name != "comments" || o.Value.GetBoolean()))
            {
                continue;
            }

            var payloadStatus = c.GetProperty("expected_payload");
            if (payloadStatus.GetProperty("status").GetString() == "failed"
                && !payloadStatus.GetProperty("errors")[0].GetProperty("error").GetString()!.Contains("terminated", StringComparison.Ordinal))
            {
                // Include resolution errors belong to the binder, not the parser.
                continue;
            }

            var config = c.GetProperty("config").GetString()!;
            var text = File.ReadAllText(Path.Combine(Crossplane, config));
            var (doc, tree) = Parse(text);
            var payload = c.GetProperty("expected_payload");
            if (payload.GetProperty("status").GetString() == "failed")
            {
                var expectedLine = int.Parse(payload.GetProperty("errors")[0].GetProperty("line").ToString(), System.Globalization.CultureInfo.InvariantCulture);
                // crossplane names the unterminated directive's line; nginx (and ConfigLint) the line of the unexpected
                // token, with the directive's line in the message.
                tree.Diagnostics.ShouldContain(d => tree.Text.Lines.GetLinePosition(d.Span.Start).Line + 1 == expectedLine
                    || d.Message.Contains($"(line {expectedLine})", StringComparison.Ordinal), config);
            }
            else
            {
                Dump(doc.Directives, tree).ShouldBe(Expected(payload.GetProperty("config")[0].GetProperty("parsed")), config);
            }

            checkedCases++;
        }

        output.WriteLine($"{checkedCases} crossplane parse cases match.");
        checkedCases.ShouldBeGreaterThanOrEqualTo(3);
    }

    [Fact]
    public void Random_input_never_throws_and_round_trips()
    {
        var random = new Random(66);
        string[] pieces = ["server", "location", "content_by_lua_block", " ", "\t", "\n", "\r\n", "{", "}", ";", "#", "\"", "'", "\\", "$", "${", "--", "a", "é"];
        for (var i = 0; i < 3000; i++)
        {
            Parse(FuzzTests.RandomText(random, pieces, random.Next(0, 100)));
        }
    }

    private static string Dump(IEnumerable<NginxDirectiveSyntax> directives, SyntaxTree tree) =>
        string.Join(";", directives.Select(d =>
            $"{d.Name}@{tree.Text.Lines.GetLinePosition(d.NameWord.Span.Start).Line + 1}({string.Join(",", d.Args)})"
            + (d.Block is { } b ? "{" + Dump(b, tree) + "}" : string.Empty)));

    private static string Expected(JsonElement parsed) =>
        string.Join(";", parsed.EnumerateArray().Select(d =>
            $"{d.GetProperty("directive").GetString()}@{d.GetProperty("line").GetInt32()}({string.Join(",", d.GetProperty("args").EnumerateArray().Select(a => a.GetString()))})"
            + (d.TryGetProperty("block", out var b) ? "{" + Expected(b) + "}" : string.Empty)));
}
