using System.Collections.Immutable;
using ConfigLint.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Semantics;

/// <summary>A located source position: which file, which span.</summary>
public sealed record SourceLocation(SyntaxTree Tree, TextSpan Span)
{
    public string Path => Tree.Path;

    /// <summary>Line and column (0-based); a UTF-8 byte-order mark is not a column editors count.</summary>
    public LinePositionSpan LineSpan
    {
        get
        {
            var span = Tree.Text.Lines.GetLinePositionSpan(Span);
            if (Tree.Text.Length == 0 || Tree.Text[0] != '\uFEFF')
            {
                return span;
            }

            static LinePosition Shift(LinePosition p) => p.Line == 0 && p.Character > 0 ? new LinePosition(0, p.Character - 1) : p;
            return new LinePositionSpan(Shift(span.Start), Shift(span.End));
        }
    }
}

/// <summary>A diagnostic the binder found (include errors, merge problems), located in one file.</summary>
public sealed record BindDiagnostic(string Id, DiagnosticLevel Level, string Message, SourceLocation Location);

/// <summary>
/// The files the binder may read. Everything is confined to the linted root: a path outside it, or a
/// symlink that leaves it, is reported instead of read. Implemented by the engine; rules never see it.
/// </summary>
public interface IWorkspace
{
    /// <summary>The linted root, absolute.</summary>
    string Root { get; }

    bool IsInsideRoot(string fullPath);

    bool FileExists(string fullPath);

    bool DirectoryExists(string fullPath);

    /// <summary>The files directly in a folder (absolute paths), ordinal order.</summary>
    IReadOnlyList<string> EnumerateFiles(string directory);

    /// <summary>The sub-folders directly in a folder (absolute paths), ordinal order.</summary>
    IReadOnlyList<string> EnumerateDirectories(string directory);

    /// <summary>Parses (once, cached) a file in the given language; null when it cannot be read (the reason goes to <paramref name="error"/>).</summary>
    SyntaxTree? GetTree(string fullPath, Language language, out string? error);

    /// <summary>Reads a small text file (e.g. compose's <c>.env</c>); null when absent or unreadable.</summary>
    string? ReadText(string fullPath);
}

/// <summary>Glob matching for include patterns: <c>*</c> and <c>?</c> within one path component, <c>\</c> escapes.</summary>
public static class Glob
{
    public static bool HasWildcards(string pattern)
    {
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\')
            {
                i++;
            }
            else if (pattern[i] is '*' or '?' || (pattern[i] == '[' && ClassEnd(pattern, i) > 0))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The index of the ']' closing a bracket expression that opens at <paramref name="open"/> (glob(3): a ']' right
    /// after '[' or '[!' is a member), or -1 when there is none and the '[' is literal. nginx's and squid's includes go
    /// through glob(3), so 'ip_ranges[.]conf' is the usual way to include a file only if it exists.
    /// </summary>
    private static int ClassEnd(string p, int open)
    {
        var i = open + 1;
        if (i < p.Length && p[i] is '!' or '^')
        {
            i++;
        }

        if (i < p.Length && p[i] == ']')
        {
            i++;
        }

        for (; i < p.Length; i++)
        {
            if (p[i] == ']')
            {
                return i;
            }

            if (p[i] == '/')
            {
                return -1;
            }
        }

        return -1;
    }

    private static bool InClass(char c, string p, int open, int end)
    {
        var i = open + 1;
        var negate = p[i] is '!' or '^';
        if (negate)
        {
            i++;
        }

        var found = false;
        var first = true;
        for (; i < end; i++, first = false)
        {
            if (p[i] == ']' && !first)
            {
                break;
            }

            if (i + 2 < end && p[i + 1] == '-')
            {
                found |= c >= p[i] && c <= p[i + 2];
                i += 2;
            }
            else
            {
                found |= c == p[i];
            }
        }

        return found != negate;
    }

    public static bool IsMatch(string name, string pattern)
    {
        // Files starting with '.' match only when the pattern starts with an explicit dot.
        if (name.StartsWith('.') && !pattern.StartsWith('.'))
        {
            return false;
        }

        return Match(name, 0, pattern, 0, 0, []);
    }

    /// <summary>
    /// <paramref name="failed"/> holds the (name, pattern) positions already known not to match: a pattern such as
    /// <c>*a*a*a*a*b</c> against a long name is then quadratic instead of exponential.
    /// </summary>
    private static bool Match(string s, int si, string p, int pi, int depth, HashSet<(int, int)> failed)
    {
        if (depth > 64 || failed.Contains((si, pi)))
        {
            return false;
        }

        if (MatchFrom(s, si, p, pi, depth, failed))
        {
            return true;
        }

        failed.Add((si, pi));
        return false;
    }

    private static bool MatchFrom(string s, int si, string p, int pi, int depth, HashSet<(int, int)> failed)
    {

        while (pi < p.Length)
        {
            var c = p[pi];
            if (c == '*')
            {
                while (pi < p.Length && p[pi] == '*')
                {
                    pi++;
                }

                if (pi == p.Length)
                {
                    return true;
                }

                for (var k = si; k <= s.Length; k++)
                {
                    if (Match(s, k, p, pi, depth + 1, failed))
                    {
                        return true;
                    }
                }

                return false;
            }

            if (si >= s.Length)
            {
                return false;
            }

            if (c == '?')
            {
                si++;
                pi++;
                continue;
            }

            if (c == '[' && ClassEnd(p, pi) is var end && end > 0)
            {
                if (!InClass(s[si], p, pi, end))
                {
                    return false;
                }

                si++;
                pi = end + 1;
                continue;
            }

            if (c == '\\' && pi + 1 < p.Length)
            {
                pi++;
                c = p[pi];
            }

            if (s[si] != c)
            {
                return false;
            }

            si++;
            pi++;
        }

        return si == s.Length;
    }

    /// <summary>
    /// Expands an include pattern component by component against the workspace (files and folders, inside the root
    /// only), sorted ordinally. A pattern without wildcards yields the path itself when it exists.
    /// </summary>
    public static IReadOnlyList<string> Expand(IWorkspace workspace, string baseDirectory, string pattern) =>
        IsTooLong(pattern) ? [] : Memo.GetOrCreateValue(workspace).GetOrAdd((baseDirectory, pattern), key => ExpandUncached(workspace, key.Base, key.Pattern));

    /// <summary>Longer than Linux's PATH_MAX (4096) or with a component longer than NAME_MAX (255): no file has that name.</summary>
    private static bool IsTooLong(string pattern) =>
        pattern.Length > 4096 || pattern.Split('/').Any(part => part.Length > 255);

    /// <summary>
    /// Expansions per workspace (one run): every file of a folder that includes its own folder's glob asks the same
    /// question, and answering it again costs a listing and a match per name each time.
    /// </summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IWorkspace, System.Collections.Concurrent.ConcurrentDictionary<(string Base, string Pattern), IReadOnlyList<string>>> Memo = new();

    private static IReadOnlyList<string> ExpandUncached(IWorkspace workspace, string baseDirectory, string pattern)
    {
        var absolute = Path.IsPathRooted(pattern);
        if (!HasWildcards(pattern))
        {
            var full = Path.GetFullPath(absolute ? pattern : Path.Combine(baseDirectory, pattern));
            return workspace.IsInsideRoot(full) && (workspace.FileExists(full) || workspace.DirectoryExists(full)) ? [full] : [];
        }

        var root = absolute ? Path.GetPathRoot(pattern)! : baseDirectory;
        var relative = absolute ? pattern[root.Length..] : pattern;
        var current = new List<string> { Path.GetFullPath(root) };
        var parts = relative.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length && current.Count > 0; i++)
        {
            var part = parts[i];
            var last = i == parts.Length - 1;
            var next = new List<string>();
            foreach (var dir in current)
            {
                if (!HasWildcards(part))
                {
                    var candidate = Path.GetFullPath(Path.Combine(dir, Unescape(part)));
                    if (workspace.IsInsideRoot(candidate) && (last ? workspace.FileExists(candidate) || workspace.DirectoryExists(candidate) : workspace.DirectoryExists(candidate)))
                    {
                        next.Add(candidate);
                    }

                    continue;
                }

                if (!workspace.IsInsideRoot(dir) || !workspace.DirectoryExists(dir))
                {
                    continue;
                }

                var entries = last
                    ? workspace.EnumerateFiles(dir).Concat(workspace.EnumerateDirectories(dir))
                    : workspace.EnumerateDirectories(dir);
                next.AddRange(entries.Where(e => IsMatch(Path.GetFileName(e), part)));
            }

            current = next;
        }

        return [.. current.Distinct().OrderBy(p => p, StringComparer.Ordinal)];
    }

    public static string Unescape(string pattern) => pattern.Replace("\\*", "*", StringComparison.Ordinal).Replace("\\?", "?", StringComparison.Ordinal);
}

public static class PathContainment
{
    /// <summary>The nearest folder that holds every path (a folder holds itself; a file is held by its folder).</summary>
    public static string CommonFolder(IEnumerable<string> fullPaths)
    {
        string? root = null;
        foreach (var dir in fullPaths.Select(p => Directory.Exists(p) ? p : Path.GetDirectoryName(p) ?? p))
        {
            root ??= dir;
            while (!IsAtOrBelow(dir, root))
            {
                root = Path.GetDirectoryName(root) ?? Path.GetPathRoot(root)!;
            }
        }

        return root ?? throw new ArgumentException("No paths.", nameof(fullPaths));
    }

    /// <summary>Whether a full path is the folder <paramref name="root"/> itself or lies below it (ordinal, no symlink resolution).</summary>
    public static bool IsAtOrBelow(string path, string root) =>
        path.StartsWith(root, StringComparison.Ordinal)
        && (path.Length == root.Length || root.EndsWith(Path.DirectorySeparatorChar) || path[root.Length] == Path.DirectorySeparatorChar);
}

public static class ImmutableExtensions
{
    public static ImmutableArray<T> OrEmpty<T>(this ImmutableArray<T> array) => array.IsDefault ? [] : array;
}
