using ConfigLint.Analysis.IO;
using ConfigLint.Semantics;

namespace ConfigLint.Analysis.Engine;

/// <summary>
/// What a run analyses and what it reports. A named folder is analysed and reported whole. A named file (what
/// pre-commit passes) is analysed inside its project — the nearest folder upward that holds a compose file, a
/// <c>.configlint.yaml</c> or a <c>.git</c>; failing those, the nearest that holds the <c>nginx.conf</c> or
/// <c>squid.conf</c> a fragment belongs to; failing that, its own folder — and only the findings located in the named
/// files are reported. So <c>check FILE</c> says about FILE what <c>check .</c> at its project root says (design §7).
/// </summary>
public sealed class ProjectScope
{
    /// <summary>How far up a project root is looked for.</summary>
    private const int MaxLevels = 64;

    private static readonly string[] ComposeNames = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];
    private static readonly string[] ProjectMarkers = [".git", ".configlint.yaml", ".configlint.yml"];
    private static readonly string[] DaemonMains = ["nginx.conf", "squid.conf"];

    private readonly HashSet<string> _namedFiles;
    private readonly List<string> _namedFolders;

    private ProjectScope(List<string> folders, HashSet<string> namedFiles, List<string> namedFolders)
    {
        Folders = folders;
        _namedFiles = namedFiles;
        _namedFolders = namedFolders;
    }

    /// <summary>The folders to walk: the named ones and the project roots of the named files.</summary>
    public IReadOnlyList<string> Folders { get; }

    /// <summary>Files named on the command line (full paths), in the order given.</summary>
    public IReadOnlyCollection<string> NamedFiles => _namedFiles;

    /// <summary>Whether findings in this file are reported: it was named, or lies under a named folder.</summary>
    public bool Contains(string fullPath) =>
        _namedFiles.Contains(fullPath) || _namedFolders.Any(folder => PathContainment.IsAtOrBelow(fullPath, folder));

    public static ProjectScope Of(IEnumerable<string> fullPaths)
    {
        var folders = new List<string>();
        var namedFolders = new List<string>();
        var namedFiles = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in fullPaths)
        {
            if (SafeFile.KindOf(path, follow: true) == FileKind.Directory)
            {
                namedFolders.Add(path);
                folders.Add(path);
            }
            else
            {
                namedFiles.Add(path);
                folders.Add(ProjectRootOf(path));
            }
        }

        // A folder inside another one is walked with it.
        var distinct = folders.Distinct(StringComparer.Ordinal).ToList();
        distinct = distinct.Where(f => !distinct.Any(o => o != f && PathContainment.IsAtOrBelow(f, o))).ToList();
        return new ProjectScope(distinct, namedFiles, namedFolders);
    }

    /// <summary>The project a file belongs to (see the class summary).</summary>
    public static string ProjectRootOf(string file) => ProjectRootOf(file, null);

    /// <summary>As <see cref="ProjectRootOf(string)"/>, remembering in <paramref name="folders"/> what each folder holds (for many files at once).</summary>
    internal static string ProjectRootOf(string file, Dictionary<string, (bool Marker, bool DaemonMain)>? folders)
    {
        var start = Path.GetDirectoryName(file) ?? file;
        string? daemonMain = null;
        var dir = start;
        for (var level = 0; dir is not null && level < MaxLevels; level++, dir = Path.GetDirectoryName(dir))
        {
            var (marker, main) = Holds(dir, folders);
            if (marker)
            {
                return dir;
            }

            if (daemonMain is null && main)
            {
                daemonMain = dir;
            }
        }

        return daemonMain ?? start;
    }

    private static (bool Marker, bool DaemonMain) Holds(string dir, Dictionary<string, (bool Marker, bool DaemonMain)>? folders)
    {
        if (folders is not null && folders.TryGetValue(dir, out var known))
        {
            return known;
        }

        var marker = ComposeNames.Concat(ProjectMarkers).Any(name => SafeFile.KindOf(Path.Combine(dir, name), follow: false) != FileKind.Missing);
        var result = (marker, !marker && DaemonMains.Any(name => SafeFile.KindOf(Path.Combine(dir, name), follow: false) == FileKind.Regular));
        if (folders is not null)
        {
            folders[dir] = result;
        }

        return result;
    }
}
