using System.Globalization;
using System.Text;

namespace ConfigLint.Cli.Reporting;

/// <summary>
/// Makes text that came from a repository (paths, values quoted in messages, code-frame lines) safe to print to a
/// terminal or a CI log (issue 11). A hostile file must not be able to move the cursor, clear the screen, set the
/// window title (ESC, OSC, CSI), start a new line a CI runner reads as a command (LF, CR, U+2028, U+2029, NEL), or
/// reorder what the reader sees (bidi embeddings, overrides and isolates).
/// </summary>
public static class Escape
{
    /// <summary>
    /// The text with every character a terminal or log viewer would act on shown visibly instead: <c>\n</c>,
    /// <c>\r</c>, <c>\t</c> for LF, CR and tab; <c>\xHH</c> for the other C0 controls, DEL and the C1 controls
    /// (U+0080–U+009F, which include CSI U+009B and NEL U+0085); <c>\uHHHH</c> for the bidi controls (U+061C, U+200E,
    /// U+200F, U+202A–U+202E, U+2066–U+2069), the line and paragraph separators U+2028 and U+2029, and a lone
    /// surrogate. Everything else, backslashes included, is kept as it is, so ordinary paths and messages print byte for
    /// byte as before; a literal <c>\x1b</c> written in a file therefore prints like an escaped ESC, which is harmless
    /// (nothing is executed) and keeps Windows-style paths and regular expressions readable.
    /// </summary>
    public static string ForTerminal(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var first = IndexOfUnsafe(text, 0);
        if (first < 0)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 16);
        sb.Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(c).Append(text[++i]);
                continue;
            }

            if (!IsUnsafe(c, lone: char.IsSurrogate(c)))
            {
                sb.Append(c);
                continue;
            }

            sb.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                <= '\u00ff' => "\\x" + ((int)c).ToString("x2", CultureInfo.InvariantCulture),
                _ => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
            });
        }

        return sb.ToString();
    }

    /// <summary>Whether <see cref="ForTerminal"/> would change the text.</summary>
    public static bool NeedsEscaping(string text) => IndexOfUnsafe(text, 0) >= 0;

    private static int IndexOfUnsafe(string text, int start)
    {
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (IsUnsafe(c, lone: char.IsSurrogate(c)))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>A control character (C0, DEL, C1), a bidi control, a line or paragraph separator, or a lone surrogate.</summary>
    internal static bool IsUnsafe(char c, bool lone) =>
        c < '\u0020' || (c >= '\u007f' && c <= '\u009f') || c == '\u061c' || c == '\u200e' || c == '\u200f'
        || (c >= '\u2028' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069') || lone;
}
