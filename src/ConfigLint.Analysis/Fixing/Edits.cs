using System.Text;
using ConfigLint.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Analysis.Fixing;

/// <summary>
/// Line-aware text edits for rules' fixes. Inserted lines use the file's own line ending and the indentation of the
/// line they sit next to, so a fix changes only the bytes it names and keeps the file's style.
/// </summary>
public static class Edits
{
    /// <summary>The file's line ending: the first one it uses ("\n" for a file without any).</summary>
    public static string NewLine(SourceText text)
    {
        foreach (var line in text.Lines)
        {
            var breakLength = line.EndIncludingLineBreak - line.End;
            if (breakLength > 0)
            {
                return text.ToString(new TextSpan(line.End, breakLength));
            }
        }

        return "\n";
    }

    /// <summary>The leading whitespace of the line holding <paramref name="position"/>.</summary>
    public static string IndentationAt(SourceText text, int position)
    {
        var line = text.Lines.GetLineFromPosition(position);
        var end = line.Start;
        while (end < line.End && text[end] is ' ' or '\t')
        {
            end++;
        }

        return text.ToString(TextSpan.FromBounds(line.Start, end));
    }

    /// <summary>Replaces a span.</summary>
    public static TextEdit Replace(SyntaxTree tree, TextSpan span, string newText) => new(tree, span, newText);

    /// <summary>Appends whole lines at the end of the file (after a line break, added when the file lacks one).</summary>
    public static TextEdit AppendLines(SyntaxTree tree, params string[] lines)
    {
        var text = tree.Text;
        var nl = NewLine(text);
        var sb = new StringBuilder();
        if (text.Length > 0 && text[text.Length - 1] is not ('\n' or '\r'))
        {
            sb.Append(nl);
        }

        foreach (var line in lines)
        {
            sb.Append(line).Append(nl);
        }

        return new TextEdit(tree, new TextSpan(text.Length, 0), sb.ToString());
    }

    /// <summary>Inserts whole lines before the line holding <paramref name="position"/>, indented like it.</summary>
    public static TextEdit InsertLinesBefore(SyntaxTree tree, int position, params string[] lines)
    {
        var text = tree.Text;
        var nl = NewLine(text);
        var indent = IndentationAt(text, position);
        var sb = new StringBuilder();
        foreach (var line in lines)
        {
            sb.Append(indent).Append(line).Append(nl);
        }

        return new TextEdit(tree, new TextSpan(text.Lines.GetLineFromPosition(position).Start, 0), sb.ToString());
    }

    /// <summary>
    /// Inserts whole lines after the line holding the end of <paramref name="span"/> (after its line break; one is
    /// added at the end of a file without a final line break), indented like the line <paramref name="span"/> starts on.
    /// </summary>
    public static TextEdit InsertLinesAfter(SyntaxTree tree, TextSpan span, params string[] lines) =>
        InsertIndentedLinesAfter(tree, span, IndentationAt(tree.Text, span.Start), lines);

    /// <summary>
    /// Inserts whole lines, each after <paramref name="indent"/>, after the line holding the end of
    /// <paramref name="span"/>. A span that ends with its own line break (a YAML block scalar) ends on the line before.
    /// </summary>
    public static TextEdit InsertIndentedLinesAfter(SyntaxTree tree, TextSpan span, string indent, string[] lines)
    {
        var text = tree.Text;
        var nl = NewLine(text);
        var end = span.End > span.Start && text[span.End - 1] == '\n' ? span.End - 1 : span.End;
        var last = text.Lines.GetLineFromPosition(end);
        var sb = new StringBuilder();
        if (last.EndIncludingLineBreak == last.End)
        {
            sb.Append(nl);
        }

        foreach (var line in lines)
        {
            sb.Append(indent).Append(line).Append(nl);
        }

        return new TextEdit(tree, new TextSpan(last.EndIncludingLineBreak, 0), sb.ToString());
    }

    /// <summary>
    /// Deletes a statement. When it is alone on its lines (only blanks around it, or a comment after it), the whole
    /// lines go, line breaks included; otherwise only the statement and the blanks after it.
    /// </summary>
    public static TextEdit DeleteStatement(SyntaxTree tree, TextSpan span, IEnumerable<TextSpan>? comments = null)
    {
        var text = tree.Text;
        var first = text.Lines.GetLineFromPosition(span.Start);
        var last = text.Lines.GetLineFromPosition(Math.Max(span.Start, span.End));
        var before = text.ToString(TextSpan.FromBounds(first.Start, span.Start));
        var after = text.ToString(TextSpan.FromBounds(Math.Max(span.End, last.Start), last.End));
        var trailingComment = (comments ?? tree.Comments()).Any(c => c.Start >= span.End && c.Start < last.End &&
            string.IsNullOrWhiteSpace(text.ToString(TextSpan.FromBounds(span.End, c.Start))) && c.End >= last.End);
        if (string.IsNullOrWhiteSpace(before) && (string.IsNullOrWhiteSpace(after) || trailingComment))
        {
            return new TextEdit(tree, TextSpan.FromBounds(first.Start, last.EndIncludingLineBreak), string.Empty);
        }

        var end = span.End;
        while (end < last.End && text[end] is ' ' or '\t')
        {
            end++;
        }

        return new TextEdit(tree, TextSpan.FromBounds(span.Start, end), string.Empty);
    }
}
