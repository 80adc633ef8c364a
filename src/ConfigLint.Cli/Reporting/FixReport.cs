using ConfigLint.Analysis;
using ConfigLint.Analysis.Fixing;

namespace ConfigLint.Cli.Reporting;

/// <summary>
/// The lines <c>configlint fix</c> prints about each fix, with the file's path and the fix title (which quotes values
/// from the file) shown through <see cref="Escape.ForTerminal"/>.
/// </summary>
public static class FixReport
{
    /// <summary><c>path(line,col): fixed ID: Title.</c> and a line break.</summary>
    public static string Applied(Finding applied)
    {
        var at = applied.LineSpan.Start;
        return $"{Escape.ForTerminal(applied.Path)}({at.Line + 1},{at.Character + 1}): fixed {applied.RuleId}: {Escape.ForTerminal(Sentence.Of(applied.Fix?.Title ?? string.Empty))}\n";
    }

    /// <summary><c>configlint: warning: path: ID not fixed: reason.</c> (for standard error), without the line break.</summary>
    public static string Refused(RefusedFix refused) =>
        $"configlint: warning: {Escape.ForTerminal(refused.DisplayPath)}: {refused.RuleId} not fixed: {Escape.ForTerminal(refused.Reason)}.";
}
