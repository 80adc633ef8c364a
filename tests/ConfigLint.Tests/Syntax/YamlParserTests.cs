using ConfigLint.Syntax.Compose;
using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Syntax;

public class YamlParserTests
{
    [Fact]
    public void Spans_agree_with_SourceText_on_non_ascii_and_CRLF()
    {
        var text = "# 日本語のコメント\r\nservices:\r\n  tor:\r\n    image: \"é😀/tor:1\"\r\n    user: root\r\n";
        var tree = Lint.Yaml(text);
        tree.ToFullString().ShouldBe(text);
        tree.CheckFidelity().ShouldBeNull();
        var root = (YamlMappingNode)tree.Documents[0].Root!;
        var tor = (YamlMappingNode)((YamlMappingNode)root["services"]!)["tor"]!;
        var user = tor["user"]!;
        tree.Text.ToString(user.Span).ShouldBe("root");
        tree.Text.Lines.GetLinePosition(user.Span.Start).ShouldBe(new Microsoft.CodeAnalysis.Text.LinePosition(4, 10));
        tree.Text.ToString(tor["image"]!.Span).ShouldBe("\"é😀/tor:1\"");
    }

    [Fact]
    public void Duplicate_keys_are_CL0001_at_the_second_key()
    {
        var tree = Lint.Yaml("services:\n  a:\n    image: x\n  a:\n    image: y\n");
        var d = tree.Diagnostics.ShouldHaveSingleItem();
        d.Id.ShouldBe("CL0001");
        d.Message.ShouldContain("first defined on line 2");
        tree.Text.Lines.GetLinePosition(d.Span.Start).Line.ShouldBe(3);
    }

    [Fact]
    public void Syntax_errors_are_located_and_the_text_is_kept()
    {
        var text = "services:\n  a:\n    image: [x\n  b: 1\n";
        var tree = Lint.Yaml(text);
        tree.ToFullString().ShouldBe(text);
        tree.CheckFidelity().ShouldBeNull();
        tree.Diagnostics.ShouldContain(d => d.Id == "CL0001");
    }

    [Fact]
    public void Merge_keys_and_aliases_resolve_without_copying_text()
    {
        var text = "x-base: &base\n  user: root\n  read_only: true\nservices:\n  a:\n    <<: *base\n    read_only: false\n";
        var tree = Lint.Yaml(text);
        tree.Diagnostics.ShouldBeEmpty();
        var a = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)tree.Documents[0].Root!)["services"]!)["a"]!;
        ((YamlScalarNode)a["user"]!).Value.ShouldBe("root");
        ((YamlScalarNode)a["read_only"]!).Value.ShouldBe("false");
        tree.Text.Lines.GetLinePosition(a["user"]!.Span.Start).Line.ShouldBe(1);
    }

    [Fact]
    public void An_alias_bomb_is_not_expanded()
    {
        var sb = new System.Text.StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i < 30; i++)
        {
            sb.Append($"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]\n");
        }

        sb.Append("services:\n  s:\n    environment: *a29\n    cap_add: *a29\n");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var temp = new TempTree();
        temp.Write("compose.yaml", sb.ToString());
        var result = temp.Check();
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        result.Errors.ShouldBeEmpty();
    }

    [Fact]
    public void Several_documents_are_read()
    {
        var tree = Lint.Yaml("services:\n  a: {image: x}\n---\nservices:\n  b: {image: y}\n");
        tree.Documents.Length.ShouldBe(2);
    }

    [Fact]
    public void Tags_are_kept_for_reset_and_override()
    {
        var tree = Lint.Yaml("services:\n  a:\n    ports: !reset []\n    command: !override [x]\n");
        var a = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)tree.Documents[0].Root!)["services"]!)["a"]!;
        a.Find("ports")!.Value.Tag.ShouldBe("!reset");
        a.Find("command")!.Value.Tag.ShouldBe("!override");
    }
}

public class YamlRecoveryTests
{
    [Fact]
    public void Services_before_a_syntax_error_are_still_analysed()
    {
        using var t = new TempTree();
        t.Write("compose.yaml", "services:\n  a:\n    image: x:1\n    privileged: true\n  b:\n    image: [x\n    user: root\n");
        var r = t.Check();
        r.Of("CL0001").ShouldNotBeEmpty();
        r.Of("CMP002").ShouldHaveSingleItem().Where().ShouldBe("4:17");
    }
}
