using System.Collections.Immutable;
using System.Text.RegularExpressions;
using ConfigLint.Semantics;
using ConfigLint.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Analysis.Suppression;

/// <summary>
/// A suppression comment: <c># configlint: ignore TOR001,XF003 -- reason</c> (the next statement) or
/// <c># configlint: ignore-file TOR001 -- reason</c> (the whole file). The reason is required.
/// </summary>
public sealed record SuppressionComment(
    SyntaxTree Tree,
    TextSpan Span,
    bool FileWide,
    ImmutableArray<string> Codes,
    string? Reason,
    int TargetLine)
{
    public bool Used { get; set; }

    public SourceLocation Location => new(Tree, Span);
}

public static partial class SuppressionComments
{
    /// <summary>Finds every configlint directive in a file's comments.</summary>
    public static List<SuppressionComment> Read(SyntaxTree tree)
    {
        var result = new List<SuppressionComment>();
        var text = tree.Text;
        List<int>? tokenLines = null;
        foreach (var span in tree.Comments())
        {
            // A suppression is one short line; a comment megabytes long is never one (and would make the match slow).
            if (span.Length > MaxCommentLength)
            {
                continue;
            }

            var comment = text.ToString(span);
            var match = Directive().Match(comment);
            if (!match.Success)
            {
                continue;
            }

            var fileWide = match.Groups["kind"].Value == "ignore-file";
            var codes = match.Groups["codes"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .ToImmutableArray();
            var reason = match.Groups["reason"].Success ? match.Groups["reason"].Value.Trim() : null;
            var commentLine = text.Lines.GetLineFromPosition(span.Start).LineNumber;

            // The next statement: the first line after the comment that starts a token.
            tokenLines ??= TokenLines(tree);
            var target = tokenLines.FirstOrDefault(l => l > commentLine, -1);
            result.Add(new SuppressionComment(tree, span, fileWide, codes, string.IsNullOrEmpty(reason) ? null : reason, target));
        }

        return result;
    }

    private static List<int> TokenLines(SyntaxTree tree)
    {
        var lines = new SortedSet<int>();
        foreach (var token in tree.Root.DescendantTokens())
        {
            if (token.TokenSpan.Length > 0)
            {
                lines.Add(tree.Text.Lines.GetLineFromPosition(token.TokenSpan.Start).LineNumber);
            }
        }

        return [.. lines];
    }

    private const int MaxCommentLength = 1024;

    [GeneratedRegex(@"^[#;/*\s]*configlint:\s*(?<kind>ignore-file|ignore)\s+(?<codes>[A-Za-z0-9_,\s-]+?)\s*(--\s*(?<reason>.*))?$")]
    private static partial Regex Directive();
}
