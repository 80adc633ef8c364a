namespace ConfigLint.Semantics.Squid;

/// <summary>
/// Checks a POSIX extended regular expression the way glibc's <c>regcomp(REG_EXTENDED)</c> accepts or rejects it,
/// which is what squid compiles its regex ACLs with. .NET's <c>Regex</c> is a different dialect (it accepts
/// <c>(?:…)</c>, rejects <c>a{,3}</c>, treats a lone <c>)</c> as an error), so it cannot be the judge.
/// The rules follow glibc's syntax bits for POSIX ERE (RE_CONTEXT_INVALID_OPS, RE_UNMATCHED_RIGHT_PAREN_ORD,
/// RE_NO_EMPTY_RANGES, RE_CHAR_CLASSES, RE_INTERVALS, GNU operators on, back-references on) in the C locale squid runs
/// in; each message is regerror()'s text for the case. Bytes outside ASCII are taken as ordinary characters and never
/// reported (their meaning depends on the locale).
/// </summary>
public static class PosixRegex
{
    /// <summary>glibc's RE_DUP_MAX.</summary>
    private const int DupMax = 0x7fff;

    public const string BadRepetition = "Invalid preceding regular expression";
    public const string UnmatchedParen = "Unmatched ( or \\(";
    public const string UnmatchedBrace = "Unmatched \\{";
    public const string BadInterval = "Invalid content of \\{\\}";
    public const string TooBig = "Regular expression too big";
    public const string UnmatchedBracket = "Unmatched [, [^, [:, [., or [=";
    public const string BadPattern = "Invalid regular expression";
    public const string BadRange = "Invalid range end";
    public const string BadClass = "Invalid character class name";
    public const string BadCollation = "Invalid collation character";
    public const string TrailingBackslash = "Trailing backslash";
    public const string BadBackReference = "Invalid back reference";

    private static readonly HashSet<string> ClassNames = new(StringComparer.Ordinal)
    {
        "alpha", "upper", "lower", "digit", "xdigit", "space", "print", "punct", "graph", "cntrl", "blank", "alnum",
    };

    /// <summary>regerror()'s message for a pattern regcomp rejects, or null when it compiles.</summary>
    public static string? Error(string pattern)
    {
        var parser = new Parser(pattern);
        try
        {
            parser.RegExp();
            return null;
        }
        catch (TooDeepException)
        {
            return null; // a pattern nested past any real one: not judged (and never a stack overflow)
        }
        catch (PatternException e)
        {
            return e.Message;
        }
    }

    /// <summary>Groups nested deeper than this are not judged.</summary>
    private const int MaxNesting = 256;

    private sealed class PatternException(string message) : Exception(message);

    private sealed class TooDeepException : Exception;

    private sealed class Parser(string p)
    {
        private int _pos;
        private int _nest;
        private int _groups;
        private int _completed;

        private bool End => _pos >= p.Length;

        private char Peek => p[_pos];

        public void RegExp()
        {
            // A back-reference can name only a group completed before it in its own alternative.
            var initial = _completed;
            Branch();
            while (!End && Peek == '|')
            {
                _pos++;
                var accumulated = _completed;
                _completed = initial;
                Branch();
                _completed |= accumulated;
            }
        }

        private void Branch()
        {
            while (!End && Peek != '|' && !(Peek == ')' && _nest > 0))
            {
                Expression();
            }
        }

        private void Expression()
        {
            var c = p[_pos++];
            switch (c)
            {
                case '*' or '+' or '?' or '{':
                    // A repetition operator with nothing before it (RE_CONTEXT_INVALID_OPS).
                    throw new PatternException(BadRepetition);
                case '^' or '$':
                    // An anchor cannot be repeated: "^*" is an error, not a literal '*'.
                    return;
                case '(':
                    Group();
                    break;
                case '[':
                    Bracket();
                    break;
                case '\\':
                    if (End)
                    {
                        throw new PatternException(TrailingBackslash);
                    }

                    var e = p[_pos++];
                    if (e is >= '1' and <= '9' && (_completed & (1 << (e - '0'))) == 0)
                    {
                        throw new PatternException(BadBackReference);
                    }

                    if (e is '<' or '>' or 'b' or 'B' or '`' or '\'')
                    {
                        // GNU word and buffer anchors: like ^ and $, never repeated.
                        return;
                    }

                    break;
            }

            // Postfix repetitions: any number of them (a** and a{2}* are valid ERE for glibc).
            while (!End && Peek is '*' or '+' or '?' or '{')
            {
                if (p[_pos++] == '{')
                {
                    Interval();
                }
            }
        }

        private void Group()
        {
            var index = ++_groups;
            if (++_nest > MaxNesting)
            {
                throw new TooDeepException();
            }

            RegExp();
            if (End)
            {
                throw new PatternException(UnmatchedParen);
            }

            _pos++; // ')'
            _nest--;
            if (index <= 9)
            {
                _completed |= 1 << index;
            }
        }

        /// <summary>After '{': glibc's parse_dup_op with fetch_number.</summary>
        private void Interval()
        {
            var (start, token) = Number();
            if (start == -1)
            {
                if (token != ',')
                {
                    throw new PatternException(BadInterval); // "a{}"
                }

                start = 0; // "{,m}" is "{0,m}"
            }

            var end = start;
            if (start != -2)
            {
                if (token == ',')
                {
                    (end, token) = Number();
                }
                else if (token != '}')
                {
                    end = -2;
                }
            }

            if (start == -2 || end == -2)
            {
                throw new PatternException(token == '\0' ? UnmatchedBrace : BadInterval);
            }

            if (token != '}' || (end != -1 && start > end))
            {
                throw new PatternException(BadInterval);
            }

            if ((end == -1 ? start : end) > DupMax)
            {
                throw new PatternException(TooBig);
            }
        }

        /// <summary>
        /// Digits up to '}' or ',' (returned as the token; '\0' at the end of the pattern): -1 for none, -2 for
        /// anything else in between (an escaped character counts as one token).
        /// </summary>
        private (int Number, char Token) Number()
        {
            var number = -1;
            while (true)
            {
                if (End)
                {
                    return (-2, '\0');
                }

                var c = p[_pos++];
                var operator_ = false;
                if (c == '\\')
                {
                    // An escaped character is an ordinary one ('\0' is a digit), except back-references and GNU operators.
                    operator_ = End || p[_pos] is (>= '1' and <= '9') or 'w' or 'W' or 's' or 'S' or '<' or '>' or 'b' or 'B' or '`' or '\'';
                    if (!End)
                    {
                        c = p[_pos++];
                    }
                }
                else if (c == '}')
                {
                    return (number, '}');
                }

                if (c == ',' && !operator_)
                {
                    return (number, ',');
                }

                number = operator_ || c is < '0' or > '9' || number == -2 ? -2
                    : number == -1 ? c - '0'
                    : Math.Min(DupMax + 1, (number * 10) + (c - '0'));
            }
        }

        /// <summary>After '[': glibc's parse_bracket_exp (no backslash escapes inside a list in POSIX).</summary>
        private void Bracket()
        {
            if (End)
            {
                throw new PatternException(BadPattern);
            }

            if (Peek == '^')
            {
                _pos++;
                if (End)
                {
                    throw new PatternException(BadPattern);
                }
            }

            var first = true;
            while (true)
            {
                var start = ReadElement(acceptHyphen: first);
                first = false;
                var range = false;
                if (start.Kind is not ElementKind.Class and not ElementKind.Equivalence)
                {
                    if (End)
                    {
                        throw new PatternException(UnmatchedBracket);
                    }

                    if (Peek == '-')
                    {
                        if (_pos + 1 >= p.Length)
                        {
                            throw new PatternException(UnmatchedBracket);
                        }

                        if (p[_pos + 1] != ']')
                        {
                            _pos++; // '-'
                            var end = ReadElement(acceptHyphen: true);
                            Range(start, end);
                            range = true;
                        }
                    }
                }

                if (!range)
                {
                    Build(start);
                }

                if (End)
                {
                    throw new PatternException(UnmatchedBracket);
                }

                if (Peek == ']')
                {
                    _pos++;
                    return;
                }
            }
        }

        private enum ElementKind { Char, Class, Equivalence, Collating }

        private readonly record struct Element(ElementKind Kind, string Text);

        private Element ReadElement(bool acceptHyphen)
        {
            var c = p[_pos];
            if (c == '[' && _pos + 1 < p.Length && p[_pos + 1] is '.' or '=' or ':')
            {
                var delimiter = p[_pos + 1];
                _pos += 2;
                var name = new System.Text.StringBuilder();
                while (true)
                {
                    if (End || name.Length >= 32)
                    {
                        throw new PatternException(UnmatchedBracket);
                    }

                    var ch = p[_pos++];
                    if (End)
                    {
                        throw new PatternException(UnmatchedBracket);
                    }

                    if (ch == delimiter && Peek == ']')
                    {
                        _pos++;
                        break;
                    }

                    name.Append(ch);
                }

                // Names are checked when the element is used (glibc's build_* functions), after the range and end checks.
                var text = name.ToString();
                return new(delimiter switch { ':' => ElementKind.Class, '=' => ElementKind.Equivalence, _ => ElementKind.Collating }, text);
            }

            _pos++;
            if (c == '-' && !acceptHyphen && !(!End && Peek == ']'))
            {
                // A '-' that is neither first, last nor a range end.
                throw new PatternException(BadRange);
            }

            // A ']' first in the list is an ordinary character: it was consumed above like any other.
            return new(ElementKind.Char, c.ToString());
        }

        /// <summary>A single element of a list: a class name must exist, a collating element be one character.</summary>
        private static void Build(Element element)
        {
            switch (element.Kind)
            {
                case ElementKind.Class when !ClassNames.Contains(element.Text):
                    throw new PatternException(BadClass);
                case ElementKind.Equivalence or ElementKind.Collating when element.Text.Length != 1:
                    throw new PatternException(BadCollation);
            }
        }

        private static void Range(Element start, Element end)
        {
            if (start.Kind is ElementKind.Class or ElementKind.Equivalence || end.Kind is ElementKind.Class or ElementKind.Equivalence)
            {
                throw new PatternException(BadRange);
            }

            if (start.Text.Length != 1 || end.Text.Length != 1)
            {
                throw new PatternException(BadCollation);
            }

            var a = start.Text[0];
            var b = end.Text[0];
            if (a < 0x80 && b < 0x80 && a > b)
            {
                throw new PatternException(BadRange);
            }
        }
    }
}
