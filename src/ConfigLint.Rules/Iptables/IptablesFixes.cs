using ConfigLint.Analysis;
using ConfigLint.Semantics.Iptables;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Iptables;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Rules.Iptables;

/// <summary>
/// Text edits that add or replace rules in an iptables-save file or a script, on the original text. In an
/// iptables-save file a rule goes into its table's block (after the chain's last rule, or before the chain's first
/// rule); in a script, a new command goes on its own line beside the command that added the anchoring rule, with the
/// same indentation and program word. An anchor is refused (no edit) when the command runs more than once (a loop or a
/// function called twice), or shares its line with other shell code, so the edit never lands somewhere it means
/// something else.
/// </summary>
internal static class IptablesFixes
{
    /// <summary>Adds <c>-A chain spec</c> after the chain's last rule (the end of the chain). Null when no safe place exists.</summary>
    public static TextEdit? Append(IptablesRuleSet ruleSet, IptablesFamily family, string table, string chain, string spec)
    {
        var rules = ruleSet.Chain(family, table, chain)?.Rules ?? [];
        if (ruleSet.Tree.Root is IptablesDocumentSyntax document)
        {
            var block = Block(document, table);
            if (block is null)
            {
                return null;
            }

            var last = block.Value.Commands.LastOrDefault(c => c.Command?.Chain == chain);
            var at = last is not null ? LineEnd(ruleSet.Tree, last.Span) : LineStart(ruleSet.Tree, block.Value.Commit.Span.Start);
            return new TextEdit(ruleSet.Tree, new TextSpan(at, 0), SaveLine(ruleSet, family, $"-A {chain} {spec}"));
        }

        // An empty chain in a script: after the script's last command of the family (its rules are all in by then).
        var anchor = rules.Count > 0 ? rules[^1] : ruleSet.Rules(family).Where(r => RunsOnce(ruleSet, r)).MaxBy(r => r.Location.Span.Start);
        return anchor is null ? null : ScriptLine(ruleSet, anchor, table, $"-A {chain} {spec}", after: true);
    }

    /// <summary>Adds the rules at the top of the chain, in order. Null when no safe place exists.</summary>
    public static TextEdit? Prepend(IptablesRuleSet ruleSet, IptablesFamily family, string table, string chain, IReadOnlyList<string> specs)
    {
        var rules = ruleSet.Chain(family, table, chain)?.Rules ?? [];
        if (ruleSet.Tree.Root is IptablesDocumentSyntax document)
        {
            var block = Block(document, table);
            if (block is null)
            {
                return null;
            }

            var first = block.Value.Commands.FirstOrDefault(c => c.Command?.Chain == chain);
            if (first?.Command?.Action is { } action && action != IptablesAction.Append)
            {
                return null;
            }

            var at = LineStart(ruleSet.Tree, (first?.Span ?? block.Value.Commit.Span).Start);
            return new TextEdit(ruleSet.Tree, new TextSpan(at, 0), string.Concat(specs.Select(s => SaveLine(ruleSet, family, $"-A {chain} {s}"))));
        }

        if (rules.Count == 0)
        {
            return null;
        }

        // In a script the first rule must have been appended (an -I later would put it above the new lines).
        var anchor = rules[0];
        if (ruleSet.Rules(family).Any(r => r.Table == table && r.Chain == chain && r.Command.Action == IptablesAction.Insert))
        {
            return null;
        }

        var edits = specs.Select(s => ScriptLine(ruleSet, anchor, table, $"-A {chain} {s}", after: false)).ToList();
        return edits.Any(e => e is null) ? null : new TextEdit(ruleSet.Tree, edits[0]!.Span, string.Concat(edits.Select(e => e!.NewText)));
    }

    /// <summary>Replaces the rule's line or command with <c>-A chain spec</c>. Null when the rule's command runs more than once.</summary>
    public static TextEdit? Replace(IptablesRuleSet ruleSet, IptablesRule rule, string spec)
    {
        var tree = ruleSet.Tree;
        if (tree.Root is IptablesDocumentSyntax)
        {
            var line = tree.Text.Lines.GetLineFromPosition(rule.Location.Span.Start);
            var prefix = rule.Command.Family switch { IptablesFamilyHint.V4Only => "-4 ", IptablesFamilyHint.V6Only => "-6 ", _ => string.Empty };
            return new TextEdit(tree, line.Span, $"{prefix}-A {rule.Chain} {spec}");
        }

        if (!RunsOnce(ruleSet, rule) || !OwnsItsLine(tree, rule.Location.Span))
        {
            return null;
        }

        var table = rule.Table == "filter" ? string.Empty : $"-t {rule.Table} ";
        return new TextEdit(tree, rule.Location.Span, $"{Program(tree, rule.Location.Span)} {table}-A {rule.Chain} {spec}");
    }

    /// <summary>Whether the text of the rule's command added exactly one rule (not a loop body, not a function called twice).</summary>
    public static bool RunsOnce(IptablesRuleSet ruleSet, IptablesRule rule) => ruleSet.RulesAddedAt(rule.Location.Span) == 1;

    private static TextEdit? ScriptLine(IptablesRuleSet ruleSet, IptablesRule anchor, string table, string command, bool after)
    {
        var tree = ruleSet.Tree;
        var span = anchor.Location.Span;
        if (!RunsOnce(ruleSet, anchor) || !OwnsItsLine(tree, span))
        {
            return null;
        }

        var first = tree.Text.Lines.GetLineFromPosition(span.Start);
        var indent = first.ToString()[..(span.Start - first.Start)];
        var text = $"{indent}{Program(tree, span)} {(table == "filter" ? string.Empty : $"-t {table} ")}{command}";
        var newline = NewLine(tree);
        if (after)
        {
            var end = LineEnd(tree, span);
            var last = tree.Text.Lines.GetLineFromPosition(Math.Max(span.End - 1, span.Start));
            return last.EndIncludingLineBreak > last.End
                ? new TextEdit(tree, new TextSpan(end, 0), text + newline)
                : new TextEdit(tree, new TextSpan(end, 0), newline + text);
        }

        return new TextEdit(tree, new TextSpan(first.Start, 0), text + newline);
    }

    /// <summary>The command is alone on its lines: only blanks before it and only blanks or a comment after it.</summary>
    private static bool OwnsItsLine(SyntaxTree tree, TextSpan span)
    {
        var first = tree.Text.Lines.GetLineFromPosition(span.Start);
        var last = tree.Text.Lines.GetLineFromPosition(Math.Max(span.End - 1, span.Start));
        var before = tree.Text.ToString(TextSpan.FromBounds(first.Start, span.Start));
        var after = tree.Text.ToString(TextSpan.FromBounds(Math.Min(span.End, last.End), last.End)).Trim();
        return string.IsNullOrWhiteSpace(before) && (after.Length == 0 || after.StartsWith('#'));
    }

    /// <summary>The program word the command was written with (<c>iptables</c>, <c>/sbin/ip6tables</c>, <c>$IPT</c>).</summary>
    private static string Program(SyntaxTree tree, TextSpan span)
    {
        var text = tree.Text.ToString(span);
        var end = text.IndexOfAny([' ', '\t']);
        return end < 0 ? text : text[..end];
    }

    private static string SaveLine(IptablesRuleSet ruleSet, IptablesFamily family, string line)
    {
        var prefix = ruleSet.Families.Length > 1 ? (family == IptablesFamily.V4 ? "-4 " : "-6 ") : string.Empty;
        return prefix + line + NewLine(ruleSet.Tree);
    }

    private static (IReadOnlyList<IptablesCommandLineSyntax> Commands, SyntaxNode Commit)? Block(IptablesDocumentSyntax document, string table)
    {
        for (var i = 0; i < document.Lines.Length; i++)
        {
            if (document.Lines[i] is IptablesTableHeaderSyntax header && header.Name == table)
            {
                var commands = new List<IptablesCommandLineSyntax>();
                for (var j = i + 1; j < document.Lines.Length; j++)
                {
                    switch (document.Lines[j])
                    {
                        case IptablesCommitSyntax commit:
                            return (commands, commit);
                        case IptablesTableHeaderSyntax:
                            return null;
                        case IptablesCommandLineSyntax command:
                            commands.Add(command);
                            break;
                    }
                }

                return null;
            }
        }

        return null;
    }

    /// <summary>The position after the line break of the line that holds the span's end.</summary>
    private static int LineEnd(SyntaxTree tree, TextSpan span) =>
        tree.Text.Lines.GetLineFromPosition(Math.Max(span.End - 1, span.Start)).EndIncludingLineBreak;

    private static int LineStart(SyntaxTree tree, int position) => tree.Text.Lines.GetLineFromPosition(position).Start;

    private static string NewLine(SyntaxTree tree)
    {
        var lines = tree.Text.Lines;
        if (lines.Count > 0)
        {
            var line = lines[0];
            if (line.EndIncludingLineBreak - line.End == 2)
            {
                return "\r\n";
            }
        }

        return "\n";
    }
}
