using System.Text;
using ConfigLint.Analysis;
using ConfigLint.Syntax;

namespace ConfigLint.Cli.Reporting;

/// <summary>
/// Compiler-style text: <c>path(line,col): error TOR001: Message.</c>, one finding a line. On a terminal it
/// adds colour, a code frame with carets under the span, related locations and a summary. Everything that comes
/// from a file (paths, messages quoting its values, code-frame lines, related locations) goes through
/// <see cref="Escape.ForTerminal"/>, so a hostile repository cannot send control sequences to the terminal or start
/// a line of its own in a CI log.
/// </summary>
public static class TextRenderer
{
    private const string Reset = "\u001b[0m";
    private const string Bold = "\u001b[1m";
    private const string Dim = "\u001b[2m";

    public static string Render(IReadOnlyList<Finding> findings, bool rich, bool color)
    {
        var sb = new StringBuilder();
        foreach (var f in findings)
        {
            var start = f.LineSpan.Start;
            var level = f.Level.ToText();
            var path = Escape.ForTerminal(f.Path);
            var message = Escape.ForTerminal(f.Message);
            if (color)
            {
                sb.Append(Bold).Append(path).Append(Reset).Append($"({start.Line + 1},{start.Character + 1}): ")
                  .Append(LevelColor(f.Level)).Append(level).Append(Reset).Append(' ').Append(Bold).Append(f.RuleId).Append(Reset)
                  .Append(": ").Append(message).Append('\n');
            }
            else
            {
                sb.Append(path).Append($"({start.Line + 1},{start.Character + 1}): ").Append(level).Append(' ')
                  .Append(f.RuleId).Append(": ").Append(message).Append('\n');
            }

            if (rich)
            {
                AppendFrame(sb, f.Location, f.LineSpan, '^', color ? LevelColor(f.Level) : null, color);
                foreach (var related in f.Related)
                {
                    var r = related.Location.LineSpan.Start;
                    sb.Append("    = related: ").Append(Escape.ForTerminal(related.Location.Path)).Append($"({r.Line + 1},{r.Character + 1}): ")
                      .Append(Escape.ForTerminal(related.Message)).Append('\n');

                    // A cross-file finding shows the other side too: a second frame, underlined with '-'.
                    if (related.Location.Tree != f.Location.Tree)
                    {
                        AppendFrame(sb, related.Location, related.Location.LineSpan, '-', color ? Dim : null, color);
                    }
                }

                sb.Append('\n');
            }
        }

        if (rich)
        {
            sb.Append(Summary(findings)).Append('\n');
        }

        return sb.ToString();
    }

    public static string Summary(IReadOnlyList<Finding> findings)
    {
        if (findings.Count == 0)
        {
            return "No findings.";
        }

        var errors = findings.Count(f => f.Level == DiagnosticLevel.Error);
        var warnings = findings.Count(f => f.Level == DiagnosticLevel.Warning);
        var notes = findings.Count(f => f.Level == DiagnosticLevel.Note);
        return $"{findings.Count} finding{(findings.Count == 1 ? string.Empty : "s")}: {errors} error{(errors == 1 ? string.Empty : "s")}, {warnings} warning{(warnings == 1 ? string.Empty : "s")}, {notes} note{(notes == 1 ? string.Empty : "s")}.";
    }

    /// <summary>The source line of a location with <paramref name="mark"/> under its span (coloured with <paramref name="markColor"/>).</summary>
    private static void AppendFrame(StringBuilder sb, Semantics.SourceLocation location, Microsoft.CodeAnalysis.Text.LinePositionSpan span, char mark, string? markColor, bool color)
    {
        var text = location.Tree.Text;
        if (text.Lines.Count == 0)
        {
            return;
        }

        var line = text.Lines[Math.Min(span.Start.Line, text.Lines.Count - 1)];
        var content = text.ToString(line.Span);
        if (line.LineNumber == 0 && content.StartsWith('\uFEFF'))
        {
            // LineSpan columns already leave the byte-order mark out.
            content = content[1..];
        }

        var caretStart = span.Start.Character;
        var caretEnd = span.End.Line == span.Start.Line ? span.End.Character : content.Length;
        var offset = 0;
        const int Max = 160;
        if (content.Length > Max)
        {
            offset = Math.Max(0, Math.Min(caretStart - 20, content.Length - Max));
            content = (offset > 0 ? "…" : string.Empty) + content.Substring(offset, Math.Min(Max, content.Length - offset)) + (offset + Max < content.Length ? "…" : string.Empty);
            caretStart = caretStart - offset + (offset > 0 ? 1 : 0);
            caretEnd = Math.Min(caretEnd - offset + (offset > 0 ? 1 : 0), content.Length);
        }

        content = content.Replace('\t', ' ').Replace("\r", string.Empty, StringComparison.Ordinal);

        // Escaping makes a control character several characters wide: the carets follow.
        // A column past the end of the line keeps its distance from the end.
        int Escaped(int column) =>
            Escape.ForTerminal(content[..Math.Clamp(column, 0, content.Length)]).Length + Math.Max(0, column - content.Length) + Math.Min(0, column);
        (caretStart, caretEnd) = (Escaped(caretStart), Escaped(caretEnd));
        content = Escape.ForTerminal(content);
        var number = (span.Start.Line + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var gutter = new string(' ', number.Length);
        sb.Append(color ? Dim : string.Empty).Append(gutter).Append(" |").Append(color ? Reset : string.Empty).Append('\n');
        sb.Append(color ? Dim : string.Empty).Append(number).Append(" |").Append(color ? Reset : string.Empty).Append(' ').Append(content).Append('\n');
        var width = Math.Max(1, caretEnd - caretStart);
        sb.Append(color ? Dim : string.Empty).Append(gutter).Append(" |").Append(color ? Reset : string.Empty).Append(' ')
          .Append(new string(' ', Math.Max(0, caretStart))).Append(markColor ?? string.Empty)
          .Append(new string(mark, Math.Min(width, Math.Max(1, content.Length - caretStart + 1)))).Append(markColor is null ? string.Empty : Reset).Append('\n');
    }

    private static string LevelColor(DiagnosticLevel level) => level switch
    {
        DiagnosticLevel.Error => "\u001b[31;1m",
        DiagnosticLevel.Warning => "\u001b[33;1m",
        _ => "\u001b[36;1m",
    };
}
