using System.Text;

namespace ConfigLint.Syntax.Dockerfile;

/// <summary>
/// BuildKit's word expansion for the instructions it substitutes in (ADD, COPY, ENV, EXPOSE, FROM, LABEL,
/// STOPSIGNAL, USER, VOLUME, WORKDIR, ONBUILD): quote removal and <c>$VAR</c>, <c>${VAR}</c>,
/// <c>${VAR:-x}</c>, <c>${VAR:+x}</c>, <c>${VAR?x}</c>, <c>${VAR:?x}</c>, with the escape character.
/// Positional and special parameters are never set. Mirrors moby/buildkit frontend/dockerfile/shell.
/// </summary>
public sealed class DockerShellWord
{
    private readonly string _s;
    private readonly char _escape;
    private readonly Func<string, string?> _lookup;
    private int _pos;

    private DockerShellWord(string s, char escape, Func<string, string?> lookup)
    {
        _s = s;
        _escape = escape;
        _lookup = lookup;
    }

    /// <summary>
    /// Expands and splits into words as BuildKit's ProcessWords does: unquoted expansions split on whitespace,
    /// quoted text and escaped characters do not. Returns null with an error message when BuildKit would fail.
    /// </summary>
    public static IReadOnlyList<string>? ExpandWords(string text, Func<string, string?> lookup, out string? error, char escape = '\\')
    {
        var shell = new DockerShellWord(text, escape, lookup) { _words = new Words() };
        try
        {
            error = null;
            shell.ProcessStopOn('\0', stopAtChar: false);
            return shell._words.Finish();
        }
        catch (FormatException ex)
        {
            error = ex.Message;
            return null;
        }
    }

    /// <summary>BuildKit's wordsStruct: characters from expansions split on whitespace, raw ones never do.</summary>
    private sealed class Words
    {
        private readonly List<string> _words = [];
        private readonly StringBuilder _word = new();
        private bool _inWord;

        public void Char(char ch)
        {
            if (char.IsWhiteSpace(ch))
            {
                if (_inWord && _word.Length > 0)
                {
                    _words.Add(_word.ToString());
                    _word.Clear();
                    _inWord = false;
                }
            }
            else
            {
                RawChar(ch);
            }
        }

        public void RawChar(char ch)
        {
            _word.Append(ch);
            _inWord = true;
        }

        public void String(string s)
        {
            foreach (var ch in s)
            {
                Char(ch);
            }
        }

        public void RawString(string s)
        {
            _word.Append(s);
            _inWord = true;
        }

        public List<string> Finish()
        {
            if (_word.Length > 0)
            {
                _words.Add(_word.ToString());
                _word.Clear();
            }

            return _words;
        }
    }

    private Words? _words;

    /// <summary>Expands one word; returns null with an error message when BuildKit would fail.</summary>
    public static string? Expand(string word, Func<string, string?> lookup, out string? error, char escape = '\\')
    {
        var shell = new DockerShellWord(word, escape, lookup);
        try
        {
            error = null;
            return shell.ProcessStopOn('\0', stopAtChar: false);
        }
        catch (FormatException ex)
        {
            error = ex.Message;
            return null;
        }
    }

    private const char Eof = '\uffff';

    private char Peek() => _pos < _s.Length ? _s[_pos] : Eof;

    private char Next() => _pos < _s.Length ? _s[_pos++] : Eof;

    private string ProcessStopOn(char stop, bool stopAtChar)
    {
        // Only the outermost word feeds the word splitter; nested ${...} words are values.
        var words = _words;
        _words = null;
        try
        {
            return ProcessStopOnCore(stop, stopAtChar, words);
        }
        finally
        {
            _words = words;
        }
    }

    private string ProcessStopOnCore(char stop, bool stopAtChar, Words? words)
    {
        var result = new StringBuilder();
        while (Peek() != Eof)
        {
            var ch = Peek();
            if (stopAtChar && ch == stop)
            {
                Next();
                return result.ToString();
            }

            switch (ch)
            {
                case '\'':
                {
                    var quoted = SingleQuote();
                    result.Append(quoted);
                    words?.RawString(quoted);
                    continue;
                }

                case '"':
                {
                    var quoted = DoubleQuote();
                    result.Append(quoted);
                    words?.RawString(quoted);
                    continue;
                }

                case '$':
                {
                    var value = Dollar();
                    result.Append(value);
                    words?.String(value);
                    continue;
                }
            }

            ch = Next();
            if (ch == _escape)
            {
                ch = Next();
                if (ch == Eof)
                {
                    break;
                }

                words?.RawChar(ch);
            }
            else
            {
                words?.Char(ch);
            }

            result.Append(ch);
        }

        if (stopAtChar)
        {
            throw new FormatException($"unexpected end of statement while looking for matching {stop}");
        }

        return result.ToString();
    }

    private string SingleQuote()
    {
        var result = new StringBuilder();
        Next();
        while (true)
        {
            var ch = Next();
            if (ch == Eof)
            {
                throw new FormatException("unexpected end of statement while looking for matching single-quote");
            }

            if (ch == '\'')
            {
                return result.ToString();
            }

            result.Append(ch);
        }
    }

    private string DoubleQuote()
    {
        var result = new StringBuilder();
        Next();
        while (true)
        {
            var peek = Peek();
            if (peek == Eof)
            {
                throw new FormatException("unexpected end of statement while looking for matching double-quote");
            }

            if (peek == '"')
            {
                Next();
                return result.ToString();
            }

            if (peek == '$')
            {
                result.Append(Dollar());
                continue;
            }

            var ch = Next();
            if (ch == _escape)
            {
                var after = Peek();
                if (after == Eof)
                {
                    continue;
                }

                if (after == '"' || after == '$' || after == _escape)
                {
                    ch = Next();
                }
            }

            result.Append(ch);
        }
    }

    private string Dollar()
    {
        Next();
        if (Peek() != '{')
        {
            var name = Name();
            return name.Length == 0 ? "$" : _lookup(name) ?? string.Empty;
        }

        Next();
        var first = Peek();
        if (first == Eof)
        {
            throw new FormatException("syntax error: missing '}'");
        }

        if (first is '{' or '}' or ':')
        {
            throw new FormatException("syntax error: bad substitution");
        }

        var variable = Name();
        var ch = Next();
        switch (ch)
        {
            case '}':
                return _lookup(variable) ?? string.Empty;
            case '?':
            {
                var word = Inner();
                return _lookup(variable) ?? throw new FormatException($"{variable}: {(word.Length == 0 ? "is not allowed to be unset" : word)}");
            }

            case ':':
            {
                var modifier = Next();
                var word = Inner();
                var value = _lookup(variable);
                switch (modifier)
                {
                    case '+':
                        return string.IsNullOrEmpty(value) ? string.Empty : word;
                    case '-':
                        return string.IsNullOrEmpty(value) ? word : value;
                    case '?':
                        if (string.IsNullOrEmpty(value))
                        {
                            throw new FormatException($"{variable}: {(word.Length == 0 ? "is not allowed to be unset or empty" : word)}");
                        }

                        return value;
                    default:
                        throw new FormatException($"unsupported modifier ({modifier}) in substitution");
                }
            }

            default:
                throw new FormatException(ch == Eof ? "syntax error: missing '}'" : $"unsupported modifier ({ch}) in substitution");
        }
    }

    private string Inner()
    {
        try
        {
            return ProcessStopOn('}', stopAtChar: true);
        }
        catch (FormatException) when (Peek() == Eof)
        {
            throw new FormatException("syntax error: missing '}'");
        }
    }

    private string Name()
    {
        var name = new StringBuilder();
        while (Peek() != Eof)
        {
            var ch = Peek();
            if (name.Length == 0 && char.IsDigit(ch))
            {
                while (Peek() != Eof && char.IsDigit(Peek()))
                {
                    name.Append(Next());
                }

                return name.ToString();
            }

            if (name.Length == 0 && ch is '@' or '*' or '#' or '?' or '-' or '$' or '!' or '0')
            {
                return Next().ToString();
            }

            if (!char.IsLetterOrDigit(ch) && ch != '_')
            {
                break;
            }

            name.Append(Next());
        }

        return name.ToString();
    }
}
