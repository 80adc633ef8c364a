using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Syntax.Iptables;

/// <summary>A piece of a shell word: literal text, a parameter (<c>$X</c>, <c>${X}</c>, <c>${X:-d}</c>) or a command substitution.</summary>
internal readonly record struct ShellPart(ShellPartKind Kind, string Text, bool Quoted, string? Default = null);

internal enum ShellPartKind
{
    Literal,
    Parameter,
    Substitution,
}

/// <summary>One shell word as written: its parts and where it is.</summary>
internal sealed record ShellWord(ImmutableArray<ShellPart> Parts, TextSpan Span)
{
    /// <summary>The word's text when it is all literal and unquoted-or-quoted text (keywords, assignments), else null.</summary>
    public string? Literal => Parts.All(p => p.Kind == ShellPartKind.Literal) ? string.Concat(Parts.Select(p => p.Text)) : null;

    /// <summary>Whether the word starts with unquoted literal text (keywords are recognised only then).</summary>
    public bool IsPlain => Parts.Length > 0 && Parts.All(p => p.Kind == ShellPartKind.Literal && !p.Quoted);
}

/// <summary>A simple command: its words, the operator that came before it (<c>;</c>, <c>&amp;&amp;</c>, <c>||</c>, <c>|</c>, <c>;;</c>, newline) and its span.</summary>
internal sealed record ShellCommand(ImmutableArray<ShellWord> Words, string Before, TextSpan Span);

/// <summary>
/// Splits a POSIX shell script into simple commands and words, keeping every word's position: <c>\</c>-newline
/// continuations are joined, <c>#</c> comments dropped, single quotes are literal, double quotes allow <c>$</c>
/// expansions and <c>\</c> escapes, <c>$(…)</c> and backquotes are kept as substitutions, and here-document bodies
/// are skipped. It does not run anything; <see cref="IptablesScriptReader"/> decides what the commands mean.
/// </summary>
internal static class ShellLexer
{
    /// <summary>Commands kept from one script (a hostile script can hold millions of ';').</summary>
    public const int MaxCommands = 100_000;

    public static List<ShellCommand> Lex(string s)
    {
        var commands = new List<ShellCommand>();
        var words = new List<ShellWord>();
        var before = "\n";
        var heredocs = new List<(string Tag, bool StripTabs)>();
        var i = 0;
        var commandStart = -1;

        void Finish(string op, int at)
        {
            if (words.Count == 0 && op == "\n")
            {
                return;
            }

            if (words.Count > 0 && commands.Count < MaxCommands)
            {
                commands.Add(new ShellCommand([.. words], before, TextSpan.FromBounds(commandStart, words[^1].Span.End)));
            }

            words.Clear();
            before = op;
            commandStart = -1;
            _ = at;
        }

        while (i < s.Length)
        {
            var c = s[i];
            if (c != '\n' && char.IsWhiteSpace(c))
            {
                // Blanks, including the vertical tab and form feed a word also ends at.
                i++;
                continue;
            }

            if (c == '\\' && i + 1 < s.Length && s[i + 1] == '\n')
            {
                i += 2;
                continue;
            }

            if (c == '\n')
            {
                Finish("\n", i);
                i++;
                if (heredocs.Count > 0)
                {
                    i = SkipHeredocs(s, i, heredocs);
                    heredocs.Clear();
                }

                continue;
            }

            if (c == '#')
            {
                while (i < s.Length && s[i] != '\n')
                {
                    i++;
                }

                continue;
            }

            if (c is ';' or '&' or '|')
            {
                var op = i + 1 < s.Length && (s[i + 1] == c) ? s.Substring(i, 2) : c.ToString();
                Finish(op, i);
                i += op.Length;
                continue;
            }

            if (c == '<' && i + 1 < s.Length && s[i + 1] == '<' && (i + 2 >= s.Length || s[i + 2] != '<'))
            {
                // A here-document: remember its tag; the body starts after this line.
                var j = i + 2;
                var strip = j < s.Length && s[j] == '-';
                if (strip)
                {
                    j++;
                }

                while (j < s.Length && s[j] is ' ' or '\t')
                {
                    j++;
                }

                var tagStart = j;
                while (j < s.Length && !char.IsWhiteSpace(s[j]) && s[j] is not (';' or '&' or '|' or ')'))
                {
                    j++;
                }

                var tag = s[tagStart..j].Trim('\'', '"').Replace("\\", string.Empty, StringComparison.Ordinal);
                if (tag.Length > 0)
                {
                    heredocs.Add((tag, strip));
                }

                i = j;
                continue;
            }

            if (commandStart < 0)
            {
                commandStart = i;
            }

            var (word, next) = Word(s, i);
            if (next <= i)
            {
                // Nothing a word can start with (a here-string '<<<'): step over it rather than stand still.
                i++;
                continue;
            }

            words.Add(word);
            i = next;
        }

        Finish("\n", s.Length);
        return commands;
    }

    private static int SkipHeredocs(string s, int i, List<(string Tag, bool StripTabs)> heredocs)
    {
        foreach (var (tag, strip) in heredocs)
        {
            while (i < s.Length)
            {
                var nl = s.IndexOf('\n', i);
                var end = nl < 0 ? s.Length : nl;
                var line = s[i..end].TrimEnd('\r');
                i = nl < 0 ? s.Length : nl + 1;
                if ((strip ? line.TrimStart('\t') : line) == tag)
                {
                    break;
                }
            }
        }

        return i;
    }

    private static (ShellWord Word, int Next) Word(string s, int i)
    {
        var start = i;
        var parts = ImmutableArray.CreateBuilder<ShellPart>();
        var literal = new StringBuilder();
        var literalQuoted = false;

        void Flush()
        {
            if (literal.Length > 0)
            {
                parts.Add(new ShellPart(ShellPartKind.Literal, literal.ToString(), literalQuoted));
                literal.Clear();
            }
        }

        void AddLiteral(char ch, bool quoted)
        {
            if (literal.Length > 0 && literalQuoted != quoted)
            {
                Flush();
            }

            literalQuoted = quoted;
            literal.Append(ch);
        }

        var inDouble = false;
        while (i < s.Length)
        {
            var c = s[i];
            if (!inDouble && (char.IsWhiteSpace(c) || c is ';' or '&' or '|' || (c == '<' && i + 1 < s.Length && s[i + 1] == '<')))
            {
                break;
            }

            if (c == '\\' && i + 1 < s.Length)
            {
                if (s[i + 1] == '\n')
                {
                    i += 2;
                    continue;
                }

                if (!inDouble || s[i + 1] is '$' or '`' or '"' or '\\')
                {
                    AddLiteral(s[i + 1], true);
                    i += 2;
                    continue;
                }

                AddLiteral('\\', inDouble);
                i++;
                continue;
            }

            if (c == '\'' && !inDouble)
            {
                var close = s.IndexOf('\'', i + 1);
                var end = close < 0 ? s.Length : close;
                foreach (var ch in s.AsSpan(i + 1, end - i - 1))
                {
                    AddLiteral(ch, true);
                }

                if (end == i + 1)
                {
                    Flush();
                    parts.Add(new ShellPart(ShellPartKind.Literal, string.Empty, true));
                }

                i = close < 0 ? s.Length : close + 1;
                continue;
            }

            if (c == '"')
            {
                if (!inDouble && i + 1 < s.Length && s[i + 1] == '"')
                {
                    Flush();
                    parts.Add(new ShellPart(ShellPartKind.Literal, string.Empty, true));
                    i += 2;
                    continue;
                }

                inDouble = !inDouble;
                i++;
                continue;
            }

            if (c == '$' && i + 1 < s.Length)
            {
                var n = s[i + 1];
                if (n == '(')
                {
                    var end = Balanced(s, i + 1, '(', ')');
                    Flush();
                    parts.Add(new ShellPart(ShellPartKind.Substitution, s[(i + 2)..Math.Max(i + 2, end - 1)], inDouble));
                    i = end;
                    continue;
                }

                if (n == '{')
                {
                    var close = s.IndexOf('}', i + 2);
                    var end = close < 0 ? s.Length : close;
                    var inner = s[(i + 2)..end];
                    var sep = inner.IndexOf(":-", StringComparison.Ordinal);
                    Flush();
                    parts.Add(sep > 0
                        ? new ShellPart(ShellPartKind.Parameter, inner[..sep], inDouble, inner[(sep + 2)..])
                        : new ShellPart(ShellPartKind.Parameter, inner, inDouble));
                    i = close < 0 ? s.Length : close + 1;
                    continue;
                }

                if (char.IsAsciiLetter(n) || n == '_')
                {
                    var j = i + 1;
                    while (j < s.Length && (char.IsAsciiLetterOrDigit(s[j]) || s[j] == '_'))
                    {
                        j++;
                    }

                    Flush();
                    parts.Add(new ShellPart(ShellPartKind.Parameter, s[(i + 1)..j], inDouble));
                    i = j;
                    continue;
                }

                if (char.IsAsciiDigit(n) || n is '@' or '*' or '#' or '?' or '$' or '!' or '-')
                {
                    Flush();
                    parts.Add(new ShellPart(ShellPartKind.Parameter, n.ToString(), inDouble));
                    i += 2;
                    continue;
                }
            }

            if (c == '`')
            {
                var close = s.IndexOf('`', i + 1);
                var end = close < 0 ? s.Length : close;
                Flush();
                parts.Add(new ShellPart(ShellPartKind.Substitution, s[(i + 1)..end], inDouble));
                i = close < 0 ? s.Length : close + 1;
                continue;
            }

            AddLiteral(c, inDouble);
            i++;
        }

        Flush();
        return (new ShellWord(parts.ToImmutable(), TextSpan.FromBounds(start, i)), i);
    }

    /// <summary>The index after the bracket that closes the one at <paramref name="open"/> (quotes respected, bounded by the text).</summary>
    private static int Balanced(string s, int open, char left, char right)
    {
        var depth = 0;
        var i = open;
        while (i < s.Length)
        {
            var c = s[i];
            if (c == '\\')
            {
                i += 2;
                continue;
            }

            if (c == '\'')
            {
                var close = s.IndexOf('\'', i + 1);
                i = close < 0 ? s.Length : close + 1;
                continue;
            }

            if (c == left)
            {
                depth++;
            }
            else if (c == right && --depth == 0)
            {
                return i + 1;
            }

            i++;
        }

        return s.Length;
    }
}
