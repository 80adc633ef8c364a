using System.Collections.Immutable;
using System.Text;

namespace ConfigLint.Syntax.Squid;

/// <summary>One token of a logical squid.conf line: its value and where it sits in the logical line.</summary>
public readonly record struct SquidToken(string Value, int Start, int Length, bool Quoted);

/// <summary>
/// Splits a logical squid.conf line into tokens as squid's ConfigParser does: blanks separate tokens, a token that
/// starts with '#' ends the line, and a token that starts with '"' runs to the closing quote with <c>\\</c> and
/// <c>\"</c> escapes. Whether a quoted token is a value or a file name is the caller's business
/// (<c>configuration_includes_quoted_values</c>).
/// </summary>
public static class SquidTokenizer
{
    public static ImmutableArray<SquidToken> Split(string line, out string? error)
    {
        error = null;
        var tokens = ImmutableArray.CreateBuilder<SquidToken>();
        var i = 0;
        while (i < line.Length)
        {
            while (i < line.Length && IsBlank(line[i]))
            {
                i++;
            }

            if (i >= line.Length)
            {
                break;
            }

            var start = i;
            if (line[i] == '#' && tokens.Count > 0)
            {
                break;
            }

            if (line[i] == '"')
            {
                var value = new StringBuilder();
                i++;
                var closed = false;
                while (i < line.Length)
                {
                    var c = line[i];
                    if (c == '\\' && i + 1 < line.Length)
                    {
                        value.Append(line[i + 1]);
                        i += 2;
                        continue;
                    }

                    if (c == '"')
                    {
                        closed = true;
                        i++;
                        break;
                    }

                    value.Append(c);
                    i++;
                }

                if (!closed)
                {
                    error = "Unterminated quoted string";
                }

                // squid requires a blank after the closing quote; anything glued to it stays in the same token.
                while (i < line.Length && !IsBlank(line[i]))
                {
                    value.Append(line[i]);
                    i++;
                }

                tokens.Add(new SquidToken(value.ToString(), start, i - start, true));
                continue;
            }

            while (i < line.Length && !IsBlank(line[i]))
            {
                i++;
            }

            tokens.Add(new SquidToken(line[start..i], start, i - start, false));
        }

        return tokens.ToImmutable();
    }

    private static bool IsBlank(char c) => c is ' ' or '\t' or '\v' or '\f';
}
