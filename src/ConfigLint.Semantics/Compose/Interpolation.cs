using System.Text;

namespace ConfigLint.Semantics.Compose;

/// <summary>
/// Compose variable interpolation: <c>$VAR</c>, <c>${VAR}</c>, <c>${VAR:-d}</c>, <c>${VAR-d}</c>,
/// <c>${VAR:+r}</c>, <c>${VAR+r}</c>, <c>${VAR:?e}</c>, <c>${VAR?e}</c>, nested defaults, and <c>$$</c>.
/// Unset variables without a default become empty, as compose does (it warns).
/// </summary>
public static class Interpolation
{
    public static string Apply(string raw, IReadOnlyDictionary<string, string> env, out bool hadVariables)
    {
        hadVariables = false;
        if (!raw.Contains('$', StringComparison.Ordinal))
        {
            return raw;
        }

        var sb = new StringBuilder(raw.Length);
        var i = 0;
        Expand(raw, ref i, raw.Length, env, sb, ref hadVariables, 0);
        return sb.ToString();
    }

    private static void Expand(string s, ref int i, int end, IReadOnlyDictionary<string, string> env, StringBuilder sb, ref bool had, int depth)
    {
        while (i < end)
        {
            var c = s[i];
            if (c != '$' || i + 1 >= end)
            {
                sb.Append(c);
                i++;
                continue;
            }

            var next = s[i + 1];
            if (next == '$')
            {
                sb.Append('$');
                i += 2;
                continue;
            }

            if (next == '{')
            {
                var close = FindClose(s, i + 2, end);
                if (close < 0 || depth > 16)
                {
                    sb.Append(s, i, end - i);
                    i = end;
                    return;
                }

                had = true;
                var body = s[(i + 2)..close];
                sb.Append(Braced(body, env, ref had, depth));
                i = close + 1;
                continue;
            }

            if (char.IsAsciiLetter(next) || next == '_')
            {
                var j = i + 1;
                while (j < end && (char.IsAsciiLetterOrDigit(s[j]) || s[j] == '_'))
                {
                    j++;
                }

                had = true;
                sb.Append(env.TryGetValue(s[(i + 1)..j], out var v) ? v : string.Empty);
                i = j;
                continue;
            }

            sb.Append(c);
            i++;
        }
    }

    private static string Braced(string body, IReadOnlyDictionary<string, string> env, ref bool had, int depth)
    {
        var n = 0;
        while (n < body.Length && (char.IsAsciiLetterOrDigit(body[n]) || body[n] == '_'))
        {
            n++;
        }

        var name = body[..n];
        var op = body[n..];
        var isSet = env.TryGetValue(name, out var value);
        var nonEmpty = isSet && !string.IsNullOrEmpty(value);
        string Nested(string text, ref bool h)
        {
            var sb = new StringBuilder();
            var k = 0;
            Expand(text, ref k, text.Length, env, sb, ref h, depth + 1);
            return sb.ToString();
        }

        if (op.Length == 0)
        {
            return value ?? string.Empty;
        }

        if (op.StartsWith(":-", StringComparison.Ordinal))
        {
            return nonEmpty ? value! : Nested(op[2..], ref had);
        }

        if (op.StartsWith(":+", StringComparison.Ordinal))
        {
            return nonEmpty ? Nested(op[2..], ref had) : string.Empty;
        }

        if (op.StartsWith(":?", StringComparison.Ordinal) || op.StartsWith('?'))
        {
            return value ?? string.Empty;
        }

        if (op.StartsWith('-'))
        {
            return isSet ? value! : Nested(op[1..], ref had);
        }

        if (op.StartsWith('+'))
        {
            return isSet ? Nested(op[1..], ref had) : string.Empty;
        }

        return value ?? string.Empty;
    }

    private static int FindClose(string s, int start, int end)
    {
        var depth = 1;
        for (var i = start; i < end; i++)
        {
            if (s[i] == '{')
            {
                depth++;
            }
            else if (s[i] == '}' && --depth == 0)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Parses a <c>.env</c> file: <c>KEY=VALUE</c> lines, <c>#</c> comments, optional <c>export</c>, quotes.</summary>
    public static Dictionary<string, string> ParseDotEnv(string text)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r').Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line[7..].TrimStart();
            }

            var eq = line.IndexOf('=');
            if (eq <= 0)
            {
                continue;
            }

            var key = line[..eq].Trim();
            var value = line[(eq + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
            {
                value = value[1..^1];
            }
            else
            {
                var hash = value.IndexOf(" #", StringComparison.Ordinal);
                if (hash >= 0)
                {
                    value = value[..hash].TrimEnd();
                }
            }

            env[key] = value;
        }

        return env;
    }
}
