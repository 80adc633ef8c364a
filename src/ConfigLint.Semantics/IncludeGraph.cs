using System.Collections.Immutable;
using ConfigLint.Syntax;

namespace ConfigLint.Semantics;

/// <summary>
/// The include graph of one language's files: which files are configurations of their own, and how include cycles
/// are reported. Everything is iterative, so a long include chain cannot exhaust the stack.
/// </summary>
public static class IncludeGraph
{
    /// <summary>
    /// The files that are bound as main configurations: those no file outside their own include cycle includes. A file
    /// nothing includes is one; so is every file of a cycle that nothing outside it includes (tor, nginx or squid could be
    /// started with any of them). The graph is followed from <paramref name="trees"/> through <paramref name="load"/>,
    /// so the answer is the same whichever of the files were named.
    /// </summary>
    public static ImmutableArray<SyntaxTree> Roots(IReadOnlyList<SyntaxTree> trees, Func<SyntaxTree, IReadOnlyList<string>> includes,
        Func<string, SyntaxTree?> load, int maxFiles = 10_000)
    {
        var nodes = new List<SyntaxTree>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var edges = new List<List<int>>();
        int Add(SyntaxTree tree)
        {
            var path = tree.FullPath;
            if (!index.TryGetValue(path, out var i))
            {
                i = nodes.Count;
                index[path] = i;
                nodes.Add(tree);
                edges.Add([]);
            }

            return i;
        }

        foreach (var tree in trees)
        {
            Add(tree);
        }

        for (var i = 0; i < nodes.Count; i++)
        {
            foreach (var path in includes(nodes[i]))
            {
                if (index.TryGetValue(path, out var j) || (nodes.Count < maxFiles && load(path) is { } child && (j = Add(child)) >= 0))
                {
                    edges[i].Add(j);
                }
            }
        }

        var component = StronglyConnectedComponents(edges);
        var included = new HashSet<int>();
        for (var i = 0; i < nodes.Count; i++)
        {
            foreach (var j in edges[i])
            {
                if (component[i] != component[j])
                {
                    included.Add(component[j]);
                }
            }
        }

        return [.. nodes.Where((_, i) => !included.Contains(component[i]))];
    }

    /// <summary>Tarjan's algorithm with an explicit call stack: the component number of each node.</summary>
    private static int[] StronglyConnectedComponents(List<List<int>> edges)
    {
        var n = edges.Count;
        var order = new int[n];
        var low = new int[n];
        var component = new int[n];
        var onStack = new bool[n];
        Array.Fill(order, -1);
        var stack = new Stack<int>();
        var calls = new Stack<(int Node, int Edge)>();
        var counter = 0;
        var components = 0;
        for (var start = 0; start < n; start++)
        {
            if (order[start] >= 0)
            {
                continue;
            }

            Visit(start);
            while (calls.Count > 0)
            {
                var (v, e) = calls.Pop();
                if (e < edges[v].Count)
                {
                    calls.Push((v, e + 1));
                    var w = edges[v][e];
                    if (order[w] < 0)
                    {
                        Visit(w);
                    }
                    else if (onStack[w])
                    {
                        low[v] = Math.Min(low[v], order[w]);
                    }

                    continue;
                }

                if (low[v] == order[v])
                {
                    int w;
                    do
                    {
                        w = stack.Pop();
                        onStack[w] = false;
                        component[w] = components;
                    }
                    while (w != v);
                    components++;
                }

                if (calls.Count > 0)
                {
                    var parent = calls.Peek().Node;
                    low[parent] = Math.Min(low[parent], low[v]);
                }
            }
        }

        return component;

        void Visit(int v)
        {
            order[v] = low[v] = counter++;
            stack.Push(v);
            onStack[v] = true;
            calls.Push((v, 0));
        }
    }
}

/// <summary>
/// The files a binder is splicing, innermost last, each with the include that brought it in. When an include names a
/// file already on the stack, every include on that cycle is reported, each in its own words: so a cycle gets the same
/// diagnostics whichever of its files the binding started from.
/// </summary>
internal sealed class IncludeStack
{
    private readonly List<(string Path, SourceLocation? Via, string? Directive)> _frames = [];
    private readonly HashSet<(SourceLocation, string)> _reported = [];

    /// <summary>
    /// How many files one configuration may splice in all. Depth limits do not bound fan-out: 300 files in a folder
    /// that each include the folder again splice 300^31 times. Past this budget the binder stops following includes.
    /// </summary>
    public const int MaxSplices = 4096;

    private int _splices;

    public int Count => _frames.Count;

    /// <summary>The budget is spent: every further include is skipped without resolving it.</summary>
    public bool Exhausted { get; private set; }

    /// <summary>Counts one more file spliced in by <paramref name="directive"/>; false (reported once, located) when the budget is spent.</summary>
    public bool Admit(SourceLocation location, string directive, ImmutableArray<BindDiagnostic>.Builder diagnostics)
    {
        if (Exhausted)
        {
            return false;
        }

        if (++_splices <= MaxSplices)
        {
            return true;
        }

        Exhausted = true;
        diagnostics.Add(new BindDiagnostic("CL0004", DiagnosticLevel.Error,
            $"'{directive}' takes this configuration past {MaxSplices} spliced files: its includes fan out (globs or folders whose files include each other again and again); ConfigLint stops following includes here, and the daemon would take as long to read them.",
            location));
        return false;
    }

    public void Push(string path, SourceLocation? via = null, string? directive = null) => _frames.Add((path, via, directive));

    public void Pop() => _frames.RemoveAt(_frames.Count - 1);

    public bool Contains(string path) => _frames.Exists(f => f.Path == path);

    /// <summary>
    /// The top file's <paramref name="directive"/> at <paramref name="location"/> includes <paramref name="target"/>,
    /// which is on the stack: reports that include and each include from <paramref name="target"/> down to the top file.
    /// </summary>
    public void ReportCycle(string target, SourceLocation location, string directive, string consequence, ImmutableArray<BindDiagnostic>.Builder diagnostics)
    {
        Report(location, directive, _frames[^1].Path, target, consequence, diagnostics);
        var first = _frames.FindIndex(f => f.Path == target);
        for (var i = first + 1; i < _frames.Count; i++)
        {
            if (_frames[i].Via is { } via)
            {
                Report(via, _frames[i].Directive!, _frames[i - 1].Path, _frames[i].Path, consequence, diagnostics);
            }
        }
    }

    private void Report(SourceLocation location, string directive, string from, string target, string consequence, ImmutableArray<BindDiagnostic>.Builder diagnostics)
    {
        var name = Path.GetRelativePath(Path.GetDirectoryName(from)!, target).Replace(Path.DirectorySeparatorChar, '/');
        var message = from == target
            ? $"'{directive}' includes '{name}', the file it is in: an include cycle; {consequence}"
            : $"'{directive}' includes '{name}', which leads back to this file: an include cycle; {consequence}";
        if (_reported.Add((location, message)))
        {
            diagnostics.Add(new BindDiagnostic("CL0004", DiagnosticLevel.Error, message, location));
        }
    }
}
