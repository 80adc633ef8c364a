using ConfigLint.Analysis.Configuration;
using ConfigLint.Syntax;

namespace ConfigLint.Analysis.Engine;

/// <summary>A file to analyse and the language it was classified as.</summary>
public sealed record DiscoveredFile(string FullPath, Language Language);

/// <summary>
/// Walks the paths given: files by name, then by content; folders recursively in ordinal order, skipping
/// VCS and dependency folders. Never follows a symlink out of the root, never visits a folder twice.
/// </summary>
public static class FileDiscovery
{
    private static readonly HashSet<string> SkippedFolders = new(StringComparer.Ordinal) { ".git", ".hg", ".svn", "node_modules" };

    public static List<DiscoveredFile> Discover(IEnumerable<string> fullPaths, FileSystemWorkspace workspace, List<string> errors, ConfigLintConfig? config = null)
    {
        config ??= ConfigLintConfig.Empty;
        var result = new List<DiscoveredFile>();
        var seenFiles = new HashSet<string>(StringComparer.Ordinal);
        var seenDirs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in fullPaths)
        {
            if (File.Exists(path))
            {
                // A file named explicitly is linted even when its name says nothing: sniff, else by name.
                AddFile(path, explicitly: true);
            }
            else if (Directory.Exists(path))
            {
                Walk(path, 0);
            }
            else
            {
                errors.Add($"'{workspace.DisplayPath(path)}' does not exist.");
            }
        }

        return result;

        void Walk(string dir, int depth)
        {
            var real = workspace.RealPathOf(dir) ?? dir;
            if (depth > 64 || !seenDirs.Add(real) || !workspace.IsInsideRoot(dir) || (depth > 0 && config.IsExcluded(dir)))
            {
                return;
            }

            foreach (var file in workspace.EnumerateFiles(dir))
            {
                AddFile(file, explicitly: false);
            }

            foreach (var sub in workspace.EnumerateDirectories(dir))
            {
                if (!SkippedFolders.Contains(Path.GetFileName(sub)))
                {
                    Walk(sub, depth + 1);
                }
            }
        }

        void AddFile(string file, bool explicitly)
        {
            var real = workspace.RealPathOf(file) ?? file;
            if (!workspace.IsInsideRoot(file) || !seenFiles.Add(real) || (!explicitly && config.IsExcluded(file)))
            {
                return;
            }

            var configured = config.LanguageOf(file);
            var language = configured ?? LanguageDetector.ByName(file);
            if (configured is null && language == Language.Nginx && !Path.GetFileName(file).Equals("nginx.conf", StringComparison.OrdinalIgnoreCase))
            {
                // A .conf under conf.d/ is named like nginx but may be squid (catalog §0.2).
                var head = ReadHead(file);
                if (head is not null && LanguageDetector.ByContent(file, head) == Language.Squid)
                {
                    language = Language.Squid;
                }
            }

            if (language is null && (explicitly || LanguageDetector.ShouldSniff(file)))
            {
                var head = ReadHead(file);
                language = head is null ? null : LanguageDetector.ByContent(file, head);
            }

            if (language is not null)
            {
                result.Add(new DiscoveredFile(file, language.Value));
            }
        }
    }

    private static string? ReadHead(string file)
    {
        try
        {
            using var stream = File.OpenRead(file);
            var buffer = new byte[64 * 1024];
            var n = stream.Read(buffer, 0, buffer.Length);
            if (Array.IndexOf(buffer, (byte)0, 0, n) >= 0)
            {
                return null;
            }

            return System.Text.Encoding.UTF8.GetString(buffer, 0, n);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
