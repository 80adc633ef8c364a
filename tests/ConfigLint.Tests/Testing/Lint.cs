using ConfigLint.Analysis;
using ConfigLint.Analysis.Engine;
using ConfigLint.Cli;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Compose;
using ConfigLint.Syntax.Tor;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Tests.Testing;

/// <summary>Runs the real engine on files written to a temporary folder, or on repository paths.</summary>
public sealed class TempTree : IDisposable
{
    public TempTree()
    {
        Root = Path.Combine(Path.GetTempPath(), "configlint-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string Write(string relative, string content)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public string WriteBytes(string relative, byte[] content)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    public AnalysisResult Check(params string[] select) => Lint.Run(Root, [Root], select);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public static class Lint
{
    public static AnalysisResult Run(string currentDirectory, IReadOnlyList<string> paths, IReadOnlyList<string>? select = null, IReadOnlyList<string>? ignore = null) =>
        CliApp.CreateDriver().Run(new AnalysisOptions(paths, currentDirectory, select ?? [], ignore ?? []));

    /// <summary>Runs <c>configlint fix</c>'s engine (nothing is written).</summary>
    public static ConfigLint.Analysis.Fixing.FixOutcome Fix(string currentDirectory, IReadOnlyList<string> paths, bool unsafeFixes = false, IReadOnlyList<string>? select = null) =>
        ConfigLint.Analysis.Fixing.Fixer.Run(CliApp.CreateDriver(), new AnalysisOptions(paths, currentDirectory, select ?? [], []), unsafeFixes);

    /// <summary>The fixes as one unified diff, as <c>configlint fix --diff</c> prints it.</summary>
    public static string Diff(this ConfigLint.Analysis.Fixing.FixOutcome outcome) =>
        string.Concat(outcome.Files.Select(f => ConfigLint.Cli.Reporting.UnifiedDiff.Create(f.DisplayPath,
            SourceLoader.DecodeEscaped(f.Original), SourceLoader.DecodeEscaped(f.Fixed))));

    public static SyntaxTree Tor(string text) => TorParser.Parse("torrc", SourceText.From(text));

    public static YamlSyntaxTree Yaml(string text) => YamlParser.Parse("compose.yaml", SourceText.From(text));

    /// <summary>"line:col" (1-based) of a finding, for compact assertions.</summary>
    public static string Where(this Finding f) => $"{f.LineSpan.Start.Line + 1}:{f.LineSpan.Start.Character + 1}";

    public static IEnumerable<Finding> Of(this AnalysisResult result, string id) => result.Findings.Where(f => f.RuleId == id);
}
