using System.Collections.Immutable;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Nginx;
using Microsoft.CodeAnalysis.Text;

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

    /// <summary>
    /// The configuration prefix: a main file's folder. A fragment is read as nginx reads it from the nginx.conf of its
    /// project: the nearest folder above it (at most four levels, inside the linted folder) that holds an nginx.conf;
    /// failing that, for conf.d/sites-* fragments the folder above.
    /// </summary>
    public static string Prefix(string mainPath, string rootContext, IWorkspace? workspace = null)
    {
        var dir = Path.GetDirectoryName(mainPath)!;
        if (rootContext != "main" && workspace is not null)
        {
            var up = dir;
            for (var level = 0; level < 4 && up is not null && workspace.IsInsideRoot(up); level++, up = Path.GetDirectoryName(up))
            {
                if (workspace.FileExists(Path.Combine(up, "nginx.conf")) && Path.Combine(up, "nginx.conf") != mainPath)
                {
                    return up;
                }
            }
        }

        return rootContext != "main" && Path.GetFileName(dir) is "conf.d" or "sites-enabled" or "sites-available" or "snippets" or "templates"
            ? Path.GetDirectoryName(dir) ?? dir
            : dir;
    }

    /// <summary>Files every nginx package installs next to nginx.conf: including one that the repository does not carry is normal.</summary>
    private static readonly HashSet<string> StockFiles = new(StringComparer.Ordinal)
    {
        "mime.types", "fastcgi_params", "fastcgi.conf", "scgi_params", "uwsgi_params", "koi-utf", "koi-win", "win-utf",
    };

    /// <summary>The files an nginx file includes directly (resolved inside the root), without reporting.</summary>
    public static IReadOnlyList<string> DirectIncludes(SyntaxTree tree, IWorkspace workspace)
    {
        var result = new List<string>();
        if (tree.Root is not NginxDocumentSyntax doc)
        {
            return result;
        }

        var full = tree.FullPath;
        var prefix = Prefix(full, RootContext(tree), workspace);
        foreach (var include in Walk(doc.Directives).Where(d => d.Name == "include" && d.ArgWords.Length == 1))
        {
            result.AddRange(Resolve(include.ArgWords[0].Value, prefix, Path.GetDirectoryName(full)!, workspace).Where(workspace.FileExists));
        }

        return result;
    }

    /// <summary>The directives and everything inside their blocks, in file order (an explicit stack, no recursion).</summary>
    private static IEnumerable<NginxDirectiveSyntax> Walk(ImmutableArray<NginxDirectiveSyntax> list)
    {
        var stack = new Stack<(ImmutableArray<NginxDirectiveSyntax> List, int Next)>();
        stack.Push((list, 0));
        while (stack.Count > 0)
        {
            var (directives, next) = stack.Pop();
            if (next >= directives.Length)
            {
                continue;
            }

            stack.Push((directives, next + 1));
            var d = directives[next];
            yield return d;
            if (d.Block is { } block)
            {
                stack.Push((block, 0));
            }
        }
    }

    /// <summary>
    /// Binds a main file (or a fragment nothing includes) with its includes. A fragment read inside http{} or a server
    /// gets <paramref name="host"/>'s http{} as its <see cref="NginxNode.Outer"/> level: its project's nginx.conf.
    /// </summary>
    public static NginxConfig Bind(SyntaxTree main, IWorkspace workspace, Version? version = null, NginxConfig? host = null)
    {
        var context = RootContext(main);
        var fullPath = main.FullPath;
        var state = new State(workspace, Prefix(fullPath, context, workspace), Path.GetDirectoryName(fullPath)!);
        var root = new NginxNode(null, null, null, context)
        {
            Outer = context is "http" or "server" && host?.Http is { IsRoot: false } http ? http : null,
        };
        // A full nginx.conf's contexts are certain; a fragment's root context is a guess (an http fragment may be a
        // stream one), so only directives whose shape is the same everywhere are checked there.
        var scope = new Scope(context switch { "main" => NginxContext.Main, "server" => NginxContext.Server, _ => NginxContext.Http }, Certain: context == "main");
        state.Splice(main, root, 0, inData: false, scope);
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

    /// <summary>The context directives are read in, and whether it is known (a full nginx.conf) or guessed (a fragment).</summary>
    private readonly record struct Scope(NginxContext Context, bool Certain);

    private sealed class State(IWorkspace workspace, string prefix, string mainDir)
    {
        public List<SyntaxTree> Files { get; } = [];

        public ImmutableArray<BindDiagnostic>.Builder Diagnostics { get; } = ImmutableArray.CreateBuilder<BindDiagnostic>();

        private readonly IncludeStack _stack = new();

        public void Splice(SyntaxTree tree, NginxNode parent, int depth, bool inData, Scope? scope, SourceLocation? via = null, string? directive = null)
        {
            _stack.Push(tree.FullPath, via, directive);
            Files.Add(tree);
            if (tree.Root is NginxDocumentSyntax doc)
            {
                Add(tree, doc.Directives, parent, depth, inData, scope);
            }

            _stack.Pop();
        }

        private void Add(SyntaxTree tree, IEnumerable<NginxDirectiveSyntax> directives, NginxNode parent, int depth, bool inData, Scope? scope)
        {
            foreach (var d in directives)
            {
                if (!inData && scope is { } where)
                {
                    CheckShape(tree, d, where);
                }

                if (d.Name == "include" && !inData)
                {
                    Include(tree, d, parent, depth, scope);
                    continue;
                }

                var node = new NginxNode(tree, d, parent);
                parent.Add(node);
                if (!inData && d.Name.Length > 0 && !NginxDirectives.IsKnown(d.Name))
                {
                    var hint = Diagnostics.Count < SyntaxTree.MaxDiagnosticsPerId ? NginxDirectives.Suggest(d.Name) : null;
                    Diagnostics.Add(new BindDiagnostic("CL0002", DiagnosticLevel.Warning,
                        $"Unknown directive '{d.Name}'; nginx rejects it unless a module that defines it is loaded.{(hint is null ? string.Empty : $" Did you mean '{hint}'?")}",
                        node.NameLocation));
                }

                if (d.Block is not { } block)
                {
                    continue;
                }

                if (block.Length > 0 && node.Ancestors().Count() > NginxParser.MaxNesting)
                {
                    // Each file nests at most MaxNesting levels; included files could stack them deeper still.
                    Diagnostics.Add(new BindDiagnostic("CL0001", DiagnosticLevel.Error,
                        $"Block '{d.Name}' is nested more than {NginxParser.MaxNesting} levels deep through includes; ConfigLint does not read what is inside it.",
                        node.NameLocation));
                }
                else
                {
                    Add(tree, block, node, depth, inData || DataBlocks.Contains(d.Name), scope is { } outer ? Inner(outer, d.Name) : null);
                }
            }
        }

        /// <summary>
        /// nginx's own checks before a directive's handler runs, from the shape table: the directive is allowed in
        /// this context ("is not allowed here"), has a block exactly when it must ("has no opening {", "is not
        /// terminated by ;") and takes an argument count it accepts ("invalid number of arguments"). A missing ';'
        /// that merges two lines into one directive usually shows up here.
        /// </summary>
        private void CheckShape(SyntaxTree tree, NginxDirectiveSyntax d, Scope scope)
        {
            if (!d.Terminated || NginxDirectiveShapes.Of(d.Name) is not { } shapes)
            {
                return;
            }

            NginxDirectiveShape shape;
            if (scope.Certain)
            {
                if (!shapes.TryGetValue(scope.Context, out shape))
                {
                    var allowed = string.Join(", ", shapes.Keys.Order().Select(NginxDirectiveShapes.Describe));
                    Report(tree, d, $"Directive '{d.Name}' is not allowed in {Article(scope.Context)}; nginx refuses to start (\"directive is not allowed here\"). Its contexts: {allowed}.");
                    return;
                }
            }
            else if (shapes.Values.Distinct().Count() == 1)
            {
                shape = shapes.Values.First();
            }
            else
            {
                return;
            }

            if (shape.Block && d.Block is null)
            {
                Report(tree, d, $"Directive '{d.Name}' needs a block ('{{ … }}') here; nginx refuses to start (\"has no opening {{\").");
            }
            else if (!shape.Block && d.Block is not null)
            {
                Report(tree, d, $"Directive '{d.Name}' takes no block; nginx refuses to start (\"directive is not terminated by ;\").");
            }
            else if (!shape.Accepts(d.ArgWords.Length))
            {
                var merged = d.Block is null && d.ArgWords.Any(a => LineOf(tree, a.Span.Start) != LineOf(tree, d.NameWord.Span.Start))
                    ? " The arguments run over several lines: is a ';' missing at the end of the first one?"
                    : string.Empty;
                Report(tree, d, $"Directive '{d.Name}' takes {shape.DescribeArity()}, not {d.ArgWords.Length}; nginx refuses to start (\"invalid number of arguments\").{merged}");
            }
        }

        private static int LineOf(SyntaxTree tree, int position) => tree.Text.Lines.GetLineFromPosition(position).LineNumber;

        private static string Article(NginxContext context) => context switch
        {
            NginxContext.ServerIf or NginxContext.LocationIf => "an '" + NginxDirectiveShapes.Describe(context) + "' block",
            NginxContext.Main => "the main context",
            _ => $"a '{NginxDirectiveShapes.Describe(context)}' block",
        };

        /// <summary>CL0001 from the directive's name to its ';' or '{' (nginx names the line where the statement ends).</summary>
        private void Report(SyntaxTree tree, NginxDirectiveSyntax d, string message)
        {
            var end = d.Children.OfType<SyntaxToken>().FirstOrDefault(t => t.Kind is SyntaxKind.NginxSemicolon or SyntaxKind.NginxOpenBrace)?.TokenSpan.End
                ?? (d.ArgWords.Length > 0 ? d.ArgWords[^1].Span.End : d.NameWord.Span.End);
            Diagnostics.Add(new BindDiagnostic("CL0001", DiagnosticLevel.Error, message, new SourceLocation(tree, TextSpan.FromBounds(d.NameWord.Span.Start, end))));
        }

        /// <summary>The context inside a block directive, when the shape table covers it (not stream, mail or module blocks).</summary>
        private static Scope? Inner(Scope outer, string name) => (outer.Context, name) switch
        {
            (NginxContext.Main, "events") => outer with { Context = NginxContext.Events },
            (NginxContext.Main, "http") => outer with { Context = NginxContext.Http },
            (NginxContext.Http, "server") => outer with { Context = NginxContext.Server },
            (NginxContext.Http, "upstream") => outer with { Context = NginxContext.Upstream },
            (NginxContext.Server or NginxContext.Location, "location") => outer with { Context = NginxContext.Location },
            (NginxContext.Server, "if") => outer with { Context = NginxContext.ServerIf },
            (NginxContext.Location, "if") => outer with { Context = NginxContext.LocationIf },
            (NginxContext.Location, "limit_except") => outer with { Context = NginxContext.LimitExcept },
            _ => null,
        };

        private void Include(SyntaxTree tree, NginxDirectiveSyntax d, NginxNode parent, int depth, Scope? scope)
        {
            if (d.ArgWords.Length != 1)
            {
                return;
            }

            if (_stack.Exhausted)
            {
                return;
            }

            var pattern = d.ArgWords[0].Value;
            var location = new SourceLocation(tree, d.ArgWords[0].Span);
            var matches = Resolve(pattern, prefix, Path.GetDirectoryName(tree.FullPath) ?? mainDir, workspace).Where(workspace.FileExists).ToList();
            if (matches.Count == 0)
            {
                if (!Glob.HasWildcards(pattern) && !StockFiles.Contains(Path.GetFileName(pattern)))
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
                if (_stack.Contains(match))
                {
                    // nginx has no include depth limit: it recurses until it runs out of stack (nginx -t crashes) or of open files.
                    _stack.ReportCycle(match, location, $"include {pattern}", "nginx recurses through it until it crashes or runs out of open files.", Diagnostics);
                    continue;
                }

                var included = workspace.GetTree(match, Language.Nginx, out var error);
                if (included is null)
                {
                    Diagnostics.Add(new BindDiagnostic("CL0004", DiagnosticLevel.Error, $"'include {pattern}': {error ?? "the file cannot be read"}.", location));
                    continue;
                }

                if (!_stack.Admit(location, $"include {pattern}", Diagnostics))
                {
                    return;
                }

                Splice(included, parent, depth + 1, inData: false, scope, location, $"include {pattern}");
            }
        }
    }
}
