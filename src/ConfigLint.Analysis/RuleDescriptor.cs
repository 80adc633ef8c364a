using System.Text.RegularExpressions;
using ConfigLint.Syntax;

namespace ConfigLint.Analysis;

/// <summary>The fix class a rule promises (catalog: SAFE, COND, NONE).</summary>
public enum FixClass
{
    /// <summary>No mechanical fix; report and suggest only.</summary>
    None,

    /// <summary>A fix that is safe only when a stated condition holds; otherwise a suggestion.</summary>
    Conditional,

    /// <summary><c>configlint fix</c> may apply the edit without asking.</summary>
    Safe,
}

/// <summary>
/// Everything static about a rule: ID, kebab-case name, title, language, default level, security-severity
/// score, fix class, help URI and tags. Created only through <see cref="Create"/>, which checks the ID.
/// </summary>
public sealed partial class RuleDescriptor
{
    private RuleDescriptor(string id, string name, string title, Language? language, DiagnosticLevel level, double score, FixClass fix, IReadOnlyList<string> tags)
    {
        Id = id;
        Name = name;
        Title = title;
        Language = language;
        DefaultLevel = level;
        SecuritySeverity = score;
        Fix = fix;
        Tags = tags;
    }

    public string Id { get; }

    /// <summary>Kebab-case name of the flagged pattern; accepted wherever an ID is.</summary>
    public string Name { get; }

    public string Title { get; }

    /// <summary>The language the rule reads; null for built-in diagnostics and cross-file rules.</summary>
    public Language? Language { get; }

    public DiagnosticLevel DefaultLevel { get; }

    /// <summary>GitHub code-scanning security-severity (0.0–10.0) for the default variant.</summary>
    public double SecuritySeverity { get; }

    public FixClass Fix { get; }

    public IReadOnlyList<string> Tags { get; }

    /// <summary>The folder of the rule's docs and fixtures: <c>rules/&lt;lang&gt;/&lt;ID&gt;.&lt;name&gt;</c>.</summary>
    public string DocsFolder => $"rules/{LanguageFolder}/{Id}.{Name}";

    public string LanguageFolder => Id[..Id.IndexOfAny("0123456789".ToCharArray())] switch
    {
        "XF" => "crossfile",
        var prefix => Languages.ForRulePrefix(prefix)?.DocsFolder ?? "builtin",
    };

    public string HelpUri => $"https://github.com/configlint/configlint/blob/main/{DocsFolder}/README.md";

    public static RuleDescriptor Create(string id, string name, string title, Language? language, DiagnosticLevel level, double score, FixClass fix, params string[] tags)
    {
        var match = IdPattern().Match(id);
        if (!match.Success || (match.Groups[1].Value is not ("XF" or "CL") && Languages.ForRulePrefix(match.Groups[1].Value) is null))
        {
            throw new ArgumentException($"Rule ID '{id}' must be a known prefix followed by digits.", nameof(id));
        }

        var expected = Languages.ForRulePrefix(match.Groups[1].Value)?.Language;
        if (expected != language)
        {
            throw new ArgumentException($"Rule ID '{id}' does not match language '{language}'.", nameof(language));
        }

        if (!NamePattern().IsMatch(name))
        {
            throw new ArgumentException($"Rule name '{name}' must be kebab-case.", nameof(name));
        }

        if (score is < 0 or > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(score));
        }

        return new RuleDescriptor(id, name, title, language, level, score, fix, tags);
    }

    [GeneratedRegex("^([A-Z]{2,3})[0-9]{3,4}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex NamePattern();
}

/// <summary>The engine's own diagnostics.</summary>
public static class BuiltInDescriptors
{
    public static readonly RuleDescriptor SyntaxError = RuleDescriptor.Create("CL0001", "syntax-error",
        "The file does not parse.", null, DiagnosticLevel.Error, 5.0, FixClass.None);

    public static readonly RuleDescriptor UnknownOption = RuleDescriptor.Create("CL0002", "unknown-option",
        "Unknown directive, option or instruction.", null, DiagnosticLevel.Error, 4.0, FixClass.None);

    public static readonly RuleDescriptor UnusedSuppression = RuleDescriptor.Create("CL0003", "unused-suppression",
        "A suppression comment matches no finding.", null, DiagnosticLevel.Warning, 1.0, FixClass.None);

    public static readonly RuleDescriptor IncludeNotFound = RuleDescriptor.Create("CL0004", "include-not-found",
        "An include is missing or outside the linted folder.", null, DiagnosticLevel.Warning, 3.0, FixClass.None);

    public static IReadOnlyList<RuleDescriptor> All { get; } = [SyntaxError, UnknownOption, UnusedSuppression, IncludeNotFound];
}
