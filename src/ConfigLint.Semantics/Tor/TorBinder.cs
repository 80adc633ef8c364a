using System.Collections.Immutable;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Tor;

namespace ConfigLint.Semantics.Tor;

/// <summary>
/// Builds a <see cref="TorConfig"/> from a main torrc: splices <c>%include</c> files (globs, folders,
/// sorted, dotfiles skipped, at most 31 levels deep, never outside the root, cycles reported).
/// </summary>
public static class TorBinder
{
    /// <summary>tor's MAX_INCLUDE_RECURSION_LEVEL.</summary>
    public const int MaxIncludeDepth = 31;

    public static TorConfig Bind(SyntaxTree main, IWorkspace workspace)
    {
        var lines = ImmutableArray.CreateBuilder<TorLine>();
        var files = ImmutableArray.CreateBuilder<SyntaxTree>();
        var diagnostics = ImmutableArray.CreateBuilder<BindDiagnostic>();
        Splice(main, workspace, 0, new IncludeStack(), lines, files, diagnostics, null, null);
        CheckServiceOrder(lines, diagnostics);
        return new TorConfig(main, lines.ToImmutable(), files.Distinct().ToImmutableArray(), diagnostics.ToImmutable());
    }

    /// <summary>Per-service HiddenService* options bind to the preceding HiddenServiceDir; before any, tor refuses to start.</summary>
    private static void CheckServiceOrder(ImmutableArray<TorLine>.Builder lines, ImmutableArray<BindDiagnostic>.Builder diagnostics)
    {
        foreach (var line in lines)
        {
            if (line.Name == "HiddenServiceDir")
            {
                return;
            }

            if (TorOptions.IsPerServiceOption(line.Name) && line.Entry.Option.Status != TorOptionStatus.Unknown)
            {
                diagnostics.Add(new BindDiagnostic("CL0001", DiagnosticLevel.Error,
                    $"{line.Name} comes before any HiddenServiceDir; per-service options bind to the HiddenServiceDir above them, so tor refuses to start.",
                    line.KeyLocation));
            }
        }
    }

    /// <summary>The files a torrc includes directly (resolved, inside the root), without reporting.</summary>
    public static IReadOnlyList<string> DirectIncludes(SyntaxTree tree, IWorkspace workspace)
    {
        var result = new List<string>();
        if (tree.Root is not TorDocumentSyntax doc)
        {
            return result;
        }

        foreach (var entry in doc.Entries.Where(e => e.IsInclude && e.Value.Length > 0))
        {
            var (paths, _, _) = Resolve(entry.Value, Path.GetDirectoryName(tree.FullPath)!, workspace);
            result.AddRange(paths);
        }

        return result;
    }

    /// <summary>What tor does with a cycle: it follows it until its include depth limit and stops.</summary>
    private const string CycleConsequence = "tor refuses to start (\"more than 31 nested %includes\").";

    private static void Splice(SyntaxTree tree, IWorkspace workspace, int depth, IncludeStack stack,
        ImmutableArray<TorLine>.Builder lines, ImmutableArray<SyntaxTree>.Builder files, ImmutableArray<BindDiagnostic>.Builder diagnostics,
        SourceLocation? via, string? directive)
    {
        var fullPath = tree.FullPath;
        stack.Push(fullPath, via, directive);
        files.Add(tree);
        if (tree.Root is TorDocumentSyntax doc)
        {
            foreach (var entry in doc.Entries)
            {
                if (!entry.IsInclude)
                {
                    lines.Add(new TorLine(tree, entry));
                    continue;
                }

                if (entry.Value.Length == 0)
                {
                    continue;
                }

                if (stack.Exhausted)
                {
                    break;
                }

                var location = new SourceLocation(tree, entry.ValueSpan);
                var (paths, problem, level) = Resolve(entry.Value, Path.GetDirectoryName(fullPath)!, workspace);
                if (problem is not null)
                {
                    diagnostics.Add(new BindDiagnostic("CL0004", level, problem, location));
                    continue;
                }

                if (depth + 1 > MaxIncludeDepth)
                {
                    diagnostics.Add(new BindDiagnostic("CL0004", DiagnosticLevel.Error,
                        $"'%include {entry.Value}' nests deeper than tor's limit of {MaxIncludeDepth} levels; tor refuses to start.", location));
                    continue;
                }

                foreach (var path in paths)
                {
                    if (stack.Contains(path))
                    {
                        stack.ReportCycle(path, location, $"%include {entry.Value}", CycleConsequence, diagnostics);
                        continue;
                    }

                    var included = workspace.GetTree(path, Language.Tor, out var error);
                    if (included is null)
                    {
                        diagnostics.Add(new BindDiagnostic("CL0004", DiagnosticLevel.Error,
                            $"'%include {entry.Value}': {error ?? "the file cannot be read"}.", location));
                        continue;
                    }

                    if (!stack.Admit(location, $"%include {entry.Value}", diagnostics))
                    {
                        break;
                    }

                    Splice(included, workspace, depth + 1, stack, lines, files, diagnostics, location, $"%include {entry.Value}");
                }
            }
        }

        stack.Pop();
    }

    /// <summary>Resolves an include value to files, sorted; or a problem to report.</summary>
    private static (IReadOnlyList<string> Paths, string? Problem, DiagnosticLevel Level) Resolve(string value, string baseDirectory, IWorkspace workspace)
    {
        var pattern = value.Trim();
        var absolute = Path.IsPathRooted(pattern);
        var full = Path.GetFullPath(absolute ? pattern : Path.Combine(baseDirectory, pattern));
        if (!workspace.IsInsideRoot(full))
        {
            return absolute
                ? ([], $"'%include {value}' names a path outside the linted folder (inside the container, most likely); it is not analysed.", DiagnosticLevel.Note)
                : ([], $"'%include {value}' points outside the linted folder; ConfigLint never reads files there.", DiagnosticLevel.Warning);
        }

        if (!Glob.HasWildcards(pattern))
        {
            if (workspace.DirectoryExists(full))
            {
                return (workspace.EnumerateFiles(full).Where(f => !Path.GetFileName(f).StartsWith('.')).ToList(), null, DiagnosticLevel.None);
            }

            if (workspace.FileExists(full))
            {
                return ([full], null, DiagnosticLevel.None);
            }

            return absolute
                ? ([], $"'%include {value}' names a path outside the linted folder (inside the container, most likely); it is not analysed.", DiagnosticLevel.Note)
                : ([], $"'%include {value}': no such file or folder; tor refuses to start.", DiagnosticLevel.Error);
        }

        var files = new List<string>();
        foreach (var match in Glob.Expand(workspace, baseDirectory, pattern))
        {
            if (workspace.DirectoryExists(match))
            {
                files.AddRange(workspace.EnumerateFiles(match).Where(f => !Path.GetFileName(f).StartsWith('.')));
            }
            else
            {
                files.Add(match);
            }
        }

        // An empty glob is fine for tor (nothing to include).
        return (files, null, DiagnosticLevel.None);
    }

}
