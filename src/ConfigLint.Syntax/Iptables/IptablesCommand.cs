using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Syntax.Iptables;

/// <summary>
/// One argument of an iptables command as the program receives it: quotes removed, escapes applied, shell variables
/// expanded where the script reader could. <see cref="Span"/> is where it is written in the file;
/// <see cref="Symbolic"/> marks a value the reader could not evaluate (it then holds the text as written, e.g. <c>$TOR_UID</c>).
/// </summary>
public readonly record struct IptablesWord(string Value, TextSpan Span, bool Symbolic = false);

/// <summary>What an iptables command line does to the rule set.</summary>
public enum IptablesAction
{
    None,
    Append,
    Insert,
    Delete,
    Replace,
    Flush,
    Zero,
    NewChain,
    DeleteChain,
    Policy,
    Rename,
    List,
    Check,
}

/// <summary>Which family a line is for: <c>-4</c>/<c>--ipv4</c> lines are skipped by ip6tables and <c>-6</c> lines by iptables.</summary>
public enum IptablesFamilyHint
{
    Both,
    V4Only,
    V6Only,
}

/// <summary>One option of a rule (<c>! --dport 53</c>): its long name without dashes, negation and arguments.</summary>
public sealed record IptablesOption(string Name, bool Negated, ImmutableArray<IptablesWord> Args, TextSpan Span)
{
    /// <summary>The first argument, or null for a flag.</summary>
    public string? Value => Args.Length > 0 ? Args[0].Value : null;

    /// <summary>Whether any argument could not be evaluated (a script variable the reader kept symbolic).</summary>
    public bool IsSymbolic => Args.Any(a => a.Symbolic);
}

/// <summary>A match (<c>-m owner …</c>) or a target (<c>-j REDIRECT …</c>) with the options that belong to it.</summary>
public sealed record IptablesModule(string Name, ImmutableArray<IptablesOption> Options, TextSpan Span, bool Implicit = false)
{
    /// <summary>The option with this long name (or one of its aliases), or null.</summary>
    public IptablesOption? Option(params string[] names) => Options.FirstOrDefault(o => names.Contains(o.Name, StringComparer.Ordinal));

    /// <summary>Whether ConfigLint knows this module's options (unknown modules are read loosely and never judged).</summary>
    public bool IsKnown => IptablesModules.Matches.ContainsKey(Name) || IptablesModules.Targets.ContainsKey(Name);
}

/// <summary>A problem in one command line, as iptables(-restore) would report it.</summary>
public readonly record struct IptablesCommandError(string Message, TextSpan Span);

/// <summary>
/// An iptables command line understood as iptables does (xshared.c's option loop): the command (<c>-A</c>, <c>-I</c>,
/// <c>-P</c>, …), its chain, the core criteria, the matches with their options and the target. Shared by the
/// iptables-save parser (rule lines) and the shell-script reader (each <c>iptables …</c> command).
/// </summary>
public sealed class IptablesCommand
{
    /// <summary>How an error about a value the script reader could not evaluate starts (not iptables' refusal: ConfigLint's ignorance).</summary>
    public const string NotEvaluated = "not evaluated:";

    /// <summary>iptables-restore stops at this many words on a line ("Parser cannot handle more arguments").</summary>
    public const int MaxRestoreWords = 251;

    internal IptablesCommand() { }

    public IptablesAction Action { get; private set; }

    public TextSpan ActionSpan { get; private set; }

    public string? Chain { get; private set; }

    public int? RuleNumber { get; private set; }

    /// <summary><c>-P CHAIN TARGET</c>'s target.</summary>
    public string? Policy { get; private set; }

    /// <summary><c>-E OLD NEW</c>'s new name.</summary>
    public string? NewName { get; private set; }

    /// <summary>The table named with <c>-t</c> (scripts; iptables-restore refuses it), or null for the default.</summary>
    public string? Table { get; private set; }

    public IptablesFamilyHint Family { get; private set; }

    /// <summary>The core criteria: protocol, source, destination, in-interface, out-interface, fragment.</summary>
    public ImmutableArray<IptablesOption> Criteria { get; private set; } = [];

    /// <summary>The matches in order; protocol options given without <c>-m</c> form an implicit match.</summary>
    public ImmutableArray<IptablesModule> Matches { get; private set; } = [];

    /// <summary>The target (<c>-j</c>) or goto chain (<c>-g</c>), or null for a rule without one (it only counts).</summary>
    public IptablesModule? Target { get; private set; }

    public bool IsGoto { get; private set; }

    public ImmutableArray<IptablesWord> Words { get; private set; } = [];

    public ImmutableArray<IptablesCommandError> Errors { get; private set; } = [];

    /// <summary>A core criterion by long name (<c>protocol</c>, <c>source</c>, <c>destination</c>, <c>in-interface</c>, <c>out-interface</c>, <c>fragment</c>).</summary>
    public IptablesOption? Criterion(string name) => Criteria.FirstOrDefault(c => c.Name == name);

    /// <summary>The match with this name, or null.</summary>
    public IptablesModule? Match(string name) => Matches.FirstOrDefault(m => m.Name == name);

    /// <summary>The rule specification as one canonical string (used to delete a rule by specification).</summary>
    public string SpecKey
    {
        get
        {
            var parts = Criteria.Select(Key).Concat(Matches.SelectMany(m => m.Options.Select(Key).Prepend("-m " + m.Name)));
            if (Target is { } t)
            {
                parts = parts.Append((IsGoto ? "-g " : "-j ") + t.Name).Concat(t.Options.Select(Key));
            }

            return string.Join(" ", parts);
            static string Key(IptablesOption o) => (o.Negated ? "! " : string.Empty) + "--" + o.Name + string.Concat(o.Args.Select(a => " " + a.Value));
        }
    }

    /// <summary>Whether the command adds or changes a rule (<c>-A</c>, <c>-I</c>, <c>-R</c>).</summary>
    public bool HasRuleSpec => Action is IptablesAction.Append or IptablesAction.Insert or IptablesAction.Replace or IptablesAction.Check
        || (Action == IptablesAction.Delete && RuleNumber is null);

    private static readonly Dictionary<char, string> ShortOptions = new()
    {
        ['A'] = "append", ['I'] = "insert", ['D'] = "delete", ['R'] = "replace", ['N'] = "new-chain", ['X'] = "delete-chain",
        ['F'] = "flush", ['Z'] = "zero", ['P'] = "policy", ['E'] = "rename-chain", ['L'] = "list", ['S'] = "list-rules", ['C'] = "check",
        ['t'] = "table", ['p'] = "protocol", ['s'] = "source", ['d'] = "destination", ['i'] = "in-interface", ['o'] = "out-interface",
        ['j'] = "jump", ['g'] = "goto", ['m'] = "match", ['f'] = "fragment", ['c'] = "set-counters", ['4'] = "ipv4", ['6'] = "ipv6",
        ['w'] = "wait", ['W'] = "wait-interval", ['v'] = "verbose", ['n'] = "numeric", ['x'] = "exact",
    };

    private static readonly Dictionary<string, string> LongAliases = new(StringComparer.Ordinal)
    {
        ["src"] = "source", ["dst"] = "destination", ["proto"] = "protocol",
    };

    private static readonly string[] CoreLong =
    [
        "append", "insert", "delete", "replace", "new-chain", "delete-chain", "flush", "zero", "policy", "rename-chain", "list", "list-rules", "check",
        "table", "protocol", "source", "destination", "in-interface", "out-interface", "jump", "goto", "match", "fragment", "set-counters",
        "ipv4", "ipv6", "wait", "wait-interval", "verbose", "numeric", "exact", "line-numbers", "modprobe",
    ];

    private static readonly HashSet<string> CriterionNames = new(StringComparer.Ordinal)
    {
        "protocol", "source", "destination", "in-interface", "out-interface", "fragment",
    };

    /// <summary>Reads a command line. <paramref name="inRestore"/> forbids <c>-t</c> as iptables-restore does.</summary>
    public static IptablesCommand Parse(IReadOnlyList<IptablesWord> words, bool inRestore)
    {
        var cmd = new IptablesCommand { Words = [.. words] };
        var errors = new List<IptablesCommandError>();
        var criteria = new List<IptablesOption>();
        var matches = new List<(string Name, List<IptablesOption> Options, TextSpan Span, bool Implicit)>();
        (string Name, List<IptablesOption> Options, TextSpan Span)? target = null;
        IptablesWord? negation = null;
        var i = 0;
        while (i < words.Count)
        {
            var w = words[i];
            var v = w.Value;
            if (v == "!" && !w.Symbolic)
            {
                if (negation is not null)
                {
                    errors.Add(new("multiple consecutive ! not allowed", w.Span));
                }

                negation = w;
                i++;
                continue;
            }

            string name;
            string? inline = null;
            var isShort = false;
            if (v.StartsWith("--", StringComparison.Ordinal) && v.Length > 2)
            {
                name = v[2..];
                var eq = name.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    inline = name[(eq + 1)..];
                    name = name[..eq];
                }
            }
            else if (v.Length >= 2 && v[0] == '-' && ShortOptions.TryGetValue(v[1], out var longName))
            {
                name = longName;
                isShort = true;
                inline = v.Length > 2 ? v[2..] : null;
            }
            else if (w.Symbolic)
            {
                errors.Add(new($"{NotEvaluated} '{v}' stands where an option is expected", w.Span));
                negation = null;
                i++;
                continue;
            }
            else
            {
                errors.Add(new($"Bad argument `{v}'", w.Span));
                negation = null;
                i++;
                continue;
            }

            var negated = negation is not null;
            var start = negation?.Span.Start ?? w.Span.Start;
            negation = null;
            i++;
            if (!isShort)
            {
                name = LongAliases.GetValueOrDefault(name, name);
                name = Resolve(name, CoreLong) ?? name;
            }

            if (CoreLong.Contains(name))
            {
                i = Core(cmd, name, inline, negated, w, start, words, i, inRestore, errors, criteria, matches, ref target);
                continue;
            }

            // A module option: the target's first, then the matches, latest first (xtables tries them in that order).
            var found = FindOwner(name, target, matches, ProtocolName(criteria), out var resolved, out var arity, out var implicitModule);
            if (implicitModule is not null)
            {
                matches.Add((implicitModule, [], w.Span, true));
                found = matches.Count - 1;
            }

            List<IptablesOption> owner;
            if (found == -2)
            {
                owner = target!.Value.Options;
            }
            else if (found >= 0)
            {
                owner = matches[found].Options;
            }
            else
            {
                // No known module has it: loaded unknown modules take it loosely; otherwise iptables refuses it.
                var loose = target is { } t && !IptablesModules.IsKnown(t.Name) ? t.Options
                    : matches.LastOrDefault(m => !IptablesModules.IsKnown(m.Name)).Options;
                if (loose is null)
                {
                    errors.Add(new($"unknown option \"{v}\"", w.Span));
                    while (i < words.Count && !LooksLikeOption(words[i]))
                    {
                        i++;
                    }

                    continue;
                }

                owner = loose;
                resolved = name;
                arity = -1;
            }

            var args = new List<IptablesWord>();
            if (inline is not null)
            {
                args.Add(new IptablesWord(inline, TextSpan.FromBounds(w.Span.End - inline.Length, w.Span.End), w.Symbolic));
            }

            if (arity < 0)
            {
                while (i < words.Count && !LooksLikeOption(words[i]))
                {
                    args.Add(words[i++]);
                }
            }
            else
            {
                while (args.Count < arity && i < words.Count)
                {
                    args.Add(words[i++]);
                }

                if (args.Count < arity)
                {
                    errors.Add(new($"option \"{v}\" requires an argument", w.Span));
                }
            }

            var end = args.Count > 0 ? args[^1].Span.End : w.Span.End;
            var option = new IptablesOption(resolved, negated, [.. args], TextSpan.FromBounds(start, Math.Max(start, end)));
            owner.Add(option);
            Validate(option, errors);
        }

        if (negation is { } dangling)
        {
            errors.Add(new("! must be followed by an option", dangling.Span));
        }

        cmd.Criteria = [.. criteria];
        cmd.Matches = [.. matches.Select(m => new IptablesModule(m.Name, [.. m.Options], m.Span, m.Implicit))];
        if (target is { } tg)
        {
            cmd.Target = new IptablesModule(tg.Name, [.. tg.Options], tg.Span);
        }

        if (cmd.Action == IptablesAction.None && errors.Count == 0)
        {
            errors.Add(new("no command specified", words.Count > 0 ? TextSpan.FromBounds(words[0].Span.Start, words[^1].Span.End) : default));
        }

        CheckTarget(cmd, errors);
        cmd.Errors = [.. errors];
        return cmd;
    }

    private static string? ProtocolName(List<IptablesOption> criteria) =>
        criteria.FirstOrDefault(c => c.Name == "protocol") is { Negated: false } p ? p.Value?.ToLowerInvariant() : null;

    private static bool LooksLikeOption(IptablesWord w) =>
        !w.Symbolic && (w.Value == "!" || (w.Value.Length >= 2 && w.Value[0] == '-' && !char.IsAsciiDigit(w.Value[1])));

    private static string? Resolve(string name, IEnumerable<string> candidates)
    {
        // getopt_long accepts an unambiguous prefix of a long option.
        string? hit = null;
        foreach (var c in candidates)
        {
            if (c == name)
            {
                return c;
            }

            if (c.StartsWith(name, StringComparison.Ordinal))
            {
                if (hit is not null)
                {
                    return null;
                }

                hit = c;
            }
        }

        return hit;
    }

    private static int FindOwner(string name, (string Name, List<IptablesOption> Options, TextSpan Span)? target,
        List<(string Name, List<IptablesOption> Options, TextSpan Span, bool Implicit)> matches, string? protocol,
        out string resolved, out int arity, out string? implicitModule)
    {
        implicitModule = null;
        resolved = name;
        arity = 0;
        if (target is { } t && IptablesModules.Targets.TryGetValue(t.Name, out var targetOptions) && Lookup(targetOptions, name, out resolved, out arity))
        {
            return -2;
        }

        for (var m = matches.Count - 1; m >= 0; m--)
        {
            if (IptablesModules.Matches.TryGetValue(matches[m].Name, out var options) && Lookup(options, name, out resolved, out arity))
            {
                return m;
            }
        }

        // -p tcp|udp|icmp loads the protocol's match for options given without -m.
        var module = protocol switch
        {
            "tcp" or "6" => "tcp",
            "udp" or "17" => "udp",
            "icmp" or "1" => "icmp",
            "icmpv6" or "ipv6-icmp" or "icmp6" or "58" => "icmp6",
            "sctp" => "sctp",
            "dccp" => "dccp",
            "udplite" => "udplite",
            _ => null,
        };
        if (module is not null && IptablesModules.Matches.TryGetValue(module, out var protocolOptions) && Lookup(protocolOptions, name, out resolved, out arity))
        {
            var existing = matches.FindIndex(m => m.Name == module);
            if (existing >= 0)
            {
                return existing;
            }

            implicitModule = module;
            return -1;
        }

        resolved = name;
        return -1;
    }

    private static bool Lookup(IReadOnlyDictionary<string, int> options, string name, out string resolved, out int arity)
    {
        var hit = Resolve(name, options.Keys);
        resolved = hit ?? name;
        arity = hit is null ? 0 : options[hit];
        if (hit is not null && IptablesModules.Canonical.TryGetValue(hit, out var canonical))
        {
            resolved = canonical;
        }

        return hit is not null;
    }

    private static int Core(IptablesCommand cmd, string name, string? inline, bool negated, IptablesWord w, int start, IReadOnlyList<IptablesWord> words, int i,
        bool inRestore, List<IptablesCommandError> errors, List<IptablesOption> criteria,
        List<(string Name, List<IptablesOption> Options, TextSpan Span, bool Implicit)> matches,
        ref (string Name, List<IptablesOption> Options, TextSpan Span)? target)
    {
        string? Required()
        {
            if (inline is not null)
            {
                var value = inline;
                inline = null;
                return value;
            }

            if (i < words.Count)
            {
                return words[i++].Value;
            }

            errors.Add(new($"option \"{w.Value}\" requires an argument", w.Span));
            return null;
        }

        string? Optional()
        {
            if (inline is not null)
            {
                var value = inline;
                inline = null;
                return value;
            }

            return i < words.Count && !LooksLikeOption(words[i]) ? words[i++].Value : null;
        }

        int? OptionalNumber()
        {
            if (i < words.Count && int.TryParse(words[i].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                i++;
                return n;
            }

            return null;
        }

        void SetAction(IptablesAction action)
        {
            if (cmd.Action != IptablesAction.None)
            {
                errors.Add(new("Cannot use more than one command at a time", w.Span));
            }

            cmd.Action = action;
            cmd.ActionSpan = w.Span;
        }

        switch (name)
        {
            case "append":
            case "check":
                SetAction(name == "append" ? IptablesAction.Append : IptablesAction.Check);
                cmd.Chain = Required();
                break;
            case "insert":
                SetAction(IptablesAction.Insert);
                cmd.Chain = Required();
                cmd.RuleNumber = OptionalNumber();
                break;
            case "delete":
                SetAction(IptablesAction.Delete);
                cmd.Chain = Required();
                cmd.RuleNumber = i == words.Count - 1 ? OptionalNumber() : null;
                break;
            case "replace":
                SetAction(IptablesAction.Replace);
                cmd.Chain = Required();
                cmd.RuleNumber = OptionalNumber();
                if (cmd.RuleNumber is null)
                {
                    errors.Add(new("-R requires a rule number", w.Span));
                }

                break;
            case "new-chain":
                SetAction(IptablesAction.NewChain);
                cmd.Chain = Required();
                break;
            case "delete-chain":
            case "flush":
            case "zero":
            case "list":
            case "list-rules":
                SetAction(name switch
                {
                    "delete-chain" => IptablesAction.DeleteChain,
                    "flush" => IptablesAction.Flush,
                    "zero" => IptablesAction.Zero,
                    _ => IptablesAction.List,
                });
                cmd.Chain = Optional();
                if (name == "zero" && cmd.Chain is not null)
                {
                    cmd.RuleNumber = OptionalNumber();
                }

                break;
            case "policy":
                SetAction(IptablesAction.Policy);
                cmd.Chain = Required();
                cmd.Policy = Required();
                break;
            case "rename-chain":
                SetAction(IptablesAction.Rename);
                cmd.Chain = Required();
                cmd.NewName = Required();
                break;
            case "table":
                var table = Required();
                if (inRestore)
                {
                    errors.Add(new("The -t option cannot be used in iptables-restore.", w.Span));
                }

                cmd.Table = table;
                break;
            case "ipv4":
                cmd.Family = IptablesFamilyHint.V4Only;
                break;
            case "ipv6":
                cmd.Family = IptablesFamilyHint.V6Only;
                break;
            case "jump":
            case "goto":
                var inlineTarget = inline is not null;
                var targetName = Required();
                if (target is not null)
                {
                    errors.Add(new("multiple -j flags not allowed", w.Span));
                }

                if (targetName is not null)
                {
                    target = (targetName, [], TextSpan.FromBounds(start, inlineTarget ? w.Span.End : words[i - 1].Span.End));
                    cmd.IsGoto = name == "goto";
                }

                break;
            case "match":
                var module = Required();
                if (module is not null)
                {
                    matches.Add((module, [], TextSpan.FromBounds(start, i > 0 ? words[i - 1].Span.End : w.Span.End), false));
                }

                break;
            case "set-counters":
                Required();
                if (inline is null && i < words.Count && !LooksLikeOption(words[i]) && !words[i].Value.Contains(':', StringComparison.Ordinal))
                {
                    i++;
                }

                break;
            case "wait":
            case "wait-interval":
                Optional();
                break;
            case "verbose":
            case "numeric":
            case "exact":
            case "line-numbers":
                break;
            case "modprobe":
                Required();
                break;
            default:
                // A core criterion.
                var args = new List<IptablesWord>();
                if (name != "fragment")
                {
                    if (inline is not null)
                    {
                        args.Add(new IptablesWord(inline, TextSpan.FromBounds(w.Span.End - inline.Length, w.Span.End), w.Symbolic));
                    }
                    else if (i < words.Count)
                    {
                        args.Add(words[i++]);
                    }
                    else
                    {
                        errors.Add(new($"option \"{w.Value}\" requires an argument", w.Span));
                    }
                }

                if (criteria.Any(c => c.Name == name))
                {
                    errors.Add(new($"multiple -{ShortOf(name)} flags not allowed", w.Span));
                }

                var end = args.Count > 0 ? args[^1].Span.End : w.Span.End;
                var option = new IptablesOption(name, negated, [.. args], TextSpan.FromBounds(start, end));
                criteria.Add(option);
                Validate(option, errors);
                break;
        }

        return i;
    }

    private static char ShortOf(string name) => ShortOptions.First(p => p.Value == name).Key;

    private static void Validate(IptablesOption option, List<IptablesCommandError> errors)
    {
        if (option.IsSymbolic || option.Args.Length == 0)
        {
            return;
        }

        var value = option.Args[0];
        switch (option.Name)
        {
            case "source":
            case "destination":
                foreach (var part in value.Value.Split(','))
                {
                    if (LooksNumeric(part) && !IpNetwork.TryParse(part, out _))
                    {
                        errors.Add(new($"host/network `{part}' not found", value.Span));
                    }
                }

                break;
            case "destination-port":
            case "source-port":
            case "destination-ports":
            case "source-ports":
            case "ports":
            case "to-ports":
                foreach (var port in value.Value.Split(',', ':', '-'))
                {
                    if (port.Length > 0 && port.All(char.IsAsciiDigit) && (port.Length > 5 || int.Parse(port, CultureInfo.InvariantCulture) > 65535))
                    {
                        errors.Add(new($"Port `{port}' not valid", value.Span));
                    }
                }

                break;
        }
    }

    private static bool LooksNumeric(string address)
    {
        var host = address.Split('/')[0];
        return host.Length > 0 && (host.All(c => char.IsAsciiDigit(c) || c == '.') || (host.Contains(':', StringComparison.Ordinal) && host.All(c => char.IsAsciiHexDigit(c) || c is ':' or '.')));
    }

    private static void CheckTarget(IptablesCommand cmd, List<IptablesCommandError> errors)
    {
        if (cmd.Target is not { } target || target.Name is not ("REDIRECT" or "MASQUERADE" or "DNAT" or "SNAT"))
        {
            return;
        }

        var hasPorts = target.Option("to-ports") is not null
            || (target.Option("to-destination", "to-source")?.Value is { } to && PortPart(to));
        var protocol = cmd.Criterion("protocol");
        if (hasPorts && (protocol is null || protocol.Negated || (!protocol.IsSymbolic && protocol.Value?.ToLowerInvariant() is not ("tcp" or "udp" or "sctp" or "dccp" or "udplite" or "6" or "17"))))
        {
            errors.Add(new("Need TCP, UDP, SCTP or DCCP with port specification", target.Span));
        }

        static bool PortPart(string to)
        {
            var colon = to.LastIndexOf(':');
            return colon > 0 && (to[0] != '[' ? to.Count(c => c == ':') == 1 : to.LastIndexOf(']') < colon);
        }
    }

    /// <summary>Whether a string is a literal address or network (IPv4 or IPv6, with an optional prefix or dotted mask).</summary>
    public static bool IsAddress(string value) => IpNetwork.TryParse(value, out _) || IPAddress.TryParse(value, out _);
}
