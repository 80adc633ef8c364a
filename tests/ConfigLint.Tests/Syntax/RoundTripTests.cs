using ConfigLint.Analysis.Engine;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Compose;
using ConfigLint.Syntax.Tor;
using ConfigLint.Tests.Testing;
using Shouldly;
using Xunit.Abstractions;

namespace ConfigLint.Tests.Syntax;

/// <summary>print(parse(x)) == x, byte for byte, for every torrc and compose file we have.</summary>
public class RoundTripTests(ITestOutputHelper output)
{
    /// <summary>Every file under corpus/torrc is read as a torrc, every YAML file under corpus/compose as YAML.</summary>
    [CorpusFact]
    public void Every_corpus_torrc_and_compose_file_round_trips()
    {
        var torFiles = Directory.EnumerateFiles(Path.Combine(Repo.Corpus, "torrc"), "*", SearchOption.AllDirectories).ToList();
        var yamlFiles = Directory.EnumerateFiles(Path.Combine(Repo.Corpus, "compose"), "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yml", StringComparison.Ordinal) || f.EndsWith(".yaml", StringComparison.Ordinal)).ToList();
        var (tor, torSkipped) = RoundTrip(torFiles, Language.Tor);
        var (yaml, yamlSkipped) = RoundTrip(yamlFiles, Language.Compose);
        output.WriteLine($"torrc: {tor} files round-trip ({torSkipped} not text); compose/YAML: {yaml} files round-trip ({yamlSkipped} not text)");
        tor.ShouldBeGreaterThan(300);
        yaml.ShouldBeGreaterThan(400);
    }

    [Fact]
    public void Every_fixture_and_example_round_trips()
    {
        var files = Directory.EnumerateFiles(Repo.Rules, "*", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Repo.Examples, "*", SearchOption.AllDirectories))
            .Where(f => !f.EndsWith(".md", StringComparison.Ordinal) && !f.EndsWith(".txt", StringComparison.Ordinal) && !f.EndsWith("LICENSE", StringComparison.Ordinal))
            .ToList();
        var tor = files.Where(f => LanguageDetector.ByName(f) == Language.Tor || f.EndsWith(".torrc", StringComparison.Ordinal) || Path.GetFileName(f) == "torrc").ToList();
        var yaml = files.Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal)).ToList();
        var docker = files.Where(f => LanguageDetector.ByName(f) == Language.Dockerfile || Path.GetFileName(f) == "Dockerfile").ToList();
        RoundTrip(tor, Language.Tor).Ok.ShouldBeGreaterThan(20);
        RoundTrip(yaml, Language.Compose).Ok.ShouldBeGreaterThan(10);
        RoundTrip(docker, Language.Dockerfile).Ok.ShouldBeGreaterThan(15);
    }

    private static (int Ok, int NotText) RoundTrip(IEnumerable<string> files, Language language)
    {
        var ok = 0;
        var notText = 0;
        var failures = new List<string>();
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            var loaded = SourceLoader.Decode(bytes);
            if (loaded.Text is null || (!loaded.Ok && !loaded.InvalidUtf8))
            {
                notText++;
                continue;
            }

            SyntaxTree tree = language switch
            {
                Language.Tor => TorParser.Parse(file, loaded.Text!),
                Language.Dockerfile => ConfigLint.Syntax.Dockerfile.DockerfileParser.Parse(file, loaded.Text!),
                _ => YamlParser.Parse(file, loaded.Text!),
            };
            var printed = tree.ToFullString();
            if (!SourceLoader.Encode(printed).AsSpan().SequenceEqual(bytes) || tree.CheckFidelity() is { } problem && problem.Length > 0)
            {
                failures.Add(file);
            }
            else
            {
                ok++;
            }
        }

        failures.ShouldBeEmpty();
        return (ok, notText);
    }
}
