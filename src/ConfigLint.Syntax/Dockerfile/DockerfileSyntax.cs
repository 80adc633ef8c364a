using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Syntax.Dockerfile;

/// <summary>A builder flag such as <c>--from=build</c>, as BuildKit extracts it (quotes and escapes removed).</summary>
public sealed record DockerFlag(string Text)
{
    /// <summary>The flag name without dashes (<c>from</c>).</summary>
    public string Name => (Text.IndexOf('=') is var i and >= 0 ? Text[..i] : Text).TrimStart('-');

    /// <summary>The value after '=', or null for a bare flag.</summary>
    public string? Value => Text.IndexOf('=') is var i and >= 0 ? Text[(i + 1)..] : null;
}

/// <summary>A here-document attached to RUN, COPY or ADD.</summary>
public sealed record DockerHeredoc(string Name, bool StripTabs, bool Quoted, string Content, TextSpan Span);

/// <summary>
/// One instruction as BuildKit's parser sees it: lower-case keyword, builder flags, and the argument list its
/// per-instruction rules produce (JSON or shell form, ENV/LABEL triples, HEALTHCHECK type, ONBUILD child).
/// </summary>
public sealed record DockerCommand(
    string Keyword,
    ImmutableArray<DockerFlag> Flags,
    ImmutableArray<string> Args,
    bool IsJson,
    DockerCommand? Child,
    string Original)
{
    /// <summary>BuildKit's AST dump of this instruction: <c>(copy ["--from=x"] "a" "b")</c>.</summary>
    public string Dump()
    {
        var sb = new StringBuilder();
        sb.Append('(').Append(Keyword.ToLowerInvariant());
        if (Flags.Length > 0)
        {
            sb.Append(" [").Append(string.Join(' ', Flags.Select(f => GoQuote(f.Text)))).Append(']');
        }

        if (Child is not null)
        {
            sb.Append(' ').Append(Child.Dump());
        }

        foreach (var arg in Args)
        {
            sb.Append(' ').Append(GoQuote(arg));
        }

        return sb.Append(')').ToString();
    }

    /// <summary>Go's strconv.Quote: printable runes kept, the rest escaped.</summary>
    public static string GoQuote(string s)
    {
        var sb = new StringBuilder("\"");
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\a': sb.Append("\\a"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\v': sb.Append("\\v"); break;
                default:
                    if (c < 0x20 || c == 0x7f)
                    {
                        sb.Append($"\\x{(int)c:x2}");
                    }
                    else if (char.IsControl(c))
                    {
                        sb.Append($"\\u{(int)c:x4}");
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }
}

/// <summary>An instruction in the tree: its tokens, the logical line BuildKit sees, and its parsed command.</summary>
public sealed class DockerInstructionSyntax : SyntaxNode
{
    internal DockerInstructionSyntax(ImmutableArray<SyntaxElement> children, DockerCommand command, string logicalLine,
        SegmentMap segments, ImmutableArray<DockerHeredoc> heredocs)
        : base(SyntaxKind.DockerInstruction, children)
    {
        Command = command;
        LogicalLine = logicalLine;
        Segments = segments;
        Heredocs = heredocs;
        KeywordToken = (SyntaxToken)children.First(c => c.Kind == SyntaxKind.DockerKeyword);
    }

    public DockerCommand Command { get; }

    /// <summary>Upper-case keyword (<c>RUN</c>), as written but normalised.</summary>
    public string Keyword => Command.Keyword.ToUpperInvariant();

    public SyntaxToken KeywordToken { get; }

    /// <summary>The instruction's lines joined as BuildKit joins them (continuations and comment lines removed).</summary>
    public string LogicalLine { get; }

    public SegmentMap Segments { get; }

    public ImmutableArray<DockerHeredoc> Heredocs { get; }

    /// <summary>Maps a range of <see cref="LogicalLine"/> back to the source text.</summary>
    public TextSpan MapLogical(int start, int length) => Segments.Map(start, length) ?? KeywordToken.TokenSpan;
}

/// <summary>The root of a Dockerfile tree.</summary>
public sealed class DockerfileDocumentSyntax : SyntaxNode
{
    internal DockerfileDocumentSyntax(ImmutableArray<SyntaxElement> children)
        : base(SyntaxKind.DockerfileDocument, children)
    {
        Instructions = children.OfType<DockerInstructionSyntax>().ToImmutableArray();
    }

    public ImmutableArray<DockerInstructionSyntax> Instructions { get; }
}

/// <summary>A parser directive at the top of a Dockerfile (<c># syntax=…</c>, <c># escape=`</c>, <c># check=…</c>).</summary>
public sealed record DockerDirective(string Name, string Value, TextSpan Span);

/// <summary>A parsed Dockerfile: tree, directives and the escape character in effect.</summary>
public sealed class DockerfileSyntaxTree : SyntaxTree
{
    public DockerfileSyntaxTree(string path, SourceText text, DockerfileDocumentSyntax root, ImmutableArray<ParseDiagnostic> diagnostics,
        ImmutableArray<DockerDirective> directives, char escape)
        : base(path, Language.Dockerfile, text, root, diagnostics)
    {
        Directives = directives;
        Escape = escape;
    }

    public ImmutableArray<DockerDirective> Directives { get; }

    public char Escape { get; }

    public ImmutableArray<DockerInstructionSyntax> Instructions => ((DockerfileDocumentSyntax)Root).Instructions;

    /// <summary>BuildKit's AST dump of the whole file (one instruction a line), for conformance tests.</summary>
    public string Dump() => string.Join('\n', Instructions.Select(i => i.Command.Dump())) + "\n";
}
