using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Syntax.Iptables;

/// <summary>One <c>iptables</c> / <c>ip6tables</c> command the script runs, with its arguments expanded and located in the script.</summary>
public sealed record IptablesScriptCommand(string Program, IptablesFamilyHint Family, ImmutableArray<IptablesWord> Words, TextSpan Span);

/// <summary>Something the reader could not evaluate or chose, said rather than guessed.</summary>
public sealed record IptablesScriptNote(string Message, TextSpan Span);

/// <summary>
/// What a shell script does to the firewall, in order: the iptables commands it runs (variables and <c>for</c> loops
/// evaluated), or, when it cannot be followed, none and a note saying why (<see cref="Understood"/> false).
/// </summary>
public sealed record IptablesScript(ImmutableArray<IptablesScriptCommand> Commands, ImmutableArray<IptablesScriptNote> Notes, bool Understood);

/// <summary>
/// Reads a shell script made of iptables commands (the transparent-proxy scripts' style): simple assignments,
/// <c>for x in literal list</c> loops, functions called from the script, <c>if</c>/<c>case</c> whose other branches
/// exit, and the <c>start)</c> arm of a <c>case "$1"</c> dispatcher. Values it cannot compute (command
/// substitutions, variables the script does not set) stay symbolic (<c>$TOR_UID</c>) and get a note. A script whose
/// iptables commands depend on something it cannot decide (a condition, a <c>while</c> loop, a file restored with
/// iptables-restore) is not read at all: <see cref="IptablesScript.Understood"/> is false and a note says why.
/// </summary>
public static partial class IptablesScriptReader
{
    /// <summary>Commands one run may execute (loops × bodies); past it the script is not read.</summary>
    public const int MaxSteps = 100_000;

    /// <summary>How deep functions may call functions.</summary>
    public const int MaxCallDepth = 16;

    /// <summary>How deep if/for/case/while/function blocks may nest (the block parser recurses on it).</summary>
    public const int MaxNesting = 64;

    /// <summary>A variable value longer than this stays symbolic (a value that doubles in a loop would otherwise grow without bound).</summary>
    public const int MaxValueLength = 4096;

    /// <summary>iptables commands one script may run; past it the script is not read.</summary>
    public const int MaxCommands = 20_000;

    [ThreadStatic]
    private static int _depth;

    public static IptablesScript Read(string text)
    {
        var commands = ShellLexer.Lex(text);
        var position = 0;
        ImmutableArray<Statement> body;
        _depth = 0;
        try
        {
            body = ParseBlock(commands, ref position, []);
        }
        catch (NotUnderstoodException ex)
        {
            return new IptablesScript([], [new IptablesScriptNote(ex.Message + " ConfigLint does not read this script's rules.", ex.Span)], false);
        }

        var run = new Run();
        try
        {
            run.Execute(body);
        }
        catch (NotUnderstoodException ex)
        {
            return new IptablesScript([], [.. run.Notes, new IptablesScriptNote(ex.Message + " ConfigLint does not read this script's rules.", ex.Span)], false);
        }
        catch (ExitException)
        {
        }

        return new IptablesScript([.. run.Emitted], [.. run.Notes], true);
    }

    /// <summary>Whether a command word names iptables or ip6tables (a path, a versioned or backend-specific name).</summary>
    public static bool IsIptablesProgram(string word, out IptablesFamilyHint family)
    {
        var name = word[(word.LastIndexOf('/') + 1)..];
        family = name.StartsWith("ip6tables", StringComparison.Ordinal) ? IptablesFamilyHint.V6Only : IptablesFamilyHint.V4Only;
        return name is "iptables" or "ip6tables" or "iptables-legacy" or "ip6tables-legacy" or "iptables-nft" or "ip6tables-nft";
    }

    // ---- statements ----

    private abstract record Statement(TextSpan Span);

    private sealed record Simple(ShellCommand Command) : Statement(Command.Span);

    private sealed record If(ImmutableArray<(ImmutableArray<Statement> Condition, ImmutableArray<Statement> Body)> Branches, ImmutableArray<Statement>? Else, TextSpan At) : Statement(At);

    private sealed record For(string Variable, ImmutableArray<ShellWord>? Items, ImmutableArray<Statement> Body, TextSpan At) : Statement(At);

    private sealed record Loop(ImmutableArray<Statement> Body, TextSpan At) : Statement(At);

    private sealed record Case(ShellWord Subject, ImmutableArray<(ImmutableArray<string> Patterns, ImmutableArray<Statement> Body)> Arms, TextSpan At) : Statement(At);

    private sealed record Function(string Name, ImmutableArray<Statement> Body, TextSpan At) : Statement(At);

    private sealed record Group(ImmutableArray<Statement> Body, TextSpan At) : Statement(At);

    private static string? Keyword(ShellCommand c) => c.Words.Length > 0 && c.Words[0].IsPlain ? c.Words[0].Literal : null;

    private static ShellCommand Rest(ShellCommand c) =>
        new([.. c.Words.Skip(1)], c.Before, c.Words.Length > 1 ? TextSpan.FromBounds(c.Words[1].Span.Start, c.Span.End) : new TextSpan(c.Span.End, 0));

    /// <summary>Parses statements until one of <paramref name="terminators"/> starts a command (left unconsumed).</summary>
    private static ImmutableArray<Statement> ParseBlock(List<ShellCommand> commands, ref int i, string[] terminators)
    {
        if (++_depth > MaxNesting)
        {
            throw new NotUnderstoodException($"Blocks nest deeper than {MaxNesting} levels.", i < commands.Count ? commands[i].Span : default);
        }

        try
        {
            return ParseBlockAt(commands, ref i, terminators);
        }
        finally
        {
            _depth--;
        }
    }

    private static ImmutableArray<Statement> ParseBlockAt(List<ShellCommand> commands, ref int i, string[] terminators)
    {
        var result = ImmutableArray.CreateBuilder<Statement>();
        while (i < commands.Count)
        {
            var c = commands[i];
            var key = Keyword(c);
            if (key is not null && terminators.Contains(key))
            {
                return result.ToImmutable();
            }

            // A case arm ends at ';;'.
            if (terminators.Contains(";;") && c.Before == ";;")
            {
                return result.ToImmutable();
            }

            switch (key)
            {
                case "if":
                    result.Add(ParseIf(commands, ref i));
                    continue;
                case "for":
                    result.Add(ParseFor(commands, ref i));
                    continue;
                case "while":
                case "until":
                    {
                        var at = c.Span;
                        commands[i] = Rest(c);
                        var cond = ParseBlock(commands, ref i, ["do"]);
                        var loopBody = ParseDo(commands, ref i);
                        result.Add(new Loop([.. cond, .. loopBody], at));
                        continue;
                    }

                case "case":
                    result.Add(ParseCase(commands, ref i));
                    continue;
                case "{":
                    {
                        var at = c.Span;
                        commands[i] = Rest(c);
                        var inner = ParseBlock(commands, ref i, ["}"]);
                        Consume(commands, ref i);
                        result.Add(new Group(inner, at));
                        continue;
                    }

                case "function":
                    if (c.Words.Length >= 2 && c.Words[1].Literal is { } fname)
                    {
                        result.Add(ParseFunction(commands, ref i, fname.TrimEnd('(', ')'), 2));
                        continue;
                    }

                    break;
            }

            if (key is not null && c.Words.Length >= 1 && FunctionHeader().Match(key) is { Success: true } m)
            {
                // name() {   or   name () {
                var skip = key.EndsWith("()", StringComparison.Ordinal) ? 1 : c.Words.Length >= 2 && c.Words[1].Literal == "()" ? 2 : 0;
                if (skip > 0)
                {
                    result.Add(ParseFunction(commands, ref i, m.Groups[1].Value, skip));
                    continue;
                }
            }

            if (key is "(" || (key?.StartsWith('(') ?? false))
            {
                result.Add(new Loop([new Simple(c)], c.Span));
                i++;
                continue;
            }

            result.Add(new Simple(c));
            i++;
        }

        return result.ToImmutable();
    }

    [GeneratedRegex("^([A-Za-z_][A-Za-z0-9_:.-]*)(\\(\\))?$")]
    private static partial Regex FunctionHeader();

    /// <summary>Drops the keyword that ends a block (<c>fi</c>, <c>done</c>, <c>}</c>, <c>esac</c>), keeping words after it on the line.</summary>
    private static void Consume(List<ShellCommand> commands, ref int i)
    {
        if (i < commands.Count)
        {
            var rest = Rest(commands[i]);
            if (rest.Words.Length > 0)
            {
                commands[i] = rest;
            }
            else
            {
                i++;
            }
        }
    }

    private static Statement ParseIf(List<ShellCommand> commands, ref int i)
    {
        var at = commands[i].Span;
        var branches = ImmutableArray.CreateBuilder<(ImmutableArray<Statement>, ImmutableArray<Statement>)>();
        ImmutableArray<Statement>? otherwise = null;
        commands[i] = Rest(commands[i]);
        while (i < commands.Count)
        {
            var condition = ParseBlock(commands, ref i, ["then"]);
            Consume(commands, ref i);
            var body = ParseBlock(commands, ref i, ["elif", "else", "fi"]);
            branches.Add((condition, body));
            var key = i < commands.Count ? Keyword(commands[i]) : null;
            if (key == "elif")
            {
                commands[i] = Rest(commands[i]);
                continue;
            }

            if (key == "else")
            {
                Consume(commands, ref i);
                otherwise = ParseBlock(commands, ref i, ["fi"]);
            }

            Consume(commands, ref i);
            break;
        }

        return new If(branches.ToImmutable(), otherwise, at);
    }

    private static Statement ParseFor(List<ShellCommand> commands, ref int i)
    {
        var c = commands[i];
        var at = c.Span;
        var variable = c.Words.Length > 1 ? c.Words[1].Literal ?? "?" : "?";
        ImmutableArray<ShellWord>? items = c.Words.Length > 2 && c.Words[2].Literal == "in" ? [.. c.Words.Skip(3)] : null;
        i++;
        var body = ParseDo(commands, ref i);
        return new For(variable, items, body, at);
    }

    private static ImmutableArray<Statement> ParseDo(List<ShellCommand> commands, ref int i)
    {
        if (i < commands.Count && Keyword(commands[i]) == "do")
        {
            Consume(commands, ref i);
        }

        var body = ParseBlock(commands, ref i, ["done"]);
        Consume(commands, ref i);
        return body;
    }

    private static Statement ParseCase(List<ShellCommand> commands, ref int i)
    {
        var c = commands[i];
        var subject = c.Words.Length > 1 ? c.Words[1] : new ShellWord([], c.Span);
        i++;
        var arms = ImmutableArray.CreateBuilder<(ImmutableArray<string>, ImmutableArray<Statement>)>();
        while (i < commands.Count)
        {
            var head = commands[i];
            var key = Keyword(head);
            if (key == "esac")
            {
                Consume(commands, ref i);
                break;
            }

            // "start)" or "start|restart)" or "(start)" possibly followed by a command.
            var close = -1;
            for (var w = 0; w < head.Words.Length && close < 0; w++)
            {
                if ((head.Words[w].Literal ?? string.Empty).EndsWith(')'))
                {
                    close = w;
                }
            }

            if (close < 0)
            {
                i++;
                continue;
            }

            var pattern = string.Concat(head.Words.Take(close + 1).Select(w => w.Literal ?? "?")).Trim('(', ')');
            var rest = new ShellCommand([.. head.Words.Skip(close + 1)], "\n",
                close + 1 < head.Words.Length ? TextSpan.FromBounds(head.Words[close + 1].Span.Start, head.Span.End) : new TextSpan(head.Span.End, 0));
            if (rest.Words.Length > 0)
            {
                commands[i] = rest;
            }
            else
            {
                i++;
            }

            var body = ParseBlock(commands, ref i, [";;", "esac"]);
            arms.Add(([.. pattern.Split('|')], body));
        }

        return new Case(subject, arms.ToImmutable(), c.Span);
    }

    private static Statement ParseFunction(List<ShellCommand> commands, ref int i, string name, int skip)
    {
        var c = commands[i];
        var at = c.Span;
        var rest = new ShellCommand([.. c.Words.Skip(skip)], c.Before, c.Span);
        if (rest.Words.Length > 0)
        {
            commands[i] = rest;
        }
        else
        {
            i++;
        }

        if (i < commands.Count && Keyword(commands[i]) == "{")
        {
            commands[i] = Rest(commands[i]);
            if (commands[i].Words.Length == 0)
            {
                i++;
            }

            var body = ParseBlock(commands, ref i, ["}"]);
            Consume(commands, ref i);
            return new Function(name, body, at);
        }

        var single = ParseBlock(commands, ref i, ["}"]);
        return new Function(name, single, at);
    }

    // ---- execution ----

    private sealed class NotUnderstoodException(string message, TextSpan span) : Exception(message)
    {
        public TextSpan Span { get; } = span;
    }

    private sealed class ExitException : Exception
    {
    }

    private sealed class ReturnException : Exception
    {
    }

    private readonly record struct Value(string Text, bool Symbolic);

    private sealed class Run
    {
        private Dictionary<string, Value> _vars = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Function> _functions = new(StringComparer.Ordinal);
        private readonly HashSet<string> _noted = new(StringComparer.Ordinal);
        private readonly Stack<string> _calls = new();
        private int _steps;

        public List<IptablesScriptCommand> Emitted { get; } = [];

        public List<IptablesScriptNote> Notes { get; } = [];

        private int _depth;

        public void Execute(ImmutableArray<Statement> body)
        {
            if (++_depth > MaxNesting * 2)
            {
                _depth = 0;
                throw new NotUnderstoodException($"Blocks and function calls nest deeper than {MaxNesting * 2} levels.", body.Length > 0 ? body[0].Span : default);
            }

            try
            {
                ExecuteAt(body);
            }
            finally
            {
                _depth--;
            }
        }

        private void ExecuteAt(ImmutableArray<Statement> body)
        {
            foreach (var statement in body)
            {
                if (++_steps > MaxSteps)
                {
                    throw new NotUnderstoodException($"The script runs more than {MaxSteps} commands.", statement.Span);
                }

                switch (statement)
                {
                    case Simple s:
                        Command(s.Command);
                        break;
                    case Group g:
                        Execute(g.Body);
                        break;
                    case Function f:
                        _functions[f.Name] = f;
                        break;
                    case For f:
                        ForLoop(f);
                        break;
                    case Loop l:
                        if (Touches(l.Body))
                        {
                            throw new NotUnderstoodException("iptables commands inside a while/until loop or a subshell run a number of times ConfigLint cannot tell.", l.Span);
                        }

                        break;
                    case If f:
                        Branch(f.Branches.Select(b => (b.Condition, b.Body)).ToList(), f.Else, f.Span, "if");
                        break;
                    case Case c:
                        CaseStatement(c);
                        break;
                }
            }
        }

        private void ForLoop(For f)
        {
            if (f.Items is not { } items)
            {
                if (Touches(f.Body))
                {
                    throw new NotUnderstoodException($"'for {f.Variable}' loops over the script's arguments, which ConfigLint does not know.", f.Span);
                }

                return;
            }

            var values = items.SelectMany(w => Expand(w, split: true)).ToList();
            foreach (var v in values)
            {
                _vars[f.Variable] = new Value(v.Value, v.Symbolic);
                Execute(f.Body);
            }
        }

        private void CaseStatement(Case c)
        {
            var subject = c.Subject.Parts.Length == 1 && c.Subject.Parts[0] is { Kind: ShellPartKind.Parameter } p && p.Text.Length == 1 && char.IsAsciiDigit(p.Text[0]);
            if (subject)
            {
                // The script's entry point: read what it does when started.
                var touching = c.Arms.Where(a => Touches(a.Body)).ToList();
                if (touching.Count == 0)
                {
                    return;
                }

                var chosen = touching.FirstOrDefault(a => a.Patterns.Any(StartLike));
                if (chosen.Body.IsDefault && touching.Count == 1)
                {
                    chosen = touching[0];
                }

                if (chosen.Body.IsDefault)
                {
                    throw new NotUnderstoodException("Several arms of the 'case' on the script's argument change the firewall and none is a 'start' arm.", c.Span);
                }

                Notes.Add(new IptablesScriptNote($"Read the '{string.Join("|", chosen.Patterns)})' arm of the case on the script's argument (what the script does when started); the other arms are not read.", c.Span));
                Execute(chosen.Body);
                return;
            }

            var arms = c.Arms.Where(a => !a.Patterns.Contains("*")).Select(a => (ImmutableArray<Statement>.Empty, a.Body)).ToList();
            var fallback = c.Arms.FirstOrDefault(a => a.Patterns.Contains("*")).Body;
            Branch(arms, fallback.IsDefault ? null : fallback, c.Span, "case");
        }

        private static bool StartLike(string pattern) =>
            pattern.Trim('"', '\'').ToLowerInvariant() is "start" or "--start" or "-s" or "on" or "up" or "enable" or "apply" or "load";

        /// <summary>
        /// A conditional: run the one branch that changes the firewall when every other branch exits; merge
        /// assignments (a variable set to different values in different branches becomes symbolic).
        /// </summary>
        private void Branch(List<(ImmutableArray<Statement> Condition, ImmutableArray<Statement> Body)> branches, ImmutableArray<Statement>? otherwise, TextSpan at, string what)
        {
            var bodies = branches.Select(b => b.Body).Append(otherwise ?? []).ToList();
            if (branches.Any(b => Touches(b.Condition, changesOnly: true)))
            {
                throw new NotUnderstoodException($"An iptables command that changes the firewall is the condition of an '{what}'.", at);
            }

            var touching = bodies.Where(b => Touches(b)).ToList();
            var live = bodies.Where(b => !Exits(b)).ToList();
            if (touching.Count > 0)
            {
                if (touching.Count == 1 && live.Count == 1 && live[0] == touching[0])
                {
                    Execute(touching[0]);
                    return;
                }

                throw new NotUnderstoodException($"iptables commands run only under a condition of this '{what}' that ConfigLint does not evaluate.", at);
            }

            // No firewall change: only assignments matter.
            var before = _vars;
            var results = new List<Dictionary<string, Value>>();
            foreach (var body in live)
            {
                _vars = new Dictionary<string, Value>(before, StringComparer.Ordinal);
                try
                {
                    Execute(body);
                }
                catch (ReturnException)
                {
                }

                results.Add(_vars);
            }

            _vars = before;
            foreach (var name in results.SelectMany(r => r.Keys).Distinct(StringComparer.Ordinal).ToList())
            {
                var values = results.Select(r => r.TryGetValue(name, out var v) ? v : (Value?)null).Distinct().ToList();
                _vars[name] = values.Count == 1 && values[0] is { } same ? same : new Value("$" + name, true);
            }
        }

        private bool Exits(ImmutableArray<Statement> body) =>
            body.Any(s => s is Simple { Command: var c } && Keyword(c) is "exit" or "return");

        private bool Touches(ImmutableArray<Statement> body, bool changesOnly = false)
        {
            var stack = new Stack<Statement>(body);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var budget = 100_000;
            while (stack.Count > 0 && budget-- > 0)
            {
                switch (stack.Pop())
                {
                    case Simple { Command: var c }:
                        var words = c.Words;
                        var first = FirstCommandWord(words, out var index);
                        if (first is null)
                        {
                            break;
                        }

                        if (IsIptablesProgram(first, out _) || IsRestore(first))
                        {
                            if (!changesOnly || !words.Skip(index + 1).Any(w => w.Literal is "-C" or "--check" or "-L" or "--list" or "-S" or "--list-rules"))
                            {
                                return true;
                            }
                        }
                        else if (_functions.TryGetValue(first, out var f) && seen.Add(first))
                        {
                            foreach (var s in f.Body)
                            {
                                stack.Push(s);
                            }
                        }

                        break;
                    case Group g:
                        PushAll(g.Body);
                        break;
                    case Function:
                        break;
                    case For f:
                        PushAll(f.Body);
                        break;
                    case Loop l:
                        PushAll(l.Body);
                        break;
                    case If f:
                        foreach (var (condition, b) in f.Branches)
                        {
                            PushAll(condition);
                            PushAll(b);
                        }

                        PushAll(f.Else ?? []);
                        break;
                    case Case c:
                        foreach (var arm in c.Arms)
                        {
                            PushAll(arm.Body);
                        }

                        break;
                }
            }

            return false;

            void PushAll(ImmutableArray<Statement> statements)
            {
                foreach (var s in statements)
                {
                    stack.Push(s);
                }
            }
        }

        private static bool IsRestore(string word)
        {
            var name = word[(word.LastIndexOf('/') + 1)..];
            return name.StartsWith("iptables-restore", StringComparison.Ordinal) || name.StartsWith("ip6tables-restore", StringComparison.Ordinal)
                || name.StartsWith("iptables-apply", StringComparison.Ordinal);
        }

        /// <summary>The command word after assignments and wrappers (sudo, command, exec), evaluated when it is a variable.</summary>
        private string? FirstCommandWord(ImmutableArray<ShellWord> words, out int index)
        {
            index = 0;
            while (index < words.Length)
            {
                var w = words[index];
                var literal = w.Literal;
                if (literal is not null && w.IsPlain && AssignmentName(literal) is not null)
                {
                    index++;
                    continue;
                }

                if (literal is "sudo" or "command" or "exec" or "nice" or "time")
                {
                    index++;
                    continue;
                }

                if (literal is not null)
                {
                    return literal;
                }

                var expanded = Expand(w, split: false);
                return expanded.Count == 1 && !expanded[0].Symbolic ? expanded[0].Value : null;
            }

            return null;
        }

        private static string? AssignmentName(string word)
        {
            var eq = word.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                return null;
            }

            var name = word[..eq];
            return (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_') ? name : null;
        }

        private void Command(ShellCommand c)
        {
            var words = c.Words;
            var key = Keyword(c);
            if (key is "exit")
            {
                throw new ExitException();
            }

            if (key is "return")
            {
                throw new ReturnException();
            }

            if (key is "export" or "readonly" or "local" or "declare" or "typeset")
            {
                foreach (var w in words.Skip(1))
                {
                    Assign(w);
                }

                return;
            }

            // Leading assignments: alone they set variables; before a command they are its environment.
            var index = 0;
            while (index < words.Length && words[index].Parts.Length > 0 && words[index].Parts[0] is { Kind: ShellPartKind.Literal, Quoted: false } first
                && AssignmentName(first.Text) is not null)
            {
                index++;
            }

            if (index == words.Length)
            {
                foreach (var w in words)
                {
                    Assign(w);
                }

                return;
            }

            var program = FirstCommandWord(words, out var at);
            if (program is null)
            {
                return;
            }

            if (IsRestore(program))
            {
                throw new NotUnderstoodException($"'{program}' loads rules from a file or standard input that ConfigLint does not read with the script.", c.Span);
            }

            if (IsIptablesProgram(program, out var family))
            {
                var args = new List<IptablesWord>();
                foreach (var w in words.Skip(at + 1))
                {
                    args.AddRange(Expand(w, split: true));
                }

                foreach (var symbolic in args.Where(a => a.Symbolic))
                {
                    if (_noted.Add(symbolic.Value))
                    {
                        Notes.Add(new IptablesScriptNote($"'{symbolic.Value}' is not a value the script sets (it is computed at run time or comes from outside); rules that use it are kept with the symbol.", symbolic.Span));
                    }
                }

                if (Emitted.Count >= MaxCommands)
                {
                    throw new NotUnderstoodException($"The script runs more than {MaxCommands} iptables commands.", c.Span);
                }

                Emitted.Add(new IptablesScriptCommand(program[(program.LastIndexOf('/') + 1)..], family, [.. args], c.Span));
                return;
            }

            if (_functions.TryGetValue(program, out var function))
            {
                if (_calls.Contains(program) || _calls.Count >= MaxCallDepth)
                {
                    throw new NotUnderstoodException($"Function '{program}' calls itself (or calls nest deeper than {MaxCallDepth}).", c.Span);
                }

                _calls.Push(program);
                try
                {
                    Execute(function.Body);
                }
                catch (ReturnException)
                {
                }
                finally
                {
                    _calls.Pop();
                }
            }
        }

        private void Assign(ShellWord w)
        {
            if (w.Parts.Length == 0 || w.Parts[0] is not { Kind: ShellPartKind.Literal } first || AssignmentName(first.Text) is not { } name)
            {
                return;
            }

            var valueParts = w.Parts.Skip(1).Prepend(first with { Text = first.Text[(name.Length + 1)..] }).ToImmutableArray();
            var expanded = Expand(new ShellWord(valueParts, w.Span), split: false);
            _vars[name] = expanded.Count == 0 ? new Value(string.Empty, false)
                : expanded[0].Value.Length > MaxValueLength ? new Value("$" + name, true)
                : new Value(expanded[0].Value, expanded[0].Symbolic);
        }

        /// <summary>Expands a word: parameters from the variables, <c>$(id -u NAME)</c> to NAME, other substitutions symbolic; unquoted expansions split.</summary>
        private List<IptablesWord> Expand(ShellWord w, bool split)
        {
            var fields = new List<(System.Text.StringBuilder Text, bool Symbolic)> { (new System.Text.StringBuilder(), false) };
            var any = false;
            foreach (var part in w.Parts)
            {
                string text;
                var symbolic = false;
                switch (part.Kind)
                {
                    case ShellPartKind.Literal:
                        text = part.Text;
                        break;
                    case ShellPartKind.Parameter:
                        if (_vars.TryGetValue(part.Text, out var v))
                        {
                            text = v.Text;
                            symbolic = v.Symbolic;
                        }
                        else if (part.Default is { } d)
                        {
                            text = d;
                        }
                        else
                        {
                            text = "$" + part.Text;
                            symbolic = true;
                        }

                        break;
                    default:
                        var m = IdU().Match(part.Text);
                        text = m.Success ? m.Groups[1].Value : "$(" + part.Text + ")";
                        symbolic = !m.Success;
                        break;
                }

                any = true;
                if (split && !part.Quoted && part.Kind != ShellPartKind.Literal && !symbolic)
                {
                    var pieces = text.Split([' ', '\t', '\n'], StringSplitOptions.None);
                    for (var k = 0; k < pieces.Length; k++)
                    {
                        if (k > 0)
                        {
                            fields.Add((new System.Text.StringBuilder(), false));
                        }

                        fields[^1].Text.Append(pieces[k]);
                    }

                    continue;
                }

                fields[^1].Text.Append(text);
                if (symbolic)
                {
                    fields[^1] = (fields[^1].Text, true);
                }
            }

            if (!any)
            {
                return [];
            }

            var quotedSomewhere = w.Parts.Any(p => p.Quoted);
            return fields.Where(f => f.Text.Length > 0 || (quotedSomewhere && fields.Count == 1))
                .Select(f => new IptablesWord(f.Text.ToString(), w.Span, f.Symbolic)).ToList();
        }
    }

    [GeneratedRegex("^\\s*id\\s+-u\\s+([A-Za-z_][A-Za-z0-9_.-]*)\\s*$")]
    private static partial Regex IdU();
}
