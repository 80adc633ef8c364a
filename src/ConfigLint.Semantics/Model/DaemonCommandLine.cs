using System.Collections.Immutable;
using ConfigLint.Syntax.Tor;

namespace ConfigLint.Semantics;

/// <summary>An option the command line gives a daemon: <c>--SocksPort 0.0.0.0:9050</c> (<paramref name="Value"/> null for <c>/Key</c>).</summary>
public sealed record CommandLineOption(CommandWord Key, string RawKey, CommandWord? Value);

/// <summary>
/// What a daemon's command line says, parsed the way the daemon parses it: the configuration file it names (tor
/// <c>-f</c>/<c>--torrc-file</c>, nginx <c>-c</c>, squid <c>-f</c>), tor's <c>--defaults-torrc</c>, tor's
/// <c>--Key value</c> options (with <c>+</c>/<c>/</c> prefixes; tor also takes <c>Key value</c> without dashes), and
/// nginx's <c>-g 'directives;'</c>. Words before the daemon's executable (<c>exec</c>, <c>gosu tor</c>, <c>su-exec</c>,
/// <c>tini --</c>) are skipped; <c>sh -c 'tor …'</c> is split on blanks.
/// </summary>
public sealed record DaemonCommandLine(
    DaemonKind Kind,
    CommandWord? Executable,
    CommandWord? ConfigFile,
    CommandWord? DefaultsFile,
    ImmutableArray<CommandLineOption> Options,
    ImmutableArray<CommandWord> GlobalDirectives)
{
    /// <summary>tor's flags that take no argument (tor_main's command-line table); any other dashed word takes one.</summary>
    private static readonly HashSet<string> TorFlags = new(StringComparer.Ordinal)
    {
        "-h", "--help", "--version", "--verify-config", "--hush", "--quiet", "--list-fingerprint", "--list-torrc-options",
        "--list-deprecated-options", "--list-modules", "--library-version", "--keygen", "--newpass", "--ignore-missing-torrc",
        "--nt-service", "--dump-config", "--dbg-dump-subsystem-list",
    };

    /// <summary>tor's commands that take one argument and are not configuration options.</summary>
    private static readonly HashSet<string> TorArgumentCommands = new(StringComparer.Ordinal)
    {
        "--hash-password", "--passphrase-fd", "--service", "--key-expiration", "--format", "--master-key", "--owner-pubkey",
    };

    private static readonly string[] Executables = ["tor", "squid", "nginx"];

    /// <summary>Parses a command line for a daemon; null when no word runs it.</summary>
    public static DaemonCommandLine? Parse(DaemonKind kind, IReadOnlyList<CommandWord> words)
    {
        var name = Executables[(int)kind];
        var flat = Flatten(words);
        var start = flat.FindIndex(w => IsExecutable(w.Value, name));
        if (start < 0)
        {
            return null;
        }

        var rest = flat.Skip(start + 1).ToList();
        return kind switch
        {
            DaemonKind.Tor => ParseTor(flat[start], rest),
            DaemonKind.Nginx => ParseSimple(kind, flat[start], rest, "-c", ["-p", "-e", "-s", "-g", "-c"]),
            _ => ParseSimple(kind, flat[start], rest, "-f", ["-f", "-d", "-k", "-n", "-a", "-u", "-l", "-m"]),
        };
    }

    /// <summary>The daemon a command line runs, when it runs one of the three.</summary>
    public static DaemonKind? KindOf(IReadOnlyList<CommandWord> words)
    {
        var flat = Flatten(words);
        for (var kind = DaemonKind.Tor; kind <= DaemonKind.Nginx; kind++)
        {
            var name = Executables[(int)kind];
            if (flat.Any(w => IsExecutable(w.Value, name)))
            {
                return kind;
            }
        }

        return null;
    }

    /// <summary><c>tor</c>, <c>/usr/bin/tor</c>, <c>/usr/sbin/nginx</c>; not <c>torsocks</c> or <c>tor.sh</c>.</summary>
    private static bool IsExecutable(string word, string name)
    {
        var slash = word.LastIndexOf('/');
        return string.Equals(slash >= 0 ? word[(slash + 1)..] : word, name, StringComparison.Ordinal);
    }

    /// <summary>The words, with a shell's <c>-c 'string'</c> split on blanks (a daemon started by a shell line).</summary>
    private static List<CommandWord> Flatten(IReadOnlyList<CommandWord> words)
    {
        var result = new List<CommandWord>();
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            var isShell = IsExecutable(word.Value, "sh") || IsExecutable(word.Value, "bash") || IsExecutable(word.Value, "ash");
            if (isShell && i + 2 < words.Count && words[i + 1].Value == "-c")
            {
                result.Add(word);
                result.Add(words[i + 1]);
                var script = words[i + 2];
                result.AddRange(script.Value.Split([' ', '\t', '\n', ';', '&', '|'], StringSplitOptions.RemoveEmptyEntries)
                    .Select(part => new CommandWord(part.Trim('"', '\''), script.Location, false)));
                i += 2;
                continue;
            }

            if (word.Value.Contains(' ', StringComparison.Ordinal) && !word.Exact && i == 0 && words.Count == 1)
            {
                // A shell-form CMD or a compose string command is one word here: split it on blanks.
                result.AddRange(word.Value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(part => new CommandWord(part, word.Location, false)));
                continue;
            }

            result.Add(word);
        }

        return result;
    }

    private static DaemonCommandLine ParseTor(CommandWord executable, List<CommandWord> rest)
    {
        CommandWord? config = null;
        CommandWord? defaults = null;
        var options = ImmutableArray.CreateBuilder<CommandLineOption>();
        for (var i = 0; i < rest.Count; i++)
        {
            var word = rest[i];
            var text = word.Value;
            var next = i + 1 < rest.Count ? rest[i + 1] : null;
            if (text is "-f" or "--torrc-file")
            {
                config = next;
                i++;
                continue;
            }

            if (text == "--defaults-torrc")
            {
                defaults = next;
                i++;
                continue;
            }

            if (TorFlags.Contains(text))
            {
                continue;
            }

            if (TorArgumentCommands.Contains(text))
            {
                i++;
                continue;
            }

            // tor strips one or two leading dashes; a '+' or '/' may follow. '/Key' takes no argument.
            var raw = text.StartsWith("--", StringComparison.Ordinal) ? text[2..] : text.StartsWith('-') ? text[1..] : text;
            var prefix = raw.Length > 0 && raw[0] is '+' or '/' ? raw[0] : '\0';
            var key = prefix == '\0' ? raw : raw[1..];
            if (key.Length == 0 || TorOptions.Lookup(key).Status == TorOptionStatus.Unknown)
            {
                continue;
            }

            if (prefix == '/')
            {
                options.Add(new CommandLineOption(word, raw, null));
                continue;
            }

            if (next is null)
            {
                break;
            }

            options.Add(new CommandLineOption(word, raw, next));
            i++;
        }

        return new DaemonCommandLine(DaemonKind.Tor, executable, config, defaults, options.ToImmutable(), []);
    }

    private static DaemonCommandLine ParseSimple(DaemonKind kind, CommandWord executable, List<CommandWord> rest, string configFlag, string[] withArgument)
    {
        CommandWord? config = null;
        var globals = ImmutableArray.CreateBuilder<CommandWord>();
        for (var i = 0; i < rest.Count; i++)
        {
            var text = rest[i].Value;
            if (!withArgument.Contains(text))
            {
                continue;
            }

            if (i + 1 >= rest.Count)
            {
                break;
            }

            if (text == configFlag)
            {
                config = rest[i + 1];
            }
            else if (kind == DaemonKind.Nginx && text == "-g")
            {
                globals.Add(rest[i + 1]);
            }

            i++;
        }

        return new DaemonCommandLine(kind, executable, config, null, [], globals.ToImmutable());
    }
}
