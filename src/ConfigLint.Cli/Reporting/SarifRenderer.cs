using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ConfigLint.Analysis;
using ConfigLint.Semantics;
using ConfigLint.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Cli.Reporting;

/// <summary>What a SARIF log describes besides the findings: the rules that ran, where paths are relative to, the category.</summary>
public sealed record SarifRun(
    IReadOnlyList<RuleDescriptor> Rules,
    string CurrentDirectory,
    string Category,
    Func<RuleDescriptor, string?> Docs,
    IReadOnlyList<string> Errors);

/// <summary>
/// SARIF 2.1.0 for GitHub code scanning, written with Utf8JsonWriter (AOT-safe, no reflection): one run; the rules
/// with their docs as help; results with full regions (1-based, UTF-16 columns, end column exclusive),
/// <c>relatedLocations</c> for cross-file findings, a <c>primaryLocationLineHash</c> that depends on the flagged
/// line's content and not on its number; <c>fixes</c> only when a fix has edits; suppressed findings only when asked
/// for, with <c>suppressions[]</c>. Same input, same bytes.
/// </summary>
public static class SarifRenderer
{
    private const string SrcRoot = "%SRCROOT%";

    public static string Render(IReadOnlyList<Finding> findings, SarifRun run)
    {
        var rules = run.Rules.ToList();
        var index = rules.Select((r, i) => (r.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        foreach (var missing in findings.Select(f => f.Descriptor).Where(d => !index.ContainsKey(d.Id)).DistinctBy(d => d.Id).ToList())
        {
            index[missing.Id] = rules.Count;
            rules.Add(missing);
        }

        using var stream = new MemoryStream(JsonRenderer.Capacity(findings.Count));
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
            w.WriteString("version", "2.1.0");
            w.WriteStartArray("runs");
            w.WriteStartObject();

            WriteTool(w, rules, run.Docs);
            w.WriteStartObject("automationDetails");
            w.WriteString("id", run.Category.TrimEnd('/') + "/");
            w.WriteEndObject();

            w.WriteStartObject("originalUriBaseIds");
            w.WriteStartObject(SrcRoot);
            w.WriteString("uri", new Uri(run.CurrentDirectory.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar).AbsoluteUri);
            w.WriteEndObject();
            w.WriteEndObject();

            w.WriteString("columnKind", "utf16CodeUnits");

            w.WriteStartArray("invocations");
            w.WriteStartObject();
            w.WriteBoolean("executionSuccessful", run.Errors.Count == 0);
            if (run.Errors.Count > 0)
            {
                w.WriteStartArray("toolExecutionNotifications");
                foreach (var error in run.Errors)
                {
                    w.WriteStartObject();
                    w.WriteString("level", "error");
                    w.WriteStartObject("message");
                    w.WriteString("text", EndSentence(error));
                    w.WriteEndObject();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
            w.WriteEndArray();

            w.WriteStartArray("results");
            var occurrences = new Dictionary<(string Path, string RuleId, string Hash), int>();
            foreach (var f in findings)
            {
                JsonRenderer.FlushIfLarge(w);
                WriteResult(w, f, index[f.RuleId], occurrences);
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return JsonRenderer.Text(stream);
    }

    private static void WriteTool(Utf8JsonWriter w, List<RuleDescriptor> rules, Func<RuleDescriptor, string?> docs)
    {
        w.WriteStartObject("tool");
        w.WriteStartObject("driver");
        w.WriteString("name", "ConfigLint");
        w.WriteString("semanticVersion", ToolInfo.Version);
        w.WriteString("informationUri", ToolInfo.InformationUri);
        w.WriteStartArray("rules");
        foreach (var rule in rules)
        {
            var doc = docs(rule);
            var sections = RuleDoc.Sections(doc);
            w.WriteStartObject();
            w.WriteString("id", rule.Id);
            w.WriteString("name", ToPascal(rule.Name));
            w.WriteStartObject("shortDescription");
            w.WriteString("text", Limit(rule.Title, 1024));
            w.WriteEndObject();
            w.WriteStartObject("fullDescription");
            w.WriteString("text", Limit(RuleDoc.Plain(sections.GetValueOrDefault("What it does") ?? rule.Title), 1024));
            w.WriteEndObject();
            w.WriteStartObject("defaultConfiguration");
            w.WriteString("level", rule.DefaultLevel.ToText());
            w.WriteEndObject();
            w.WriteString("helpUri", rule.HelpUri);
            w.WriteStartObject("help");
            w.WriteString("text", HelpText(rule, sections));
            w.WriteString("markdown", doc?.TrimEnd() ?? $"**{rule.Title}**\n\nSee {rule.HelpUri}.");
            w.WriteEndObject();
            w.WriteStartObject("properties");
            w.WriteStartArray("tags");
            foreach (var tag in Tags(rule))
            {
                w.WriteStringValue(tag);
            }

            w.WriteEndArray();
            w.WriteString("precision", rule.Id.StartsWith("CL", StringComparison.Ordinal) ? "very-high" : "high");
            if (IsSecurity(rule))
            {
                w.WriteString("security-severity", Score(rule.SecuritySeverity));
            }
            else
            {
                w.WriteString("problem.severity", rule.DefaultLevel == DiagnosticLevel.Error ? "error" : rule.DefaultLevel == DiagnosticLevel.Warning ? "warning" : "recommendation");
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteResult(Utf8JsonWriter w, Finding f, int ruleIndex, Dictionary<(string, string, string), int> occurrences)
    {
        w.WriteStartObject();
        w.WriteString("ruleId", f.RuleId);
        w.WriteNumber("ruleIndex", ruleIndex);
        w.WriteString("level", f.Level.ToText());
        w.WriteStartObject("message");
        w.WriteString("text", f.Message);
        w.WriteEndObject();

        w.WriteStartArray("locations");
        w.WriteStartObject();
        WritePhysical(w, f.Location);
        w.WriteEndObject();
        w.WriteEndArray();

        if (f.Related.Length > 0)
        {
            w.WriteStartArray("relatedLocations");
            var id = 1;
            foreach (var r in f.Related)
            {
                w.WriteStartObject();
                w.WriteNumber("id", id++);
                WritePhysical(w, r.Location);
                w.WriteStartObject("message");
                w.WriteString("text", EndSentence(r.Message));
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        var hash = LineHash(f);
        var key = (f.Path, f.RuleId, hash);
        var occurrence = occurrences.GetValueOrDefault(key);
        occurrences[key] = occurrence + 1;
        w.WriteStartObject("partialFingerprints");
        w.WriteString("primaryLocationLineHash", $"{hash}:{occurrence + 1}");
        w.WriteEndObject();

        if (f.Fix is { Edits.Length: > 0 } fix)
        {
            w.WriteStartArray("fixes");
            w.WriteStartObject();
            w.WriteStartObject("description");
            w.WriteString("text", EndSentence(fix.Title));
            w.WriteEndObject();
            w.WriteStartArray("artifactChanges");
            foreach (var file in fix.Edits.GroupBy(e => e.Tree).OrderBy(g => g.Key.Path, StringComparer.Ordinal))
            {
                w.WriteStartObject();
                WriteArtifact(w, file.Key.Path);
                w.WriteStartArray("replacements");
                foreach (var edit in file.OrderBy(e => e.Span.Start))
                {
                    w.WriteStartObject();
                    w.WriteStartObject("deletedRegion");
                    WriteRegionFields(w, file.Key.Text.Lines.GetLinePositionSpan(edit.Span));
                    w.WriteEndObject();
                    w.WriteStartObject("insertedContent");
                    w.WriteString("text", edit.NewText);
                    w.WriteEndObject();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
        }

        if (f.Suppression is { } suppression)
        {
            w.WriteStartArray("suppressions");
            w.WriteStartObject();
            w.WriteString("kind", "inSource");
            w.WriteString("status", "accepted");
            w.WriteString("justification", suppression.Justification);
            w.WriteStartObject("location");
            WritePhysical(w, suppression.Location);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private static void WritePhysical(Utf8JsonWriter w, SourceLocation location)
    {
        w.WriteStartObject("physicalLocation");
        WriteArtifact(w, location.Path);
        w.WriteStartObject("region");
        WriteRegionFields(w, location.LineSpan);
        var text = location.Tree.Text;
        if (location.Span.Length > 0 && location.Span.End <= text.Length)
        {
            w.WriteStartObject("snippet");
            w.WriteString("text", text.ToString(location.Span.Length > 2000 ? new TextSpan(location.Span.Start, 2000) : location.Span));
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteArtifact(Utf8JsonWriter w, string path)
    {
        w.WriteStartObject("artifactLocation");
        w.WriteString("uri", RelativeUri(path));
        w.WriteString("uriBaseId", SrcRoot);
        w.WriteEndObject();
    }

    private static void WriteRegionFields(Utf8JsonWriter w, LinePositionSpan span)
    {
        w.WriteNumber("startLine", span.Start.Line + 1);
        w.WriteNumber("startColumn", span.Start.Character + 1);
        w.WriteNumber("endLine", span.End.Line + 1);
        w.WriteNumber("endColumn", span.End.Character + 1);
    }

    /// <summary>A relative URI reference: each path segment percent-encoded, '/' kept.</summary>
    public static string RelativeUri(string path) =>
        string.Join('/', path.Split('/').Select(segment => segment is ".." or "." ? segment : Uri.EscapeDataString(segment)));

    /// <summary>
    /// A hash of the flagged line's content with all whitespace removed (so re-indenting or moving the line keeps it),
    /// with the rule ID. The renderer appends the occurrence number of that (file, rule, hash) so identical lines stay
    /// distinct.
    /// </summary>
    public static string LineHash(Finding f)
    {
        // The first 4 KB of the line: real lines are shorter, and a hostile one can be megabytes long for every finding on it.
        var text = f.Location.Tree.Text;
        var span = text.Lines[Math.Min(f.LineSpan.Start.Line, text.Lines.Count - 1)].Span;
        var line = text.ToString(new TextSpan(span.Start, Math.Min(span.Length, 4096)));
        var squeezed = new StringBuilder(line.Length);
        foreach (var c in line.Where(c => !char.IsWhiteSpace(c)))
        {
            squeezed.Append(c);
        }

        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(f.RuleId + "\n" + squeezed));
        return Convert.ToHexStringLower(bytes, 0, 8);
    }

    private static IEnumerable<string> Tags(RuleDescriptor rule)
    {
        var tags = new List<string>();
        if (IsSecurity(rule))
        {
            tags.Add("security");
        }

        if (rule.Language is { } language)
        {
            tags.Add(language.ToString().ToLowerInvariant());
        }
        else if (rule.Id.StartsWith("XF", StringComparison.Ordinal))
        {
            tags.Add("cross-file");
        }
        else
        {
            tags.Add("configlint");
        }

        foreach (var tag in rule.Tags.Where(t => t != "security"))
        {
            tags.Add(tag.StartsWith("CWE-", StringComparison.OrdinalIgnoreCase) ? "external/cwe/cwe-" + tag[4..].TrimStart('0') : tag);
        }

        return tags.Distinct(StringComparer.Ordinal).Take(10);
    }

    private static bool IsSecurity(RuleDescriptor rule) => rule.Tags.Contains("security") && rule.SecuritySeverity > 0;

    private static string Score(double score) => Math.Clamp(score, 0.1, 10.0).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);

    private static string HelpText(RuleDescriptor rule, IReadOnlyDictionary<string, string> sections)
    {
        var parts = new List<string> { rule.Title };
        foreach (var heading in new[] { "What it does", "Why is this bad?" })
        {
            if (sections.GetValueOrDefault(heading) is { } body)
            {
                parts.Add(RuleDoc.Plain(body));
            }
        }

        parts.Add($"Documentation: {rule.HelpUri}");
        return string.Join("\n\n", parts);
    }

    private static string ToPascal(string kebab) =>
        string.Concat(kebab.Split('-', StringSplitOptions.RemoveEmptyEntries).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));

    private static string Limit(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static string EndSentence(string text) => Sentence.Of(text);
}

/// <summary>The sections of a rule's README (<c>## What it does</c> …) and a plain-text rendering of their markdown.</summary>
public static class RuleDoc
{
    public static IReadOnlyDictionary<string, string> Sections(string? markdown)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (markdown is null)
        {
            return result;
        }

        string? heading = null;
        var body = new StringBuilder();
        foreach (var line in markdown.Split('\n'))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                if (heading is not null)
                {
                    result[heading] = body.ToString().Trim();
                }

                heading = line[3..].Trim();
                body.Clear();
            }
            else if (heading is not null)
            {
                body.Append(line).Append('\n');
            }
        }

        if (heading is not null)
        {
            result[heading] = body.ToString().Trim();
        }

        return result;
    }

    /// <summary>Markdown to plain text for SARIF <c>text</c> fields: code spans and emphasis unwrapped, links as "text (url)".</summary>
    public static string Plain(string markdown)
    {
        var text = System.Text.RegularExpressions.Regex.Replace(markdown, @"\[([^\]]+)\]\(([^)]+)\)", "$1 ($2)");
        text = text.Replace("**", string.Empty, StringComparison.Ordinal).Replace("`", string.Empty, StringComparison.Ordinal);
        return text.Trim();
    }
}

/// <summary>The tool's identity in reports.</summary>
public static class ToolInfo
{
    public const string InformationUri = "https://github.com/configlint/configlint";

    public static string Version { get; } = (typeof(ToolInfo).Assembly
        .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
        .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "0.0.0")
        .Split('+')[0];
}
