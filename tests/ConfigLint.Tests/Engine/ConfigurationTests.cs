using ConfigLint.Cli;
using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Engine;

public class ConfigurationTests
{
    private static (int Code, string Out, string Err) Run(string cwd, params string[] args) => CliRun.In(cwd, args);

    [Fact]
    public void Config_file_selects_ignores_overrides_severity_excludes_and_maps_languages()
    {
        using var t = new TempTree();
        t.Write("relay/torrc", "ORPort 9001\nNickname relay\nContactInfo ops@example.org\nSafeLogging 0\n");
        t.Write("vendor/torrc", "SocksPort 0.0.0.0:9050\n");
        t.Write("deploy/edge.tor", "SocksPort 0.0.0.0:9150\nSocksPolicy accept 10.0.0.0/8, reject *\n");
        t.Write(".configlint.yaml", """
            ignore: [TOR015]
            exclude: ["vendor/**"]
            languages:
              "deploy/*.tor": torrc
            severity:
              TOR: note
              TOR001: error
            fail-on: error
            """);
        var (code, output, err) = Run(t.Root, "check");
        err.ShouldBeEmpty();
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.ShouldBe([
            "deploy/edge.tor(1,11): error TOR001: " + lines[0].Split("TOR001: ")[1],
            "relay/torrc(1,1): note TOR005: " + lines[1].Split("TOR005: ")[1],
        ]);
        code.ShouldBe(1);
        Run(t.Root, "check", "--fail-on", "none").Code.ShouldBe(0);
        Run(t.Root, "check", "--select", "TOR005").Out.ShouldNotContain("TOR001");
    }

    [Theory]
    [InlineData("colour: red\n", ".configlint.yaml(1,1): unknown setting 'colour'")]
    [InlineData("severity: {TOR001: loud}\n", ".configlint.yaml(1,20): 'loud' is not a level")]
    [InlineData("languages: {\"*.x\": cobol}\n", "unknown language 'cobol'")]
    [InlineData("ignore: [NOPE42]\n", "'NOPE42' matches no rule")]
    [InlineData("select: [a\n", ".configlint.yaml(")]
    public void Bad_configuration_is_a_located_usage_error(string content, string message)
    {
        using var t = new TempTree();
        t.Write(".configlint.yaml", content);
        t.Write("torrc", "SocksPort 0\n");
        var (code, output, err) = Run(t.Root, "check");
        code.ShouldBe(2);
        output.ShouldBeEmpty();
        err.ShouldStartWith("configlint: error: ");
        err.ShouldContain(message);
    }

    [Fact]
    public void Explicit_config_path_must_exist()
    {
        using var t = new TempTree();
        var (code, _, err) = Run(t.Root, "check", "--config", "missing.yaml");
        code.ShouldBe(2);
        err.ShouldContain("'missing.yaml' does not exist");
    }
}
