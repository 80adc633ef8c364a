using System.Collections.Immutable;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Nginx;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Semantics.Nginx;

/// <summary>
/// One directive of the effective nginx configuration, with includes spliced in place: its file, its parent block
/// and its children. The synthetic root has no directive and stands for the context the main file is read in.
/// </summary>
public sealed class NginxNode
{
    /// <summary>A block with more children than this indexes them by name as they are added.</summary>
    private const int IndexThreshold = 8;

    private readonly List<NginxNode> _children = [];

    /// <summary>
    /// The children by name, in file order, built while binding once the block has more than
    /// <see cref="IndexThreshold"/> children (an http{} with thousands of servers); smaller blocks are scanned. Never
    /// changed after binding, so lookups need no lock.
    /// </summary>
    private Dictionary<string, List<NginxNode>>? _byName;

    private IReadOnlyList<string>? _args;

    internal NginxNode(SyntaxTree? tree, NginxDirectiveSyntax? directive, NginxNode? parent, string rootContext = "main")
    {
        Tree = tree;
        Directive = directive;
        Parent = parent;
        Name = directive?.Name ?? rootContext;
    }

    public SyntaxTree? Tree { get; }

    /// <summary>
    /// For the root of a fragment nothing includes: the <c>http</c> block of its project's nginx.conf (the one whose folder
    /// is the fragment's prefix), where nginx would read it. Inherited values continue there; nothing else crosses it.
    /// </summary>
    public NginxNode? Outer { get; internal set; }

    public NginxDirectiveSyntax? Directive { get; }

    public NginxNode? Parent { get; }

    /// <summary>The directive name; for the root, the context it stands for (<c>main</c>, <c>http</c>, <c>server</c>).</summary>
    public string Name { get; }

    public bool IsRoot => Directive is null;

    public ImmutableArray<NginxWord> ArgWords => Directive?.ArgWords ?? [];

    /// <summary>The arguments' values, made once on first use (rules ask for them on every node they look at).</summary>
    public IReadOnlyList<string> Args => _args ??= [.. ArgWords.Select(a => a.Value)];

    public string Arg(int i) => i < ArgWords.Length ? ArgWords[i].Value : string.Empty;

    public bool IsBlock => Directive?.Block is not null || IsRoot;

    public IReadOnlyList<NginxNode> Children => _children;

    internal void Add(NginxNode child)
    {
        _children.Add(child);
        if (_byName is not null)
        {
            AddToIndex(_byName, child);
        }
        else if (_children.Count > IndexThreshold)
        {
            _byName = new Dictionary<string, List<NginxNode>>(StringComparer.Ordinal);
            foreach (var c in _children)
            {
                AddToIndex(_byName, c);
            }
        }
    }

    private static void AddToIndex(Dictionary<string, List<NginxNode>> index, NginxNode child)
    {
        if (!index.TryGetValue(child.Name, out var list))
        {
            index[child.Name] = list = [];
        }

        list.Add(child);
    }

    /// <summary>Name to last argument.</summary>
    public SourceLocation Location => new(Tree!, Directive!.ArgWords.Length > 0
        ? TextSpan.FromBounds(Directive.NameWord.Span.Start, Directive.ArgWords[^1].Span.End) : Directive.NameWord.Span);

    public SourceLocation NameLocation => new(Tree!, Directive!.NameWord.Span);

    public SourceLocation At(NginxWord word) => new(Tree!, word.Span);

    /// <summary>The directive as written, arguments joined by blanks (for messages).</summary>
    public string Text => IsRoot ? Name : string.Join(' ', Args.Prepend(Name));

    /// <summary>Every directive below this one, parents first, in file order (an explicit stack, no recursion).</summary>
    public IEnumerable<NginxNode> Descendants()
    {
        var stack = new Stack<(NginxNode Node, int Next)>();
        stack.Push((this, 0));
        while (stack.Count > 0)
        {
            var (node, next) = stack.Pop();
            if (next >= node._children.Count)
            {
                continue;
            }

            stack.Push((node, next + 1));
            var child = node._children[next];
            yield return child;
            stack.Push((child, 0));
        }
    }

    /// <summary>The enclosing blocks, nearest first.</summary>
    public IEnumerable<NginxNode> Ancestors()
    {
        for (var p = Parent; p is not null; p = p.Parent)
        {
            yield return p;
        }
    }

    /// <summary>The direct children with a name, in file order.</summary>
    public IEnumerable<NginxNode> Directives(string name) =>
        _byName is null ? _children.Where(c => c.Name == name) : _byName.TryGetValue(name, out var list) ? list : [];

    /// <summary>The last direct child with a name (nginx merges a level's own value first).</summary>
    public NginxNode? Own(string name)
    {
        if (_byName is not null)
        {
            return _byName.TryGetValue(name, out var list) ? list[^1] : null;
        }

        for (var i = _children.Count - 1; i >= 0; i--)
        {
            if (_children[i].Name == name)
            {
                return _children[i];
            }
        }

        return null;
    }

    /// <summary>The nearest enclosing block of a kind.</summary>
    public NginxNode? Enclosing(string name) => Ancestors().FirstOrDefault(a => a.Name == name);

    public override string ToString() => Text;
}

/// <summary>One <c>listen</c> socket of a server.</summary>
public sealed record NginxListen(NginxNode Node, string Address, string Port, bool DefaultServer, bool Ssl)
{
    public string Socket => $"{Address}:{Port}";
}

/// <summary>
/// The effective configuration of one nginx: the main file (or a fragment read in the context nginx would include
/// it in) with every <c>include</c> spliced in place. Inheritance helpers follow nginx's merge rules: a level's own
/// value wins, else the parent's; array directives such as <c>add_header</c> are inherited only by levels that define
/// none of their own.
/// </summary>
public sealed class NginxConfig
{
    internal NginxConfig(SyntaxTree main, NginxNode root, ImmutableArray<SyntaxTree> files, ImmutableArray<BindDiagnostic> diagnostics, Version? version)
    {
        Main = main;
        Root = root;
        Files = files;
        Diagnostics = diagnostics;
        NginxVersion = version;

        // Built once, after binding: every rule walks these instead of the tree.
        _all = [.. root.Descendants()];
        foreach (var node in _all)
        {
            if (!_named.TryGetValue(node.Name, out var list))
            {
                _named[node.Name] = list = [];
            }

            list.Add(node);
        }

        Http = Root.Name == "http" ? Root : Root.Directives("http").FirstOrDefault();
        _servers = Root.Name == "server" ? [Root] : [.. Named("server").Where(n => n.IsBlock && n.Parent?.Name is "http" && n.Parent == Http)];
    }

    private readonly NginxNode[] _all;

    private readonly Dictionary<string, List<NginxNode>> _named = new(StringComparer.Ordinal);

    private readonly NginxNode[] _servers;

    public SyntaxTree Main { get; }

    public NginxNode Root { get; }

    public ImmutableArray<SyntaxTree> Files { get; }

    public ImmutableArray<BindDiagnostic> Diagnostics { get; }

    /// <summary>The nginx version the deployment shows (an image tag, a pinned package, the base distribution), if any.</summary>
    public Version? NginxVersion { get; }

    /// <summary>Every directive below the root, parents first, in file order (listed once, when the configuration is built).</summary>
    public IReadOnlyList<NginxNode> All => _all;

    /// <summary>The directives with a name anywhere in the configuration, in the order of <see cref="All"/> (from a table built once).</summary>
    public IReadOnlyList<NginxNode> Named(string name) => _named.TryGetValue(name, out var list) ? list : [];

    /// <summary>The <c>http</c> level: the <c>http</c> block, or the root when the file is read inside http.</summary>
    public NginxNode? Http { get; }

    /// <summary>Every <c>server</c> block of the http level (a server fragment's root counts as one).</summary>
    public IReadOnlyList<NginxNode> Servers => _servers;

    /// <summary>Line 1 of the main file.</summary>
    public SourceLocation FileStart => new(Main, Main.Text.Lines.Count > 0 ? Main.Text.Lines[0].Span : default);

    /// <summary>The effective value of a single-value directive at a level: its own, else the nearest ancestor's.</summary>
    public static NginxNode? Effective(NginxNode level, string name)
    {
        for (NginxNode? n = level; n is not null; n = n.Parent ?? n.Outer)
        {
            if (n.Own(name) is { } own)
            {
                return own;
            }
        }

        return null;
    }

    /// <summary>
    /// The effective lines of an array directive (<c>add_header</c>, <c>proxy_set_header</c>, …) at a level: its own
    /// lines when it has any, else those of the nearest ancestor that has some (all-or-nothing inheritance).
    /// </summary>
    public static (NginxNode? Level, IReadOnlyList<NginxNode> Lines) EffectiveArray(NginxNode level, string name)
    {
        for (NginxNode? n = level; n is not null; n = n.Parent ?? n.Outer)
        {
            var own = n.Directives(name).ToList();
            if (own.Count > 0)
            {
                return (n, own);
            }
        }

        return (null, []);
    }

    /// <summary>The listen sockets of a server (<c>listen 80</c> means <c>*:80</c>; no listen means <c>*:80</c>).</summary>
    public static IReadOnlyList<NginxListen> Listens(NginxNode server)
    {
        var result = new List<NginxListen>();
        foreach (var listen in server.Directives("listen"))
        {
            var spec = listen.Arg(0);
            string address;
            string port;
            if (spec.StartsWith("unix:", StringComparison.Ordinal))
            {
                (address, port) = (spec, string.Empty);
            }
            else if (spec.StartsWith('['))
            {
                var close = spec.IndexOf(']', StringComparison.Ordinal);
                address = close > 0 ? spec[..(close + 1)] : spec;
                port = close > 0 && close + 1 < spec.Length && spec[close + 1] == ':' ? spec[(close + 2)..] : "80";
            }
            else if (spec.Contains(':', StringComparison.Ordinal))
            {
                var colon = spec.LastIndexOf(':');
                (address, port) = (spec[..colon], spec[(colon + 1)..]);
            }
            else if (spec.All(char.IsAsciiDigit))
            {
                (address, port) = ("*", spec);
            }
            else
            {
                (address, port) = (spec, "80");
            }

            var options = listen.Args.Skip(1).ToList();
            result.Add(new NginxListen(listen, address, port, options.Contains("default_server") || options.Contains("default"), options.Contains("ssl")));
        }

        return result;
    }
}
