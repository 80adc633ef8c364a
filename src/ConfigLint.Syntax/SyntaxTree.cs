using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Syntax;

/// <summary>A piece of text that carries no meaning: whitespace, line ends, comments, skipped bytes.</summary>
public readonly record struct SyntaxTrivia(SyntaxKind Kind, TextSpan Span);

/// <summary>A token or a node: one element of a full-fidelity tree.</summary>
public abstract class SyntaxElement
{
    protected SyntaxElement(SyntaxKind kind) => Kind = kind;

    public SyntaxKind Kind { get; }

    public SyntaxNode? Parent { get; internal set; }

    /// <summary>The span including leading and trailing trivia.</summary>
    public abstract TextSpan FullSpan { get; }

    /// <summary>The span without trivia.</summary>
    public abstract TextSpan Span { get; }
}

/// <summary>A token: its own text plus the trivia before and after it.</summary>
public sealed class SyntaxToken : SyntaxElement
{
    public SyntaxToken(SyntaxKind kind, TextSpan span, ImmutableArray<SyntaxTrivia> leading, ImmutableArray<SyntaxTrivia> trailing)
        : base(kind)
    {
        TokenSpan = span;
        LeadingTrivia = leading.IsDefault ? [] : leading;
        TrailingTrivia = trailing.IsDefault ? [] : trailing;
    }

    public TextSpan TokenSpan { get; }

    public ImmutableArray<SyntaxTrivia> LeadingTrivia { get; }

    public ImmutableArray<SyntaxTrivia> TrailingTrivia { get; }

    public override TextSpan Span => TokenSpan;

    public override TextSpan FullSpan
    {
        get
        {
            var start = LeadingTrivia.Length > 0 ? LeadingTrivia[0].Span.Start : TokenSpan.Start;
            var end = TrailingTrivia.Length > 0 ? TrailingTrivia[^1].Span.End : TokenSpan.End;
            return TextSpan.FromBounds(start, end);
        }
    }
}

/// <summary>An interior node; its children cover its full span without gaps.</summary>
public class SyntaxNode : SyntaxElement
{
    public SyntaxNode(SyntaxKind kind, ImmutableArray<SyntaxElement> children)
        : base(kind)
    {
        Children = children.IsDefault ? [] : children;
        foreach (var child in Children)
        {
            child.Parent = this;
        }
    }

    public ImmutableArray<SyntaxElement> Children { get; }

    public override TextSpan FullSpan => Children.Length == 0
        ? default
        : TextSpan.FromBounds(Children[0].FullSpan.Start, Children[^1].FullSpan.End);

    public override TextSpan Span
    {
        get
        {
            var tokens = DescendantTokens().Where(t => t.Kind != SyntaxKind.EndOfFile || t.TokenSpan.Length > 0).ToList();
            return tokens.Count == 0 ? new TextSpan(FullSpan.Start, 0) : TextSpan.FromBounds(tokens[0].TokenSpan.Start, tokens[^1].TokenSpan.End);
        }
    }

    /// <summary>Every token below the node, in text order (walked with an explicit stack: no recursion on input depth).</summary>
    public IEnumerable<SyntaxToken> DescendantTokens() => Descendants().OfType<SyntaxToken>();

    /// <summary>Every node below the node, parents before children, in text order.</summary>
    public IEnumerable<SyntaxNode> DescendantNodes() => Descendants().OfType<SyntaxNode>();

    /// <summary>Every element below the node in pre-order, without recursion, so a deep tree cannot exhaust the stack.</summary>
    private IEnumerable<SyntaxElement> Descendants()
    {
        var stack = new Stack<(SyntaxNode Node, int Next)>();
        stack.Push((this, 0));
        while (stack.Count > 0)
        {
            var (node, next) = stack.Pop();
            if (next >= node.Children.Length)
            {
                continue;
            }

            stack.Push((node, next + 1));
            var child = node.Children[next];
            yield return child;
            if (child is SyntaxNode inner)
            {
                stack.Push((inner, 0));
            }
        }
    }
}

/// <summary>A diagnostic found while reading a file (CL0001 syntax, CL0002 unknown option, CL0004 include).</summary>
public sealed record ParseDiagnostic(string Id, DiagnosticLevel Level, string Message, TextSpan Span);

/// <summary>The parse result for one file: text, tree and parse diagnostics.</summary>
public class SyntaxTree
{
    public SyntaxTree(string path, Language language, SourceText text, SyntaxNode root, ImmutableArray<ParseDiagnostic> diagnostics)
    {
        Path = path;
        Language = language;
        Text = text;
        Root = root;
        Diagnostics = Cap(diagnostics.IsDefault ? [] : diagnostics);
    }

    /// <summary>The file path, as the engine names it (relative to the working folder, with '/').</summary>
    public string Path { get; }

    private string? _fullPath;

    /// <summary>The file's identity: its full path on disk, stamped once by the workspace that read it (a tree parsed from a string has its <see cref="Path"/>).</summary>
    public string FullPath => _fullPath ?? Path;

    /// <summary>Records where the tree was read from; the first stamp wins.</summary>
    internal void IdentifyAs(string fullPath) => _fullPath ??= fullPath;

    public Language Language { get; }

    public SourceText Text { get; }

    public SyntaxNode Root { get; }

    public ImmutableArray<ParseDiagnostic> Diagnostics { get; }

    /// <summary>How many parse diagnostics of one ID a file keeps: a hostile file can hold millions of stray braces.</summary>
    public const int MaxDiagnosticsPerId = 200;

    /// <summary>The first <see cref="MaxDiagnosticsPerId"/> of each ID (in file order), then one that says how many more there were.</summary>
    private static ImmutableArray<ParseDiagnostic> Cap(ImmutableArray<ParseDiagnostic> diagnostics)
    {
        if (diagnostics.Length <= MaxDiagnosticsPerId)
        {
            return diagnostics;
        }

        var result = ImmutableArray.CreateBuilder<ParseDiagnostic>();
        foreach (var group in diagnostics.GroupBy(d => d.Id))
        {
            var ordered = group.OrderBy(d => d.Span.Start).ToList();
            result.AddRange(ordered.Take(MaxDiagnosticsPerId));
            if (ordered.Count > MaxDiagnosticsPerId)
            {
                var first = ordered[MaxDiagnosticsPerId];
                result.Add(first with { Message = $"{ordered.Count - MaxDiagnosticsPerId} more {first.Id} problems in this file are not listed (ConfigLint lists at most {MaxDiagnosticsPerId} per file); fix the ones above and check again." });
            }
        }

        return result.ToImmutable();
    }

    /// <summary>Every token and trivia in text order.</summary>
    public IEnumerable<(SyntaxKind Kind, TextSpan Span)> Pieces()
    {
        foreach (var token in Root.DescendantTokens())
        {
            foreach (var t in token.LeadingTrivia)
            {
                yield return (t.Kind, t.Span);
            }

            yield return (token.Kind, token.TokenSpan);
            foreach (var t in token.TrailingTrivia)
            {
                yield return (t.Kind, t.Span);
            }
        }
    }

    /// <summary>The comment trivia of the file, in order.</summary>
    public IEnumerable<TextSpan> Comments() =>
        Pieces().Where(p => p.Kind == SyntaxKind.Comment).Select(p => p.Span);

    /// <summary>Prints the tree back: the concatenation of every token and trivia.</summary>
    public string ToFullString()
    {
        var sb = new StringBuilder(Text.Length);
        foreach (var (_, span) in Pieces())
        {
            sb.Append(Text.ToString(span));
        }

        return sb.ToString();
    }

    /// <summary>Checks that tokens and trivia cover the text exactly once, in order. Returns the first gap or overlap.</summary>
    public string? CheckFidelity()
    {
        var position = 0;
        foreach (var (kind, span) in Pieces())
        {
            if (span.Start != position)
            {
                return $"{kind} at {span.Start} but expected position {position}";
            }

            position = span.End;
        }

        return position == Text.Length ? null : $"tree ends at {position}, text length {Text.Length}";
    }
}
