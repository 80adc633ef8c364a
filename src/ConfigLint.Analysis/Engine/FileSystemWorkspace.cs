using System.Collections.Concurrent;
using System.Collections.Immutable;
using ConfigLint.Semantics;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Compose;
using ConfigLint.Syntax.Tor;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Analysis.Engine;

/// <summary>A file that could not be analysed at all (binary, invalid UTF-8, too large).</summary>
public sealed class UnparsedTree : SyntaxTree
{
    public UnparsedTree(string path, Language language, SourceText text, ImmutableArray<ParseDiagnostic> diagnostics)
        : base(path, language, text, new SyntaxNode(SyntaxKind.None, []), diagnostics)
    {
    }
}

/// <summary>
/// The engine's <see cref="IWorkspace"/>: reads and parses files once, confined to the root. Symlinks are
/// resolved and refused when they leave the root.
/// </summary>
public sealed class FileSystemWorkspace : IWorkspace
{
    // One entry per (path, language): the file is read and parsed once even when several threads ask at the same time.
    private readonly ConcurrentDictionary<string, TreeEntry> _trees = new(StringComparer.Ordinal);
    private readonly List<SyntaxTree> _read = [];
    private readonly object _gate = new();
    private readonly IReadOnlyDictionary<string, byte[]> _overlay;

    /// <param name="overlay">File contents (by full path) that stand in for what is on disk: <c>fix</c> analyses its edits before writing them.</param>
    public FileSystemWorkspace(string root, string currentDirectory, IReadOnlyDictionary<string, byte[]>? overlay = null)
    {
        // A copy: the caller (fix) goes on editing its dictionary, and a later pass compares what changed since this one.
        _overlay = overlay is null ? new Dictionary<string, byte[]>() : new Dictionary<string, byte[]>(overlay, StringComparer.Ordinal);
        Root = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar);
        if (Root.Length == 0)
        {
            Root = Path.DirectorySeparatorChar.ToString();
        }

        CurrentDirectory = Path.GetFullPath(currentDirectory);
        _fileExists = new(StringComparer.Ordinal);
        _directoryExists = new(StringComparer.Ordinal);
        _files = new(StringComparer.Ordinal);
        _directories = new(StringComparer.Ordinal);
        _realPaths = new(StringComparer.Ordinal);
    }

    private FileSystemWorkspace(FileSystemWorkspace disk, IReadOnlyDictionary<string, byte[]>? overlay)
    {
        _overlay = overlay is null ? new Dictionary<string, byte[]>() : new Dictionary<string, byte[]>(overlay, StringComparer.Ordinal);
        Root = disk.Root;
        CurrentDirectory = disk.CurrentDirectory;
        _fileExists = disk._fileExists;
        _directoryExists = disk._directoryExists;
        _files = disk._files;
        _directories = disk._directories;
        _realPaths = disk._realPaths;
        _realRoot = disk._realRoot;
    }

    /// <summary>
    /// A workspace over the same files with another overlay (the next pass of <c>fix</c>): what this one learnt about
    /// the disk (real paths, listings, existence) still holds; a file whose text is the same in
    /// <paramref name="previous"/>'s overlay and in <paramref name="overlay"/> keeps the tree parsed there.
    /// </summary>
    internal FileSystemWorkspace Fork(IReadOnlyDictionary<string, byte[]>? overlay, FileSystemWorkspace? previous)
    {
        var fork = new FileSystemWorkspace(this, overlay);
        foreach (var (key, entry) in previous?._trees ?? [])
        {
            var full = key[..key.IndexOf('\0', StringComparison.Ordinal)];
            if (entry.Parsed is { } tree && ReferenceEquals(previous!._overlay.GetValueOrDefault(full), fork._overlay.GetValueOrDefault(full)))
            {
                fork._trees[key] = new TreeEntry(tree);
            }
        }

        return fork;
    }

    public string Root { get; }

    public string CurrentDirectory { get; }

    /// <summary>Files that could not be read at all (tool errors).</summary>
    public ConcurrentBag<string> ReadErrors { get; } = [];

    public IEnumerable<SyntaxTree> Trees
    {
        get
        {
            lock (_gate)
            {
                return [.. _read];
            }
        }
    }

    public bool IsInsideRoot(string fullPath)
    {
        var full = Path.GetFullPath(fullPath);
        if (!PathContainment.IsAtOrBelow(full, Root))
        {
            return false;
        }

        // A symlink anywhere on the way must not lead out of the root.
        var real = CachedRealPath(full);
        return real is null || PathContainment.IsAtOrBelow(real, _realRoot ??= RealPath(Root) ?? Root);
    }

    // The file system is read once per run: includes resolve the same globs and folders again and again (every
    // file of a conf.d that includes conf.d/*.conf lists conf.d), which must not cost a syscall each time.
    private readonly ConcurrentDictionary<string, bool> _fileExists;
    private readonly ConcurrentDictionary<string, bool> _directoryExists;
    private readonly ConcurrentDictionary<string, IReadOnlyList<string>> _files;
    private readonly ConcurrentDictionary<string, IReadOnlyList<string>> _directories;

    public bool FileExists(string fullPath) => _fileExists.GetOrAdd(fullPath, File.Exists);

    public bool DirectoryExists(string fullPath) => _directoryExists.GetOrAdd(fullPath, Directory.Exists);

    public IReadOnlyList<string> EnumerateFiles(string directory) => _files.GetOrAdd(directory, ListFiles);

    public IReadOnlyList<string> EnumerateDirectories(string directory) => _directories.GetOrAdd(directory, ListDirectories);

    private IReadOnlyList<string> ListFiles(string directory)
    {
        try
        {
            return Directory.EnumerateFiles(directory).Where(IsInsideRoot).OrderBy(f => f, StringComparer.Ordinal).ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>Every name in a folder (files, folders, symlinks, FIFOs, …) in ordinal order, unfiltered: discovery decides and says why it leaves one out.</summary>
    public IReadOnlyList<string> EnumerateEntries(string directory, out string? error)
    {
        error = null;
        try
        {
            return Directory.EnumerateFileSystemEntries(directory).OrderBy(f => f, StringComparer.Ordinal).ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = ex is UnauthorizedAccessException ? "permission denied" : ex.Message.TrimEnd('.');
            return [];
        }
    }

    private IReadOnlyList<string> ListDirectories(string directory)
    {
        try
        {
            return Directory.EnumerateDirectories(directory).Where(IsInsideRoot).OrderBy(f => f, StringComparer.Ordinal).ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    public string? ReadText(string fullPath)
    {
        if (!IsInsideRoot(fullPath) || !File.Exists(fullPath))
        {
            return null;
        }

        var loaded = LoadSource(Path.GetFullPath(fullPath));
        return loaded.Ok ? loaded.Text!.ToString() : null;
    }

    public SyntaxTree? GetTree(string fullPath, Language language, out string? error)
    {
        var entry = EntryOf(fullPath, language);
        var (tree, problem) = entry.Value;
        error = problem;
        if (tree is not null && Interlocked.Exchange(ref entry.Listed, 1) == 0)
        {
            // Listed when first asked for, not when parsed: the files read stay in the order they were asked for,
            // whichever thread parsed them first.
            lock (_gate)
            {
                _read.Add(tree);
            }
        }

        return tree;
    }

    /// <summary>
    /// Reads and parses these files on up to <paramref name="threads"/> threads, ahead of <see cref="GetTree"/>, which
    /// then answers from the cache. A file that fails here fails again, the same way, when it is asked for.
    /// </summary>
    public void Prefetch(IReadOnlyList<DiscoveredFile> files, int threads) =>
        Parallelism.For(files.Count, threads, i =>
        {
            try
            {
                _ = EntryOf(files[i].FullPath, files[i].Language).Value;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Kept in the entry (Lazy caches it) and rethrown to the caller of GetTree.
            }
        });

    private TreeEntry EntryOf(string fullPath, Language language)
    {
        var full = Path.GetFullPath(fullPath);
        return _trees.GetOrAdd(full + "\0" + language, _ => new TreeEntry(() => Load(full, language)));
    }

    /// <summary>A file in one language: read and parsed on first use (once, whichever threads ask), or carried over from an earlier pass.</summary>
    private sealed class TreeEntry
    {
        private readonly Lazy<(SyntaxTree? Tree, string? Error)>? _load;
        private readonly SyntaxTree? _known;

        public TreeEntry(Func<(SyntaxTree?, string?)> load) => _load = new(load);

        public TreeEntry(SyntaxTree known) => _known = known;

        public (SyntaxTree? Tree, string? Error) Value => _known is not null ? (_known, null) : _load!.Value;

        /// <summary>The tree, when it has been parsed (or carried over); null when not yet, or when the file could not be read.</summary>
        public SyntaxTree? Parsed => _known ?? (_load!.IsValueCreated ? _load.Value.Tree : null);

        /// <summary>1 once the tree is in the list of files read.</summary>
        public int Listed;
    }

    /// <summary>Path as shown to the user: relative to the current folder, with '/'.</summary>
    public string DisplayPath(string fullPath)
    {
        var relative = Path.GetRelativePath(CurrentDirectory, fullPath);
        return relative.Replace(Path.DirectorySeparatorChar, '/');
    }

    private (SyntaxTree? Tree, string? Error) Load(string full, Language language)
    {
        if (!IsInsideRoot(full))
        {
            return (null, "it is outside the linted folder");
        }

        if (!File.Exists(full))
        {
            return (null, "no such file");
        }

        var loaded = LoadSource(full);
        var display = DisplayPath(full);
        if (loaded.NotRegular)
        {
            // A FIFO or a device is never read; an include that names one gets a located CL0004 from its binder.
            return (null, loaded.Problem);
        }

        if (loaded.Unreadable)
        {
            ReadErrors.Add($"cannot read '{display}': {loaded.Problem}.");
            return (null, loaded.Problem);
        }

        SyntaxTree tree;
        if (loaded.InvalidUtf8 && language == Language.Tor)
        {
            // tor reads bytes; only ContactInfo must be UTF-8 (TOR014 checks it). Analyse the file as is.
            tree = TorParser.Parse(display, loaded.Text!);
        }
        else if (!loaded.Ok)
        {
            var at = Math.Min(loaded.ProblemOffset, loaded.Text!.Length);
            var problem = loaded.InvalidUtf8 ? loaded.Problem + "; YAML files must be UTF-8, so docker compose rejects this file" : loaded.Problem!;
            tree = new UnparsedTree(display, language, loaded.Text,
                [new ParseDiagnostic("CL0001", DiagnosticLevel.Error, char.ToUpperInvariant(problem[0]) + problem[1..] + ".", new TextSpan(at, 0))]);
        }
        else
        {
            tree = Languages.Of(language).Parse(display, loaded.Text!);
        }

        tree.IdentifyAs(full);
        return (tree, null);
    }

    private LoadedSource LoadSource(string full) =>
        _overlay.TryGetValue(full, out var bytes) ? SourceLoader.Decode(bytes) : SourceLoader.Load(full);

    private readonly ConcurrentDictionary<string, string?> _realPaths;
    private string? _realRoot;

    /// <summary>Real path with the parent folders' resolution cached: one lstat per file instead of one per component.</summary>
    /// <summary>
    /// The real path of a file or folder (symlinks resolved), memoised per path: discovery, the root check and
    /// every reader ask about the same paths, and a path costs one lstat when its parent is known.
    /// </summary>
    public string? RealPathOf(string fullPath) => CachedRealPath(Path.GetFullPath(fullPath));

    // A path longer than PATH_MAX names no file (an include value can be megabytes long and hold thousands of '/'):
    // resolving it component by component would cache every prefix, quadratic in memory.
    private string? CachedRealPath(string full) => full.Length > 4096 ? null : _realPaths.GetOrAdd(full, ComputeRealPath);

    private string? ComputeRealPath(string full)
    {
        var parent = Path.GetDirectoryName(full);
        if (parent is null)
        {
            return full;
        }

        var realParent = CachedRealPath(parent);
        if (realParent is null)
        {
            return RealPath(full);
        }

        var candidate = Path.Combine(realParent, Path.GetFileName(full));
        try
        {
            var attributes = new FileInfo(candidate).Attributes;
            var isLink = (int)attributes != -1 && attributes.HasFlag(FileAttributes.ReparsePoint);
            return isLink ? RealPath(candidate) : candidate;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }


    /// <summary>Resolves symlinks component by component (bounded); null when the path does not exist.</summary>
    internal static string? RealPath(string fullPath)
    {
        try
        {
            var parts = fullPath.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
            var current = Path.GetPathRoot(fullPath) ?? "/";
            var hops = 0;
            foreach (var part in parts)
            {
                current = Path.Combine(current, part);
                FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
                while (info.Exists && info.LinkTarget is not null)
                {
                    if (++hops > 40)
                    {
                        return null;
                    }

                    var target = info.LinkTarget;
                    current = Path.GetFullPath(Path.IsPathRooted(target) ? target : Path.Combine(Path.GetDirectoryName(current)!, target));
                    info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
                }
            }

            return current;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }
}
