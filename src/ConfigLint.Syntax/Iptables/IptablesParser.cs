using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Syntax.Iptables;

/// <summary>
/// A full-fidelity parser for iptables-save / ip6tables-save files, following iptables-restore 1.8 (xtables-restore.c
/// and xshared.c's add_param_to_argv): lines end at LF; a line that starts with <c>#</c> is a comment and an empty
/// line is skipped; outside a table only <c>*table</c> is allowed; inside one, <c>:CHAIN POLICY [p:b]</c> declares a
/// chain, <c>COMMIT</c> (alone on its line) closes it, and every other line is a command whose words split on blanks,
/// with double quotes grouping and <c>\</c> escaping inside quotes. Each problem iptables-restore stops at is a CL0001
/// on the line it names; the parser goes on with the next line.
/// </summary>
public static class IptablesParser
{
    /// <summary>iptables-restore reads a line into a 10,240-byte buffer: a longer line is split and misread.</summary>
    public const int MaxLineLength = 10238;

    /// <summary>Words of a line kept as tokens; the rest of a hostile line is one token (iptables-restore refuses it anyway).</summary>
    public const int MaxArguments = 4096;

    private static readonly string[] Tables = ["filter", "nat", "mangle", "raw", "security"];

    public static SyntaxTree Parse(string path, SourceText text)
    {
        var s = text.ToString();
        var children = ImmutableArray.CreateBuilder<SyntaxElement>();
        var diagnostics = ImmutableArray.CreateBuilder<ParseDiagnostic>();
        var pending = new List<SyntaxTrivia>();
        var position = 0;
        if (s.Length > 0 && s[0] == '\uFEFF')
        {
            pending.Add(new SyntaxTrivia(SyntaxKind.ByteOrderMark, new TextSpan(0, 1)));
            Error(diagnostics, "The file starts with a byte-order mark, which iptables-restore reads as part of the first line; it rejects the file.", new TextSpan(0, 1));
            position = 1;
        }

        string? table = null;
        var block = new TableBlock();
        while (position < s.Length)
        {
            var nl = s.IndexOf('\n', position);
            var contentEnd = nl < 0 ? s.Length : nl;
            var end = nl < 0 ? s.Length : nl + 1;
            var lineSpan = TextSpan.FromBounds(position, contentEnd);
            if (contentEnd - position > MaxLineLength)
            {
                Error(diagnostics, $"This line is {contentEnd - position} characters long; iptables-restore reads at most {MaxLineLength} and misreads the rest as another line.", new TextSpan(position, 0));
            }

            if (contentEnd == position)
            {
                // An empty line.
            }
            else if (s[position] == '#')
            {
                pending.Add(new SyntaxTrivia(SyntaxKind.Comment, lineSpan));
            }
            else if (table is not null && s.AsSpan(position, contentEnd - position).SequenceEqual("COMMIT"))
            {
                children.Add(new IptablesCommitSyntax([new SyntaxToken(SyntaxKind.IptablesWord, lineSpan, Take(pending), [])]));
                block.Check(diagnostics);
                table = null;
                block = new TableBlock();
            }
            else if (table is null && s[position] == '*')
            {
                var (node, name) = Header(s, position, contentEnd, pending, diagnostics);
                children.Add(node);
                table = name;
                block = new TableBlock { Table = name };
            }
            else if (table is not null && s[position] == ':')
            {
                children.Add(Chain(s, position, contentEnd, pending, diagnostics, block));
            }
            else
            {
                var node = CommandLine(s, position, contentEnd, pending, diagnostics, inTable: table is not null);
                if (node.Children.Length > 0)
                {
                    children.Add(node);
                }

                if (table is not null && node.Command is { } command)
                {
                    block.Commands.Add(command);
                }
            }

            if (end > contentEnd)
            {
                pending.Add(new SyntaxTrivia(SyntaxKind.EndOfLine, TextSpan.FromBounds(contentEnd, end)));
            }

            position = end;
        }

        if (table is not null)
        {
            block.Check(diagnostics);
            Error(diagnostics, $"Table '{table}' is not closed: COMMIT expected at the end of the file; iptables-restore rejects the file.", new TextSpan(s.Length, 0));
        }

        children.Add(new SyntaxToken(SyntaxKind.EndOfFile, new TextSpan(s.Length, 0), Take(pending), []));
        return new SyntaxTree(path, Language.Iptables, text, new IptablesDocumentSyntax(children.ToImmutable()), diagnostics.ToImmutable());
    }

    /// <summary>The chains and commands of one table block, checked at its COMMIT: every chain a command names must exist.</summary>
    private sealed class TableBlock
    {
        public string Table { get; init; } = string.Empty;

        public HashSet<string> Declared { get; } = new(StringComparer.Ordinal);

        public List<IptablesCommand> Commands { get; } = [];

        public void Check(ImmutableArray<ParseDiagnostic>.Builder diagnostics)
        {
            if (!IptablesTables.BuiltInChains.ContainsKey(Table))
            {
                return;
            }

            var chains = new HashSet<string>(Declared, StringComparer.Ordinal);
            chains.UnionWith(Commands.Where(c => c.Action == IptablesAction.NewChain && c.Chain is not null).Select(c => c.Chain!));
            chains.UnionWith(Commands.Where(c => c.Action == IptablesAction.Rename && c.NewName is not null).Select(c => c.NewName!));
            foreach (var c in Commands)
            {
                if (c.Errors.Length > 0)
                {
                    continue;
                }

                if (c.Chain is { } chain && c.Action is IptablesAction.Append or IptablesAction.Insert or IptablesAction.Delete or IptablesAction.Replace or IptablesAction.Policy or IptablesAction.Check
                    && !IptablesTables.IsBuiltIn(Table, chain) && !chains.Contains(chain))
                {
                    Error(diagnostics, $"Chain '{chain}' does not exist in table '{Table}'; declare it with ':{chain} - [0:0]' first. iptables-restore rejects the line.", c.ActionSpan);
                }
                else if (c.Target is { } target && !IptablesModules.IsTarget(target.Name) && !chains.Contains(target.Name))
                {
                    var builtIn = IptablesTables.IsBuiltIn(Table, target.Name);
                    Error(diagnostics, builtIn
                        ? $"A rule cannot jump to the built-in chain '{target.Name}'; iptables-restore rejects the line."
                        : $"'{target.Name}' is neither a target nor a chain of table '{Table}'; iptables-restore cannot load it and rejects the line.", target.Span);
                }
            }
        }
    }

    private static (IptablesTableHeaderSyntax Node, string Name) Header(string s, int start, int end, List<SyntaxTrivia> pending, ImmutableArray<ParseDiagnostic>.Builder diagnostics)
    {
        var tokens = PlainTokens(s, start, end, pending);
        var rest = s[(start + 1)..end];
        var parts = rest.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        var name = parts.Length > 0 ? parts[0] : string.Empty;
        var nameStart = name.Length > 0 ? s.IndexOf(name, start + 1, StringComparison.Ordinal) : start;
        var nameSpan = new TextSpan(nameStart, name.Length);
        if (name.Length == 0)
        {
            Error(diagnostics, "The table name is missing after '*'; iptables-restore rejects the file.", TextSpan.FromBounds(start, end));
        }
        else if (!Tables.Contains(name))
        {
            Error(diagnostics, $"'{name}' is not a table (filter, nat, mangle, raw or security); iptables-restore rejects the file.", nameSpan);
        }

        return (new IptablesTableHeaderSyntax(tokens, name, nameSpan), name);
    }

    private static IptablesChainDeclarationSyntax Chain(string s, int start, int end, List<SyntaxTrivia> pending, ImmutableArray<ParseDiagnostic>.Builder diagnostics, TableBlock block)
    {
        var tokens = PlainTokens(s, start, end, pending);
        var parts = new List<TextSpan>();
        var i = start + 1;
        while (i < end)
        {
            while (i < end && s[i] is ' ' or '\t')
            {
                i++;
            }

            var w = i;
            while (i < end && s[i] is not (' ' or '\t'))
            {
                i++;
            }

            if (i > w)
            {
                parts.Add(TextSpan.FromBounds(w, i));
            }
        }

        var name = parts.Count > 0 ? s.Substring(parts[0].Start, parts[0].Length) : string.Empty;
        var policy = parts.Count > 1 ? s.Substring(parts[1].Start, parts[1].Length) : null;
        var nameSpan = parts.Count > 0 ? parts[0] : TextSpan.FromBounds(start, end);
        var policySpan = parts.Count > 1 ? parts[1] : new TextSpan(end, 0);
        var builtIn = IptablesTables.IsBuiltIn(block.Table, name);
        if (name.Length == 0)
        {
            Error(diagnostics, "The chain name is missing after ':'; iptables-restore rejects the file.", nameSpan);
        }
        else if (name.Length > IptablesTables.MaxChainName)
        {
            Error(diagnostics, $"Chain name '{name}' is longer than {IptablesTables.MaxChainName} characters; iptables-restore rejects it.", nameSpan);
        }
        else if (policy is null)
        {
            Error(diagnostics, $"Chain '{name}' has no policy (ACCEPT, DROP, or '-' for a user chain); iptables-restore rejects the line.", nameSpan);
        }
        else if (builtIn && policy is not ("ACCEPT" or "DROP" or "-"))
        {
            Error(diagnostics, $"'{policy}' is not a policy; a built-in chain's policy is ACCEPT or DROP.", policySpan);
        }
        else if (!builtIn && policy != "-")
        {
            Error(diagnostics, $"'{name}' is not a built-in chain of table '{block.Table}', so it cannot have policy '{policy}'; write ':{name} - [0:0]'.", policySpan);
        }
        else if (!builtIn && !block.Declared.Add(name))
        {
            Error(diagnostics, $"Chain '{name}' is declared twice in table '{block.Table}'; iptables-restore cannot create it again.", nameSpan);
        }
        else if (parts.Count > 2 && !IsCounters(s.Substring(parts[2].Start, parts[2].Length)))
        {
            Error(diagnostics, $"'{s.Substring(parts[2].Start, parts[2].Length)}' is not a counter pair [packets:bytes]; iptables-restore 1.8.10 and later reject it.", parts[2]);
        }

        if (builtIn)
        {
            block.Declared.Add(name);
        }

        return new IptablesChainDeclarationSyntax(tokens, name, nameSpan, policy, policySpan);
    }

    private static bool IsCounters(string text)
    {
        if (text.Length < 5 || text[0] != '[' || text[^1] != ']')
        {
            return false;
        }

        var parts = text[1..^1].Split(':');
        return parts.Length == 2 && parts.All(p => p.Length > 0 && p.All(char.IsAsciiDigit));
    }

    private static IptablesCommandLineSyntax CommandLine(string s, int start, int end, List<SyntaxTrivia> pending, ImmutableArray<ParseDiagnostic>.Builder diagnostics, bool inTable)
    {
        var tokens = ImmutableArray.CreateBuilder<SyntaxElement>();
        var position = start;
        var counterError = (string?)null;
        if (s[start] == '[')
        {
            var close = s.IndexOf(']', start, end - start);
            if (close < 0 || s.IndexOf(':', start, close - start) < 0)
            {
                counterError = "The counters before the rule are not [packets:bytes] (need ':' and ']'); iptables-restore rejects the line.";
            }
            else
            {
                tokens.Add(new SyntaxToken(SyntaxKind.IptablesCounters, TextSpan.FromBounds(start, close + 1), Take(pending), []));
                position = close + 1;
                if (!IsCounters(s[start..(close + 1)]))
                {
                    counterError = $"'{s[start..(close + 1)]}' is not a counter pair [packets:bytes]; iptables-restore 1.8.10 and later reject it.";
                }
            }
        }

        var words = Split(s, position, end, tokens, pending);
        var lineSpan = TextSpan.FromBounds(start, end);
        IptablesCommand? command = null;
        if (!inTable)
        {
            Error(diagnostics, s[start] is ':' or '*' || s.AsSpan(start, end - start).SequenceEqual("COMMIT")
                ? $"'{Clip(s, start, end)}' is outside a table block ('*table' … 'COMMIT'); iptables-restore rejects the line."
                : $"This line is outside a table block ('*table' … 'COMMIT'); iptables-restore rejects it.", lineSpan);
        }
        else if (counterError is not null)
        {
            Error(diagnostics, counterError, lineSpan);
        }
        else if (words.Count > IptablesCommand.MaxRestoreWords)
        {
            Error(diagnostics, $"This line has {words.Count} words; iptables-restore cannot handle more than {IptablesCommand.MaxRestoreWords}.", lineSpan);
        }
        else
        {
            command = IptablesCommand.Parse(words, inRestore: true);
            if (command.Errors.Length > 0)
            {
                var first = command.Errors[0];
                var span = first.Span.Length == 0 && first.Span.Start == 0 ? lineSpan : first.Span;
                Error(diagnostics, Sentence(first.Message) + " iptables-restore rejects the line.", span);
            }
        }

        return new IptablesCommandLineSyntax(tokens.ToImmutable(), [.. words], command);
    }

    private static string Clip(string s, int start, int end) => end - start > 40 ? s[start..(start + 40)] + "…" : s[start..end];

    private static string Sentence(string message) =>
        char.ToUpperInvariant(message[0]) + message[1..] + (message.EndsWith('.') ? string.Empty : ".");

    /// <summary>Skips a run of blanks from <paramref name="i"/>, recording it as whitespace trivia; returns where it ends.</summary>
    private static int TakeBlanks(string s, int i, int end, List<SyntaxTrivia> pending)
    {
        var blank = i;
        while (i < end && s[i] is ' ' or '\t')
        {
            i++;
        }

        if (i > blank)
        {
            pending.Add(new SyntaxTrivia(SyntaxKind.Whitespace, TextSpan.FromBounds(blank, i)));
        }

        return i;
    }

    /// <summary>Splits a command line as add_param_to_argv does, adding one token per word to <paramref name="tokens"/>.</summary>
    private static List<IptablesWord> Split(string s, int start, int end, ImmutableArray<SyntaxElement>.Builder tokens, List<SyntaxTrivia> pending)
    {
        var words = new List<IptablesWord>();
        var i = start;
        var value = new StringBuilder();
        while (i < end)
        {
            i = TakeBlanks(s, i, end, pending);

            if (i >= end)
            {
                break;
            }

            if (words.Count == MaxArguments)
            {
                // A hostile line: the rest is one token.
                tokens.Add(new SyntaxToken(SyntaxKind.IptablesWord, TextSpan.FromBounds(i, end), Take(pending), []));
                words.Add(new IptablesWord(s[i..end], TextSpan.FromBounds(i, end)));
                break;
            }

            var wordStart = i;
            value.Clear();
            var quoted = false;
            while (i < end)
            {
                var c = s[i];
                if (quoted)
                {
                    if (c == '\\' && i + 1 < end)
                    {
                        value.Append(s[i + 1]);
                        i += 2;
                        continue;
                    }

                    i++;
                    if (c == '"')
                    {
                        // The closing quote ends the word.
                        break;
                    }

                    value.Append(c);
                    continue;
                }

                if (c is ' ' or '\t')
                {
                    break;
                }

                i++;
                if (c == '"')
                {
                    quoted = true;
                    continue;
                }

                value.Append(c);
            }

            var span = TextSpan.FromBounds(wordStart, i);
            tokens.Add(new SyntaxToken(SyntaxKind.IptablesWord, span, Take(pending), []));
            words.Add(new IptablesWord(value.ToString(), span));
        }

        return words;
    }

    /// <summary>Whitespace-separated tokens without quote handling (table headers and chain declarations use strtok).</summary>
    private static ImmutableArray<SyntaxElement> PlainTokens(string s, int start, int end, List<SyntaxTrivia> pending)
    {
        var tokens = ImmutableArray.CreateBuilder<SyntaxElement>();
        var i = start;
        while (i < end)
        {
            i = TakeBlanks(s, i, end, pending);

            if (i >= end)
            {
                break;
            }

            if (tokens.Count == MaxArguments)
            {
                tokens.Add(new SyntaxToken(SyntaxKind.IptablesWord, TextSpan.FromBounds(i, end), Take(pending), []));
                break;
            }

            var w = i;
            while (i < end && s[i] is not (' ' or '\t'))
            {
                i++;
            }

            tokens.Add(new SyntaxToken(SyntaxKind.IptablesWord, TextSpan.FromBounds(w, i), Take(pending), []));
        }

        return tokens.ToImmutable();
    }

    private static ImmutableArray<SyntaxTrivia> Take(List<SyntaxTrivia> pending)
    {
        var result = pending.ToImmutableArray();
        pending.Clear();
        return result;
    }

    private static void Error(ImmutableArray<ParseDiagnostic>.Builder diagnostics, string message, TextSpan span) =>
        diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error, message, span));
}
