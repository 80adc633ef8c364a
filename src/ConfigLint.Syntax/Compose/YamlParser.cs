using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Core.Tokens;
using EvDocumentEnd = YamlDotNet.Core.Events.DocumentEnd;
using EvDocumentStart = YamlDotNet.Core.Events.DocumentStart;
using EvStreamStart = YamlDotNet.Core.Events.StreamStart;

namespace ConfigLint.Syntax.Compose;

/// <summary>
/// Reads YAML with YamlDotNet: the scanner's tokens (comments kept) give the full-fidelity token list,
/// the parser's events give a node tree with exact spans. Duplicate keys are CL0001 (compose v2 rejects
/// them); syntax errors are CL0001 at the scanner's mark and the rest of the file is kept as skipped text.
/// </summary>
public static class YamlParser
{
    public static YamlSyntaxTree Parse(string path, SourceText text, Language language = Language.Compose)
    {
        var s = text.ToString();
        var diagnostics = ImmutableArray.CreateBuilder<ParseDiagnostic>();
        var root = BuildTokens(s, diagnostics, out var tooDeepAt);

        // Past the nesting limit YamlDotNet's scanner slows down with every level (each token checks every open
        // simple key), so the node pass never sees the over-deep rest of the file.
        var documents = BuildDocuments(tooDeepAt >= 0 ? s[..tooDeepAt] : s, diagnostics);
        foreach (var document in documents)
        {
            CheckAliasing(document, diagnostics);
        }

        return new YamlSyntaxTree(path, language, text, root, diagnostics.ToImmutable(), documents);
    }

    /// <summary>
    /// How deep block and flow collections may nest (real compose files nest fewer than ten levels). The token pass
    /// stops at the first collection past it, so neither YamlDotNet nor the node builder ever goes deeper.
    /// </summary>
    public const int MaxNesting = 256;

    private static SyntaxNode BuildTokens(string s, ImmutableArray<ParseDiagnostic>.Builder diagnostics, out int tooDeepAt)
    {
        var pieces = new List<(SyntaxKind Kind, int Start, int End)>();
        var scanner = new Scanner(new StringReader(s), skipComments: false);
        var failedAt = -1;
        tooDeepAt = -1;
        try
        {
            var budget = (4L * s.Length) + 64;
            var nesting = 0;
            while (scanner.MoveNext())
            {
                var t = scanner.Current!;
                nesting += t switch
                {
                    BlockSequenceStart or BlockMappingStart or FlowSequenceStart or FlowMappingStart => 1,
                    BlockEnd or FlowSequenceEnd or FlowMappingEnd => -1,
                    _ => 0,
                };
                if (nesting > MaxNesting)
                {
                    failedAt = tooDeepAt = (int)Math.Min(t.Start.Index, s.Length);
                    diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error,
                        $"YAML collections nest more than {MaxNesting} levels deep here; ConfigLint does not read the rest of the file.", SpanAt(s, failedAt)));
                    break;
                }

                if (t is YamlDotNet.Core.Tokens.Error || --budget < 0)
                {
                    // With comments kept, YamlDotNet reports some errors as Error tokens (and can repeat them
                    // forever); stop at the first one.
                    failedAt = (int)Math.Min(t.Start.Index, s.Length);
                    var message = t is YamlDotNet.Core.Tokens.Error e ? e.Value : "the scanner did not make progress";
                    diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error, "YAML syntax error: " + message.Trim().TrimEnd('.') + ".", SpanAt(s, failedAt)));
                    break;
                }

                var start = (int)t.Start.Index;
                var end = (int)t.End.Index;
                var kind = t switch
                {
                    YamlDotNet.Core.Tokens.Comment => SyntaxKind.Comment,
                    YamlDotNet.Core.Tokens.Scalar => SyntaxKind.YamlScalar,
                    Anchor => SyntaxKind.YamlAnchor,
                    YamlDotNet.Core.Tokens.AnchorAlias => SyntaxKind.YamlAlias,
                    Tag => SyntaxKind.YamlTag,
                    VersionDirective or TagDirective => SyntaxKind.YamlDirective,
                    YamlDotNet.Core.Tokens.DocumentStart => SyntaxKind.YamlDocumentStart,
                    YamlDotNet.Core.Tokens.DocumentEnd => SyntaxKind.YamlDocumentEnd,
                    _ => SyntaxKind.YamlIndicator,
                };
                if (end <= start)
                {
                    // Some flow indicators carry empty marks; claim the indicator character itself.
                    if (t is FlowSequenceStart or FlowSequenceEnd or FlowMappingStart or FlowMappingEnd
                        && start < s.Length && s[start] is '[' or ']' or '{' or '}')
                    {
                        end = start + 1;
                    }
                    else
                    {
                        continue;
                    }
                }

                pieces.Add((kind, start, end));
            }
        }
        catch (YamlException ex)
        {
            failedAt = (int)Math.Min(ex.Start.Index, s.Length);
            diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error, Describe(ex), SpanAt(s, failedAt)));
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or IndexOutOfRangeException or FormatException or OverflowException)
        {
            // The scanner gave up in an inconsistent state: report where it was.
            failedAt = Math.Min(pieces.Count > 0 ? pieces.Max(p => p.End) : 0, s.Length);
            diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error, "YAML syntax error: the file cannot be read past this point.", SpanAt(s, failedAt)));
        }

        // Order, drop overlaps, and fill every gap with whitespace/line-end trivia or skipped text.
        pieces.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.End.CompareTo(a.End));
        var children = ImmutableArray.CreateBuilder<SyntaxElement>();
        var leading = new List<SyntaxTrivia>();
        var pos = 0;
        var limit = failedAt >= 0 ? failedAt : s.Length;
        foreach (var (kind, start, end) in pieces)
        {
            if (start < pos || start >= limit)
            {
                continue;
            }

            AddGap(s, pos, start, leading);
            var clampedEnd = Math.Min(end, limit);
            if (kind == SyntaxKind.Comment)
            {
                leading.Add(new SyntaxTrivia(SyntaxKind.Comment, TextSpan.FromBounds(start, clampedEnd)));
            }
            else
            {
                children.Add(new SyntaxToken(kind, TextSpan.FromBounds(start, clampedEnd), [.. leading], []));
                leading.Clear();
            }

            pos = clampedEnd;
        }

        AddGap(s, pos, limit, leading);
        if (limit < s.Length)
        {
            leading.Add(new SyntaxTrivia(SyntaxKind.SkippedText, TextSpan.FromBounds(limit, s.Length)));
        }

        children.Add(new SyntaxToken(SyntaxKind.EndOfFile, new TextSpan(s.Length, 0), [.. leading], []));
        return new SyntaxNode(SyntaxKind.YamlStream, children.ToImmutable());
    }

    private static void AddGap(string s, int start, int end, List<SyntaxTrivia> trivia)
    {
        var i = start;
        while (i < end)
        {
            var j = i;
            SyntaxKind kind;
            if (s[i] == '\n')
            {
                kind = SyntaxKind.EndOfLine;
                j++;
            }
            else if (s[i] == '\r' && i + 1 < end && s[i + 1] == '\n')
            {
                kind = SyntaxKind.EndOfLine;
                j += 2;
            }
            else if (s[i] is ' ' or '\t' or '\r' or '\uFEFF')
            {
                kind = s[i] == '\uFEFF' ? SyntaxKind.ByteOrderMark : SyntaxKind.Whitespace;
                j++;
                while (kind == SyntaxKind.Whitespace && j < end && s[j] is ' ' or '\t')
                {
                    j++;
                }
            }
            else
            {
                kind = SyntaxKind.SkippedText;
                while (j < end && s[j] is not (' ' or '\t' or '\r' or '\n'))
                {
                    j++;
                }
            }

            trivia.Add(new SyntaxTrivia(kind, TextSpan.FromBounds(i, j)));
            i = j;
        }
    }

    private static ImmutableArray<YamlDocument> BuildDocuments(string s, ImmutableArray<ParseDiagnostic>.Builder diagnostics)
    {
        var documents = ImmutableArray.CreateBuilder<YamlDocument>();
        var parser = new Parser(new Scanner(new StringReader(s), skipComments: true));
        var builder = new Builder(s, diagnostics);
        try
        {
            parser.Consume<EvStreamStart>();
            while (parser.Accept<EvDocumentStart>(out _))
            {
                var start = parser.Consume<EvDocumentStart>();
                builder.Anchors.Clear();
                YamlNode? root = null;
                if (!parser.Accept<EvDocumentEnd>(out _))
                {
                    root = builder.ReadNode(parser);
                }

                if (builder.Failure is not null)
                {
                    // Keep what was read before the error, so the rest of the file is still analysed.
                    if (root is not null)
                    {
                        documents.Add(new YamlDocument(root, TextSpan.FromBounds((int)start.Start.Index, Math.Max((int)start.Start.Index, root.Span.End))));
                    }

                    break;
                }

                var end = parser.Consume<EvDocumentEnd>();
                documents.Add(new YamlDocument(root, TextSpan.FromBounds((int)start.Start.Index, Math.Max((int)start.Start.Index, (int)end.End.Index))));
            }
        }
        catch (Exception ex) when (Builder.IsYamlFailure(ex))
        {
            builder.Fail(ex);
        }
        catch (InsufficientExecutionStackException)
        {
            diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error, "YAML nesting is too deep to analyse.", new TextSpan(0, 0)));
        }

        if (builder.Failure is { } failure)
        {
            // The token pass reports scanner errors; report a parser-level error only when it found none there.
            var at = failure is YamlException y ? (int)Math.Min(y.Start.Index, s.Length) : 0;
            if (!diagnostics.Any(d => d.Id == "CL0001"))
            {
                var message = failure is YamlException ye ? Describe(ye) : "YAML syntax error: the file cannot be read past this point.";
                diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error, message, SpanAt(s, at)));
            }
        }

        return documents.ToImmutable();
    }

    /// <summary>
    /// Aliases are never expanded here, but docker compose's YAML decoder (go-yaml) expands them, and refuses a
    /// document where nodes decoded through aliases outweigh the rest ("document contains excessive aliasing"): the
    /// billion-laughs defence. The same counts are taken without expanding anything: each node's expanded size once,
    /// then a walk in document order that stops at the alias where the ratio is first exceeded.
    /// </summary>
    private static void CheckAliasing(YamlDocument document, ImmutableArray<ParseDiagnostic>.Builder diagnostics)
    {
        // Without an alias nothing is decoded twice; skip the tables (a node count per node) built below.
        if (document.Root is not { } root || !HasAlias(root))
        {
            return;
        }

        const long cap = 1L << 50;
        var sizes = new Dictionary<YamlNode, long>(ReferenceEqualityComparer.Instance);
        long SizeOf(YamlNode node) => node is YamlAliasNode alias
            ? Math.Min(cap, 1 + (alias.Target is { } target ? sizes.GetValueOrDefault(target, 1) : 0))
            : sizes.GetValueOrDefault(node, 1);

        // Children complete before their parent, and an alias's target before the alias (it refers back only).
        var post = new Stack<(YamlNode Node, bool Expanded)>();
        post.Push((root, false));
        while (post.Count > 0)
        {
            var (node, expanded) = post.Pop();
            var children = Children(node);
            if (!expanded && children.Count > 0)
            {
                post.Push((node, true));
                for (var i = children.Count - 1; i >= 0; i--)
                {
                    post.Push((children[i], false));
                }

                continue;
            }

            sizes[node] = node is YamlAliasNode ? SizeOf(node) : Math.Min(cap, 1 + children.Sum(SizeOf));
        }

        long decoded = 0;
        long throughAliases = 0;
        var pre = new Stack<YamlNode>();
        pre.Push(root);
        while (pre.Count > 0)
        {
            var node = pre.Pop();
            decoded++;
            if (node is YamlAliasNode alias)
            {
                var expansion = SizeOf(alias) - 1;
                decoded = Math.Min(cap, decoded + expansion);
                throughAliases = Math.Min(cap, throughAliases + expansion);
                if (throughAliases > 100 && decoded > 1000 && (double)throughAliases / decoded > AllowedAliasRatio(decoded))
                {
                    diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error,
                        $"Alias '*{alias.Name}' makes the document expand to {decoded} nodes or more, mostly through aliases; docker compose's YAML decoder refuses it (\"document contains excessive aliasing\").",
                        alias.Span));
                    return;
                }

                continue;
            }

            var children = Children(node);
            for (var i = children.Count - 1; i >= 0; i--)
            {
                pre.Push(children[i]);
            }
        }
    }

    /// <summary>Whether any node under <paramref name="root"/> is an alias (an explicit stack; nothing else allocated).</summary>
    private static bool HasAlias(YamlNode root)
    {
        var stack = new Stack<YamlNode>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            switch (stack.Pop())
            {
                case YamlAliasNode:
                    return true;
                case YamlSequenceNode sequence:
                    foreach (var item in sequence.Items)
                    {
                        stack.Push(item);
                    }

                    break;
                case YamlMappingNode mapping:
                    foreach (var pair in mapping.Pairs)
                    {
                        stack.Push(pair.Key);
                        stack.Push(pair.Value);
                    }

                    break;
            }
        }

        return false;
    }

    private static IReadOnlyList<YamlNode> Children(YamlNode node) => node switch
    {
        YamlSequenceNode s => s.Items,
        YamlMappingNode m => [.. m.Pairs.SelectMany(p => new[] { p.Key, p.Value })],
        _ => [],
    };

    /// <summary>go-yaml's allowed share of alias-decoded nodes: 99% up to 400,000 nodes, falling linearly to 10% at 4,000,000.</summary>
    private static double AllowedAliasRatio(long decoded) =>
        decoded <= 400_000 ? 0.99 : decoded >= 4_000_000 ? 0.10 : 0.99 - (0.89 * (decoded - 400_000) / 3_600_000.0);

    private static TextSpan SpanAt(string s, int at) => new(at, at < s.Length && s[at] != '\n' && s[at] != '\r' ? 1 : 0);

    private static string Describe(YamlException ex)
    {
        var message = ex.Message;
        var paren = message.IndexOf("): ", StringComparison.Ordinal);
        if (message.StartsWith("(Line", StringComparison.Ordinal) && paren > 0)
        {
            message = message[(paren + 3)..];
        }

        message = message.Trim();
        if (!message.EndsWith('.'))
        {
            message += ".";
        }

        return "YAML syntax error: " + message;
    }

    /// <summary>Builds nodes from parser events; on an error it keeps what it has read and stops.</summary>
    private sealed class Builder(string text, ImmutableArray<ParseDiagnostic>.Builder diagnostics)
    {
        private long _budget = (4L * text.Length) + 64;

        public Dictionary<string, YamlNode> Anchors { get; } = new(StringComparer.Ordinal);

        /// <summary>The first error; once set, nothing more is consumed.</summary>
        public Exception? Failure { get; private set; }

        public static bool IsYamlFailure(Exception ex) =>
            ex is YamlException or InvalidOperationException or ArgumentException or IndexOutOfRangeException or FormatException or OverflowException;

        public void Fail(Exception ex) => Failure ??= ex;

        /// <summary>
        /// Reads one node and everything inside it. Iterative, with the open collections on an explicit stack, so the
        /// thread's stack never grows with the input's nesting; on an error every open collection keeps what it has.
        /// </summary>
        public YamlNode ReadNode(IParser parser)
        {
            var open = new Stack<Collection>();
            while (true)
            {
                YamlNode completed;
                try
                {
                    if (open.TryPeek(out var top) && top.TryEnd(parser, this) is { } ended)
                    {
                        open.Pop();
                        completed = ended;
                    }
                    else
                    {
                        if (--_budget < 0)
                        {
                            throw new YamlException(parser.Current!.Start, parser.Current.End, "the parser did not make progress");
                        }

                        if (open.Count > MaxNesting)
                        {
                            throw new YamlException(parser.Current!.Start, parser.Current.End, $"nesting deeper than {MaxNesting} levels");
                        }

                        if (ReadLeafOrOpen(parser) is { } leaf)
                        {
                            completed = leaf;
                        }
                        else
                        {
                            open.Push(_opened!);
                            continue;
                        }
                    }
                }
                catch (Exception ex) when (IsYamlFailure(ex) && open.Count > 0)
                {
                    Fail(ex);
                    return Unwind(open);
                }

                Register(completed);
                if (open.Count == 0)
                {
                    return completed;
                }

                open.Peek().Add(completed, this);
            }
        }

        /// <summary>After an error: closes the open collections innermost first with what each has read.</summary>
        private YamlNode Unwind(Stack<Collection> open)
        {
            YamlNode? inner = null;
            while (open.Count > 0)
            {
                var collection = open.Pop();
                if (inner is not null)
                {
                    collection.Add(inner, this);
                }

                inner = collection.Build(this);
                Register(inner);
            }

            return inner!;
        }

        internal void Report(ParseDiagnostic diagnostic) => diagnostics.Add(diagnostic);

        private void Register(YamlNode node)
        {
            if (node.Anchor is { } anchor)
            {
                Anchors[anchor] = node;
            }
        }

        private Collection? _opened;

        /// <summary>A scalar or an alias; or null after a collection start was consumed (left in <see cref="_opened"/>).</summary>
        private YamlNode? ReadLeafOrOpen(IParser parser)
        {
            if (parser.TryConsume<YamlDotNet.Core.Events.Scalar>(out var scalar))
            {
                return new YamlScalarNode(Span(scalar.Start, (int)scalar.End.Index), Anchor(scalar.Anchor), Tag(scalar.Tag), scalar.Value, scalar.Style);
            }

            if (parser.TryConsume<YamlDotNet.Core.Events.AnchorAlias>(out var alias))
            {
                var name = alias.Value.Value;
                Anchors.TryGetValue(name, out var target);
                if (target is null)
                {
                    diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error,
                        $"Alias '*{name}' refers to an anchor that is not defined before it.", Span(alias.Start, (int)alias.End.Index)));
                }

                return new YamlAliasNode(Span(alias.Start, (int)alias.End.Index), name, target);
            }

            if (parser.TryConsume<SequenceStart>(out var seqStart))
            {
                _opened = new Collection(seqStart, null);
                return null;
            }

            if (parser.TryConsume<MappingStart>(out var mapStart))
            {
                _opened = new Collection(null, mapStart);
                return null;
            }

            var current = parser.Current!;
            throw new YamlException(current.Start, current.End, $"unexpected {current.GetType().Name}");
        }

        /// <summary>A sequence or mapping being read: its start event and the items or pairs so far.</summary>
        private sealed class Collection(SequenceStart? sequence, MappingStart? mapping)
        {
            private readonly ImmutableArray<YamlNode>.Builder _items = ImmutableArray.CreateBuilder<YamlNode>();
            private readonly ImmutableArray<YamlPair>.Builder _pairs = ImmutableArray.CreateBuilder<YamlPair>();
            private readonly Dictionary<string, YamlNode> _keys = new(StringComparer.Ordinal);
            private YamlNode? _key;

            /// <summary>Consumes the end event and returns the finished node, or null when the collection goes on.</summary>
            public YamlNode? TryEnd(IParser parser, Builder builder) =>
                sequence is not null
                    ? parser.TryConsume<SequenceEnd>(out _) ? Build(builder) : null
                    : _key is null && parser.TryConsume<MappingEnd>(out _) ? Build(builder) : null;

            public void Add(YamlNode node, Builder builder)
            {
                if (sequence is not null)
                {
                    _items.Add(node);
                }
                else if (_key is null)
                {
                    _key = node;
                }
                else
                {
                    builder.CheckDuplicate(_key, _keys);
                    _pairs.Add(new YamlPair(_key, node));
                    _key = null;
                }
            }

            /// <summary>The node with what has been read (a key without its value is dropped).</summary>
            public YamlNode Build(Builder builder)
            {
                if (sequence is not null)
                {
                    var lastItem = _items.Count > 0 ? _items[^1].Span.End : (int)sequence.End.Index;
                    return new YamlSequenceNode(builder.Span(sequence.Start, Math.Max(lastItem, (int)sequence.End.Index)),
                        Anchor(sequence.Anchor), Tag(sequence.Tag), _items.ToImmutable());
                }

                var start = mapping!;
                var last = _pairs.Count > 0 ? _pairs[^1].Value.Span.End : (int)start.End.Index;
                var node = new YamlMappingNode(builder.Span(start.Start, Math.Max(last, (int)start.End.Index)),
                    Anchor(start.Anchor), Tag(start.Tag), _pairs.ToImmutable());
                if (node.MergeTooDeep && !node.SourceTooDeep && node.MergeKey is { } merge)
                {
                    builder.Report(new ParseDiagnostic("CL0001", DiagnosticLevel.Error,
                        $"Merge keys ('<<') chain more than {YamlMappingNode.MaxMergeDepth} mappings deep here; ConfigLint does not follow this merge.", merge.Key.Span));
                }

                return node;
            }
        }

        internal void CheckDuplicate(YamlNode key, Dictionary<string, YamlNode> keys)
        {
            if (key is not YamlScalarNode k || (k.IsPlain && k.Value == "<<"))
            {
                return;
            }

            if (keys.TryGetValue(k.Value, out var first))
            {
                var line = LineOf(first.Span.Start);
                diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error,
                    $"Duplicate key '{k.Value}' (first defined on line {line}); docker compose rejects the file.", k.Span));
            }
            else
            {
                keys[k.Value] = k;
            }
        }

        private int LineOf(int position)
        {
            var line = 1;
            for (var i = 0; i < position && i < text.Length; i++)
            {
                if (text[i] == '\n')
                {
                    line++;
                }
            }

            return line;
        }

        internal TextSpan Span(Mark start, int end)
        {
            var s = (int)Math.Min(start.Index, text.Length);
            var e = Math.Clamp(end, s, text.Length);
            return TextSpan.FromBounds(s, e);
        }

        private static string? Anchor(AnchorName anchor) => anchor.IsEmpty ? null : anchor.Value;

        private static string? Tag(TagName tag) => tag.IsEmpty ? null : tag.Value;
    }
}
