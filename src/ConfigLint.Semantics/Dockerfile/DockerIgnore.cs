using System.Text.RegularExpressions;

namespace ConfigLint.Semantics.Dockerfile;

/// <summary>
/// A <c>.dockerignore</c>: patterns relative to the build context (Go filepath.Match plus <c>**</c>),
/// <c>!</c> exceptions, <c>#</c> comments; the last matching line wins, and excluding a folder excludes
/// everything below it.
/// </summary>
public sealed class DockerIgnore
{
    private readonly List<(Regex Pattern, bool Exclude)> _rules = [];

    public static readonly DockerIgnore Empty = new(string.Empty);

    public DockerIgnore(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var exclude = true;
            if (line.StartsWith('!'))
            {
                exclude = false;
                line = line[1..].Trim();
            }

            line = line.Replace('\\', '/').Trim('/');
            while (line.StartsWith("./", StringComparison.Ordinal))
            {
                line = line[2..];
            }

            if (line.Length > 0)
            {
                _rules.Add((ToRegex(line), exclude));
            }
        }
    }

    public bool IsEmpty => _rules.Count == 0;

    /// <summary>Whether a context-relative path (with '/') is excluded from the build context.</summary>
    public bool IsExcluded(string relativePath)
    {
        var path = relativePath.Replace('\\', '/').Trim('/');
        while (path.StartsWith("./", StringComparison.Ordinal))
        {
            path = path[2..];
        }

        // A path is excluded when it or one of its parent folders matches (last matching rule wins per level).
        var excluded = false;
        foreach (var (pattern, exclude) in _rules)
        {
            if (MatchesSelfOrParent(pattern, path))
            {
                excluded = exclude;
            }
        }

        return excluded;
    }

    private static bool MatchesSelfOrParent(Regex pattern, string path)
    {
        var current = path;
        while (current.Length > 0)
        {
            if (pattern.IsMatch(current))
            {
                return true;
            }

            var slash = current.LastIndexOf('/');
            current = slash < 0 ? string.Empty : current[..slash];
        }

        return false;
    }

    private static Regex ToRegex(string pattern) =>
        new("^" + ConfigLint.Syntax.PathGlob.ToRegexBody(pattern) + "$", RegexOptions.CultureInvariant);
}
