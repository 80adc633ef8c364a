using System.Collections.Immutable;
using ConfigLint.Semantics;
using ConfigLint.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Analysis;

/// <summary>Another place a cross-file finding involves.</summary>
public sealed record RelatedLocation(SourceLocation Location, string Message);

/// <summary>A text edit on the original text (a fix is a set of these).</summary>
public sealed record TextEdit(TextSpan Span, string NewText);

/// <summary>A fix: edits on one file plus whether <c>configlint fix</c> may apply it unasked.</summary>
public sealed record Fix(string Title, FixClass Applicability, ImmutableArray<TextEdit> Edits);

/// <summary>The in-source comment that suppressed a finding, and the reason it gives.</summary>
public sealed record FindingSuppression(string Justification, SourceLocation Location, bool FileWide);

/// <summary>One reported problem, located, with its level and score.</summary>
public sealed record Finding(
    RuleDescriptor Descriptor,
    DiagnosticLevel Level,
    double SecuritySeverity,
    string Message,
    SourceLocation Location,
    ImmutableArray<RelatedLocation> Related,
    Fix? Fix)
{
    public string RuleId => Descriptor.Id;

    public string Path => Location.Path;

    public LinePositionSpan LineSpan => Location.LineSpan;

    /// <summary>Set on findings a suppression comment hid (reported only on request, e.g. SARIF <c>--include-suppressed</c>).</summary>
    public FindingSuppression? Suppression { get; init; }
}
