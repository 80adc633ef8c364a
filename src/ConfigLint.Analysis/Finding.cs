using System.Collections.Immutable;
using ConfigLint.Semantics;
using ConfigLint.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Analysis;

/// <summary>Another place a cross-file finding involves.</summary>
public sealed record RelatedLocation(SourceLocation Location, string Message);

/// <summary>A text edit on the original text of one file (a fix is a set of these).</summary>
public sealed record TextEdit(SyntaxTree Tree, TextSpan Span, string NewText);

/// <summary>Whether <c>configlint fix</c> applies a fix unasked (safe) or only with <c>--unsafe-fixes</c>.</summary>
public enum FixApplicability
{
    /// <summary>Hardens to the secure default without changing what the deployment evidently needs.</summary>
    Safe,

    /// <summary>May change behaviour; applied only with <c>--unsafe-fixes</c>.</summary>
    Unsafe,
}

/// <summary>A fix: text edits on the original text of one or more files, and whether it is safe.</summary>
public sealed record Fix(string Title, FixApplicability Applicability, ImmutableArray<TextEdit> Edits)
{
    public static Fix Safe(string title, params TextEdit[] edits) => new(title, FixApplicability.Safe, [.. edits]);

    public static Fix Unsafe(string title, params TextEdit[] edits) => new(title, FixApplicability.Unsafe, [.. edits]);
}

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
