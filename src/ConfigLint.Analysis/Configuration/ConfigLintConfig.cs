using System.Collections.Immutable;
using System.Text.RegularExpressions;
using ConfigLint.Analysis.Engine;
using ConfigLint.Analysis.IO;
using ConfigLint.Semantics;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Compose;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Analysis.Configuration;

/// <summary>
/// The project configuration (<c>.configlint.yaml</c> or <c>--config FILE</c>):
/// <code>
/// select: [TOR, CMP001]          # rule IDs, prefixes or names
/// ignore: [CMP006]
/// fail-on: warning               # error | warning | note | none
/// exclude: ["vendor/**"]         # globs, relative to the configuration file's folder
/// languages: {"deploy/*.tor": torrc, "stacks/*.yml": compose}
/// severity: {CMP001: warning, TOR015: none}
/// </code>
/// </summary>
public sealed record ConfigLintConfig
{
    public static readonly ConfigLintConfig Empty = new();

    public string Directory { get; init; } = string.Empty;

    public ImmutableArray<string> Select { get; init; } = [];

    public ImmutableArray<string> Ignore { get; init; } = [];

    public DiagnosticLevel? FailOn { get; init; }

    public ImmutableArray<GlobPattern> Exclude { get; init; } = [];

    public ImmutableArray<(GlobPattern Pattern, Language Language)> Languages { get; init; } = [];

    public ImmutableDictionary<string, DiagnosticLevel> Severity { get; init; } = ImmutableDictionary<string, DiagnosticLevel>.Empty;

    public bool IsExcluded(string fullPath) => Exclude.Any(g => g.IsMatch(Relative(fullPath)));

    /// <summary>The language a configured glob assigns to a file, if any.</summary>
    public Language? LanguageOf(string fullPath)
    {
        var relative = Relative(fullPath);
        foreach (var (pattern, language) in Languages)
        {
            if (pattern.IsMatch(relative))
            {
                return language;
            }
        }

        return null;
    }

    private string Relative(string fullPath) =>
        Directory.Length == 0 ? fullPath : Path.GetRelativePath(Directory, fullPath).Replace(Path.DirectorySeparatorChar, '/');
}

/// <summary>A path glob: <c>*</c> and <c>?</c> within a segment, <c>**</c> across segments.</summary>
public sealed class GlobPattern
{
    private readonly Regex _regex;

    public GlobPattern(string pattern)
    {
        Pattern = pattern;
        var body = "^" + PathGlob.ToRegexBody(pattern) + "$";

        // A pattern without a slash matches the file name at any depth, as .gitignore does.
        _regex = new Regex(pattern.Contains('/', StringComparison.Ordinal) ? body : "^(?:.*/)?" + body[1..], RegexOptions.CultureInvariant);
    }

    public string Pattern { get; }

    public bool IsMatch(string relativePath) => _regex.IsMatch(relativePath.TrimEnd('/')) || _regex.IsMatch(relativePath.TrimEnd('/') + "/");
}

/// <summary>A configuration problem, located in the configuration file.</summary>
public sealed class ConfigException(string message) : Exception(message);

public static class ConfigLoader
{
    public const string DefaultName = ".configlint.yaml";

    /// <summary>Finds <c>.configlint.yaml</c> (or <c>.yml</c>) in a folder; null when there is none.</summary>
    public static string? Find(string directory) =>
        new[] { DefaultName, ".configlint.yml" }.Select(n => Path.Combine(directory, n)).FirstOrDefault(p => SafeFile.KindOf(p, follow: false) != FileKind.Missing);

    /// <summary>
    /// The configuration that applies to these paths: the nearest <c>.configlint.yaml</c> upward from the folder
    /// that holds them all (as ruff and hadolint look), not above the git work tree that holds them; null when none.
    /// </summary>
    public static string? FindFor(IReadOnlyList<string> fullPaths)
    {
        for (var dir = PathContainment.CommonFolder(fullPaths); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (Find(dir) is { } found)
            {
                return found;
            }

            if (SafeFile.KindOf(Path.Combine(dir, ".git"), follow: false) != FileKind.Missing)
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>A configuration file is small.</summary>
    public const long MaxBytes = 1024 * 1024;

    /// <summary>
    /// Reads and checks a configuration file. With <paramref name="confineTo"/> (the file was found, not named), it is
    /// repository content like any other input: it must be a regular file whose real path lies inside that folder.
    /// </summary>
    public static ConfigLintConfig Load(string path, string displayPath, string? confineTo = null)
    {
        if (confineTo is not null)
        {
            var real = FileSystemWorkspace.RealPath(Path.GetFullPath(path));
            var realRoot = FileSystemWorkspace.RealPath(Path.GetFullPath(confineTo)) ?? confineTo;
            if (real is null || !PathContainment.IsAtOrBelow(real, realRoot))
            {
                throw new ConfigException($"cannot read '{displayPath}': it is a symlink that {(real is null ? "dangles or loops" : $"leads outside its folder (to '{real}')")}; ConfigLint does not follow it");
            }
        }

        var read = SafeFile.ReadRegular(path, MaxBytes);
        if (read.Bytes is not { } bytes)
        {
            throw new ConfigException($"cannot read '{displayPath}': {(read.Failure == ReadFailure.TooLarge ? $"it is larger than {MaxBytes / 1024} KB, too large for a configuration file" : read.Problem)}");
        }

        var loaded = SourceLoader.Decode(bytes);
        if (!loaded.Ok)
        {
            throw new ConfigException($"cannot read '{displayPath}': {loaded.Problem}");
        }

        var text = loaded.Text!.ToString();

        var tree = YamlParser.Parse(displayPath, SourceText.From(text));
        string Where(TextSpan span)
        {
            var p = tree.Text.Lines.GetLinePosition(span.Start);
            return $"{displayPath}({p.Line + 1},{p.Character + 1})";
        }

        if (tree.Diagnostics.FirstOrDefault() is { } syntax)
        {
            throw new ConfigException($"{Where(syntax.Span)}: {syntax.Message}");
        }

        var root = tree.Documents.FirstOrDefault()?.Root?.Deref();
        if (root is null || root is YamlScalarNode { IsNull: true })
        {
            return ConfigLintConfig.Empty;
        }

        if (root is not YamlMappingNode map)
        {
            throw new ConfigException($"{Where(root.Span)}: the configuration must be a mapping of settings.");
        }

        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var select = ImmutableArray<string>.Empty;
        var ignore = ImmutableArray<string>.Empty;
        DiagnosticLevel? failOn = null;
        var exclude = ImmutableArray<GlobPattern>.Empty;
        var languages = ImmutableArray<(GlobPattern, Language)>.Empty;
        var severity = ImmutableDictionary<string, DiagnosticLevel>.Empty;
        foreach (var pair in map.EffectivePairs)
        {
            var value = pair.Value.Deref();
            switch (pair.KeyText)
            {
                case "select": select = Strings(value); break;
                case "ignore": ignore = Strings(value); break;
                case "fail-on": failOn = Level(value); break;
                case "exclude": exclude = [.. Strings(value).Select(s => new GlobPattern(s))]; break;
                case "languages":
                    languages = [.. Pairs(value).Select(p => (new GlobPattern(p.Key), LanguageOf(p.Value, p.Node)))];
                    break;
                case "severity":
                    severity = Pairs(value).ToImmutableDictionary(p => p.Key, p => Level(p.Node), StringComparer.OrdinalIgnoreCase);
                    break;
                default:
                    throw new ConfigException($"{Where(pair.Key.Span)}: unknown setting '{pair.KeyText}'; expected select, ignore, fail-on, exclude, languages or severity.");
            }
        }

        return new ConfigLintConfig { Directory = dir, Select = select, Ignore = ignore, FailOn = failOn, Exclude = exclude, Languages = languages, Severity = severity };

        ImmutableArray<string> Strings(YamlNode node) => node switch
        {
            YamlSequenceNode seq => [.. seq.Items.Select(i => Scalar(i.Deref()))],
            YamlScalarNode s when !s.IsNull => [.. s.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
            _ => throw new ConfigException($"{Where(node.Span)}: expected a list."),
        };

        string Scalar(YamlNode node) => node is YamlScalarNode s ? s.Value : throw new ConfigException($"{Where(node.Span)}: expected a string.");

        IEnumerable<(string Key, string Value, YamlNode Node)> Pairs(YamlNode node) => node is YamlMappingNode m
            ? m.EffectivePairs.Select(p => (p.KeyText ?? throw new ConfigException($"{Where(p.Key.Span)}: expected a string key."), Scalar(p.Value.Deref()), p.Value.Deref()))
            : throw new ConfigException($"{Where(node.Span)}: expected a mapping.");

        DiagnosticLevel Level(YamlNode node) => LanguageExtensions.TryParseLevel(Scalar(node), out var level)
            ? level
            : throw new ConfigException($"{Where(node.Span)}: '{Scalar(node)}' is not a level; use error, warning, note or none.");

        Language LanguageOf(string name, YamlNode node) => Languages.Named(name)?.Language
            ?? throw new ConfigException($"{Where(node.Span)}: unknown language '{name}'; use {string.Join(", ", Languages.All.Take(Languages.All.Length - 1).Select(l => l.Name))} or {Languages.All[^1].Name}.");
    }
}
