using System.Text;

namespace ConfigLint.Cli.Reporting;

/// <summary>
/// A unified diff (as <c>diff -u</c> and <c>git diff</c> print it, applicable with <c>git apply</c> or
/// <c>patch -p1</c>) between two texts, by lines, with three lines of context. The line matching is the greedy
/// shortest-edit-script search (Myers, 1986) over lines; a line keeps its own line ending, so a change of line
/// ending shows as a changed line.
/// <para>
/// Hostile names and contents (issue 11): the <c>---</c>/<c>+++</c> names are quoted as git quotes unusual names
/// (<c>"a/torrc.\033]0;x\007"</c>: C escapes and octal bytes inside double quotes), which <c>git apply</c> and
/// <c>patch</c> read back, so a name cannot break the header or reach the terminal. The lines of the diff stay raw by
/// default: a patch written to a pipe or a file must hold the file's exact bytes to apply. Only for a terminal
/// (<c>forTerminal</c>, which is not a patch anyone applies) are the lines' controls shown with
/// <see cref="Escape.ForTerminal"/>, their line endings kept.
/// </para>
/// </summary>
public static class UnifiedDiff
{
    private const int Context = 3;

    public static string Create(string path, string oldText, string newText, bool forTerminal = false)
    {
        var a = SplitLines(oldText);
        var b = SplitLines(newText);
        var script = EditScript(a, b);
        var sb = new StringBuilder();
        if (!script.Any(op => op.Kind != ' '))
        {
            return string.Empty;
        }

        sb.Append("--- ").Append(QuotePath("a/" + path)).Append('\n');
        sb.Append("+++ ").Append(QuotePath("b/" + path)).Append('\n');

        // Group the script into hunks: changes closer than 2×Context lines share a hunk.
        var i = 0;
        while (i < script.Count)
        {
            if (script[i].Kind == ' ')
            {
                i++;
                continue;
            }

            var start = Math.Max(0, i - Context);
            while (start < i && script[start].Kind != ' ')
            {
                start++;
            }

            var end = i;
            var lastChange = i;
            while (end < script.Count)
            {
                if (script[end].Kind != ' ')
                {
                    lastChange = end;
                }
                else if (end - lastChange > 2 * Context)
                {
                    break;
                }

                end++;
            }

            end = Math.Min(script.Count, lastChange + Context + 1);
            WriteHunk(sb, script, start, end, a, b, forTerminal);
            i = end;
        }

        return sb.ToString();
    }

    private static void WriteHunk(StringBuilder sb, List<(char Kind, int A, int B)> script, int start, int end, List<string> a, List<string> b, bool forTerminal)
    {
        var oldStart = script.Skip(start).Take(end - start).Min(op => op.A);
        var newStart = script.Skip(start).Take(end - start).Min(op => op.B);
        var oldCount = script.Skip(start).Take(end - start).Count(op => op.Kind != '+');
        var newCount = script.Skip(start).Take(end - start).Count(op => op.Kind != '-');
        sb.Append("@@ -").Append(Range(oldStart, oldCount)).Append(" +").Append(Range(newStart, newCount)).Append(" @@\n");
        for (var k = start; k < end; k++)
        {
            var (kind, ia, ib) = script[k];
            var line = kind == '+' ? b[ib] : a[ia];
            sb.Append(kind).Append(forTerminal ? ShowLine(line) : line);
            if (!line.EndsWith('\n'))
            {
                // The last line of a file without a final line break.
                sb.Append("\n\\ No newline at end of file\n");
            }
        }
    }

    /// <summary>
    /// A name for a <c>---</c>/<c>+++</c> line: as it is, unless it holds a control character, a bidi control, a
    /// line separator, a double quote or a backslash; then, as git does (<c>quote_c_style</c>), in double quotes with
    /// <c>\"</c>, <c>\\</c>, <c>\a \b \t \n \v \f \r</c> and the UTF-8 bytes of the other such characters in octal
    /// (<c>\033</c>). Other non-ASCII characters stay as they are (git apply reads them either way).
    /// </summary>
    public static string QuotePath(string name)
    {
        if (!name.Any(c => c is '"' or '\\') && !Escape.NeedsEscaping(name))
        {
            return name;
        }

        var sb = new StringBuilder(name.Length + 8).Append('"');
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]);
            if (pair)
            {
                sb.Append(c).Append(name[++i]);
                continue;
            }

            var named = c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\a' => "\\a",
                '\b' => "\\b",
                '\t' => "\\t",
                '\n' => "\\n",
                '\v' => "\\v",
                '\f' => "\\f",
                '\r' => "\\r",
                _ => null,
            };
            if (named is not null)
            {
                sb.Append(named);
            }
            else if (Escape.IsUnsafe(c, lone: char.IsSurrogate(c)))
            {
                foreach (var octet in Encoding.UTF8.GetBytes(c.ToString()))
                {
                    sb.Append('\\').Append(Convert.ToString(octet, 8).PadLeft(3, '0'));
                }
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.Append('"').ToString();
    }

    /// <summary>A diff line for a terminal: its content escaped, its line ending ("\n" or "\r\n") kept.</summary>
    private static string ShowLine(string line)
    {
        var ending = line.EndsWith("\r\n", StringComparison.Ordinal) ? 2 : line.EndsWith('\n') ? 1 : 0;
        return Escape.ForTerminal(line[..^ending]) + line[^ending..];
    }

    /// <summary>diff's range: "start,count", 1-based; an empty range names the line before it.</summary>
    private static string Range(int start, int count) => count switch
    {
        0 => $"{start},0",
        1 => $"{start + 1}",
        _ => $"{start + 1},{count}",
    };

    /// <summary>Lines with their line endings ("\n", "\r\n"; a lone "\r" stays inside its line, as diff treats it).</summary>
    private static List<string> SplitLines(string text)
    {
        var lines = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                lines.Add(text[start..(i + 1)]);
                start = i + 1;
            }
        }

        if (start < text.Length)
        {
            lines.Add(text[start..]);
        }

        return lines;
    }

    /// <summary>The shortest edit script: ' ' keep, '-' delete a[A], '+' insert b[B]; A and B are the positions before the op.</summary>
    private static List<(char Kind, int A, int B)> EditScript(List<string> a, List<string> b)
    {
        var n = a.Count;
        var m = b.Count;
        var max = n + m;
        var v = new int[(2 * max) + 2];
        var trace = new List<int[]>();
        var found = false;
        for (var d = 0; d <= max && !found; d++)
        {
            trace.Add((int[])v.Clone());
            for (var k = -d; k <= d; k += 2)
            {
                var x = k == -d || (k != d && v[max + k - 1] < v[max + k + 1]) ? v[max + k + 1] : v[max + k - 1] + 1;
                var y = x - k;
                while (x < n && y < m && a[x] == b[y])
                {
                    x++;
                    y++;
                }

                v[max + k] = x;
                if (x >= n && y >= m)
                {
                    found = true;
                    break;
                }
            }
        }

        // Walk back through the saved frontiers.
        var ops = new List<(char, int, int)>();
        int cx = n, cy = m;
        for (var d = trace.Count - 1; d >= 0; d--)
        {
            var frontier = trace[d];
            var k = cx - cy;
            int prevK;
            if (d == 0)
            {
                prevK = 0;
            }
            else
            {
                prevK = k == -d || (k != d && frontier[max + k - 1] < frontier[max + k + 1]) ? k + 1 : k - 1;
            }

            var prevX = d == 0 ? 0 : frontier[max + prevK];
            var prevY = prevX - prevK;
            while (cx > prevX && cy > prevY)
            {
                cx--;
                cy--;
                ops.Add((' ', cx, cy));
            }

            if (d > 0)
            {
                if (cx == prevX)
                {
                    cy--;
                    ops.Add(('+', cx, cy));
                }
                else
                {
                    cx--;
                    ops.Add(('-', cx, cy));
                }
            }
        }

        ops.Reverse();

        // Print deletions before insertions inside each change, as diff does.
        var result = new List<(char Kind, int A, int B)>(ops.Count);
        var j = 0;
        while (j < ops.Count)
        {
            if (ops[j].Item1 == ' ')
            {
                result.Add(ops[j++]);
                continue;
            }

            var block = new List<(char, int, int)>();
            while (j < ops.Count && ops[j].Item1 != ' ')
            {
                block.Add(ops[j++]);
            }

            result.AddRange(block.Where(o => o.Item1 == '-'));
            result.AddRange(block.Where(o => o.Item1 == '+'));
        }

        return result;
    }
}
