using System.Collections.Immutable;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Iptables;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Semantics.Iptables;

/// <summary>
/// Builds the rule set a file leaves in the kernel. An iptables-save file is restored as iptables-restore does:
/// each <c>*table</c> block flushes the table, <c>:CHAIN</c> lines set policies and create user chains, and the
/// commands run in order (lines with a parse error are skipped). A script's iptables commands run in order from
/// empty tables with ACCEPT policies: <c>-t</c> chooses the table, <c>-F</c>, <c>-X</c>, <c>-N</c>, <c>-P</c>,
/// <c>-A</c>, <c>-I</c>, <c>-D</c>, <c>-R</c>, <c>-E</c> change it. A command iptables would refuse (a missing chain,
/// an index past the end) changes nothing and gets a note.
/// </summary>
public static class IptablesBinder
{
    /// <summary>Binds an iptables tree (iptables-save or script). The workspace is not needed: one file is one rule set.</summary>
    public static IptablesRuleSet Bind(SyntaxTree tree)
    {
        var state = new State(tree);
        switch (tree.Root)
        {
            case IptablesDocumentSyntax document:
                BindSave(document, tree, state);
                break;
            case IptablesScriptSyntax script:
                foreach (var note in script.Script.Notes)
                {
                    state.Note(note.Message, note.Span);
                }

                foreach (var command in script.Script.Commands)
                {
                    var family = command.Family == IptablesFamilyHint.V6Only ? IptablesFamily.V6 : IptablesFamily.V4;
                    state.Families.Add(family);
                    if (command.Words.Length > IptablesParser.MaxArguments)
                    {
                        state.Note($"This command has {command.Words.Length} arguments; ConfigLint reads at most {IptablesParser.MaxArguments}, so it is left out.", command.Span);
                        continue;
                    }

                    var parsed = IptablesCommand.Parse(command.Words, inRestore: false);
                    if (parsed.Errors.FirstOrDefault(e => e.Message.StartsWith(IptablesCommand.NotEvaluated, StringComparison.Ordinal)) is { Message: not null } unknown)
                    {
                        state.Note($"ConfigLint cannot read this command ({unknown.Message}); it is left out of the rule set.", command.Span);
                        continue;
                    }

                    if (parsed.Errors.Length > 0)
                    {
                        state.Note($"iptables would refuse this command ({parsed.Errors[0].Message}); it changes nothing.", command.Span);
                        continue;
                    }

                    state.Apply(family, parsed.Table ?? "filter", parsed, command.Span);
                }

                if (state.Families.Count == 0)
                {
                    state.Families.Add(IptablesFamily.V4);
                }

                return state.Build(script.Script.Understood);
        }

        return state.Build(true);
    }

    private static void BindSave(IptablesDocumentSyntax document, SyntaxTree tree, State state)
    {
        var families = SaveFamilies(document, tree.Path);
        state.Families.UnionWith(families);
        string? table = null;
        foreach (var line in document.Lines)
        {
            switch (line)
            {
                case IptablesTableHeaderSyntax header:
                    table = IptablesTables.BuiltInChains.ContainsKey(header.Name) ? header.Name : null;
                    if (table is not null)
                    {
                        foreach (var family in families)
                        {
                            state.Reset(family, table);
                        }
                    }

                    break;
                case IptablesChainDeclarationSyntax chain when table is not null && chain.Policy is not null:
                    foreach (var family in families)
                    {
                        state.Declare(family, table, chain.Name, chain.Policy, chain.Span);
                    }

                    break;
                case IptablesCommandLineSyntax { Command: { Errors.Length: 0 } command } when table is not null:
                    foreach (var family in families)
                    {
                        if ((command.Family == IptablesFamilyHint.V4Only && family == IptablesFamily.V6)
                            || (command.Family == IptablesFamilyHint.V6Only && family == IptablesFamily.V4))
                        {
                            continue;
                        }

                        state.Apply(family, table, command, line.Span);
                    }

                    break;
                case IptablesCommitSyntax:
                    table = null;
                    break;
            }
        }
    }

    /// <summary>
    /// The families an iptables-save file is for: both when lines carry <c>-4</c>/<c>-6</c> prefixes (one file for
    /// iptables-restore and ip6tables-restore); IPv6 when the name says so (<c>rules.v6</c>, <c>ip6tables…</c>) or the
    /// addresses are IPv6; IPv4 otherwise.
    /// </summary>
    public static ImmutableArray<IptablesFamily> SaveFamilies(IptablesDocumentSyntax document, string path)
    {
        var commands = document.Lines.OfType<IptablesCommandLineSyntax>().Select(l => l.Command).OfType<IptablesCommand>().ToList();
        if (commands.Any(c => c.Family != IptablesFamilyHint.Both))
        {
            return [IptablesFamily.V4, IptablesFamily.V6];
        }

        var name = Path.GetFileName(path).ToLowerInvariant();
        if (name.Contains("v6", StringComparison.Ordinal) || name.Contains("ip6", StringComparison.Ordinal) || name.Contains("ipv6", StringComparison.Ordinal))
        {
            return [IptablesFamily.V6];
        }

        var v6 = commands.Any(c => c.Criteria.Any(o => o.Name is "source" or "destination" && (o.Value ?? string.Empty).Contains(':', StringComparison.Ordinal))
            || c.Matches.Any(m => m.Name == "icmp6")
            || c.Criterion("protocol")?.Value is "icmpv6" or "ipv6-icmp");
        return v6 ? [IptablesFamily.V6] : [IptablesFamily.V4];
    }

    private sealed class State(SyntaxTree tree)
    {
        private readonly Dictionary<(IptablesFamily, string), IptablesTable> _tables = [];
        private readonly List<IptablesNote> _notes = [];

        public HashSet<IptablesFamily> Families { get; } = [];

        public void Note(string message, TextSpan span) => _notes.Add(new IptablesNote(message, new SourceLocation(tree, span)));

        private IptablesTable Table(IptablesFamily family, string name)
        {
            if (!_tables.TryGetValue((family, name), out var table))
            {
                table = new IptablesTable(family, name);
                _tables[(family, name)] = table;
            }

            return table;
        }

        public void Reset(IptablesFamily family, string table)
        {
            var t = Table(family, table);
            foreach (var chain in t.ChainMap.Values.ToList())
            {
                chain.RuleList.Clear();
                if (!chain.IsBuiltIn)
                {
                    t.ChainMap.Remove(chain.Name);
                }
            }
        }

        public void Declare(IptablesFamily family, string table, string name, string policy, TextSpan span)
        {
            var t = Table(family, table);
            if (t.Chain(name) is { IsBuiltIn: true } builtIn)
            {
                if (policy is "ACCEPT" or "DROP")
                {
                    builtIn.Policy = policy;
                    builtIn.PolicyLocation = new SourceLocation(tree, span);
                }
            }
            else if (!t.ChainMap.ContainsKey(name))
            {
                t.ChainMap[name] = new IptablesChain(name, builtIn: false);
            }
        }

        public void Apply(IptablesFamily family, string tableName, IptablesCommand command, TextSpan span)
        {
            if (!IptablesTables.BuiltInChains.ContainsKey(tableName))
            {
                Note($"'{tableName}' is not a table; iptables refuses the command.", span);
                return;
            }

            var table = Table(family, tableName);
            var chain = command.Chain is { } name ? table.Chain(name) : null;
            var location = new SourceLocation(tree, span);
            switch (command.Action)
            {
                case IptablesAction.Append:
                case IptablesAction.Insert:
                case IptablesAction.Replace:
                case IptablesAction.Delete:
                    if (chain is null)
                    {
                        Note($"Chain '{command.Chain}' does not exist in table '{tableName}' here; iptables refuses the command, so it changes nothing.", span);
                        return;
                    }

                    Edit(family, tableName, chain, command, location, span);
                    return;
                case IptablesAction.Flush:
                    if (command.Chain is null)
                    {
                        foreach (var c in table.ChainMap.Values)
                        {
                            c.RuleList.Clear();
                        }
                    }
                    else
                    {
                        chain?.RuleList.Clear();
                    }

                    return;
                case IptablesAction.NewChain:
                    if (command.Chain is { } created && !table.ChainMap.ContainsKey(created))
                    {
                        table.ChainMap[created] = new IptablesChain(created, builtIn: false);
                    }
                    else
                    {
                        Note($"Chain '{command.Chain}' already exists in table '{tableName}'; iptables refuses to create it again.", span);
                    }

                    return;
                case IptablesAction.DeleteChain:
                    foreach (var c in table.ChainMap.Values.Where(c => !c.IsBuiltIn && (command.Chain is null || c.Name == command.Chain) && c.RuleList.Count == 0).ToList())
                    {
                        table.ChainMap.Remove(c.Name);
                    }

                    return;
                case IptablesAction.Policy:
                    if (chain is { IsBuiltIn: true } && command.Policy is "ACCEPT" or "DROP")
                    {
                        chain.Policy = command.Policy;
                        chain.PolicyLocation = location;
                    }
                    else
                    {
                        Note($"'-P {command.Chain} {command.Policy}' is not a policy iptables accepts (built-in chain, ACCEPT or DROP); it changes nothing.", span);
                    }

                    return;
                case IptablesAction.Rename:
                    if (chain is { IsBuiltIn: false } && command.NewName is { } newName && !table.ChainMap.ContainsKey(newName))
                    {
                        table.ChainMap.Remove(chain.Name);
                        chain.Name = newName;
                        table.ChainMap[newName] = chain;
                        foreach (var r in chain.RuleList)
                        {
                            r.Chain = newName;
                        }

                        Note($"Chain '{command.Chain}' is renamed '{newName}'; rules that jump to the old name are not followed to it.", span);
                    }

                    return;
                default:
                    return;
            }
        }

        private void Edit(IptablesFamily family, string tableName, IptablesChain chain, IptablesCommand command, SourceLocation location, TextSpan span)
        {
            var rules = chain.RuleList;
            switch (command.Action)
            {
                case IptablesAction.Append:
                    rules.Add(new IptablesRule(family, tableName, chain.Name, command, location));
                    return;
                case IptablesAction.Insert:
                    var at = (command.RuleNumber ?? 1) - 1;
                    if (at < 0 || at > rules.Count)
                    {
                        Note($"'-I {chain.Name} {command.RuleNumber}' is past the end of the chain ({rules.Count} rules); iptables refuses it.", span);
                        return;
                    }

                    rules.Insert(at, new IptablesRule(family, tableName, chain.Name, command, location));
                    return;
                case IptablesAction.Replace:
                    var replaced = (command.RuleNumber ?? 0) - 1;
                    if (replaced < 0 || replaced >= rules.Count)
                    {
                        Note($"'-R {chain.Name} {command.RuleNumber}': the chain has no such rule ({rules.Count} rules); iptables refuses it.", span);
                        return;
                    }

                    rules[replaced] = new IptablesRule(family, tableName, chain.Name, command, location);
                    return;
                default:
                    int index;
                    if (command.RuleNumber is { } number)
                    {
                        index = number - 1 < rules.Count ? number - 1 : -1;
                    }
                    else
                    {
                        var key = command.SpecKey;
                        index = rules.FindIndex(r => r.Command.SpecKey == key);
                    }

                    if (index < 0)
                    {
                        Note($"'-D {chain.Name}' matches no rule in the chain at this point; iptables refuses it, so it changes nothing.", span);
                        return;
                    }

                    rules.RemoveAt(index);
                    return;
            }
        }

        public IptablesRuleSet Build(bool understood)
        {
            foreach (var family in Families)
            {
                // Every family has the filter table (with its ACCEPT defaults) even when nothing touched it.
                Table(family, "filter");
            }

            var tables = _tables.Values
                .Where(t => Families.Contains(t.Family))
                .OrderBy(t => t.Family).ThenBy(t => Array.IndexOf(TableOrder, t.Name)).ToImmutableArray();
            return new IptablesRuleSet(tree, tables, [.. Families.Order()], [.. _notes], understood);
        }

        private static readonly string[] TableOrder = ["raw", "mangle", "nat", "filter", "security"];
    }
}
