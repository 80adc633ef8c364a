using System.Text;
using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Syntax;

/// <summary>Random inputs built from each language's significant characters: no exception, exact round trip.</summary>
public class FuzzTests
{
    /// <summary>Random text built from a language's significant pieces (shared by the parser fuzz tests).</summary>
    internal static string RandomText(Random random, string[] pieces, int length)
    {
        var sb = new StringBuilder();
        while (sb.Length < length)
        {
            sb.Append(pieces[random.Next(pieces.Length)]);
        }

        return sb.ToString();
    }

    [Fact]
    public void Torrc_parser_never_throws_and_always_round_trips()
    {
        var random = new Random(1234);
        string[] pieces = ["SocksPort", "ExitPolicy", "%include", "+", "/", " ", "\t", "\n", "\r\n", "\\", "\\\n", "#", "\"", "\\x4", "\\777", "accept *:80", ",", "reject", "[::1]", ":", "unix:", "0", "é", "😀", "HiddenServicePort", "80"];
        for (var i = 0; i < 3000; i++)
        {
            var text = RandomText(random, pieces, random.Next(0, 120));
            var tree = Lint.Tor(text);
            tree.ToFullString().ShouldBe(text);
            tree.CheckFidelity().ShouldBeNull(text);
        }
    }

    [Fact]
    public void Yaml_parser_never_throws_and_always_round_trips()
    {
        var random = new Random(4321);
        string[] pieces = ["services:", "\n", "  ", "- ", "a", ": ", "&x ", "*x", "<<: ", "[", "]", "{", "}", ",", "\"", "'", "#c", "|", ">", "!reset ", "---\n", "...\n", "\r\n", "\t", "?", "%YAML 1.2\n", "é", "😀", "${A:-b}"];
        for (var i = 0; i < 3000; i++)
        {
            var text = RandomText(random, pieces, random.Next(0, 120));
            var tree = Lint.Yaml(text);
            tree.ToFullString().ShouldBe(text);
            tree.CheckFidelity().ShouldBeNull(text);
        }
    }

    [Fact]
    public void Dockerfile_parser_never_throws_and_always_round_trips()
    {
        var random = new Random(777);
        string[] pieces = ["FROM", "RUN", "COPY", "ENV", "ONBUILD", "HEALTHCHECK", "# escape=`\n", "# syntax=x\n", " ", "\t", "\n", "\r\n", "\\", "`", "#", "\"", "'", "<<EOF", "<<-E", "EOF\n", "E", "[", "]", ",", "--from=x", "--", "=", "a", "é", "😀"];
        for (var i = 0; i < 3000; i++)
        {
            var text = RandomText(random, pieces, random.Next(0, 120));
            var tree = ConfigLint.Syntax.Dockerfile.DockerfileParser.Parse("Dockerfile", Microsoft.CodeAnalysis.Text.SourceText.From(text));
            tree.ToFullString().ShouldBe(text);
            tree.CheckFidelity().ShouldBeNull(text);
        }
    }

    [Fact]
    public void Engine_never_throws_on_random_compose_projects()
    {
        var random = new Random(99);
        string[] pieces = ["services:\n", "  s:\n", "    ports: ", "[\"", "9050:9050", "\"]", "\n", "    volumes: ", "- /etc:/x", "    user: ", "root", "    networks: ", "{a: {aliases: [b]}}", "    build: ", "{args: [PASSWORD=x]}", "    environment: ", "[A=1, B]", "    <<: *x\n", "x-a: &x {privileged: true}\n", "networks:\n", "  a: {internal: true}\n", "    cap_add: ", "[ALL]", "    command: ", "-f /etc/tor/torrc"];
        for (var i = 0; i < 300; i++)
        {
            using var t = new TempTree();
            t.Write("compose.yaml", RandomText(random, pieces, random.Next(0, 200)));
            t.Write("compose.override.yaml", RandomText(random, pieces, random.Next(0, 100)));
            t.Check().Errors.ShouldBeEmpty();
        }
    }
}
