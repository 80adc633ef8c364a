using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Syntax.Nginx;

/// <summary>A word as nginx reads it: the raw text and the value (quotes removed, nginx's escapes applied).</summary>
public sealed record NginxWord(string Value, TextSpan Span, bool Quoted);

/// <summary>A directive: name, arguments, and either ';' or a block of child directives.</summary>
public sealed class NginxDirectiveSyntax : SyntaxNode
{
    internal NginxDirectiveSyntax(ImmutableArray<SyntaxElement> children, NginxWord name, ImmutableArray<NginxWord> args,
        ImmutableArray<NginxDirectiveSyntax>? block, bool terminated)
        : base(SyntaxKind.NginxDirective, children)
    {
        NameWord = name;
        ArgWords = args;
        Block = block;
        Terminated = terminated;
    }

    public NginxWord NameWord { get; }

    public string Name => NameWord.Value;

    public ImmutableArray<NginxWord> ArgWords { get; }

    public IEnumerable<string> Args => ArgWords.Select(a => a.Value);

    /// <summary>The child directives of a block directive, or null for a simple one.</summary>
    public ImmutableArray<NginxDirectiveSyntax>? Block { get; }

    /// <summary>Whether the directive ended properly with ';' or '}'.</summary>
    public bool Terminated { get; }
}

public sealed class NginxDocumentSyntax : SyntaxNode
{
    internal NginxDocumentSyntax(ImmutableArray<SyntaxElement> children)
        : base(SyntaxKind.NginxDocument, children) => Directives = children.OfType<NginxDirectiveSyntax>().ToImmutableArray();

    public ImmutableArray<NginxDirectiveSyntax> Directives { get; }
}

/// <summary>
/// A full-fidelity nginx configuration parser after ngx_conf_read_token: words separated by blanks and line ends,
/// ';' and '{' end a word, '#' starts a comment only at the start of a token, both quote kinds with nginx's
/// escapes, '${' does not open a block, and <c>*_by_lua_block</c> bodies are kept as opaque raw text.
/// Errors (a missing ';', an unexpected '}', an unclosed block or quote) are located CL0001 diagnostics.
/// </summary>
public static class NginxParser
{
    /// <summary>
    /// How deep blocks may nest before the parser stops reading structure (real configurations nest fewer than ten
    /// levels). A deeper block is one opaque token, so no tree, binder or rule ever recurses deeper than this.
    /// </summary>
    public const int MaxNesting = 100;

    /// <summary>Arguments one directive keeps (nginx's own directives take at most a few dozen).</summary>
    public const int MaxArguments = 4096;

    public static SyntaxTree Parse(string path, SourceText text)
    {
        var parser = new State(text.ToString(), text);
        var children = parser.ParseList(topLevel: true);
        children.Add(parser.EndOfFile());
        return new SyntaxTree(path, Language.Nginx, text, new NginxDocumentSyntax(children.ToImmutable()), parser.Diagnostics.ToImmutable());
    }

    private sealed class State(string s, SourceText text)
    {
        private readonly List<SyntaxTrivia> _pending = [];

        /// <summary>
        /// One string per distinct unquoted word of this file (directive names and common values repeat thousands of
        /// times in a large configuration; one copy each keeps the tree smaller).
        /// </summary>
        private readonly Dictionary<string, string> _words = new(StringComparer.Ordinal);
        private int _nesting;
        private int _pos = s.Length > 0 && s[0] == '\uFEFF' ? 1 : 0;
        private bool _bomTaken;

        public ImmutableArray<ParseDiagnostic>.Builder Diagnostics { get; } = ImmutableArray.CreateBuilder<ParseDiagnostic>();

        public SyntaxToken EndOfFile()
        {
            SkipTrivia();
            var token = new SyntaxToken(SyntaxKind.EndOfFile, new TextSpan(s.Length, 0), TakePending(), []);
            return token;
        }

        /// <summary>Directives until '}' (or end of file at top level).</summary>
        public ImmutableArray<SyntaxElement>.Builder ParseList(bool topLevel)
        {
            var list = ImmutableArray.CreateBuilder<SyntaxElement>();
            while (true)
            {
                SkipTrivia();
                if (_pos >= s.Length)
                {
                    return list;
                }

                var c = s[_pos];
                if (c == '}')
                {
                    if (topLevel)
                    {
                        list.Add(StrayRun(SyntaxKind.NginxCloseBrace, string.Empty));
                        continue;
                    }

                    return list;
                }

                if (c is ';' or '{')
                {
                    list.Add(StrayRun(c == ';' ? SyntaxKind.NginxSemicolon : SyntaxKind.NginxOpenBrace, " with no directive before it"));
                    continue;
                }

                list.Add(ParseDirective());
            }
        }

        /// <summary>
        /// A stray '{', ';' or '}' where no directive owns it, with every copy that follows it directly: one error and one
        /// token for the run (a hostile file can hold millions of them).
        /// </summary>
        private SyntaxNode StrayRun(SyntaxKind kind, string context)
        {
            var c = s[_pos];
            var end = _pos + 1;
            while (end < s.Length && s[end] == c)
            {
                end++;
            }

            var run = end - _pos == 1 ? string.Empty : $" ({end - _pos} in a row)";
            Diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error, $"Unexpected '{c}'{run}{context}; nginx rejects the configuration.", TextSpan.FromBounds(_pos, end)));
            return new SyntaxNode(SyntaxKind.NginxBlock, [Token(kind, _pos, end)]);
        }

        private NginxDirectiveSyntax ParseDirective()
        {
            var elements = ImmutableArray.CreateBuilder<SyntaxElement>();
            var (name, nameToken) = ReadWord();
            elements.Add(nameToken);
            var args = ImmutableArray.CreateBuilder<NginxWord>();
            while (true)
            {
                SkipTrivia();
                if (_pos >= s.Length)
                {
                    Diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error,
                        $"Directive '{name.Value}' is not terminated by ';' before the end of the file.", name.Span));
                    return new NginxDirectiveSyntax(elements.ToImmutable(), name, args.ToImmutable(), null, false);
                }

                var c = s[_pos];
                if (c == ';')
                {
                    elements.Add(Token(SyntaxKind.NginxSemicolon, _pos, _pos + 1));
                    return new NginxDirectiveSyntax(elements.ToImmutable(), name, args.ToImmutable(), null, true);
                }

                if (c == '}')
                {
                    // Leave the '}' to the enclosing block.
                    Diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error,
                        $"Unexpected '}}': directive '{name.Value}' (line {LineOf(name.Span.Start)}) is not terminated by ';'.", new TextSpan(_pos, 1)));
                    return new NginxDirectiveSyntax(elements.ToImmutable(), name, args.ToImmutable(), null, false);
                }

                if (c == '{')
                {
                    elements.Add(Token(SyntaxKind.NginxOpenBrace, _pos, _pos + 1));
                    if (name.Value.EndsWith("_by_lua_block", StringComparison.Ordinal))
                    {
                        var rawEnd = LuaBodyEnd(_pos);
                        if (rawEnd > _pos)
                        {
                            elements.Add(Token(SyntaxKind.NginxRawBlock, _pos, rawEnd));
                        }

                        if (rawEnd < s.Length)
                        {
                            elements.Add(Token(SyntaxKind.NginxCloseBrace, rawEnd, rawEnd + 1));
                        }
                        else
                        {
                            Diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error, $"Block '{name.Value}' is not closed by '}}'.", name.Span));
                        }

                        return new NginxDirectiveSyntax(elements.ToImmutable(), name, args.ToImmutable(), [], rawEnd < s.Length);
                    }

                    if (_nesting >= MaxNesting)
                    {
                        return OverDeepBlock(elements, name, args.ToImmutable());
                    }

                    _nesting++;
                    var children = ParseList(topLevel: false);
                    _nesting--;
                    elements.AddRange(children);
                    SkipTrivia();
                    var closed = _pos < s.Length;
                    if (closed)
                    {
                        elements.Add(Token(SyntaxKind.NginxCloseBrace, _pos, _pos + 1));
                    }
                    else
                    {
                        // nginx reports "unexpected end of file, expecting '}'" at the last line; name the block's line too.
                        Diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error,
                            $"Unexpected end of file: block '{name.Value}' (line {LineOf(name.Span.Start)}) is not closed by '}}'; nginx rejects the configuration.", new TextSpan(s.Length, 0)));
                    }

                    return new NginxDirectiveSyntax(elements.ToImmutable(), name, args.ToImmutable(),
                        children.OfType<NginxDirectiveSyntax>().ToImmutableArray(), closed);
                }

                if (args.Count == MaxArguments)
                {
                    elements.Add(SurplusArguments(name));
                    continue;
                }

                var (word, token) = ReadWord();
                args.Add(word);
                elements.Add(token);
            }
        }

        /// <summary>
        /// The arguments past <see cref="MaxArguments"/> (a hostile file can give one directive millions): read to find
        /// where the directive ends, kept as one raw token so the text round-trips, and reported once.
        /// </summary>
        private SyntaxToken SurplusArguments(NginxWord name)
        {
            var leading = TakePending();
            var start = leading.Length > 0 ? leading[0].Span.Start : _pos;
            var end = _pos;
            var reported = Diagnostics.Count;
            while (true)
            {
                SkipTrivia();
                if (_pos >= s.Length || s[_pos] is ';' or '{' or '}')
                {
                    break;
                }

                ReadWord();
                end = _pos;

                // What the skipped words would report is covered by the one diagnostic below.
                if (Diagnostics.Count > reported)
                {
                    Diagnostics.RemoveRange(reported, Diagnostics.Count - reported);
                }
            }

            Diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error,
                $"Directive '{name.Value}' has more than {MaxArguments} arguments; ConfigLint does not read the rest.", TextSpan.FromBounds(start, end)));
            return new SyntaxToken(SyntaxKind.NginxRawBlock, TextSpan.FromBounds(start, end), [], []);
        }

        /// <summary>
        /// A block opened past <see cref="MaxNesting"/> levels: reported where it opens, and its body up to the matching
        /// '}' kept as one raw token (an empty block for the binder and the rules), so the text still round-trips.
        /// </summary>
        private NginxDirectiveSyntax OverDeepBlock(ImmutableArray<SyntaxElement>.Builder elements, NginxWord name, ImmutableArray<NginxWord> args)
        {
            var open = _pos - 1;
            Diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error,
                $"Block '{name.Value}' is nested more than {MaxNesting} levels deep; ConfigLint does not read what is inside it.",
                TextSpan.FromBounds(name.Span.Start, open + 1)));
            var bodyEnd = BlockBodyEnd(open);
            if (bodyEnd > _pos)
            {
                elements.Add(Token(SyntaxKind.NginxRawBlock, _pos, bodyEnd));
            }

            var closed = bodyEnd < s.Length;
            if (closed)
            {
                elements.Add(Token(SyntaxKind.NginxCloseBrace, bodyEnd, bodyEnd + 1));
            }
            else
            {
                Diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error,
                    $"Unexpected end of file: block '{name.Value}' (line {LineOf(name.Span.Start)}) is not closed by '}}'; nginx rejects the configuration.", new TextSpan(s.Length, 0)));
            }

            return new NginxDirectiveSyntax(elements.ToImmutable(), name, args, [], closed);
        }

        /// <summary>
        /// The index of the '}' that closes a block opened at <paramref name="open"/>, found the way the tokenizer reads:
        /// '#' comments and quotes only at the start of a word, '\' escapes, '${' inside a word, '}' only at the start of a word.
        /// </summary>
        private int BlockBodyEnd(int open)
        {
            var depth = 1;
            var i = open + 1;
            var wordStart = true;
            while (i < s.Length)
            {
                var c = s[i];
                if (c is ' ' or '\t' or '\r' or '\n' or ';')
                {
                    wordStart = true;
                    i++;
                }
                else if (c == '#' && wordStart)
                {
                    while (i < s.Length && s[i] != '\n')
                    {
                        i++;
                    }
                }
                else if (c is '"' or '\'' && wordStart)
                {
                    i++;
                    while (i < s.Length && s[i] != c)
                    {
                        i += s[i] == '\\' ? 2 : 1;
                    }

                    i++;
                }
                else if (c == '\\' || (c == '$' && i + 1 < s.Length && s[i + 1] == '{'))
                {
                    wordStart = false;
                    i += 2;
                }
                else if (c == '{')
                {
                    depth++;
                    wordStart = true;
                    i++;
                }
                else if (c == '}' && wordStart)
                {
                    if (--depth == 0)
                    {
                        return i;
                    }

                    i++;
                }
                else
                {
                    wordStart = false;
                    i++;
                }
            }

            return s.Length;
        }

        /// <summary>Reads one word (quoted or not) at the current position.</summary>
        private (NginxWord Word, SyntaxToken Token) ReadWord()
        {
            var start = _pos;
            var quote = s[_pos] is '"' or '\'' ? s[_pos] : '\0';
            if (quote != '\0')
            {
                var value = new StringBuilder();
                _pos++;
                while (_pos < s.Length && s[_pos] != quote)
                {
                    if (s[_pos] == '\\' && _pos + 1 < s.Length)
                    {
                        var next = s[_pos + 1];
                        value.Append(next switch { '"' or '\'' or '\\' => next.ToString(), 't' => "\t", 'r' => "\r", 'n' => "\n", _ => "\\" + next });
                        _pos += 2;
                        continue;
                    }

                    value.Append(s[_pos++]);
                }

                if (_pos >= s.Length)
                {
                    Diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error,
                        $"Unexpected end of file inside the quoted string opened at line {LineOf(start)}; nginx rejects the configuration.", new TextSpan(s.Length, 0)));
                }
                else
                {
                    _pos++;
                    if (_pos < s.Length && !(char.IsWhiteSpace(s[_pos]) || s[_pos] is ';' or '{' or ')' or '}'))
                    {
                        Diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error,
                            $"Unexpected '{s[_pos]}' right after a quoted string; nginx rejects the configuration.", new TextSpan(_pos, 1)));
                    }
                }

                var quoted = new NginxWord(value.ToString(), TextSpan.FromBounds(start, _pos), true);
                return (quoted, Token(SyntaxKind.NginxWord, start, _pos, advance: false));
            }

            // An unquoted word's value is its text as written (a backslash and the character after it are both kept).
            var variable = false;
            while (_pos < s.Length)
            {
                var c = s[_pos];
                if (c == '{' && variable)
                {
                    _pos++;
                    continue;
                }

                variable = false;
                if (c == '\\' && _pos + 1 < s.Length)
                {
                    _pos += 2;
                    continue;
                }

                if (c == '$')
                {
                    variable = true;
                }
                else if (c is ' ' or '\t' or '\r' or '\n' or ';' or '{')
                {
                    break;
                }

                _pos++;
            }

            var word = new NginxWord(Intern(s.AsSpan(start, _pos - start)), TextSpan.FromBounds(start, _pos), false);
            return (word, Token(SyntaxKind.NginxWord, start, _pos, advance: false));
        }

        private string Intern(ReadOnlySpan<char> text)
        {
            var lookup = _words.GetAlternateLookup<ReadOnlySpan<char>>();
            if (!lookup.TryGetValue(text, out var word))
            {
                word = text.ToString();
                _words[word] = word;
            }

            return word;
        }

        /// <summary>The index of the '}' that closes a Lua block opened at <paramref name="open"/>.</summary>
        private int LuaBodyEnd(int open)
        {
            var depth = 1;
            var i = open + 1;
            while (i < s.Length)
            {
                var c = s[i];
                if (c is '"' or '\'')
                {
                    i++;
                    while (i < s.Length && s[i] != c && s[i] != '\n')
                    {
                        i += s[i] == '\\' ? 2 : 1;
                    }

                    i++;
                    continue;
                }

                if (c == '-' && i + 1 < s.Length && s[i + 1] == '-')
                {
                    while (i < s.Length && s[i] != '\n')
                    {
                        i++;
                    }

                    continue;
                }

                if (c == '{')
                {
                    depth++;
                }
                else if (c == '}' && --depth == 0)
                {
                    return i;
                }

                i++;
            }

            return s.Length;
        }

        /// <summary>The 1-based line of a position (from the text's line map: many errors must not each rescan the file).</summary>
        private int LineOf(int position) => text.Lines.GetLineFromPosition(Math.Min(position, s.Length)).LineNumber + 1;

        private SyntaxToken Token(SyntaxKind kind, int start, int end, bool advance = true)
        {
            var token = new SyntaxToken(kind, TextSpan.FromBounds(start, Math.Min(end, s.Length)), TakePending(), []);
            if (advance)
            {
                _pos = Math.Min(end, s.Length);
            }

            return token;
        }

        private ImmutableArray<SyntaxTrivia> TakePending()
        {
            var result = _pending.ToImmutableArray();
            _pending.Clear();
            return result;
        }

        /// <summary>Blanks, line ends and comments ('#' at the start of a token) as trivia.</summary>
        private void SkipTrivia()
        {
            if (!_bomTaken)
            {
                _bomTaken = true;
                if (_pos == 1)
                {
                    _pending.Add(new SyntaxTrivia(SyntaxKind.ByteOrderMark, new TextSpan(0, 1)));
                }
            }

            while (_pos < s.Length)
            {
                var start = _pos;
                var c = s[_pos];
                if (c == '\n')
                {
                    _pos++;
                    _pending.Add(new SyntaxTrivia(SyntaxKind.EndOfLine, new TextSpan(start, 1)));
                }
                else if (c is ' ' or '\t' or '\r')
                {
                    while (_pos < s.Length && s[_pos] is ' ' or '\t' or '\r')
                    {
                        _pos++;
                    }

                    _pending.Add(new SyntaxTrivia(SyntaxKind.Whitespace, TextSpan.FromBounds(start, _pos)));
                }
                else if (c == '#')
                {
                    while (_pos < s.Length && s[_pos] != '\n')
                    {
                        _pos++;
                    }

                    var end = _pos > start && s[_pos - 1] == '\r' ? _pos - 1 : _pos;
                    _pending.Add(new SyntaxTrivia(SyntaxKind.Comment, TextSpan.FromBounds(start, end)));
                    if (end < _pos)
                    {
                        _pending.Add(new SyntaxTrivia(SyntaxKind.Whitespace, TextSpan.FromBounds(end, _pos)));
                    }
                }
                else
                {
                    return;
                }
            }
        }
    }
}
