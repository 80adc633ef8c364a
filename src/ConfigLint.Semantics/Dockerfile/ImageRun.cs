using System.Collections.Immutable;
using ConfigLint.Syntax.Dockerfile;
using ConfigLint.Syntax.Iptables;

namespace ConfigLint.Semantics.Dockerfile;

/// <summary>A shell script an image runs, as the build context (or a COPY here-document) holds it.</summary>
/// <param name="ContainerPath">Where the image has it.</param>
/// <param name="Source">Where the text comes from: a path relative to the linted root, or "here-document in …".</param>
public sealed record ImageScript(string ContainerPath, string Source, string Text);

/// <summary>One simple command the image runs: its words (parameters kept as <c>$NAME</c>) and where it was read.</summary>
public sealed record ImageCommand(ImmutableArray<string> Words, string Where)
{
    /// <summary>The program's file name (<c>/usr/sbin/squid</c> → <c>squid</c>).</summary>
    public string Program => Words.Length == 0 ? string.Empty : ImageRun.BaseName(Words[0]);
}

/// <summary>A switch to another user before the service starts (<c>gosu app …</c>, <c>su-exec 1000:1000 …</c>).</summary>
public sealed record PrivilegeDrop(string Tool, string User, string Where);

/// <summary>What an image's stage is for, as far as its ENTRYPOINT/CMD show.</summary>
public enum ImagePurpose
{
    /// <summary>A long-running process, or one the Dockerfile does not let us tell apart from one.</summary>
    Service,

    /// <summary>Nothing to run: a <c>FROM scratch</c> stage with no ENTRYPOINT/CMD (build output, a layer to copy from).</summary>
    Artifact,

    /// <summary>A base image meant to be built upon: it runs a shell or an interpreter's prompt, or has ONBUILD steps.</summary>
    Base,

    /// <summary>A one-shot tool: the command does its job and exits (<c>ENTRYPOINT ["jq"]</c>, <c>CMD ["pytest"]</c>).</summary>
    Tool,
}

/// <summary>
/// What a runtime stage runs: its ENTRYPOINT and CMD (inherited through <c>FROM &lt;stage&gt;</c>), the entrypoint
/// scripts it copies in from the build context (read when the repository has them), and the packages it installs. The
/// words of a shell-form instruction and of every script are split with the POSIX shell lexer; nothing is run.
/// </summary>
public sealed class ImageRun
{
    /// <summary>Shells and interactive interpreters: run with no script, an image that starts one is a base to build on.</summary>
    private static readonly HashSet<string> Prompts = new(StringComparer.Ordinal)
    {
        "sh", "bash", "ash", "dash", "zsh", "ksh", "fish", "busybox", "python", "python2", "python3", "pypy", "pypy3", "node", "nodejs",
        "irb", "ruby", "php", "perl", "jshell", "ghci", "iex", "erl", "julia", "r", "pwsh", "powershell", "powershell.exe", "cmd", "cmd.exe",
        "bun", "deno", "lua", "luajit", "tclsh", "mono", "dotnet", "java",
    };

    /// <summary>Options that keep an interpreter interactive (<c>php -a</c>, <c>bash -l</c>).</summary>
    private static readonly HashSet<string> PromptFlags = new(StringComparer.Ordinal) { "-a", "-i", "-l", "--login", "-", "-q", "--interactive", "-NoLogo", "-u" };

    /// <summary>
    /// Programs that do one job and exit: standard utilities, linters, test runners, and client tools an image is
    /// built to wrap (<c>docker run image ARGS</c>).
    /// </summary>
    private static readonly HashSet<string> OneShot = new(StringComparer.Ordinal)
    {
        "echo", "printf", "cat", "printenv", "true", "false", "ls", "date", "id", "whoami", "uname", "pwd", "env", "hostname", "cp", "rsync",
        "tar", "jq", "yq", "curl", "wget", "git", "make", "pytest", "py.test", "tox", "nox", "jest", "mocha", "vitest", "cypress", "playwright",
        "k6", "newman", "shellcheck", "hadolint", "shfmt", "doctoc", "markdownlint", "markdownlint-cli2", "golangci-lint", "govulncheck",
        "yamllint", "eslint", "prettier", "terraform", "tflint", "tofu", "kubectl", "helm", "kustomize", "aws", "gcloud", "az", "ansible",
        "ansible-playbook", "packer", "wp", "composer", "trivy", "grype", "syft", "cosign", "crane", "skopeo", "openssl", "certbot", "sqlite3",
        "psql", "mysql", "mongosh", "redis-cli", "pg_dump", "mysqldump", "ffmpeg", "pandoc", "hugo", "mkdocs", "sphinx-build",
    };

    /// <summary>Package managers that run a tool once (<c>npx playwright test</c>) or a one-shot script (<c>npm test</c>).</summary>
    private static readonly HashSet<string> Runners = new(StringComparer.Ordinal) { "npx", "bunx", "pnpx", "npm", "yarn", "pnpm" };

    private static readonly HashSet<string> OneShotScripts = new(StringComparer.Ordinal) { "test", "t", "ci", "install", "i", "build", "lint" };

    /// <summary>Commands that start another one (with a different environment, as init, or in its place).</summary>
    private static readonly HashSet<string> Wrappers = new(StringComparer.Ordinal) { "exec", "env", "tini", "tini-static", "dumb-init", "catatonit", "nice", "nohup", "setsid", "stdbuf", "time" };

    /// <summary>Tools whose only job is to run a command as another user.</summary>
    public static readonly ImmutableArray<string> DropTools = ["gosu", "su-exec", "s6-setuidgid", "s6-applyuidgid", "setuidgid", "chpst", "setpriv", "chroot", "runuser", "su", "sudo"];

    /// <summary>Packages that exist to drop root from an entrypoint (gosu, su-exec).</summary>
    private static readonly HashSet<string> DropPackages = new(StringComparer.Ordinal) { "gosu", "su-exec" };

    private const int MaxDepth = 4;

    /// <summary>Distribution packages of long-running servers (Debian, Alpine, RHEL names).</summary>
    private static readonly HashSet<string> ServerPackages = new(StringComparer.Ordinal)
    {
        "tor", "squid", "squid3", "squid-openssl", "nginx", "nginx-full", "nginx-light", "nginx-extras", "nginx-core", "openresty", "privoxy",
        "haproxy", "apache2", "httpd", "lighttpd", "caddy", "postgresql", "mariadb-server", "mysql-server", "redis", "redis-server", "memcached",
        "dovecot", "dovecot-core", "postfix", "exim4", "bind9", "bind", "unbound", "dnsmasq", "c-icap", "clamav-daemon", "openssh-server",
        "vsftpd", "proftpd", "pure-ftpd", "krb5-kdc", "krb5-admin-server", "i2pd", "polipo", "php-fpm", "php7-fpm", "php8-fpm", "supervisor",
    };

    private static bool IsServerPackage(string package) => ServerPackages.Contains(package) || package.StartsWith("postgresql-1", StringComparison.Ordinal);

    internal ImageRun(DockerStage stage, ImmutableArray<string> entrypoint, ImmutableArray<string> cmd, bool entrypointIsShell, bool cmdIsShell,
        ImmutableArray<ImageScript> scripts, ImmutableArray<string> unreadScripts)
    {
        Stage = stage;
        Entrypoint = entrypoint;
        Cmd = cmd;
        EntrypointIsShellForm = entrypointIsShell;
        CmdIsShellForm = cmdIsShell;
        Scripts = scripts;
        UnreadScripts = unreadScripts;
        Packages = [.. InstalledPackages(stage)];
        Commands = [.. ComputeCommands()];
    }

    public DockerStage Stage { get; }

    /// <summary>The last ENTRYPOINT's words (a shell-form one is <c>/bin/sh -c "…"</c>); empty when none is set.</summary>
    public ImmutableArray<string> Entrypoint { get; }

    /// <summary>The last CMD's words (a shell-form one is <c>/bin/sh -c "…"</c>); empty when none is set.</summary>
    public ImmutableArray<string> Cmd { get; }

    public bool EntrypointIsShellForm { get; }

    public bool CmdIsShellForm { get; }

    /// <summary>Whether the Dockerfile sets what runs (ENTRYPOINT or CMD in the stage or a stage it builds on).</summary>
    public bool Declared => Entrypoint.Length > 0 || Cmd.Length > 0;

    /// <summary>The words the container starts: ENTRYPOINT then CMD (a shell-form ENTRYPOINT ignores CMD).</summary>
    public ImmutableArray<string> Words => EntrypointIsShellForm ? Entrypoint : [.. Entrypoint, .. Cmd];

    /// <summary>The scripts the command runs that the repository has (the entrypoint, and scripts it runs).</summary>
    public ImmutableArray<ImageScript> Scripts { get; }

    /// <summary>Scripts the image copies in and runs that are not in the repository (their text is unknown).</summary>
    public ImmutableArray<string> UnreadScripts { get; }

    /// <summary>Packages the stage (or a stage it builds on) installs with apt, apk, yum/dnf, zypper or pacman, version pins removed.</summary>
    public ImmutableArray<string> Packages { get; }

    /// <summary>Every simple command of the ENTRYPOINT/CMD and of the scripts read, in order.</summary>
    public ImmutableArray<ImageCommand> Commands { get; }

    /// <summary>The first switch to a non-root user in the command or the scripts it runs.</summary>
    public PrivilegeDrop? Drop => Commands.SelectMany(Chain).Select(DropOf).FirstOrDefault(d => d is not null);

    /// <summary>
    /// A drop tool installed (gosu, su-exec; a package or a downloaded binary) for an entrypoint script the
    /// repository does not have: the official-images pattern of starting as root and switching user in the script.
    /// </summary>
    public string? InstalledDropTool
    {
        get
        {
            if (UnreadScripts.Length == 0)
            {
                return null;
            }

            if (Packages.FirstOrDefault(DropPackages.Contains) is { } package)
            {
                return package;
            }

            for (var s = Stage; s is not null; s = s.BaseStage)
            {
                foreach (var run in s.Instructions.Where(i => i.Command.Keyword == "run"))
                {
                    foreach (var command in ShellCommands(RunText(run)))
                    {
                        if (command.Words.Select(BaseName).FirstOrDefault(DropPackages.Contains) is { } tool)
                        {
                            return tool;
                        }
                    }
                }
            }

            return null;
        }
    }

    /// <summary>Whether a program runs in the command or the scripts it runs (by file name: <c>squid</c>, <c>/usr/sbin/nginx</c>).</summary>
    public ImageCommand? Running(params string[] programs) => Commands.SelectMany(Chain).FirstOrDefault(c => programs.Contains(c.Program, StringComparer.Ordinal));

    /// <summary>The first installed package of a list (<c>squid</c>, <c>squid-openssl</c>, <c>squid=${V}*</c> all install squid).</summary>
    public string? Installed(Func<string, bool> isPackage) => Packages.FirstOrDefault(isPackage);

    /// <summary>
    /// What the stage is for: nothing to run (scratch without a command), a base image (a shell or an interpreter's
    /// prompt, ONBUILD steps), a one-shot tool, or a service (anything else, and anything the Dockerfile does not show).
    /// </summary>
    public ImagePurpose Purpose(bool exposes)
    {
        for (var s = Stage; s is not null; s = s.BaseStage)
        {
            if (s.Instructions.Any(i => i.Command.Keyword == "onbuild"))
            {
                return ImagePurpose.Base;
            }
        }

        if (!Declared)
        {
            if (Stage.Root.IsScratch)
            {
                return ImagePurpose.Artifact;
            }

            // The base image's own command: an operating system or language image starts a shell or a prompt. One that
            // installs a server package is run with a command given elsewhere (compose, docker run): still a service.
            return !exposes && ShellBases.IsShellBase(Stage.Root.BaseImage) && !Packages.Any(IsServerPackage) ? ImagePurpose.Base : ImagePurpose.Service;
        }

        if (MainCommand() is not { } main)
        {
            return ImagePurpose.Service;
        }

        if (IsOneShot(main))
        {
            return ImagePurpose.Tool;
        }

        return !exposes && IsPrompt(main) ? ImagePurpose.Base : ImagePurpose.Service;
    }

    /// <summary>
    /// The command that keeps running: the CMD after an entrypoint script (which ends in <c>exec "$@"</c> by
    /// convention, or says so), else the last command of the ENTRYPOINT (or CMD) after wrappers and user switches.
    /// </summary>
    public ImageCommand? MainCommand()
    {
        if (!Declared)
        {
            return null;
        }

        // ENTRYPOINT and CMD run as one command line ('tini --' then CMD); a shell-form ENTRYPOINT ignores CMD.
        var first = Unwrap(Split(Words, EntrypointIsShellForm || (Entrypoint.Length == 0 && CmdIsShellForm), "its ENTRYPOINT").LastOrDefault());
        if (first is null)
        {
            return null;
        }

        var fromEntrypoint = Entrypoint.Length > 0 && !EntrypointIsShellForm && first.Words.Length > Cmd.Length;
        var startsCmd = fromEntrypoint && Cmd.Length > 0 && !Cmd[0].StartsWith('-') && IsScript(first);
        if (IsScript(first) && Scripts.FirstOrDefault(s => Matches(s.ContainerPath, first.Words[0])) is { } script)
        {
            var last = Unwrap(ShellCommands(script.Text, script.Source).LastOrDefault());
            startsCmd &= last is null || last.Words.Any(w => w is "$@" or "$*");
            if (!startsCmd && last is not null && !last.Words.Any(w => w is "$@" or "$*"))
            {
                return last;
            }
        }

        return startsCmd ? Unwrap(Split(Cmd, CmdIsShellForm, "its CMD").LastOrDefault()) ?? first : first;
    }

    /// <summary>Supervisors that start the image's services from their own configuration.</summary>
    private static readonly HashSet<string> Supervisors = new(StringComparer.Ordinal) { "supervisord", "s6-svscan", "runsvdir", "init", "forego", "overmind", "honcho" };

    /// <summary>
    /// Whether what the image runs hides which program serves: no command of its own, a script (read or not), an
    /// interpreter running a script file, or a supervisor. An installed daemon package then says what the image is for.
    /// </summary>
    public bool RunsOpaqueLauncher
    {
        get
        {
            if (!Declared)
            {
                return true;
            }

            var main = MainCommand();
            var first = Unwrap(Split(Words, EntrypointIsShellForm || (Entrypoint.Length == 0 && CmdIsShellForm), string.Empty).LastOrDefault());
            return main is null || IsScript(main) || (first is not null && IsScript(first)) || Supervisors.Contains(main.Program)
                || (Prompts.Contains(main.Program) && main.Words.Skip(1).Any(w => !w.StartsWith('-')));
        }
    }

    /// <summary>A script by its name: <c>*.sh</c>, or an entrypoint (<c>docker-entrypoint.sh</c>, <c>/entrypoint</c>).</summary>
    internal static bool IsScriptName(string program)
    {
        var name = BaseName(program);
        return name.EndsWith(".sh", StringComparison.Ordinal) || name.Contains("entrypoint", StringComparison.Ordinal);
    }

    private bool IsScript(ImageCommand command) =>
        command.Words.Length > 0 && (IsScriptName(command.Program)
            || Scripts.Any(s => Matches(s.ContainerPath, command.Words[0])) || UnreadScripts.Any(u => Matches(u, command.Words[0])));

    private static bool IsOneShot(ImageCommand command)
    {
        var program = command.Program;
        if (OneShot.Contains(program))
        {
            // 'env' alone prints the environment; 'env X=1 prog' runs prog (unwrapped before we get here).
            return true;
        }

        if (Runners.Contains(program) && command.Words.Length > 1)
        {
            var next = command.Words.Skip(1).FirstOrDefault(w => !w.StartsWith('-')) ?? string.Empty;
            var script = next == "run" ? command.Words.Skip(1).Where(w => !w.StartsWith('-')).Skip(1).FirstOrDefault() ?? string.Empty : next;
            return program is "npx" or "bunx" or "pnpx" ? OneShot.Contains(BaseName(next)) : OneShotScripts.Contains(script);
        }

        return false;
    }

    private static bool IsPrompt(ImageCommand command) =>
        Prompts.Contains(command.Program.ToLowerInvariant()) && command.Words.Skip(1).All(PromptFlags.Contains)
        || (command.Program == "wp" && command.Words.Skip(1).FirstOrDefault() == "shell");

    /// <summary>Strips wrappers (<c>exec</c>, <c>env X=1</c>, <c>tini --</c>, <c>sh -c</c>) and user switches off a command, keeping what they start.</summary>
    internal static ImageCommand? Unwrap(ImageCommand? command) => command is null ? null : Chain(command).Last();

    /// <summary>A command, then each command it starts in turn once a wrapper or a user switch is stripped.</summary>
    public static IEnumerable<ImageCommand> Chain(ImageCommand command)
    {
        for (var guard = 0; guard < 16; guard++)
        {
            yield return command;
            if (Step(command) is not { } next)
            {
                yield break;
            }

            command = next;
        }
    }

    private static ImageCommand? Step(ImageCommand command)
    {
        var words = command.Words;
        var program = command.Program;
        if (words.Length < 2)
        {
            return null;
        }

        int skip;
        if (Wrappers.Contains(program))
        {
            skip = 1;
            while (skip < words.Length && (words[skip].StartsWith('-') || (program == "env" && IsAssignment(words[skip]))))
            {
                skip++;
                if (words[skip - 1] == "--")
                {
                    break;
                }
            }
        }
        else if (RestAfterDrop(command) is { } rest)
        {
            skip = rest;
        }
        else if (program is "sh" or "bash" or "ash" or "dash" or "zsh")
        {
            if (words[1] == "-c" && words.Length > 2)
            {
                // 'sh -c "a && exec b"': what keeps running is the last command.
                return ShellCommands(words[2], command.Where, MaxDepth).LastOrDefault();
            }

            // 'sh /entrypoint.sh': the script is the program.
            skip = words[1].StartsWith('-') ? int.MaxValue : 1;
        }
        else
        {
            return null;
        }

        return skip >= words.Length ? null : command with { Words = words[skip..] };
    }

    /// <summary>Where the started command begins after a drop tool and its user (gosu, su-exec, s6-setuidgid, setuidgid); null for the others.</summary>
    private static int? RestAfterDrop(ImageCommand command) =>
        command.Program is "gosu" or "su-exec" or "s6-setuidgid" or "setuidgid" && command.Words.Length > 2 ? 2 : null;

    private IEnumerable<ImageCommand> ComputeCommands()
    {
        var seen = 0;
        foreach (var command in Split(Entrypoint, EntrypointIsShellForm, "its ENTRYPOINT").Concat(EntrypointIsShellForm ? [] : Split(Cmd, CmdIsShellForm, "its CMD")))
        {
            yield return command;
        }

        foreach (var script in Scripts)
        {
            foreach (var command in ShellCommands(script.Text, $"the script '{script.ContainerPath}' it runs ({script.Source})"))
            {
                if (++seen > 10_000)
                {
                    yield break;
                }

                yield return command;
            }
        }
    }

    /// <summary>The simple commands of an exec-form or shell-form instruction, the strings of <c>sh -c</c> and <c>su -c</c> included.</summary>
    private static IEnumerable<ImageCommand> Split(ImmutableArray<string> words, bool shellForm, string where)
    {
        if (words.Length == 0)
        {
            return [];
        }

        return shellForm ? ShellCommands(words[^1], where) : Nested(new ImageCommand(words, where), 0);
    }

    /// <summary>A command and the commands inside its <c>-c</c> string (<c>sh -c "…"</c>, <c>su app -c "…"</c>), to a bounded depth.</summary>
    private static IEnumerable<ImageCommand> Nested(ImageCommand command, int depth)
    {
        yield return command;
        if (depth >= MaxDepth)
        {
            yield break;
        }

        var words = command.Words;
        for (var i = 1; i + 1 < words.Length; i++)
        {
            if (words[i] == "-c" && (command.Program is "sh" or "bash" or "ash" or "dash" or "zsh" or "su" or "runuser" || Prompts.Contains(command.Program)) && command.Program is not ("python" or "python3"))
            {
                foreach (var inner in ShellCommands(words[i + 1], command.Where, depth + 1))
                {
                    yield return inner;
                }

                yield break;
            }
        }
    }

    /// <summary>The simple commands of a shell text, words with parameters kept as <c>$NAME</c>.</summary>
    public static IEnumerable<ImageCommand> ShellCommands(string text, string where = "", int depth = 0)
    {
        foreach (var command in ShellLexer.Lex(text))
        {
            var words = command.Words.Select(Text).ToImmutableArray();

            // Assignments before the program (FOO=1 prog) set its environment.
            var start = 0;
            while (start < words.Length && command.Words[start].IsPlain && IsAssignment(words[start]))
            {
                start++;
            }

            if (start < words.Length)
            {
                foreach (var nested in Nested(new ImageCommand(words[start..], where), depth))
                {
                    yield return nested;
                }
            }
        }
    }

    private static bool IsAssignment(string word)
    {
        var eq = word.IndexOf('=');
        return eq > 0 && word[..eq].All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && !char.IsAsciiDigit(word[0]);
    }

    private static string Text(ShellWord word) => string.Concat(word.Parts.Select(p => p.Kind switch
    {
        ShellPartKind.Literal => p.Text,
        ShellPartKind.Parameter => "$" + p.Text,
        _ => "$(" + p.Text + ")",
    }));

    /// <summary>The user a command switches to, when it is a drop tool and the user is not root.</summary>
    public static PrivilegeDrop? DropOf(ImageCommand command)
    {
        var words = command.Words;
        var user = command.Program switch
        {
            "gosu" or "su-exec" or "s6-setuidgid" or "setuidgid" => words.Length > 2 ? words[1] : null,
            "chpst" => Option(words, "-u"),
            "s6-applyuidgid" => Option(words, "-u"),
            "setpriv" => Option(words, "--reuid") ?? Option(words, "--ruid"),
            "chroot" => Option(words, "--userspec"),
            "sudo" => Option(words, "-u") ?? Option(words, "--user"),
            "runuser" => Option(words, "-u") ?? (words.Skip(1).Any(w => w is "-c" || w.StartsWith("--command", StringComparison.Ordinal)) ? SuUser(words) : null),
            "su" => words.Skip(1).Any(w => w is "-c" || w.StartsWith("--command", StringComparison.Ordinal)) ? SuUser(words) : null,
            _ => null,
        };

        if (user is null || IsRoot(user))
        {
            return null;
        }

        return new PrivilegeDrop(command.Program, user, command.Where);
    }

    /// <summary>A user that is root: <c>root</c>, <c>0</c>, <c>root:x</c>, <c>0:x</c>, or nothing.</summary>
    public static bool IsRoot(string user)
    {
        var name = user.Split(':')[0].Trim();
        return name is "" or "root" or "0" or "#0";
    }

    /// <summary>The value of <c>-u X</c>, <c>-uX</c>, <c>--reuid=X</c> or <c>--reuid X</c>.</summary>
    private static string? Option(ImmutableArray<string> words, string name)
    {
        for (var i = 1; i < words.Length; i++)
        {
            var w = words[i];
            if (w == "--")
            {
                return null;
            }

            if (w == name)
            {
                return i + 1 < words.Length ? words[i + 1] : null;
            }

            if (name.StartsWith("--", StringComparison.Ordinal) && w.StartsWith(name + "=", StringComparison.Ordinal))
            {
                return w[(name.Length + 1)..];
            }

            if (name.Length == 2 && w.StartsWith(name, StringComparison.Ordinal) && w.Length > 2 && !w.StartsWith("--", StringComparison.Ordinal))
            {
                return w[2..];
            }
        }

        return null;
    }

    /// <summary>su's (and runuser's) user: the first operand after the options; none means root.</summary>
    private static string SuUser(ImmutableArray<string> words)
    {
        for (var i = 1; i < words.Length; i++)
        {
            var w = words[i];
            if (w is "-c" or "-s" or "-g" or "-G" or "-w" or "-u")
            {
                i++;
                continue;
            }

            if (w.StartsWith('-'))
            {
                continue;
            }

            return w;
        }

        return "root";
    }

    /// <summary>A file name: the part after the last slash.</summary>
    public static string BaseName(string path) => path[(path.LastIndexOf('/') + 1)..];

    /// <summary>Whether a program word names a path in the image (absolute, relative or by name on PATH).</summary>
    internal static bool Matches(string containerPath, string program) =>
        program.StartsWith('/') ? containerPath == program : BaseName(containerPath) == BaseName(program);

    private static string RunText(DockerInstructionSyntax run) =>
        run.Command.IsJson ? string.Join(' ', run.Command.Args.Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"))
            : string.Join('\n', run.Command.Args.Concat(run.Heredocs.Select(h => h.Content)));

    /// <summary>
    /// The packages RUN installs in a stage and the stages it builds on: the operands of <c>apt-get install</c>,
    /// <c>apt install</c>, <c>apk add</c>, <c>yum</c>/<c>dnf</c>/<c>microdnf install</c>, <c>zypper install</c> and
    /// <c>pacman -S</c>, without version pins (<c>squid=5.7-2</c>, <c>squid=${V}*</c>, apk's <c>squid~=6.6</c>,
    /// <c>squid&gt;=6</c>) or an architecture (<c>nginx:amd64</c>).
    /// </summary>
    public static IEnumerable<string> InstalledPackages(DockerStage stage)
    {
        for (var s = stage; s is not null; s = s.BaseStage)
        {
            foreach (var run in s.Instructions.Where(i => i.Command.Keyword == "run"))
            {
                foreach (var command in ShellCommands(RunText(run)))
                {
                    foreach (var package in Operands(command.Words))
                    {
                        yield return package;
                    }
                }
            }
        }
    }

    /// <summary>Options of the package managers that take a value (<c>apk add -t build-deps</c>, <c>apt-get -o X=Y</c>).</summary>
    private static readonly HashSet<string> ValueOptions = new(StringComparer.Ordinal)
    {
        "-t", "--virtual", "-X", "--repository", "-o", "--option", "-c", "--config-file", "-t", "--target-release", "--repo", "--enablerepo",
        "--disablerepo", "--setopt", "--root", "--installroot", "-p", "--arch",
    };

    private static IEnumerable<string> Operands(ImmutableArray<string> words)
    {
        var program = words.Length > 0 ? BaseName(words[0]) : string.Empty;
        var verbs = program switch
        {
            "apt-get" or "apt" or "aptitude" => new[] { "install" },
            "apk" => ["add"],
            "yum" or "dnf" or "microdnf" or "tdnf" => ["install"],
            "zypper" => ["install", "in"],
            "pacman" => ["-S", "-Sy", "-Syu", "-Su", "--sync"],
            _ => null,
        };

        if (verbs is null)
        {
            yield break;
        }

        var i = 1;
        while (i < words.Length && !verbs.Contains(words[i]))
        {
            i += ValueOptions.Contains(words[i]) ? 2 : 1;
        }

        for (i++; i < words.Length; i++)
        {
            var w = words[i];
            if (w.StartsWith('-'))
            {
                if (ValueOptions.Contains(w))
                {
                    i++;
                }

                continue;
            }

            var end = w.IndexOfAny(['=', '~', '<', '>', ':']);
            var name = end < 0 ? w : w[..end];
            if (name.Length > 0 && !name.Contains('$', StringComparison.Ordinal) && !name.Contains('/', StringComparison.Ordinal))
            {
                yield return name;
            }
        }
    }
}

/// <summary>
/// Base images whose own command is a shell or an interpreter's prompt (Docker Official Images of operating systems
/// and languages): a Dockerfile that builds on one without setting ENTRYPOINT/CMD runs that prompt.
/// </summary>
public static class ShellBases
{
    private static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        "alpine", "debian", "ubuntu", "busybox", "centos", "fedora", "rockylinux", "almalinux", "amazonlinux", "oraclelinux", "archlinux",
        "opensuse/leap", "opensuse/tumbleweed", "photon", "clearlinux", "mageia", "buildpack-deps", "python", "pypy", "golang", "node", "ruby",
        "perl", "openjdk", "eclipse-temurin", "amazoncorretto", "ibm-semeru-runtimes", "sapmachine", "rust", "gcc", "erlang", "elixir", "haskell",
        "julia", "r-base", "swift", "groovy", "clojure", "maven", "gradle", "dart", "bash",
        "mcr.microsoft.com/windows/servercore", "mcr.microsoft.com/windows/nanoserver", "mcr.microsoft.com/windows",
        "mcr.microsoft.com/dotnet/sdk", "mcr.microsoft.com/powershell", "registry.access.redhat.com/ubi8/ubi", "registry.access.redhat.com/ubi9/ubi",
        "registry.access.redhat.com/ubi8/ubi-minimal", "registry.access.redhat.com/ubi9/ubi-minimal", "cgr.dev/chainguard/wolfi-base",
    };

    /// <summary>Whether an image's default command is a shell or a prompt (php only in its CLI tags; fpm and apache tags run a server).</summary>
    public static bool IsShellBase(string image)
    {
        if (string.IsNullOrWhiteSpace(image) || image.Contains('$', StringComparison.Ordinal))
        {
            return false;
        }

        var reference = image.Trim().ToLowerInvariant();
        var at = reference.IndexOf('@', StringComparison.Ordinal);
        reference = at >= 0 ? reference[..at] : reference;
        var colon = reference.LastIndexOf(':');
        var hasTag = colon > reference.LastIndexOf('/');
        var repository = hasTag ? reference[..colon] : reference;
        var tag = hasTag ? reference[(colon + 1)..] : "latest";
        foreach (var prefix in new[] { "docker.io/", "index.docker.io/", "library/" })
        {
            if (repository.StartsWith(prefix, StringComparison.Ordinal))
            {
                repository = repository[prefix.Length..];
            }
        }

        if (repository == "php")
        {
            return !tag.Contains("fpm", StringComparison.Ordinal) && !tag.Contains("apache", StringComparison.Ordinal);
        }

        return Names.Contains(repository);
    }
}
