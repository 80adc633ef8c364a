using System.Text;
using ConfigLint.Analysis;
using ConfigLint.Syntax;

namespace ConfigLint.Cli.Reporting;

/// <summary>
/// GitHub Actions workflow commands, one finding a line: <c>::error file=…,line=…,col=…,endLine=…,endColumn=…,title=ID::message</c>
/// (<c>::warning</c>, <c>::notice</c> for the other levels), which the runner turns into annotations on the diff.
/// Property values escape '%', CR, LF, ':' and ','; the message escapes '%', CR and LF, as the workflow-command
/// syntax requires. Before that, the path and the message (which quotes values from the file) go through
/// <see cref="Escape.ForTerminal"/>: a file cannot put a line break, an ESC sequence or a bidi control into the log,
/// so every line of the output is one annotation and begins with the renderer's own <c>::</c>.
/// </summary>
public static class GitHubRenderer
{
    public static string Render(IReadOnlyList<Finding> findings)
    {
        var sb = new StringBuilder();
        foreach (var f in findings)
        {
            var span = f.LineSpan;
            var command = f.Level switch { DiagnosticLevel.Error => "error", DiagnosticLevel.Warning => "warning", _ => "notice" };
            sb.Append("::").Append(command)
                .Append(" file=").Append(Property(Escape.ForTerminal(f.Path)))
                .Append(",line=").Append(span.Start.Line + 1)
                .Append(",col=").Append(span.Start.Character + 1)
                .Append(",endLine=").Append(span.End.Line + 1)
                .Append(",endColumn=").Append(span.End.Character + 1)
                .Append(",title=").Append(Property(Escape.ForTerminal($"{f.RuleId} {f.Descriptor.Name}")))
                .Append("::").Append(Data(Escape.ForTerminal(f.Message)))
                .Append('\n');
        }

        return sb.ToString();
    }

    public static string Data(string value) =>
        value.Replace("%", "%25", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);

    public static string Property(string value) =>
        Data(value).Replace(":", "%3A", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal);
}
