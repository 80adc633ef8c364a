using System.Collections.Immutable;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Nginx;

namespace ConfigLint.Semantics.Nginx;

/// <summary>
/// Builds an <see cref="NginxConfig"/>: splices <c>include</c> files in place (relative paths against the
/// configuration prefix, globs expanded and sorted; absolute <c>/etc/nginx/…</c> paths mapped onto the prefix when
/// the repository holds them), reports unknown directives (CL0002, a warning: they may come from a third-party
/// module) outside data blocks such as <c>types</c> and <c>map</c>.
/// </summary>
public static class NginxBinder
{
    /// <summary>Blocks whose content is data, not directives.</summary>
    private static readonly HashSet<string> DataBlocks = new(StringComparer.Ordinal) { "types", "map", "geo", "split_clients", "charset_map", "match", "perl_set" };

    private const int MaxIncludeDepth = 32;

    /// <summary>The context a file is read in: <c>main</c> for a full nginx.conf, <c>http</c> for server fragments, <c>server</c> for location fragments.</summary>
    public static string RootContext(SyntaxTree tree)
    {
        if (tree.Root is not NginxDocumentSyntax doc)
        {
            return "main";
        }

        var names = doc.Directives.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        if (names.Overlaps(["http", "events", "stream", "mail", "worker_processes", "user", "pid", "load_module", "worker_rlimit_nofile"]))
        {
            return "main";
        }

        if (names.Overlaps(["server", "upstream", "map", "geo", "log_format", "limit_req_zone", "proxy_cache_path"]))
        {
            return "http";
        }

        return names.Overlaps(["location", "listen", "server_name"]) ? "server" : "http";
    }

    /// <summary>The configuration prefix: the main file's folder, or for conf.d/sites-* fragments the folder above.</summary>
    public static string Prefix(string mainPath, string rootContext)
    {
        var dir = Path.GetDirectoryName(mainPath)!;
        return rootContext != "main" && Path.GetFileName(dir) is "conf.d" or "sites-enabled" or "sites-available" or "snippets" or "templates"
            ? Path.GetDirectoryName(dir) ?? dir
            : dir;
    }

    /// <summary>The files an nginx file includes directly (resolved inside the root), without reporting.</summary>
    public static IReadOnlyList<string> DirectIncludes(SyntaxTree tree, IWorkspace workspace)
    {
        var result = new List<string>();
        if (tree.Root is not NginxDocumentSyntax doc)
        {
            return result;
        }

        var full = workspace.FullPathOf(tree);
        var prefix = Prefix(full, RootContext(tree));
        foreach (var include in Walk(doc.Directives).Where(d => d.Name == "include" && d.ArgWords.Length == 1))
        {
            result.AddRange(Resolve(include.ArgWords[0].Value, prefix, Path.GetDirectoryName(full)!, workspace).Where(workspace.FileExists));
        }

        return result;
    }

    private static IEnumerable<NginxDirectiveSyntax> Walk(IEnumerable<NginxDirectiveSyntax> list)
    {
        foreach (var d in list)
        {
            yield return d;
            if (d.Block is { } block)
            {
                foreach (var c in Walk(block))
                {
                    yield return c;
                }
            }
        }
    }

    public static NginxConfig Bind(SyntaxTree main, IWorkspace workspace, Version? version = null)
    {
        var context = RootContext(main);
        var fullPath = workspace.FullPathOf(main);
        var state = new State(workspace, Prefix(fullPath, context), Path.GetDirectoryName(fullPath)!);
        var root = new NginxNode(null, null, null, context);
        state.Splice(main, root, 0, inData: false);
        return new NginxConfig(main, root, [.. state.Files.Distinct()], state.Diagnostics.ToImmutable(), version);
    }

    /// <summary>Include targets: relative to the prefix (then to the including folder, for repositories laid out differently); <c>/etc/nginx/…</c> onto the prefix.</summary>
    private static IReadOnlyList<string> Resolve(string pattern, string prefix, string includingDir, IWorkspace workspace)
    {
        if (Path.IsPathRooted(pattern))
        {
            var direct = Glob.Expand(workspace, prefix, pattern);
            if (direct.Count > 0)
            {
                return direct;
            }

            const string etc = "/etc/nginx/";
            return pattern.StartsWith(etc, StringComparison.Ordinal) ? Glob.Expand(workspace, prefix, pattern[etc.Length..]) : [];
        }

        var matches = Glob.Expand(workspace, prefix, pattern);
        return matches.Count > 0 || includingDir == prefix ? matches : Glob.Expand(workspace, includingDir, pattern);
    }

    private sealed class State(IWorkspace workspace, string prefix, string mainDir)
    {
        public List<SyntaxTree> Files { get; } = [];

        public ImmutableArray<BindDiagnostic>.Builder Diagnostics { get; } = ImmutableArray.CreateBuilder<BindDiagnostic>();

        private readonly List<string> _stack = [];

        public void Splice(SyntaxTree tree, NginxNode parent, int depth, bool inData)
        {
            _stack.Add(workspace.FullPathOf(tree));
            Files.Add(tree);
            if (tree.Root is NginxDocumentSyntax doc)
            {
                Add(tree, doc.Directives, parent, depth, inData);
            }

            _stack.RemoveAt(_stack.Count - 1);
        }

        private void Add(SyntaxTree tree, IEnumerable<NginxDirectiveSyntax> directives, NginxNode parent, int depth, bool inData)
        {
            foreach (var d in directives)
            {
                if (d.Name == "include" && !inData)
                {
                    Include(tree, d, parent, depth);
                    continue;
                }

                var node = new NginxNode(tree, d, parent);
                parent.Add(node);
                if (!inData && d.Name.Length > 0 && !NginxDirectives.IsKnown(d.Name))
                {
                    var hint = NginxDirectives.Suggest(d.Name);
                    Diagnostics.Add(new BindDiagnostic("CL0002", DiagnosticLevel.Warning,
                        $"Unknown directive '{d.Name}'; nginx rejects it unless a module that defines it is loaded.{(hint is null ? string.Empty : $" Did you mean '{hint}'?")}",
                        node.NameLocation));
                }

                if (d.Block is { } block)
                {
                    Add(tree, block, node, depth, inData || DataBlocks.Contains(d.Name));
                }
            }
        }

        private void Include(SyntaxTree tree, NginxDirectiveSyntax d, NginxNode parent, int depth)
        {
            if (d.ArgWords.Length != 1)
            {
                return;
            }

            var pattern = d.ArgWords[0].Value;
            var location = new SourceLocation(tree, d.ArgWords[0].Span);
            var matches = Resolve(pattern, prefix, Path.GetDirectoryName(workspace.FullPathOf(tree)) ?? mainDir, workspace).Where(workspace.FileExists).ToList();
            if (matches.Count == 0)
            {
                if (!Glob.HasWildcards(pattern))
                {
                    var absolute = Path.IsPathRooted(pattern);
                    Diagnostics.Add(new BindDiagnostic("CL0004", absolute ? DiagnosticLevel.Note : DiagnosticLevel.Warning,
                        absolute
                            ? $"'include {pattern}' names a file outside the linted folder (inside the container, most likely); it is not analysed."
                            : $"'include {pattern}' matches no file under the configuration prefix; nginx refuses to start unless it exists where nginx runs.",
                        location));
                }

                return;
            }

            if (depth + 1 > MaxIncludeDepth)
            {
                Diagnostics.Add(new BindDiagnostic("CL0004", DiagnosticLevel.Error, $"'include {pattern}' nests more than {MaxIncludeDepth} levels deep.", location));
                return;
            }

            foreach (var match in matches)
            {
                if (_stack.Contains(match, StringComparer.Ordinal))
                {
                    Diagnostics.Add(new BindDiagnostic("CL0004", DiagnosticLevel.Error,
                        $"'include {pattern}' includes '{Path.GetFileName(match)}', which is already being included: an include cycle.", location));
                    continue;
                }

                var included = workspace.GetTree(match, Language.Nginx, out var error);
                if (included is null)
                {
                    Diagnostics.Add(new BindDiagnostic("CL0004", DiagnosticLevel.Error, $"'include {pattern}': {error ?? "the file cannot be read"}.", location));
                    continue;
                }

                Splice(included, parent, depth + 1, inData: false);
            }
        }
    }
}
