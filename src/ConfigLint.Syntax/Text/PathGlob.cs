using System.Text;
using System.Text.RegularExpressions;

namespace ConfigLint.Syntax;

/// <summary>Path globs as regular expressions: <c>*</c> and <c>?</c> within a segment, <c>**</c> across segments.</summary>
public static class PathGlob
{
    /// <summary>The regex body (without anchors) for a glob.</summary>
    public static string ToRegexBody(string pattern)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                var slash = i + 2 < pattern.Length && pattern[i + 2] == '/';
                sb.Append(slash ? "(?:.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else if (c == '*')
            {
                sb.Append("[^/]*");
            }
            else if (c == '?')
            {
                sb.Append("[^/]");
            }
            else
            {
                sb.Append(Regex.Escape(c.ToString()));
            }
        }

        return sb.ToString();
    }
}
