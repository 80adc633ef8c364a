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
        var root = BuildTokens(s, diagnostics);
        var documents = BuildDocuments(s, diagnostics);
        return new YamlSyntaxTree(path, language, text, root, diagnostics.ToImmutable(), documents);
    }

    private static SyntaxNode BuildTokens(string s, ImmutableArray<ParseDiagnostic>.Builder diagnostics)
    {
        var pieces = new List<(SyntaxKind Kind, int Start, int End)>();
        var scanner = new Scanner(new StringReader(s), skipComments: false);
        var failedAt = -1;
        try
        {
            var budget = (4L * s.Length) + 64;
            while (scanner.MoveNext())
            {
                var t = scanner.Current!;
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
                    root = builder.ReadNode(parser, 0);
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

        public YamlNode ReadNode(IParser parser, int depth)
        {
            if (--_budget < 0)
            {
                throw new YamlException(parser.Current!.Start, parser.Current.End, "the parser did not make progress");
            }

            if (depth > 256)
            {
                throw new YamlException(parser.Current!.Start, parser.Current.End, "nesting deeper than 256 levels");
            }

            var node = ReadNodeCore(parser, depth);
            if (node.Anchor is { } anchor)
            {
                Anchors[anchor] = node;
            }

            return node;
        }

        private YamlNode ReadNodeCore(IParser parser, int depth)
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
                var items = ImmutableArray.CreateBuilder<YamlNode>();
                try
                {
                    while (Failure is null && !parser.TryConsume<SequenceEnd>(out _))
                    {
                        items.Add(ReadNode(parser, depth + 1));
                    }
                }
                catch (Exception ex) when (IsYamlFailure(ex))
                {
                    Fail(ex);
                }

                var last = items.Count > 0 ? items[^1].Span.End : (int)seqStart.End.Index;
                return new YamlSequenceNode(Span(seqStart.Start, Math.Max(last, (int)seqStart.End.Index)),
                    Anchor(seqStart.Anchor), Tag(seqStart.Tag), items.ToImmutable());
            }

            if (parser.TryConsume<MappingStart>(out var mapStart))
            {
                var pairs = ImmutableArray.CreateBuilder<YamlPair>();
                var keys = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
                try
                {
                    while (Failure is null && !parser.TryConsume<MappingEnd>(out _))
                    {
                        var key = ReadNode(parser, depth + 1);
                        if (Failure is not null)
                        {
                            break;
                        }

                        var value = ReadNode(parser, depth + 1);
                        CheckDuplicate(key, keys);
                        pairs.Add(new YamlPair(key, value));
                    }
                }
                catch (Exception ex) when (IsYamlFailure(ex))
                {
                    Fail(ex);
                }

                var last = pairs.Count > 0 ? pairs[^1].Value.Span.End : (int)mapStart.End.Index;
                return new YamlMappingNode(Span(mapStart.Start, Math.Max(last, (int)mapStart.End.Index)),
                    Anchor(mapStart.Anchor), Tag(mapStart.Tag), pairs.ToImmutable());
            }

            var current = parser.Current!;
            throw new YamlException(current.Start, current.End, $"unexpected {current.GetType().Name}");
        }

        private void CheckDuplicate(YamlNode key, Dictionary<string, YamlNode> keys)
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

        private TextSpan Span(Mark start, int end)
        {
            var s = (int)Math.Min(start.Index, text.Length);
            var e = Math.Clamp(end, s, text.Length);
            return TextSpan.FromBounds(s, e);
        }

        private static string? Anchor(AnchorName anchor) => anchor.IsEmpty ? null : anchor.Value;

        private static string? Tag(TagName tag) => tag.IsEmpty ? null : tag.Value;
    }
}
