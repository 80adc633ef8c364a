using ConfigLint.Analysis.Configuration;
using ConfigLint.Analysis.IO;
using ConfigLint.Syntax;

namespace ConfigLint.Analysis.Engine;

/// <summary>A file to analyse and the language it was classified as.</summary>
public sealed record DiscoveredFile(string FullPath, Language Language);

/// <summary>What discovery found: the files to analyse, a note for each file it had to leave out (with its path), and every path it decided to leave out.</summary>
public sealed record DiscoveryResult(List<DiscoveredFile> Files, List<(string Path, string Text)> Notes, HashSet<string> NotedPaths);

/// <summary>
/// Walks the paths given: files by name, then by content; folders recursively in ordinal order, skipping
/// VCS and dependency folders. Never follows a symlink out of the root, never visits a folder twice, never opens
/// anything but a regular file (a FIFO would block, a device never ends). Every file that would have been linted but
/// is left out — a symlink leaving the root, a dangling symlink or a loop, a FIFO, a device, a folder too deep —
/// gets a note that says so, and the run goes on with the rest.
/// </summary>
public static class FileDiscovery
{
    /// <summary>How deep folder mode descends below a named folder.</summary>
    public const int MaxDepth = 64;

    /// <summary>A repository can carry thousands of planted symlinks: the notes stop after this many.</summary>
    public const int MaxNotes = 50;

    private static readonly HashSet<string> SkippedFolders = new(StringComparer.Ordinal) { ".git", ".hg", ".svn", "node_modules" };

    /// <summary>
    /// Classifies the named files as a folder walk would (by name, configured globs, then content for the names worth
    /// sniffing; <c>exclude</c> applies), then walks the scope's folders.
    /// </summary>
    /// <remarks>
    /// Two steps: the walk lists the folders in order and records, in that order, each file to classify and each note
    /// it makes; then every file is classified (its kind, real path and, where needed, the language its content shows)
    /// on up to <paramref name="threads"/> threads, and the records are applied in walk order. Classifying a file
    /// reads nothing the others write, so the files, notes and their order are those of a one-thread walk.
    /// </remarks>
    public static DiscoveryResult Discover(ProjectScope scope, FileSystemWorkspace workspace, List<string> errors, ConfigLintConfig? config = null, int threads = 1)
    {
        config ??= ConfigLintConfig.Empty;
        var result = new List<DiscoveredFile>();
        var notes = new List<(string Path, string Text)>();
        var noted = new HashSet<string>(StringComparer.Ordinal);
        var seenFiles = new HashSet<string>(StringComparer.Ordinal);
        var seenDirs = new HashSet<string>(StringComparer.Ordinal);

        // What the walk found, in walk order: a file to classify (Note null) or a note about a folder.
        var steps = new List<(string Path, bool Named, string? Note)>();
        foreach (var path in scope.NamedFiles)
        {
            if (SafeFile.KindOf(path, follow: false) == FileKind.Missing)
            {
                errors.Add($"'{workspace.DisplayPath(path)}' does not exist.");
            }
            else
            {
                steps.Add((path, true, null));
            }
        }

        foreach (var folder in scope.Folders)
        {
            if (SafeFile.KindOf(folder, follow: true) == FileKind.Directory)
            {
                Walk(folder, 0);
            }
            else
            {
                errors.Add($"'{workspace.DisplayPath(folder)}' does not exist.");
            }
        }

        var verdicts = new FileVerdict[steps.Count];
        Parallelism.For(steps.Count, threads, i =>
        {
            if (steps[i].Note is null)
            {
                verdicts[i] = Classify(steps[i].Path, steps[i].Named);
            }
        });

        for (var i = 0; i < steps.Count; i++)
        {
            var (path, _, note) = steps[i];
            if (note is not null)
            {
                Note(path, note);
                continue;
            }

            var verdict = verdicts[i];
            if (verdict.Note is not null)
            {
                NoteIf(verdict.Telling, path, verdict.Note);
            }
            else if (verdict.RealPath is null)
            {
                // Excluded by the configuration: left out quietly.
                noted.Add(path);
            }
            else if (seenFiles.Add(verdict.RealPath) && verdict.Language is { } language)
            {
                result.Add(new DiscoveredFile(path, language));
            }
        }

        return new DiscoveryResult(result, notes, noted);

        void Note(string path, string why)
        {
            if (noted.Add(path))
            {
                notes.Add((path, $"'{workspace.DisplayPath(path)}' {why}."));
            }
        }

        void NoteIf(bool telling, string path, string why)
        {
            if (telling)
            {
                Note(path, why);
            }
            else
            {
                noted.Add(path);
            }
        }

        bool Wanted(string file) =>
            !config.IsExcluded(file) && (config.LanguageOf(file) is not null || LanguageDetector.ByName(file) is not null || LanguageDetector.ShouldSniff(file));

        // Worth a note when left out: named or configured as a file ConfigLint lints (a name that would only have
        // been sniffed, such as any '*.yml', is left out quietly unless it was named).
        bool Telling(string file, bool named) =>
            named || config.LanguageOf(file) is not null || LanguageDetector.ByName(file) is not null;

        void Walk(string dir, int depth)
        {
            var real = workspace.RealPathOf(dir) ?? dir;
            if (depth > 0 && config.IsExcluded(dir))
            {
                return;
            }

            if (!workspace.IsInsideRoot(dir))
            {
                steps.Add((dir, false, $"is a symlink to '{real}', outside the linted folder; ConfigLint does not follow it"));
                return;
            }

            if (!seenDirs.Add(real))
            {
                return;
            }

            if (depth > MaxDepth)
            {
                steps.Add((dir, false, $"is more than {MaxDepth} folders below the folder named; ConfigLint does not look inside it"));
                return;
            }

            var subfolders = new List<string>();
            var entries = workspace.EnumerateEntries(dir, out var listError);
            foreach (var entry in entries)
            {
                var kind = SafeFile.KindOf(entry, follow: false);
                if (kind == FileKind.Symlink)
                {
                    kind = SafeFile.KindOf(entry, follow: true);
                    if (kind == FileKind.Directory)
                    {
                        subfolders.Add(entry);
                        continue;
                    }
                }

                if (kind == FileKind.Directory)
                {
                    subfolders.Add(entry);
                }
                else if (Wanted(entry))
                {
                    steps.Add((entry, false, null));
                }
            }

            if (listError is not null)
            {
                steps.Add((dir, false, $"cannot be listed ({listError}); its files are not linted"));
            }

            foreach (var sub in subfolders)
            {
                if (!SkippedFolders.Contains(Path.GetFileName(sub)))
                {
                    Walk(sub, depth + 1);
                }
            }
        }

        // Everything about one file that does not depend on the others (pure, so files are classified in parallel).
        FileVerdict Classify(string file, bool named)
        {
            if (config.IsExcluded(file))
            {
                return default;
            }

            // Say why a file is left out: the name is a symlink that dangles, loops or leaves the root, or the object is not a regular file.
            var telling = Telling(file, named);
            if (!workspace.IsInsideRoot(file))
            {
                return new(telling, $"is a symlink to '{workspace.RealPathOf(file) ?? LinkText(file)}', outside the linted folder; ConfigLint does not follow it");
            }

            switch (SafeFile.KindOf(file, follow: true))
            {
                case FileKind.Missing when SafeFile.KindOf(file, follow: false) == FileKind.Missing:
                    // The name listed cannot be opened again: it is not valid UTF-8 (.NET decodes it lossily), or it went away.
                    return new(telling, file.Contains('\uFFFD', StringComparison.Ordinal)
                        ? "has a name that is not valid UTF-8, so ConfigLint cannot open it; it is not linted"
                        : "disappeared while ConfigLint was reading its folder; it is not linted");
                case FileKind.Missing:
                    return new(telling, $"is a symlink to '{LinkText(file)}', which does not exist; it is not linted");
                case FileKind.Symlink:
                    return new(telling, "is a symlink loop (it leads back to itself); it is not linted");
                case FileKind.Regular:
                    break;
                case var other:
                    // FIFOs and devices are rare in a repository and never harmless: always said.
                    return new(true, $"is {SafeFile.Describe(other)}, not a regular file; ConfigLint never reads those, so it is not linted");
            }

            var real = workspace.RealPathOf(file) ?? file;
            var configured = config.LanguageOf(file);
            var headRead = false;
            string? headText = null;
            string? Head()
            {
                if (!headRead)
                {
                    headText = ReadHead(file);
                    headRead = true;
                }

                return headText;
            }

            var language = configured ?? LanguageDetector.ByName(file);
            if (configured is null && language == Language.Nginx && !Path.GetFileName(file).Equals("nginx.conf", StringComparison.OrdinalIgnoreCase))
            {
                // A .conf under conf.d/ is named like nginx but may be squid (catalog §0.2).
                var head = Head();
                if (head is not null && LanguageDetector.ByContent(file, head) == Language.Squid)
                {
                    language = Language.Squid;
                }
            }

            if (language is null && LanguageDetector.ShouldSniff(file))
            {
                var head = Head();
                language = head is null ? null : LanguageDetector.ByContent(file, head);
            }

            // Templates and prose named like a configuration are not configurations (issue 16): said once, not read.
            if (configured is null && language is Language.Tor or Language.Squid or Language.Nginx && Head() is { } text)
            {
                if (LanguageDetector.TemplateMarker(text) is { } marker)
                {
                    return new(true, $"is a template ({marker}), not a {Languages.Of(language.Value).Name} file; ConfigLint lints what it renders, so the template is skipped");
                }

                if (language == Language.Tor && LanguageDetector.IsProseNamedTorrc(file, text))
                {
                    return new(true, "reads as prose, not a torrc (few of its lines are tor options); it is skipped");
                }
            }

            return new(false, null, real, language);
        }
    }

    /// <summary>
    /// What classifying one file decided: a note (said when <see cref="Telling"/>), or its real path and language (null
    /// when no language fits); neither when the configuration excludes it.
    /// </summary>
    private readonly record struct FileVerdict(bool Telling, string? Note, string? RealPath = null, Language? Language = null);

    private static string LinkText(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget ?? path;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return path;
        }
    }

    /// <summary>The first 64 KB of a regular file (never blocks, never reads a device), or null.</summary>
    private static string? ReadHead(string file)
    {
        var read = SafeFile.ReadRegular(file, 64 * 1024, prefixOnly: true);
        if (read.Bytes is not { } bytes)
        {
            return null;
        }

        return Array.IndexOf(bytes, (byte)0) >= 0 ? null : System.Text.Encoding.UTF8.GetString(bytes);
    }
}
