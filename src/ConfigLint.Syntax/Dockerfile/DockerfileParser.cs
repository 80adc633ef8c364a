using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Syntax.Dockerfile;

/// <summary>
/// A full-fidelity Dockerfile parser that follows BuildKit's line rules: parser directives only at the top
/// (<c>syntax</c>, <c>escape</c>, <c>check</c>), continuation with the escape character (an escaped escape is
/// not a continuation), comment and empty lines inside continued instructions skipped, here-documents for
/// RUN/COPY/ADD (several per line, <c>&lt;&lt;-</c>, quoted delimiters). Errors are located CL0001/CL0002
/// diagnostics; parsing goes on with the next instruction.
/// </summary>
public static partial class DockerfileParser
{
    private readonly record struct Line(int Start, int ContentEnd, int End);

    public static DockerfileSyntaxTree Parse(string path, SourceText text)
    {
        var s = text.ToString();
        var lines = SplitLines(s);
        var sink = new TokenSink(s);
        var diagnostics = ImmutableArray.CreateBuilder<ParseDiagnostic>();
        var directives = ImmutableArray.CreateBuilder<DockerDirective>();
        var children = ImmutableArray.CreateBuilder<SyntaxElement>();
        var escape = '\\';
        var i = 0;
        if (s.Length > 0 && s[0] == '\uFEFF')
        {
            sink.Trivia(SyntaxKind.ByteOrderMark, 0, 1);
        }

        // Parser directives: consecutive '# name=value' lines at the very top.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (; i < lines.Count; i++)
        {
            var line = lines[i];
            var start = Math.Max(line.Start, sink.Position);
            var content = s[start..line.ContentEnd];
            var trimmed = content.TrimStart(' ', '\t');
            var match = DirectivePattern().Match(trimmed);
            if (!match.Success)
            {
                break;
            }

            var name = match.Groups[1].Value.ToLowerInvariant();
            var value = match.Groups[2].Value;
            var span = TextSpan.FromBounds(start + (content.Length - trimmed.Length), line.ContentEnd);
            if (!seen.Add(name) && name is "escape" or "syntax" or "check")
            {
                diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error, $"Only one '{name}' parser directive can be used.", span));
            }
            else if (name == "escape")
            {
                if (value is "\\" or "`")
                {
                    escape = value[0];
                }
                else
                {
                    diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error, $"Invalid escape token '{value}': it must be \\ or `.", span));
                }
            }

            directives.Add(new DockerDirective(name, value, span));
            sink.LineAsTrivia(start, line, SyntaxKind.Comment);
        }

        while (i < lines.Count)
        {
            var line = lines[i];
            var start = Math.Max(line.Start, sink.Position);
            var content = s[start..line.ContentEnd];
            var trimmed = content.TrimStart(' ', '\t', '\v', '\f', '\r');
            if (trimmed.Length == 0 || trimmed[0] == '#')
            {
                sink.LineAsTrivia(start, line, trimmed.Length == 0 ? SyntaxKind.Whitespace : SyntaxKind.Comment);
                i++;
                continue;
            }

            children.Add(ParseInstruction(s, lines, ref i, escape, sink, diagnostics));
        }

        children.Add(sink.EndOfFile());
        var document = new DockerfileDocumentSyntax(children.ToImmutable());
        if (document.Instructions.Length == 0)
        {
            diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error, "The Dockerfile has no instructions; docker build rejects it.", new TextSpan(0, 0)));
        }

        return new DockerfileSyntaxTree(path, text, document, diagnostics.ToImmutable(), directives.ToImmutable(), escape);
    }

    private static DockerInstructionSyntax ParseInstruction(string s, List<Line> lines, ref int i, char escape, TokenSink sink,
        ImmutableArray<ParseDiagnostic>.Builder diagnostics)
    {
        var tokens = sink.StartNode();
        var first = lines[i];
        var firstStart = Math.Max(first.Start, sink.Position);
        var content = s[firstStart..first.ContentEnd];
        var lead = content.Length - content.TrimStart(' ', '\t', '\v', '\f', '\r').Length;
        var pieceStart = firstStart + lead;
        var logical = new StringBuilder();
        var segments = ImmutableArray.CreateBuilder<Segment>();

        // The keyword: the first word of the first line.
        var keywordEnd = pieceStart;
        while (keywordEnd < first.ContentEnd && !char.IsWhiteSpace(s[keywordEnd]) && !(s[keywordEnd] == escape && IsContinuation(s, pieceStart, first.ContentEnd, escape)))
        {
            keywordEnd++;
        }

        sink.Trivia(SyntaxKind.Whitespace, firstStart, pieceStart);
        sink.Token(SyntaxKind.DockerKeyword, pieceStart, keywordEnd);
        var continued = AppendPiece(s, pieceStart, first.ContentEnd, escape, logical, segments);
        sink.Arguments(keywordEnd, first.ContentEnd);
        sink.Trivia(SyntaxKind.EndOfLine, first.ContentEnd, first.End);
        i++;
        while (continued && i < lines.Count)
        {
            var line = lines[i];
            var text = s[line.Start..line.ContentEnd];
            var trimmed = text.TrimStart(' ', '\t', '\v', '\f', '\r');
            if (trimmed.Length == 0 || trimmed[0] == '#')
            {
                // Comment lines and empty lines inside a continued instruction are skipped.
                sink.LineAsTrivia(line.Start, line, trimmed.Length == 0 ? SyntaxKind.Whitespace : SyntaxKind.Comment);
                i++;
                continue;
            }

            continued = AppendPiece(s, line.Start, line.ContentEnd, escape, logical, segments);
            sink.Arguments(line.Start, line.ContentEnd);
            sink.Trivia(SyntaxKind.EndOfLine, line.ContentEnd, line.End);
            i++;
        }

        var logicalLine = logical.ToString();
        var command = DockerCommandParser.Parse(logicalLine, escape, out var error);
        var keywordSpan = TextSpan.FromBounds(pieceStart, keywordEnd);
        var keyword = command?.Keyword ?? logicalLine.TrimStart().Split([' ', '\t'], 2)[0].ToLowerInvariant();
        if (error is not null)
        {
            diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error, char.ToUpperInvariant(error[0]) + error[1..] + "; docker build rejects this instruction.", keywordSpan));
        }
        else if (!DockerCommandParser.Known.Contains(keyword))
        {
            var hint = DockerCommandParser.Known.OrderBy(k => EditDistance.Compute(k, keyword)).First();
            var suggestion = EditDistance.Compute(hint, keyword) <= 2 ? $" Did you mean '{hint.ToUpperInvariant()}'?" : string.Empty;
            diagnostics.Add(new ParseDiagnostic("CL0002", DiagnosticLevel.Error, $"Unknown instruction '{s[keywordSpan.Start..keywordSpan.End]}'; docker build rejects it.{suggestion}", keywordSpan));
        }

        command ??= new DockerCommand(keyword, [], [], false, null, logicalLine);

        // Here-documents follow the instruction's lines.
        var heredocs = ImmutableArray.CreateBuilder<DockerHeredoc>();
        var target = command.Keyword == "onbuild" ? command.Child : command;
        if (target?.Keyword is "run" or "copy" or "add")
        {
            foreach (Match m in HeredocPattern().Matches(logicalLine))
            {
                if (IsQuotedAt(logicalLine, m.Index))
                {
                    continue;
                }

                var name = m.Groups[3].Value;
                var strip = m.Groups[1].Value == "-";
                var bodyStart = i < lines.Count ? lines[i].Start : s.Length;
                var body = new StringBuilder();
                var terminated = false;
                while (i < lines.Count)
                {
                    var line = lines[i];
                    var lineText = s[line.Start..line.ContentEnd];
                    i++;
                    var compare = strip ? lineText.TrimStart('\t') : lineText;
                    if (compare == name)
                    {
                        sink.Token(SyntaxKind.DockerHeredocBody, bodyStart, line.ContentEnd);
                        sink.Trivia(SyntaxKind.EndOfLine, line.ContentEnd, line.End);
                        terminated = true;
                        break;
                    }

                    body.Append(compare).Append('\n');
                }

                if (!terminated)
                {
                    sink.Token(SyntaxKind.DockerHeredocBody, bodyStart, s.Length);
                    diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error,
                        $"Here-document '{name}' is not terminated: no line reads '{name}' before the end of the file.", TextSpan.FromBounds(pieceStart, keywordEnd)));
                }

                heredocs.Add(new DockerHeredoc(name, strip, m.Groups[2].Length > 0, body.ToString(), TextSpan.FromBounds(bodyStart, Math.Min(s.Length, bodyStart + body.Length))));
            }
        }

        return new DockerInstructionSyntax([.. tokens()], command, logicalLine, new SegmentMap(segments.ToImmutable()), heredocs.ToImmutable());
    }

    /// <summary>Appends one physical line's text to the logical line; returns whether it continues.</summary>
    private static bool AppendPiece(string s, int start, int end, char escape, StringBuilder logical, ImmutableArray<Segment>.Builder segments)
    {
        var continued = IsContinuation(s, start, end, escape);
        var pieceEnd = end;
        if (continued)
        {
            pieceEnd = end;
            while (pieceEnd > start && s[pieceEnd - 1] is ' ' or '\t')
            {
                pieceEnd--;
            }

            pieceEnd--; // the escape character
        }

        segments.Add(new Segment(logical.Length, start, pieceEnd - start));
        logical.Append(s, start, pieceEnd - start);
        return continued;
    }

    /// <summary>The line ends with one escape character (then blanks) that is not itself escaped.</summary>
    private static bool IsContinuation(string s, int start, int end, char escape)
    {
        var e = end;
        while (e > start && s[e - 1] is ' ' or '\t')
        {
            e--;
        }

        return e > start && s[e - 1] == escape && (e - 1 == start || s[e - 2] != escape);
    }

    private static bool IsQuotedAt(string line, int index)
    {
        var quote = '\0';
        for (var i = 0; i < index; i++)
        {
            if (quote == '\0' && line[i] is '\'' or '"')
            {
                quote = line[i];
            }
            else if (line[i] == quote)
            {
                quote = '\0';
            }
        }

        return quote != '\0';
    }

    private static List<Line> SplitLines(string s)
    {
        var lines = new List<Line>();
        var start = 0;
        while (start < s.Length)
        {
            var nl = s.IndexOf('\n', start);
            var end = nl < 0 ? s.Length : nl + 1;
            var contentEnd = nl < 0 ? s.Length : (nl > start && s[nl - 1] == '\r' ? nl - 1 : nl);
            lines.Add(new Line(start, contentEnd, end));
            start = end;
        }

        return lines;
    }

    [GeneratedRegex(@"^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$")]
    private static partial Regex DirectivePattern();

    [GeneratedRegex(@"<<(-?)([""']?)([A-Za-z_][A-Za-z0-9_.-]*)\2")]
    private static partial Regex HeredocPattern();

    /// <summary>Collects tokens and trivia in text order, attaching pending trivia as leading trivia.</summary>
    private sealed class TokenSink(string text)
    {
        private readonly List<SyntaxTrivia> _pending = [];
        private List<SyntaxToken>? _current;

        public int Position { get; private set; }

        public Func<IEnumerable<SyntaxElement>> StartNode()
        {
            var tokens = new List<SyntaxToken>();
            _current = tokens;
            return () =>
            {
                _current = null;
                return tokens;
            };
        }

        public void Trivia(SyntaxKind kind, int start, int end)
        {
            Fill(start);
            if (end > start)
            {
                _pending.Add(new SyntaxTrivia(kind, TextSpan.FromBounds(start, end)));
                Position = end;
            }
        }

        public void Token(SyntaxKind kind, int start, int end)
        {
            Fill(start);
            var token = new SyntaxToken(kind, TextSpan.FromBounds(start, end), [.. _pending], []);
            _pending.Clear();
            Position = end;
            _current?.Add(token);
        }

        /// <summary>The text of a line after the keyword: blanks as trivia, the rest as an arguments token.</summary>
        public void Arguments(int start, int end)
        {
            var i = Math.Max(start, Position);
            var j = i;
            while (j < end && text[j] is ' ' or '\t' or '\v' or '\f' or '\r')
            {
                j++;
            }

            Trivia(SyntaxKind.Whitespace, i, j);
            if (j < end)
            {
                Token(SyntaxKind.DockerArguments, j, end);
            }
        }

        public void LineAsTrivia(int start, Line line, SyntaxKind kind)
        {
            var s = Math.Max(start, Position);
            var content = text[s..line.ContentEnd];
            var lead = content.Length - content.TrimStart(' ', '\t', '\v', '\f', '\r').Length;
            Trivia(SyntaxKind.Whitespace, s, s + lead);
            Trivia(kind, s + lead, line.ContentEnd);
            Trivia(SyntaxKind.EndOfLine, line.ContentEnd, line.End);
        }

        public SyntaxToken EndOfFile()
        {
            Fill(text.Length);
            var token = new SyntaxToken(SyntaxKind.EndOfFile, new TextSpan(text.Length, 0), [.. _pending], []);
            _pending.Clear();
            return token;
        }

        private void Fill(int upTo)
        {
            if (upTo > Position)
            {
                _pending.Add(new SyntaxTrivia(SyntaxKind.SkippedText, TextSpan.FromBounds(Position, upTo)));
                Position = upTo;
            }
        }
    }
}
