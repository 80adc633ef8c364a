using System.Text.RegularExpressions;
using ConfigLint.Analysis;
using ConfigLint.Analysis.Fixing;
using ConfigLint.Syntax;
using Microsoft.CodeAnalysis.Text;
using ConfigLint.Semantics;
using ConfigLint.Semantics.Compose;
using ConfigLint.Semantics.Nginx;

namespace ConfigLint.Rules.Nginx;

/// <summary>Shared reasoning for the NGX rules: variables, regex captures, on/off values, onion backends.</summary>
internal static partial class NginxFacts
{
    /// <summary>nginx compares on/off case-insensitively.</summary>
    public static bool IsOn(NginxNode? node) => node is not null && node.Arg(0).Equals("on", StringComparison.OrdinalIgnoreCase);

    /// <summary>The variables a value uses (<c>$name</c>, <c>${name}</c>, <c>$1</c>).</summary>
    public static IEnumerable<string> Variables(string value) => VariablePattern().Matches(value).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value);

    /// <summary>The regex that defines <c>$1</c>… for a directive: its own (rewrite), else the nearest enclosing <c>if</c> or regex location.</summary>
    public static string? GoverningRegex(NginxNode node)
    {
        if (node.Name == "rewrite")
        {
            return node.Arg(0);
        }

        foreach (var block in node.Ancestors())
        {
            if (block.Name == "location" && block.Arg(0) is "~" or "~*")
            {
                return block.Arg(1);
            }

            if (block.Name == "if" && block.Args.Count >= 3 && block.Arg(1) is "~" or "~*")
            {
                return block.Arg(2).TrimEnd(')');
            }
        }

        return null;
    }

    /// <summary>The text of capture group n (1-based, named groups counted) of a regex, or null.</summary>
    public static string? Group(string regex, int n)
    {
        var count = 0;
        for (var i = 0; i < regex.Length; i++)
        {
            if (regex[i] == '\\')
            {
                i++;
                continue;
            }

            if (regex[i] != '(' || (i + 1 < regex.Length && regex[i + 1] == '?' && !(i + 2 < regex.Length && regex[i + 2] is 'P' or '<' or '\'') ))
            {
                continue;
            }

            count++;
            if (count != n)
            {
                continue;
            }

            var depth = 0;
            for (var j = i; j < regex.Length; j++)
            {
                if (regex[j] == '\\')
                {
                    j++;
                    continue;
                }

                depth += regex[j] == '(' ? 1 : regex[j] == ')' ? -1 : 0;
                if (depth == 0)
                {
                    return regex[(i + 1)..j];
                }
            }

            return regex[(i + 1)..];
        }

        return null;
    }

    /// <summary>
    /// Whether a regex fragment can match a line break: \W, \s, \S or a negated class match LF and CR; '.' matches
    /// CR but not LF (PCRE without DOTALL), which matters only where CR splits too (responses, not proxy_*).
    /// </summary>
    public static bool CanMatchNewline(string fragment, bool carriageReturnSplits) =>
        NewlineCapable().IsMatch(fragment) || (carriageReturnSplits && UnescapedDot().IsMatch(fragment));

    /// <summary>The group that defines a variable: <c>$1</c> by number, a named capture (<c>(?&lt;name&gt;…)</c>, <c>(?P&lt;name&gt;…)</c>) by name.</summary>
    public static string? CaptureOf(NginxNode at, string variable)
    {
        if (GoverningRegex(at) is not { } regex)
        {
            return null;
        }

        if (IsCapture(variable))
        {
            return Group(regex, int.Parse(variable, System.Globalization.CultureInfo.InvariantCulture));
        }

        var named = Regex.Match(regex, @"\(\?P?<" + Regex.Escape(variable) + ">");
        if (!named.Success)
        {
            return null;
        }

        var count = 0;
        for (var i = 0; i <= named.Index; i++)
        {
            if (regex[i] == '\\')
            {
                i++;
                continue;
            }

            if (regex[i] == '(' && !(i + 1 < regex.Length && regex[i + 1] == '?' && !(i + 2 < regex.Length && regex[i + 2] is 'P' or '<' or '\'')))
            {
                count++;
            }
        }

        return Group(regex, count);
    }

    /// <summary>The value a <c>set $variable …</c> in this block or an enclosing one gives, or null.</summary>
    public static NginxNode? SetOf(NginxNode at, string variable) =>
        at.Ancestors().SelectMany(b => b.Directives("set")).FirstOrDefault(s => s.Arg(0) == "$" + variable);

    public static bool IsCapture(string variable) => variable.All(char.IsAsciiDigit);

    /// <summary>The compose services that run this nginx configuration and are onion backends.</summary>
    public static ComposeService? OnionBackend(Deployment deployment, NginxConfig config) =>
        deployment.ServicesRunning(config.Main).FirstOrDefault(deployment.IsOnionBackend);

    /// <summary>Where the deployment shows that an nginx service is an onion backend: the service, and the HiddenServicePort lines that point at it.</summary>
    public static IEnumerable<ConfigLint.Analysis.RelatedLocation> OnionEvidence(Deployment deployment, ComposeService backend) =>
        new[] { new ConfigLint.Analysis.RelatedLocation(backend.NameLocation, $"Compose service '{backend.Name}' runs this nginx configuration.") }
            .Concat(deployment.OnionBackends(backend.Project).Where(b => b.Backend == backend)
                .Select(b => new ConfigLint.Analysis.RelatedLocation(b.Line.Location, $"'{b.Line.Name} {b.Line.Value}' makes '{backend.Name}' an onion service backend.")));

    [GeneratedRegex(@"\$(?:\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))")]
    private static partial Regex VariablePattern();

    [GeneratedRegex(@"\\[WsS]|\[\^(?![^\]]*\\n)")]
    private static partial Regex NewlineCapable();

    [GeneratedRegex(@"(?<!\\)\.")]
    private static partial Regex UnescapedDot();
}

/// <summary>Fixes on nginx files: statements inserted where nginx reads them, keeping the file's layout.</summary>
internal static class NginxFixes
{
    /// <summary>
    /// Adds a statement as the first one of a block (after its '{'), indented like the block's first statement. For
    /// the top level of a file (<paramref name="block"/> is a root), before the file's first statement.
    /// </summary>
    public static TextEdit? AtBlockStart(NginxConfig config, NginxNode block, string statement)
    {
        if (block.IsRoot)
        {
            var tree = block.Tree ?? config.Main;
            var first = block.Children.FirstOrDefault(c => c.Tree == tree)?.Directive;
            return first is null ? Edits.AppendLines(tree, statement) : Edits.InsertLinesBefore(tree, first.Span.Start, statement);
        }

        var directive = block.Directive!;
        var blockTree = block.Tree!;
        var text = blockTree.Text;
        var open = directive.Children.OfType<SyntaxToken>().FirstOrDefault(t => t.Kind == SyntaxKind.NginxOpenBrace);
        var close = directive.Children.OfType<SyntaxToken>().LastOrDefault(t => t.Kind == SyntaxKind.NginxCloseBrace);
        if (open is null || close is null)
        {
            return null;
        }

        var openLine = text.Lines.GetLineFromPosition(open.Span.Start);
        var rest = text.ToString(TextSpan.FromBounds(open.Span.End, openLine.End)).Trim();
        if (text.Lines.GetLineFromPosition(close.Span.Start).LineNumber == openLine.LineNumber || (rest.Length > 0 && !rest.StartsWith('#')))
        {
            // '{' shares its line with statements: stay on that line.
            return Edits.Replace(blockTree, new TextSpan(open.Span.End, 0), " " + statement);
        }

        var firstChild = directive.Block?.FirstOrDefault();
        var indent = firstChild is not null && text.Lines.GetLineFromPosition(firstChild.Span.Start).LineNumber > openLine.LineNumber
            ? Edits.IndentationAt(text, firstChild.Span.Start)
            : Edits.IndentationAt(text, directive.Span.Start) + (Edits.IndentationAt(text, directive.Span.Start).Contains('\t') ? "\t" : "    ");
        return Edits.InsertIndentedLinesAfter(blockTree, open.Span, indent, [statement]);
    }

    /// <summary>Adds a statement right after another one in the same block: on the next line, or on the same line when the block closes there.</summary>
    public static TextEdit After(NginxNode node, string statement)
    {
        var tree = node.Tree!;
        var text = tree.Text;
        var span = node.Directive!.Span;
        var line = text.Lines.GetLineFromPosition(span.End);
        var rest = text.ToString(TextSpan.FromBounds(span.End, line.End)).Trim();
        return rest.Length == 0 || rest.StartsWith('#')
            ? Edits.InsertLinesAfter(tree, span, statement)
            : Edits.Replace(tree, new TextSpan(span.End, 0), " " + statement);
    }

    /// <summary>Adds statements right before another one in the same block: on lines of their own, or on its line when it shares the line.</summary>
    public static TextEdit Before(NginxNode node, params string[] statements)
    {
        var tree = node.Tree!;
        var text = tree.Text;
        var start = node.Directive!.Span.Start;
        var line = text.Lines.GetLineFromPosition(start);
        return string.IsNullOrWhiteSpace(text.ToString(TextSpan.FromBounds(line.Start, start)))
            ? Edits.InsertLinesBefore(tree, start, statements)
            : Edits.Replace(tree, new TextSpan(start, 0), string.Join(' ', statements) + " ");
    }

    /// <summary>Replaces a directive's arguments (from the first to the last) with new text.</summary>
    public static TextEdit? SetArgs(NginxNode node, string args) =>
        node.ArgWords.Length == 0 ? null : Edits.Replace(node.Tree!, TextSpan.FromBounds(node.ArgWords[0].Span.Start, node.ArgWords[^1].Span.End), args);
}
