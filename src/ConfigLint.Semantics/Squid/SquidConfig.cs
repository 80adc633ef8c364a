using System.Collections.Immutable;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Squid;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Semantics.Squid;

/// <summary>A token of an effective squid line: the value squid sees (macros expanded) and its source span.</summary>
public sealed record SquidWord(string Value, TextSpan Span, bool Quoted);

/// <summary>One effective squid.conf line (inside a true <c>if</c> branch), with the file it came from.</summary>
public sealed class SquidLine
{
    internal SquidLine(SyntaxTree tree, SquidDirectiveSyntax directive, ImmutableArray<SquidWord> words, bool quotedValues, int index)
    {
        Tree = tree;
        Directive = directive;
        Words = words;
        QuotedValues = quotedValues;
        Index = index;
    }

    public SyntaxTree Tree { get; }

    public SquidDirectiveSyntax Directive { get; }

    /// <summary>The directive name then its arguments.</summary>
    public ImmutableArray<SquidWord> Words { get; }

    /// <summary>Whether <c>configuration_includes_quoted_values on</c> was in effect (quoted tokens are values, not files).</summary>
    public bool QuotedValues { get; }

    /// <summary>Position in the effective configuration (file order, includes spliced).</summary>
    public int Index { get; }

    public string Name => Directive.Name;

    public ImmutableArray<SquidWord> Args => Words.Length > 1 ? Words[1..] : [];

    public string Arg(int i) => i < Args.Length ? Args[i].Value : string.Empty;

    /// <summary>The whole directive, name to last argument.</summary>
    public SourceLocation Location => new(Tree, Words.Length > 1 && Words[^1].Span.End > Directive.NameSpan.Start
        ? TextSpan.FromBounds(Directive.NameSpan.Start, Words[^1].Span.End) : Directive.NameSpan);

    public SourceLocation NameLocation => new(Tree, Directive.NameSpan);

    public SourceLocation At(SquidWord word) => new(Tree, word.Span);

    /// <summary>The arguments joined with single blanks, for messages.</summary>
    public string Text => string.Join(' ', Words.Select(w => w.Value));

    public override string ToString() => Text;
}

/// <summary>An <c>acl</c> name with all its definition lines (re-declaring a name appends values).</summary>
public sealed class SquidAcl
{
    internal SquidAcl(string name, string type, bool predefined)
    {
        Name = name;
        Type = type;
        Predefined = predefined;
    }

    public string Name { get; }

    /// <summary>The ACL type (<c>src</c>, <c>dst</c>, <c>port</c>, <c>proxy_auth</c>, …).</summary>
    public string Type { get; }

    /// <summary>One of squid's built-in ACLs that the configuration did not define itself.</summary>
    public bool Predefined { get; }

    public List<(SquidLine Line, ImmutableArray<SquidWord> Values)> Definitions { get; } = [];

    /// <summary>Values read from files (<c>"path"</c> or <c>parameters("path")</c>), when the file was readable.</summary>
    public List<string> FileValues { get; } = [];

    /// <summary>Some values come from a file ConfigLint could not read, so the value list is incomplete.</summary>
    public bool HasUnknownValues { get; internal set; }

    public IEnumerable<string> Values => Definitions.SelectMany(d => d.Values.Where(v => !IsFileReference(v, d.Line)).Select(v => v.Value)).Concat(FileValues);

    public SquidLine? FirstLine => Definitions.Count > 0 ? Definitions[0].Line : null;

    /// <summary>The key argument of a keyed ACL type (<c>req_header</c>'s header name, <c>note</c>'s annotation name), as first given.</summary>
    internal (string Value, SquidLine Line)? Key { get; set; }

    /// <summary>The value tree squid before 7.0.1 builds for a domain ACL (to find the value it dies on), until it dies.</summary>
    internal SquidDomainTree<(SquidLine Line, SquidWord Word, string? File)>? Domains { get; set; }

    /// <summary>squid died inserting one of this ACL's domain values: the later ones are never read.</summary>
    internal bool DomainsFailed { get; set; }

    internal static bool IsFileReference(SquidWord word, SquidLine line) =>
        (word.Quoted && !line.QuotedValues) || word.Value.StartsWith("parameters(", StringComparison.Ordinal);
}

/// <summary>One reference to an ACL in an access line: <c>name</c> or <c>!name</c>.</summary>
public sealed record SquidAclRef(string Name, bool Negated, SquidWord Word)
{
    public override string ToString() => (Negated ? "!" : string.Empty) + Name;
}

/// <summary>A line of an access list (<c>http_access allow|deny acl…</c> and the like).</summary>
public sealed record SquidAccessRule(SquidLine Line, string List, bool Allow, ImmutableArray<SquidAclRef> Acls)
{
    public string Action => Allow ? "allow" : "deny";

    public override string ToString() => Line.Text;
}

/// <summary>An <c>http_port</c> or <c>https_port</c> line.</summary>
public sealed class SquidPort
{
    internal SquidPort(SquidLine line)
    {
        Line = line;
        var spec = line.Arg(0);
        Spec = spec;
        var colon = spec.LastIndexOf(':');
        if (spec.StartsWith('[') && spec.Contains("]:", StringComparison.Ordinal))
        {
            Address = spec[1..spec.IndexOf(']', StringComparison.Ordinal)];
            PortText = spec[(spec.IndexOf("]:", StringComparison.Ordinal) + 2)..];
        }
        else if (colon > 0 && !spec.StartsWith('['))
        {
            Address = spec[..colon];
            PortText = spec[(colon + 1)..];
        }
        else
        {
            PortText = spec;
        }

        Port = int.TryParse(PortText, out var p) ? p : null;
        Options = [.. line.Args.Skip(1).Select(a => a.Value)];
    }

    public SquidLine Line { get; }

    /// <summary>The first argument as written (<c>3128</c>, <c>127.0.0.1:3128</c>, <c>[::1]:3128</c>).</summary>
    public string Spec { get; }

    /// <summary>The bind address, or null for every interface.</summary>
    public string? Address { get; }

    public string PortText { get; }

    public int? Port { get; }

    public ImmutableArray<string> Options { get; }

    public bool IsHttps => Line.Name == "https_port";

    public bool Has(string option) => Options.Any(o => o == option || o.StartsWith(option + "=", StringComparison.Ordinal));

    public string? OptionValue(string option) =>
        Options.FirstOrDefault(o => o.StartsWith(option + "=", StringComparison.Ordinal))?[(option.Length + 1)..];

    /// <summary>A reverse-proxy port (<c>accel</c>, or its implying options).</summary>
    public bool IsAccel => Has("accel") || Has("vhost") || Has("vport") || Has("defaultsite");

    /// <summary>An interception port (<c>intercept</c>, <c>tproxy</c>, or the old <c>transparent</c>).</summary>
    public bool IsIntercept => Has("intercept") || Has("tproxy") || Has("transparent");

    /// <summary>The port name <c>myportname</c> ACLs compare with: <c>name=</c>, else the first argument.</summary>
    public string Name => OptionValue("name") ?? Spec;

    /// <summary>Whether the port listens only on loopback.</summary>
    public bool IsLoopbackOnly => Address is not null && NetAddress.Classify(Address) == AddressScope.Loopback;
}

/// <summary>An <c>auth_param scheme parameter [value…]</c> line.</summary>
public sealed record SquidAuthParam(SquidLine Line, string Scheme, string Parameter);

/// <summary>A <c>cache_peer host type http-port icp-port [options]</c> line.</summary>
public sealed record SquidCachePeer(SquidLine Line, string Host, string Type, int? HttpPort, ImmutableArray<string> Options)
{
    public bool IsParent => Type == "parent";

    public string Name => Options.FirstOrDefault(o => o.StartsWith("name=", StringComparison.Ordinal))?[5..] ?? Host;
}

/// <summary>A <c>request_header_access</c> / <c>reply_header_access header allow|deny acl…</c> line.</summary>
public sealed record SquidHeaderAccess(SquidLine Line, bool Request, string Header, bool Allow, ImmutableArray<SquidAclRef> Acls);

/// <summary>
/// The effective configuration of one squid: the main squid.conf with its includes spliced in order and
/// <c>if</c>/<c>else</c> branches chosen. Access lists, ACLs (appended across redefinitions), listening ports,
/// auth, peers and header rules are typed views over the lines.
/// </summary>
public sealed class SquidConfig
{
    private readonly ILookup<string, SquidLine> _byName;

    internal SquidConfig(SyntaxTree main, ImmutableArray<SquidLine> lines, ImmutableArray<SyntaxTree> files,
        ImmutableArray<BindDiagnostic> diagnostics, IReadOnlyDictionary<string, SquidAcl> acls)
    {
        Main = main;
        Lines = lines;
        Files = files;
        Diagnostics = diagnostics;
        Acls = acls;
        _byName = lines.ToLookup(l => CanonicalName(l.Name), StringComparer.Ordinal);
        Ports = [.. lines.Where(l => l.Name is "http_port" or "ascii_port" or "https_port" && l.Args.Length > 0).Select(l => new SquidPort(l))];
        AuthParams = [.. this["auth_param"].Where(l => l.Args.Length >= 2).Select(l => new SquidAuthParam(l, l.Arg(0), l.Arg(1)))];
        CachePeers = [.. this["cache_peer"].Where(l => l.Args.Length >= 3)
            .Select(l => new SquidCachePeer(l, l.Arg(0), l.Arg(1), int.TryParse(l.Arg(2), out var p) ? p : null, [.. l.Args.Skip(4).Select(a => a.Value)]))];
        HeaderAccess = [.. lines.Where(l => l.Name is "request_header_access" or "reply_header_access" && l.Args.Length >= 2 && l.Arg(1) is "allow" or "deny")
            .Select(l => new SquidHeaderAccess(l, l.Name == "request_header_access", l.Arg(0), l.Arg(1) == "allow", Refs(l, 2)))];
    }

    /// <summary>Directives with an alias are filed under their main name (<c>http_access2</c> → <c>adapted_http_access</c>).</summary>
    private static string CanonicalName(string name) => SquidDirectives.Lookup(name)?.Name ?? name;

    public SyntaxTree Main { get; }

    public ImmutableArray<SquidLine> Lines { get; }

    public ImmutableArray<SyntaxTree> Files { get; }

    public ImmutableArray<BindDiagnostic> Diagnostics { get; }

    /// <summary>Every ACL by name: the configuration's own and squid's predefined ones.</summary>
    public IReadOnlyDictionary<string, SquidAcl> Acls { get; }

    public ImmutableArray<SquidPort> Ports { get; }

    public ImmutableArray<SquidAuthParam> AuthParams { get; }

    public ImmutableArray<SquidCachePeer> CachePeers { get; }

    public ImmutableArray<SquidHeaderAccess> HeaderAccess { get; }

    /// <summary>The squid version the deployment shows (a pinned package, an image tag, the base distribution), if any.</summary>
    public Version? SquidVersion { get; init; }

    /// <summary>The effective lines of a directive (by main name or alias), in order.</summary>
    public IEnumerable<SquidLine> this[string name] => _byName[CanonicalName(name)];

    /// <summary>The last line of a scalar directive (last one wins), or null.</summary>
    public SquidLine? Last(string name) => this[name].LastOrDefault();

    /// <summary>An access list (<c>http_access</c>, <c>never_direct</c>, <c>snmp_access</c>, …) in order.</summary>
    public IReadOnlyList<SquidAccessRule> AccessList(string name) =>
        [.. this[name].Where(l => l.Args.Length >= 1 && l.Arg(0) is "allow" or "deny")
            .Select(l => new SquidAccessRule(l, CanonicalName(name), l.Arg(0) == "allow", Refs(l, 1)))];

    /// <summary>The forward-proxy listeners: ports without <c>accel</c> (interception ports included).</summary>
    public IEnumerable<SquidPort> ForwardPorts => Ports.Where(p => !p.IsAccel);

    /// <summary>Whether the configuration serves as a forward proxy: a non-accel port, or no port line at all (an include fragment or the default 3128).</summary>
    public bool IsForwardProxy => Ports.Length == 0 || ForwardPorts.Any();

    public SquidAcl? Acl(string name) => Acls.GetValueOrDefault(name);

    /// <summary>Line 1 of the main file: where absence findings go.</summary>
    public SourceLocation FileStart => new(Main, Main.Text.Lines.Count > 0 ? Main.Text.Lines[0].Span : default);

    private static ImmutableArray<SquidAclRef> Refs(SquidLine line, int from) =>
        [.. line.Args.Skip(from).Where(w => w.Value.Length > 0 && w.Value != "!")
            .Select(w => w.Value[0] == '!' ? new SquidAclRef(w.Value[1..], true, w) : new SquidAclRef(w.Value, false, w))];
}
