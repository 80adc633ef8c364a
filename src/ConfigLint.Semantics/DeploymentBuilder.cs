using System.Collections.Immutable;
using ConfigLint.Semantics.Compose;
using ConfigLint.Semantics.Dockerfile;
using ConfigLint.Semantics.Iptables;
using ConfigLint.Semantics.Nginx;
using ConfigLint.Semantics.Squid;
using ConfigLint.Semantics.Tor;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Dockerfile;
using ConfigLint.Syntax.Tor;

namespace ConfigLint.Semantics;

/// <summary>
/// Compiles the <see cref="Deployment"/> in phases, each reading only what the earlier ones produced:
/// <list type="number">
/// <item>images: which Dockerfile each service builds (args, <c>.dockerignore</c>, runtime stage) or which image it pulls;</item>
/// <item>placement: which host paths each service mounts and each image copies, indexed by path;</item>
/// <item>daemons: which torrc, squid.conf and nginx.conf each service or image runs, how each file got there, and the
/// command line merged in (tor's <c>--Key value</c> over the torrc over <c>--defaults-torrc</c>);</item>
/// <item>versions: squid and nginx bound with the version the image shows;</item>
/// <item>facts: each daemon's listeners joined to the published ports that reach them; onion forwards to their backends;</item>
/// <item>firewalls: each iptables rule set joined to the host it runs on and the torrc it must agree with.</item>
/// </list>
/// Every lookup goes through an index built once, so the cost grows with the project, not with its square.
/// </summary>
public sealed class DeploymentBuilder
{
    private static readonly string[] TorListenerOptions = ["SocksPort", "ControlPort", "MetricsPort", "ORPort", "DirPort", "TransPort", "NATDPort", "DNSPort", "HTTPTunnelPort", "ExtORPort"];

    private readonly IWorkspace _workspace;
    private readonly ImmutableArray<TorConfig> _torFiles;
    private readonly ImmutableArray<ComposeProject> _projects;
    private readonly ImmutableArray<SyntaxTree> _squidMains;
    private readonly ImmutableArray<SyntaxTree> _nginxMains;
    private readonly ImmutableArray<IptablesRuleSet> _ruleSets;
    private readonly List<ComposeService> _services;
    private readonly Dictionary<ComposeService, int> _order = [];

    // Phase 1: images.
    private ImmutableArray<DockerfileModel> _dockerfiles;
    private readonly Dictionary<ComposeService, DockerfileModel> _dockerfileByService = [];
    private readonly Dictionary<DockerfileModel, ImmutableArray<ComposeService>> _building = [];
    private readonly Dictionary<DockerfileModel, ImmutableArray<DockerStage>> _runtimeStages = [];

    // Phase 2: placement.
    private readonly Dictionary<string, List<(ComposeService Service, ComposeVolume Mount)>> _byMount = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<DockerfileModel>> _byCopy = new(StringComparer.Ordinal);
    private readonly Dictionary<NginxConfig, List<NginxListen>> _nginxListens = [];
    private readonly Dictionary<DockerfileModel, int> _modelOrder = [];

    public DeploymentBuilder(IWorkspace workspace, ImmutableArray<TorConfig> torConfigs, ImmutableArray<ComposeProject> composeProjects,
        ImmutableArray<DockerfileModel> dockerfiles, ImmutableArray<SyntaxTree> squidMains, ImmutableArray<SyntaxTree> nginxMains,
        ImmutableArray<IptablesRuleSet> ruleSets = default)
    {
        _ruleSets = ruleSets.IsDefault ? [] : ruleSets;
        _workspace = workspace;
        _torFiles = torConfigs;
        _projects = composeProjects;
        _dockerfiles = dockerfiles.IsDefault ? [] : dockerfiles;
        _squidMains = squidMains.IsDefault ? [] : squidMains;
        _nginxMains = nginxMains.IsDefault ? [] : nginxMains;
        _services = [.. composeProjects.SelectMany(p => p.Services)];
        foreach (var service in _services)
        {
            _order.TryAdd(service, _order.Count);
        }
    }

    /// <summary>What the builder hands the model.</summary>
    internal sealed record Parts(
        ImmutableArray<SyntaxTree> Trees,
        ImmutableArray<ComposeProject> ComposeProjects,
        ImmutableArray<DockerfileModel> Dockerfiles,
        ImmutableArray<TorConfig> TorConfigs,
        ImmutableArray<SquidConfig> SquidConfigs,
        ImmutableArray<NginxConfig> NginxConfigs,
        ImmutableArray<ServiceImage> Images,
        ImmutableArray<DaemonInstance> Daemons,
        ImmutableArray<OnionForward> OnionForwards,
        IReadOnlyDictionary<DockerfileModel, ImmutableArray<ComposeService>> Building,
        IReadOnlyDictionary<DockerfileModel, ImmutableArray<DockerStage>> RuntimeStages,
        IReadOnlyDictionary<SyntaxTree, ImmutableArray<ComposeService>> ServicesByFile,
        ImmutableArray<Firewall> Firewalls,
        IReadOnlyDictionary<DockerStage, ImageRun> ImageRuns);

    /// <summary>Builds the model; <paramref name="trees"/> are the files read so far (the binders add the includes they read).</summary>
    public Deployment Build(IEnumerable<SyntaxTree> trees)
    {
        LinkImages();
        IndexPlacement();
        var images = _services.Select(ImageOf).ToImmutableArray();
        var daemons = new List<DaemonInstance>();
        var torConfigs = LinkTor(daemons);
        var (squid, nginx, servicesByFile) = LinkSquidAndNginx(daemons, images);
        var forwards = OnionForwards(daemons);
        var firewalls = LinkFirewalls(daemons);
        var allTrees = trees.Concat(squid.SelectMany(c => c.Files)).Concat(nginx.SelectMany(c => c.Files))
            .Distinct().OrderBy(t => t.Path, StringComparer.Ordinal).ToImmutableArray();
        return new Deployment(new Parts(allTrees, _projects, _dockerfiles, torConfigs, squid, nginx, images, [.. daemons], forwards,
            _building, _runtimeStages, servicesByFile, firewalls, LinkImageRuns()));
    }

    // ---- Phase 1: images ------------------------------------------------------------------------------------------

    private void LinkImages()
    {
        var byPath = _dockerfiles.ToDictionary(d => d.Tree.FullPath, StringComparer.Ordinal);
        foreach (var service in _services)
        {
            if (service.Build?.ContextPath is not { } context || service.Build.HasInlineDockerfile)
            {
                continue;
            }

            // With no dockerfile named, the docker CLI reads 'Dockerfile', falling back to 'dockerfile'.
            var file = Path.GetFullPath(Path.Combine(context, service.Build.Dockerfile ?? "Dockerfile"));
            if (service.Build.Dockerfile is null && !byPath.ContainsKey(file))
            {
                file = Path.GetFullPath(Path.Combine(context, "dockerfile"));
            }

            if (byPath.TryGetValue(file, out var model))
            {
                _dockerfileByService[service] = model;
                model.Ignore = LoadIgnore(file, context);
            }
        }

        // Compose build args override ARG defaults; when several services build one Dockerfile with different
        // args, the file is analysed with its own defaults.
        foreach (var group in _dockerfileByService.GroupBy(kv => kv.Value).ToList())
        {
            var argSets = group.Select(kv => Args(kv.Key)).ToList();
            if (argSets[0].Count == 0 || argSets.Skip(1).Any(a => !a.OrderBy(x => x.Key).SequenceEqual(argSets[0].OrderBy(x => x.Key))))
            {
                continue;
            }

            var rebuilt = DockerfileModel.Build(group.Key.Tree, argSets[0]);
            rebuilt.Ignore = group.Key.Ignore;
            _dockerfiles = _dockerfiles.Replace(group.Key, rebuilt);
            byPath[group.Key.Tree.FullPath] = rebuilt;
            foreach (var (service, _) in group)
            {
                _dockerfileByService[service] = rebuilt;
            }
        }

        // A Dockerfile no compose file builds: its own folder is the usual context.
        foreach (var (file, model) in byPath)
        {
            if (model.Ignore.IsEmpty)
            {
                model.Ignore = LoadIgnore(file, Path.GetDirectoryName(file)!);
            }
        }

        foreach (var group in _dockerfileByService.GroupBy(kv => kv.Value))
        {
            _building[group.Key] = [.. group.Select(kv => kv.Key).OrderBy(s => _order[s])];
        }

        foreach (var model in _dockerfiles)
        {
            _modelOrder.TryAdd(model, _modelOrder.Count);
            _runtimeStages[model] = ComputeRuntimeStages(model);
        }
    }

    /// <summary>Each building service's <c>build.target</c> (else the last stage); with no service building the file, the last stage.</summary>
    private ImmutableArray<DockerStage> ComputeRuntimeStages(DockerfileModel model)
    {
        var services = _building.GetValueOrDefault(model, []);
        var stages = new List<DockerStage>();
        foreach (var service in services)
        {
            if (model.RuntimeStage(service.Build?.Target) is { } stage && !stages.Contains(stage))
            {
                stages.Add(stage);
            }
        }

        if ((services.Length == 0 || services.Any(s => s.Build?.Target is null)) && model.Stages.LastOrDefault() is { } last && !stages.Contains(last))
        {
            stages.Add(last);
        }

        return [.. stages];
    }

    private ServiceImage ImageOf(ComposeService service)
    {
        var model = _dockerfileByService.GetValueOrDefault(service);
        var stage = model?.RuntimeStage(service.Build?.Target);
        var image = model is null ? service.Image?.Value : stage?.Root.BaseImage;
        return new ServiceImage(service, model, service.Build?.ContextPath, service.Build?.Target, stage, KnownImages.Find(model is null ? image : stage?.Root is { } root ? model.Expand(root.BaseImage, root.From) ?? root.BaseImage : null));
    }

    /// <summary>A service's build args with values (an arg without a value takes the host's environment, unknown here).</summary>
    private static Dictionary<string, string> Args(ComposeService service) =>
        (service.Build?.Args ?? []).Where(a => a.Value is not null).GroupBy(a => a.Name).ToDictionary(g => g.Key, g => g.Last().Value!, StringComparer.Ordinal);

    /// <summary>BuildKit reads <c>&lt;Dockerfile&gt;.dockerignore</c> next to the Dockerfile first, then the context's <c>.dockerignore</c>.</summary>
    private DockerIgnore LoadIgnore(string dockerfile, string context)
    {
        var text = _workspace.ReadText(dockerfile + ".dockerignore") ?? _workspace.ReadText(Path.Combine(context, ".dockerignore"));
        return text is null ? DockerIgnore.Empty : new DockerIgnore(text);
    }

    // ---- Phase 2: placement ---------------------------------------------------------------------------------------

    private void IndexPlacement()
    {
        foreach (var service in _services)
        {
            // A mount of the host's root ('/:/host:ro', as node-exporter and cAdvisor do) carries every file on the machine and configures nothing.
            foreach (var mount in service.HostMounts)
            {
                var host = mount.HostPath?.TrimEnd(Path.DirectorySeparatorChar);
                if (!string.IsNullOrEmpty(host))
                {
                    Add(_byMount, host, (service, mount));
                }
            }
        }

        foreach (var model in _dockerfiles)
        {
            foreach (var source in CopiedSources(model).Distinct())
            {
                Add(_byCopy, source.TrimEnd(Path.DirectorySeparatorChar), model);
            }
        }
    }

    /// <summary>The host paths the runtime stages of an image COPY/ADD from the build context (each context a building service uses).</summary>
    private IEnumerable<string> CopiedSources(DockerfileModel model)
    {
        var dockerfile = model.Tree.FullPath;
        var contexts = _building.GetValueOrDefault(model, []).Select(s => s.Build?.ContextPath).OfType<string>().DefaultIfEmpty(Path.GetDirectoryName(dockerfile)!).Distinct().ToList();
        foreach (var stage in _runtimeStages[model])
        {
            foreach (var copy in stage.Instructions.Where(i => i.Command.Keyword is "copy" or "add" && !i.Command.Flags.Any(f => f.Name == "from")))
            {
                foreach (var source in copy.Command.Args.Take(Math.Max(0, copy.Command.Args.Length - 1)))
                {
                    foreach (var context in contexts)
                    {
                        yield return Path.GetFullPath(Path.Combine(context, model.Expand(source, copy) ?? source));
                    }
                }
            }
        }
    }

    private static IEnumerable<string> SelfAndAncestors(string fullPath)
    {
        for (var path = fullPath; !string.IsNullOrEmpty(path); path = Path.GetDirectoryName(path))
        {
            yield return path;
        }
    }

    /// <summary>The mounts that carry a host file into a service (the file itself or a folder above it), with the path inside the container.</summary>
    private IEnumerable<(ComposeService Service, ComposeVolume Mount, string ContainerPath)> MountsOf(string fullPath)
    {
        foreach (var path in SelfAndAncestors(fullPath))
        {
            foreach (var (service, mount) in _byMount.GetValueOrDefault(path, []))
            {
                var relative = fullPath.Length == path.Length ? string.Empty : fullPath[(path.Length + 1)..].Replace(Path.DirectorySeparatorChar, '/');
                yield return (service, mount, relative.Length == 0 ? mount.Target : mount.Target.TrimEnd('/') + "/" + relative);
            }
        }
    }

    /// <summary>The images whose runtime stages copy a host file (the file itself or a folder above it).</summary>
    private IEnumerable<DockerfileModel> CopiesOf(string fullPath) =>
        SelfAndAncestors(fullPath).SelectMany(p => _byCopy.GetValueOrDefault(p, [])).Distinct().OrderBy(m => _modelOrder[m]);

    private static string Describe(ComposeService service, ComposeVolume mount) =>
        service.Configs.Any(c => c.Target == mount.Target && c.Location == mount.Location) ? $"configs: to {mount.Target}" : $"bind mount to {mount.Target}";

    private static ConfigVia ViaOf(ComposeService service, ComposeVolume mount) =>
        service.Configs.Any(c => c.Target == mount.Target && c.Location == mount.Location) ? ConfigVia.Configs : ConfigVia.BindMount;

    // ---- Phase 2b: what each runtime stage runs ------------------------------------------------------------------

    /// <summary>Scripts read per image (an entrypoint that runs others); texts above this are not scripts.</summary>
    private const int MaxScripts = 8;

    private const int MaxScriptLength = 512 * 1024;

    /// <summary>Where a program named without a path is looked for (Docker's default PATH).</summary>
    private static readonly string[] SearchPath = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

    /// <summary>Each runtime stage's ENTRYPOINT/CMD with the entrypoint scripts it copies in from the build context.</summary>
    private Dictionary<DockerStage, ImageRun> LinkImageRuns()
    {
        var runs = new Dictionary<DockerStage, ImageRun>();
        foreach (var model in _dockerfiles)
        {
            var contexts = _building.GetValueOrDefault(model, []).Select(s => s.Build?.ContextPath).OfType<string>()
                .DefaultIfEmpty(Path.GetDirectoryName(model.Tree.FullPath)!).Distinct().ToList();
            foreach (var stage in _runtimeStages[model])
            {
                if (!runs.ContainsKey(stage))
                {
                    runs[stage] = ImageRunOf(model, stage, contexts);
                }
            }
        }

        return runs;
    }

    private ImageRun ImageRunOf(DockerfileModel model, DockerStage stage, List<string> contexts)
    {
        var (entrypoint, entrypointShell) = LastWords(stage, "entrypoint");
        var (cmd, cmdShell) = LastWords(stage, "cmd");

        // CMD set before a later ENTRYPOINT in the same chain is reset by it (Dockerfile reference, ENTRYPOINT).
        var copies = CopiesInto(model, stage).ToList();
        var scripts = new List<ImageScript>();
        var unread = new List<string>();
        var pending = new Queue<(string Program, bool Named)>();
        var probe = new ImageRun(stage, entrypoint, cmd, entrypointShell, cmdShell, [], []);
        foreach (var command in probe.Commands)
        {
            if (ImageRun.Unwrap(command) is { Words.Length: > 0 } started)
            {
                pending.Enqueue((started.Words[0], true));
            }
        }

        var asked = new HashSet<string>(StringComparer.Ordinal);
        while (pending.Count > 0 && scripts.Count < MaxScripts && asked.Count < 64)
        {
            var (program, named) = pending.Dequeue();
            if (program.Length == 0 || program.Contains('$', StringComparison.Ordinal) || !asked.Add(program))
            {
                continue;
            }

            var found = false;
            foreach (var copy in copies)
            {
                if (copy.Find(program, contexts, _workspace) is not { } hit)
                {
                    continue;
                }

                found = true;
                if (hit.Text is { } text && text.Length <= MaxScriptLength && !text.Contains('\0', StringComparison.Ordinal) && IsShellScript(text, named || ImageRun.IsScriptName(hit.ContainerPath)))
                {
                    scripts.Add(new ImageScript(hit.ContainerPath, hit.Source, text));
                    foreach (var inner in ImageRun.ShellCommands(text, hit.Source))
                    {
                        if (ImageRun.Unwrap(inner) is { Words.Length: > 0 } started && (started.Words[0].StartsWith('/') || started.Words[0].StartsWith("./", StringComparison.Ordinal) || ImageRun.IsScriptName(started.Words[0])))
                        {
                            pending.Enqueue((started.Words[0], false));
                        }
                    }
                }
                else if (hit.Text is null)
                {
                    unread.Add(hit.ContainerPath);
                }

                break;
            }

            // A script the image runs that no COPY names from the repository (a folder copy whose tree is not there).
            if (!found && named && ImageRun.IsScriptName(program) && copies.Count > 0)
            {
                unread.Add(program);
            }
        }

        return new ImageRun(stage, entrypoint, cmd, entrypointShell, cmdShell, [.. scripts], [.. unread]);
    }

    /// <summary>
    /// A shell script: its #! line names a shell (directly, through <c>env</c>, or s6-overlay's <c>with-contenv</c>);
    /// without one, a file the image runs as its program (the shell runs it) or named <c>*.sh</c>.
    /// </summary>
    private static bool IsShellScript(string text, bool runAsProgram)
    {
        if (!text.StartsWith("#!", StringComparison.Ordinal))
        {
            return runAsProgram;
        }

        var end = text.IndexOf('\n');
        var words = text[2..(end < 0 ? text.Length : end)].Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
        return words.Select(ImageRun.BaseName).Any(w => w is "sh" or "bash" or "ash" or "dash" or "zsh" or "ksh" or "busybox" or "execlineb");
    }

    /// <summary>The last ENTRYPOINT or CMD of a stage or of the stages it builds on (an ENTRYPOINT after a CMD resets it).</summary>
    private static (ImmutableArray<string> Words, bool ShellForm) LastWords(DockerStage stage, string keyword)
    {
        for (var s = stage; s is not null; s = s.BaseStage)
        {
            foreach (var instruction in s.Instructions.Reverse())
            {
                if (keyword == "cmd" && instruction.Command.Keyword == "entrypoint")
                {
                    return ([], false);
                }

                if (instruction.Command.Keyword == keyword)
                {
                    var command = instruction.Command;
                    return command.IsJson ? (command.Args, false) : command.Args.Length == 0 ? ([], false) : (["/bin/sh", "-c", string.Join(' ', command.Args)], true);
                }
            }
        }

        return ([], false);
    }

    /// <summary>One COPY/ADD from the build context (or of a here-document) into a runtime stage, latest first.</summary>
    private sealed record ImageCopy(DockerfileModel Model, DockerInstructionSyntax Instruction, ImmutableArray<string> Sources, string Destination)
    {
        public (string ContainerPath, string Source, string? Text)? Find(string program, List<string> contexts, IWorkspace workspace)
        {
            var dirLike = Destination.EndsWith('/') || Sources.Length > 1;
            var dest = Destination.Length > 1 ? Destination.TrimEnd('/') : Destination;
            foreach (var source in Sources)
            {
                if (source.StartsWith("<<", StringComparison.Ordinal))
                {
                    var name = source.TrimStart('<', '-').Trim('"', '\'');
                    if (Instruction.Heredocs.FirstOrDefault(h => h.Name == name) is { } heredoc)
                    {
                        var at = dirLike ? Join(dest, name) : dest;
                        if (ImageRun.Matches(at, program))
                        {
                            return (at, "a COPY here-document", heredoc.Content);
                        }
                    }

                    continue;
                }

                if (source.Contains("://", StringComparison.Ordinal) || Glob.HasWildcards(source))
                {
                    continue;
                }

                foreach (var context in contexts)
                {
                    var host = Path.GetFullPath(Path.Combine(context, source));
                    if (workspace.DirectoryExists(host))
                    {
                        // 'COPY rootfs/ /': the folder's contents land under the destination.
                        foreach (var candidate in program.StartsWith('/') ? [program] : SearchPath.Select(d => d + "/" + ImageRun.BaseName(program)))
                        {
                            var prefix = dest == "/" ? "/" : dest + "/";
                            if (candidate.StartsWith(prefix, StringComparison.Ordinal))
                            {
                                var file = Path.Combine(host, candidate[prefix.Length..].Replace('/', Path.DirectorySeparatorChar));
                                if (workspace.FileExists(file))
                                {
                                    return (candidate, Relative(file), workspace.ReadText(file));
                                }
                            }
                        }

                        continue;
                    }

                    var target = dirLike ? Join(dest, Path.GetFileName(source.TrimEnd('/'))) : dest;
                    var alternative = Join(dest, Path.GetFileName(source.TrimEnd('/')));
                    if (ImageRun.Matches(target, program) || ImageRun.Matches(alternative, program) && (program.StartsWith('/') || ImageRun.BaseName(program) == Path.GetFileName(source.TrimEnd('/'))))
                    {
                        var at = ImageRun.Matches(target, program) ? target : alternative;
                        return (at, Relative(host), workspace.FileExists(host) ? workspace.ReadText(host) : null);
                    }
                }
            }

            return null;
        }

        private static string Join(string folder, string name) => folder == "/" ? "/" + name : folder + "/" + name;

        /// <summary>A script's path relative to the Dockerfile's folder: the same whichever paths were named on the command line.</summary>
        private string Relative(string file) =>
            Path.GetRelativePath(Path.GetDirectoryName(Model.Tree.FullPath)!, file).Replace(Path.DirectorySeparatorChar, '/');
    }

    /// <summary>The COPY/ADD instructions from the build context of a stage and the stages it builds on, latest first, with WORKDIR applied.</summary>
    private static IEnumerable<ImageCopy> CopiesInto(DockerfileModel model, DockerStage stage)
    {
        var chain = new List<DockerStage>();
        for (var s = stage; s is not null && chain.Count < 64; s = s.BaseStage)
        {
            chain.Insert(0, s);
        }

        var copies = new List<ImageCopy>();
        var workdir = "/";
        foreach (var instruction in chain.SelectMany(s => s.Instructions))
        {
            var command = instruction.Command;
            if (command.Keyword == "workdir" && command.Args.Length > 0)
            {
                var dir = model.Expand(command.Args[0], instruction) ?? command.Args[0];
                workdir = dir.StartsWith('/') ? dir : (workdir.TrimEnd('/') + "/" + dir);
            }
            else if (command.Keyword is "copy" or "add" && command.Args.Length >= 2 && !command.Flags.Any(f => f.Name == "from"))
            {
                var expanded = command.Args.Select(a => a.StartsWith("<<", StringComparison.Ordinal) ? a : model.Expand(a, instruction) ?? a).ToImmutableArray();
                var dest = expanded[^1];
                if (!dest.StartsWith('/'))
                {
                    dest = dest is "." or "./" ? workdir + "/" : workdir.TrimEnd('/') + "/" + dest;
                }

                copies.Add(new ImageCopy(model, instruction, expanded[..^1], dest.Replace("//", "/", StringComparison.Ordinal)));
            }
        }

        copies.Reverse();
        return copies;
    }

    // ---- Phase 3: daemons -----------------------------------------------------------------------------------------

    /// <summary>The words each service's container runs, worked out once (after phase 1 linked the images).</summary>
    private Dictionary<ComposeService, ImmutableArray<CommandWord>>? _commandLines;

    private ImmutableArray<CommandWord> CommandLineOf(ComposeService service) =>
        (_commandLines ??= _services.ToDictionary(s => s, ComputeCommandLine))[service];

    /// <summary>The words a service's container runs: compose <c>entrypoint</c>/<c>command</c> over the image's <c>ENTRYPOINT</c>/<c>CMD</c>.</summary>
    private ImmutableArray<CommandWord> ComputeCommandLine(ComposeService service)
    {
        var model = _dockerfileByService.GetValueOrDefault(service);
        var stage = model?.RuntimeStage(service.Build?.Target);
        var entrypoint = service.Entrypoint.Length > 0 ? service.Entrypoint.Select(FromCompose).ToImmutableArray() : ImageWords(model, stage, "entrypoint");

        // Setting an entrypoint in compose clears the image's CMD, as `docker run --entrypoint` does.
        var command = service.Command.Length > 0 ? service.Command.Select(FromCompose).ToImmutableArray()
            : service.Entrypoint.Length > 0 ? [] : ImageWords(model, stage, "cmd");
        return [.. entrypoint, .. command];
    }

    /// <summary>A Dockerfile stage's last <c>ENTRYPOINT</c> or <c>CMD</c> (inherited from the stage it builds on), as located words.</summary>
    private static ImmutableArray<CommandWord> ImageWords(DockerfileModel? model, DockerStage? stage, string keyword)
    {
        for (var s = stage; model is not null && s is not null; s = s.BaseStage)
        {
            if (s.Instructions.LastOrDefault(i => i.Command.Keyword == keyword) is { } instruction)
            {
                var words = instruction.Command.IsJson ? instruction.Command.Args.AsEnumerable()
                    : instruction.Command.Args.SelectMany(a => a.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
                return [.. words.Select(w =>
                {
                    var location = model.Locate(instruction, w);
                    return new CommandWord(w, location, location.Tree.Text.ToString(location.Span) == w);
                })];
            }
        }

        return [];
    }

    private static ImmutableArray<CommandWord> StandaloneCommandLine(DockerfileModel model, IReadOnlyList<DockerStage> stages)
    {
        var stage = stages.LastOrDefault();
        return [.. ImageWords(model, stage, "entrypoint"), .. ImageWords(model, stage, "cmd")];
    }

    /// <summary>A compose word, located exactly when its source text is the word (or holds it once as a whole word).</summary>
    private static CommandWord FromCompose(ComposeValue value)
    {
        var location = value.Location;
        var source = location.Tree.Text.ToString(location.Span);
        if (source == value.Value)
        {
            return new CommandWord(value.Value, location, true);
        }

        var at = value.Interpolated || value.Value.Length == 0 ? -1 : source.IndexOf(value.Value, StringComparison.Ordinal);
        return at >= 0 && source.IndexOf(value.Value, at + 1, StringComparison.Ordinal) < 0
            ? new CommandWord(value.Value, new SourceLocation(location.Tree, new Microsoft.CodeAnalysis.Text.TextSpan(location.Span.Start + at, value.Value.Length)), true)
            : new CommandWord(value.Value, location, false);
    }

    /// <summary>
    /// Links each torrc to the services and images that run it, merges their command lines, and returns the effective
    /// configurations. A service runs a torrc it mounts where tor reads it (its <c>-f</c> file, else <c>/etc/tor/torrc</c>;
    /// a mounted folder counts where tor's files live), one its image copies, or, when the mount's source is outside the
    /// repository, the project's torrc named like its <c>-f</c> file.
    /// </summary>
    private ImmutableArray<TorConfig> LinkTor(List<DaemonInstance> daemons)
    {
        var runs = new Dictionary<ComposeService, List<(TorConfig Config, ConfigFileLink Link)>>();
        var copiedBy = new Dictionary<DockerfileModel, List<TorConfig>>();
        var parsed = _services.ToDictionary(s => s, s => DaemonCommandLine.Parse(DaemonKind.Tor, CommandLineOf(s)));
        var fullPaths = _torFiles.ToDictionary(c => c, c => c.Main.FullPath);

        foreach (var config in _torFiles)
        {
            var mainPath = fullPaths[config];
            foreach (var (service, mount, containerPath) in MountsOf(mainPath))
            {
                var fArg = parsed[service]?.ConfigFile?.Value;
                var wanted = fArg ?? "/etc/tor/torrc";
                var folderOfTor = fArg is null && _workspace.DirectoryExists(mount.HostPath!) && Path.GetFileName(mainPath).StartsWith("torrc", StringComparison.Ordinal)
                    && mount.Target.Split('/', StringSplitOptions.RemoveEmptyEntries).Any(segment => segment.Equals("tor", StringComparison.OrdinalIgnoreCase) || segment.StartsWith("torrc", StringComparison.OrdinalIgnoreCase));
                if (containerPath == wanted || folderOfTor)
                {
                    AddRun(runs, service, config, new ConfigFileLink(config.Main, ViaOf(service, mount), Describe(service, mount)) { Mount = mount });
                }
            }

            foreach (var model in CopiesOf(mainPath))
            {
                Add(copiedBy, model, config);
                foreach (var service in _building.GetValueOrDefault(model, []))
                {
                    AddRun(runs, service, config, new ConfigFileLink(config.Main, ConfigVia.Copy, $"COPY in {model.Tree.Path}"));
                }
            }
        }

        // The bind source lies outside the repository (e.g. /home/docker/tor/config): match the -f file name in the project's tree.
        var byName = _torFiles.ToLookup(c => Path.GetFileName(fullPaths[c]), StringComparer.Ordinal);
        foreach (var service in _services.Where(s => !runs.ContainsKey(s) && parsed[s]?.ConfigFile is not null))
        {
            foreach (var config in byName[Path.GetFileName(parsed[service]!.ConfigFile!.Value)].Where(c => PathContainment.IsAtOrBelow(fullPaths[c], service.Project.Directory)))
            {
                AddRun(runs, service, config, new ConfigFileLink(config.Main, ConfigVia.BindMount, $"named by -f {parsed[service]!.ConfigFile!.Value} (mounted from outside the project)"));
            }
        }

        var effective = new List<TorConfig>();
        var run = new HashSet<TorConfig>();
        foreach (var service in _services.Where(runs.ContainsKey))
        {
            var model = _dockerfileByService.GetValueOrDefault(service);
            var version = model is null ? null : DockerTorVersion.Find(model);
            foreach (var (config, link) in runs[service].DistinctBy(r => r.Config))
            {
                run.Add(config);
                var (tor, files, fromFiles) = Effective(config, link, parsed[service], version, service);
                effective.Add(tor);
                daemons.Add(new DaemonInstance(DaemonKind.Tor, service, model, files, CommandLineOf(service), TorListeners(tor, service)) { Tor = tor, TorFiles = fromFiles });
            }
        }

        // An image that copies a torrc and no service builds: the image runs it with its own CMD.
        foreach (var (model, configs) in copiedBy)
        {
            if (_building.ContainsKey(model))
            {
                continue;
            }

            var words = StandaloneCommandLine(model, _runtimeStages[model]);
            var commandLine = DaemonCommandLine.Parse(DaemonKind.Tor, words);
            foreach (var config in configs.Distinct())
            {
                run.Add(config);
                var (tor, files, fromFiles) = Effective(config, new ConfigFileLink(config.Main, ConfigVia.Copy, $"COPY in {model.Tree.Path}"), commandLine, DockerTorVersion.Find(model), null);
                effective.Add(tor);
                daemons.Add(new DaemonInstance(DaemonKind.Tor, null, model, files, words, TorListeners(tor, null)) { Tor = tor, TorFiles = fromFiles });
            }
        }

        // A torrc nothing runs (or only a --defaults-torrc of one that runs): a deployment of its own.
        foreach (var config in _torFiles.Where(c => !run.Contains(c)))
        {
            effective.Add(config);
            daemons.Add(new DaemonInstance(DaemonKind.Tor, null, null, Links(config.Main, config.Files, ConfigVia.Standalone, "standalone", "%include"), [], TorListeners(config, null)) { Tor = config, TorFiles = config });
        }

        return [.. effective.Distinct()];

        static void AddRun(Dictionary<ComposeService, List<(TorConfig, ConfigFileLink)>> runs, ComposeService service, TorConfig config, ConfigFileLink link) =>
            Add(runs, service, (config, link));
    }

    /// <summary>The configuration tor runs: the torrc over its <c>--defaults-torrc</c>, the command line on top, the version the image shows.</summary>
    private (TorConfig Config, ImmutableArray<ConfigFileLink> Files, TorConfig FromFiles) Effective(TorConfig config, ConfigFileLink link, DaemonCommandLine? commandLine, Version? version, ComposeService? service)
    {
        var result = config.WithVersion(version);
        var files = new List<ConfigFileLink>(Links(config.Main, config.Files, link.Via, link.Detail, "%include", link.Mount));
        if (commandLine?.DefaultsFile is { } defaultsWord && service is not null && DefaultsConfig(defaultsWord.Value, service) is { } defaults && defaults != config)
        {
            result = result.OverDefaults(defaults);
            files.AddRange(Links(defaults.Main, defaults.Files, ConfigVia.Defaults, $"--defaults-torrc {defaultsWord.Value}", "%include"));
        }

        var fromFiles = result;
        if (commandLine is not null && commandLine.Options.Length > 0)
        {
            result = result.WithCommandLine([.. commandLine.Options.Select(ToTorLine)]);
        }

        return (result, [.. files.DistinctBy(f => f.File)], fromFiles);
    }

    /// <summary>The torrc a service mounts at its <c>--defaults-torrc</c> path.</summary>
    private TorConfig? DefaultsConfig(string containerPath, ComposeService service) =>
        _torFiles.FirstOrDefault(c => MountsOf(c.Main.FullPath).Any(m => m.Service == service && m.ContainerPath == containerPath));

    /// <summary>A command-line option as a torrc line located in the compose file or Dockerfile that wrote it.</summary>
    private static TorLine ToTorLine(CommandLineOption option)
    {
        var key = option.Key;
        var keySpan = key.Exact ? new Microsoft.CodeAnalysis.Text.TextSpan(key.Location.Span.End - Math.Min(option.RawKey.Length, key.Location.Span.Length), Math.Min(option.RawKey.Length, key.Location.Span.Length)) : key.Location.Span;
        var value = option.Value;
        var valueSpan = value?.Location.Span ?? new Microsoft.CodeAnalysis.Text.TextSpan(key.Location.Span.End, 0);
        var entry = TorEntrySyntax.FromCommandLine(option.RawKey, keySpan, value?.Value, valueSpan, value?.Exact ?? false);
        return new TorLine(key.Location.Tree, entry);
    }

    private static ImmutableArray<ConfigFileLink> Links(SyntaxTree main, ImmutableArray<SyntaxTree> files, ConfigVia via, string detail, string include, ComposeVolume? mount = null) =>
        [new ConfigFileLink(main, via, detail) { Mount = mount }, .. files.Where(f => f != main).Select(f => new ConfigFileLink(f, ConfigVia.Include, $"{include} from {main.Path}"))];

    /// <summary>Binds squid and nginx main files with the version their image shows, and links them to the services and images that run them.</summary>
    private (ImmutableArray<SquidConfig>, ImmutableArray<NginxConfig>, IReadOnlyDictionary<SyntaxTree, ImmutableArray<ComposeService>>) LinkSquidAndNginx(
        List<DaemonInstance> daemons, ImmutableArray<ServiceImage> images)
    {
        var runners = new Dictionary<SyntaxTree, HashSet<ComposeService>>();
        var squids = new List<SquidConfig>();
        var nginxes = new List<NginxConfig>();
        var withDaemon = new HashSet<(ComposeService, DaemonKind)>();
        // Full nginx.conf files first: a fragment nothing includes is read under its project's nginx.conf (NginxNode.Outer).
        var nginxOrder = _nginxMains.Select((m, i) => (m, i)).ToDictionary(p => p.m, p => p.i);
        var hosts = new Dictionary<string, NginxConfig>(StringComparer.Ordinal);
        var nginxMains = _nginxMains.OrderBy(m => NginxBinder.RootContext(m) == "main" ? 0 : 1).ThenBy(m => nginxOrder[m]).ToImmutableArray();
        foreach (var (kind, mains) in new[] { (DaemonKind.Squid, _squidMains), (DaemonKind.Nginx, nginxMains) })
        {
            var daemonName = kind == DaemonKind.Squid ? "squid" : "nginx";
            foreach (var main in mains)
            {
                var fullPath = main.FullPath;
                var mounts = MountsOf(fullPath).Where(m => ReadsConfigAt(kind, m.ContainerPath, m.Service)).ToList();
                var copies = CopiesOf(fullPath).ToList();
                var version = VersionOf(daemonName, mounts.Select(m => m.Service), copies);
                SquidConfig? squid = null;
                NginxConfig? nginx = null;
                ImmutableArray<SyntaxTree> files;
                if (kind == DaemonKind.Squid)
                {
                    squid = SquidBinder.Bind(main, _workspace, version);
                    squids.Add(squid);
                    files = squid.Files;
                }
                else
                {
                    var context = NginxBinder.RootContext(main);
                    var host = context == "main" ? null : hosts.GetValueOrDefault(NginxBinder.Prefix(fullPath, context, _workspace));
                    nginx = NginxBinder.Bind(main, _workspace, version ?? host?.NginxVersion, host);
                    if (context == "main" && Path.GetFileName(fullPath) == "nginx.conf")
                    {
                        hosts.TryAdd(Path.GetDirectoryName(fullPath)!, nginx);
                    }

                    nginxes.Add(nginx);
                    files = nginx.Files;
                }

                var services = new List<ComposeService>();
                foreach (var group in mounts.GroupBy(m => m.Service).OrderBy(g => _order[g.Key]))
                {
                    var service = group.Key;
                    var mount = group.First();
                    services.Add(service);
                    withDaemon.Add((service, kind));
                    var links = Links(main, files, ViaOf(service, mount.Mount), Describe(service, mount.Mount), "include", mount.Mount);
                    daemons.Add(Daemon(kind, service, _dockerfileByService.GetValueOrDefault(service), links, CommandLineOf(service), squid, nginx));
                }

                foreach (var model in copies)
                {
                    var building = _building.GetValueOrDefault(model, []);
                    var links = Links(main, files, ConfigVia.Copy, $"COPY in {model.Tree.Path}", "include");
                    foreach (var service in building.Where(s => !services.Contains(s)))
                    {
                        services.Add(service);
                        withDaemon.Add((service, kind));
                        daemons.Add(Daemon(kind, service, model, links, CommandLineOf(service), squid, nginx));
                    }

                    if (building.Length == 0)
                    {
                        daemons.Add(Daemon(kind, null, model, links, StandaloneCommandLine(model, _runtimeStages[model]), squid, nginx));
                    }
                }

                if (services.Count == 0 && copies.Count == 0)
                {
                    daemons.Add(Daemon(kind, null, null, Links(main, files, ConfigVia.Standalone, "standalone", "include"), [], squid, nginx));
                }

                foreach (var file in files.Prepend(main))
                {
                    AddRunners(runners, file, services);
                }
            }
        }

        // A service whose image (or command line) runs a daemon with no configuration in the project: the image's own.
        foreach (var image in images)
        {
            var service = image.Service;
            var words = CommandLineOf(service);
            var kind = DaemonCommandLine.KindOf(words) ?? image.Known?.Daemon;
            if (kind is { } k && k != DaemonKind.Tor && !withDaemon.Contains((service, k)))
            {
                daemons.Add(new DaemonInstance(k, service, image.Dockerfile, [], words, []));
            }
        }

        // Tor files are mounted too: a torrc's services are those that run it.
        foreach (var daemon in daemons.Where(d => d.Tor is not null && d.Service is not null))
        {
            foreach (var link in daemon.ConfigFiles)
            {
                AddRunners(runners, link.File, [daemon.Service!]);
            }
        }

        // Each file's services in compose order, sorted once.
        var servicesByFile = runners.ToDictionary(kv => kv.Key, kv => kv.Value.OrderBy(s => _order[s]).ToImmutableArray());

        return ([.. squids], [.. nginxes.OrderBy(c => nginxOrder[c.Main])], servicesByFile);
    }

    /// <summary>Where squid and nginx look for their configuration in the images that ship them (catalog §0.1 item 2).</summary>
    private static readonly string[] SquidConfigRoots = ["/etc/squid/", "/etc/squid3/", "/usr/local/squid/etc/", "/usr/local/etc/squid/"];

    private static readonly string[] NginxConfigRoots = ["/etc/nginx/", "/usr/local/nginx/conf/", "/usr/local/openresty/nginx/conf/", "/opt/bitnami/nginx/conf/", "/usr/local/etc/nginx/"];

    /// <summary>
    /// Whether a file mounted at a container path is one the daemon reads: under its configuration folder, or the file (or
    /// in the folder of the file) its <c>-f</c>/<c>-c</c> names. A folder mounted elsewhere (a whole repository at
    /// /home/app, an upload area) carries files nobody runs as configuration.
    /// </summary>
    private bool ReadsConfigAt(DaemonKind kind, string containerPath, ComposeService service)
    {
        var roots = kind == DaemonKind.Squid ? SquidConfigRoots : NginxConfigRoots;
        if (roots.Any(r => containerPath.StartsWith(r, StringComparison.Ordinal)))
        {
            return true;
        }

        var named = DaemonCommandLine.Parse(kind, CommandLineOf(service))?.ConfigFile?.Value;
        return named is not null && (containerPath == named || containerPath.StartsWith(named[..(named.LastIndexOf('/') + 1)], StringComparison.Ordinal) && named.Contains('/', StringComparison.Ordinal));
    }

    private static void AddRunners(Dictionary<SyntaxTree, HashSet<ComposeService>> runners, SyntaxTree file, IEnumerable<ComposeService> services)
    {
        if (!runners.TryGetValue(file, out var set))
        {
            runners[file] = set = [];
        }

        set.UnionWith(services);
    }

    private DaemonInstance Daemon(DaemonKind kind, ComposeService? service, DockerfileModel? model, ImmutableArray<ConfigFileLink> files, ImmutableArray<CommandWord> words,
        SquidConfig? squid, NginxConfig? nginx)
    {
        var commandLine = DaemonCommandLine.Parse(kind, words);
        var listeners = squid is not null
            ? squid.Ports.Select(p => MakeListener(p.Line.Name, p.Address ?? "*", p.PortText, p.Line.Location, service)).ToImmutableArray()
            : NginxListens(nginx!)
                .Select(l => MakeListener("listen", l.Address, l.Port, l.Node.Location, service)).DistinctBy(l => (l.Address, l.Port)).ToImmutableArray();
        return new DaemonInstance(kind, service, model, files, words, listeners)
        {
            Squid = squid,
            Nginx = nginx,
            CommandLineNotes = commandLine is null ? [] : [.. commandLine.GlobalDirectives.Select(g => $"-g '{g.Value}' (main-context directives given on the command line)")
                .Concat(commandLine.ConfigFile is { } c ? [$"{(kind == DaemonKind.Nginx ? "-c" : "-f")} {c.Value}"] : [])],
        };
    }

    /// <summary>The listen sockets of an nginx configuration's servers inside http{}, worked out once per configuration (many services may run it).</summary>
    private List<NginxListen> NginxListens(NginxConfig nginx)
    {
        if (!_nginxListens.TryGetValue(nginx, out var listens))
        {
            _nginxListens[nginx] = listens = [.. nginx.Named("server").Where(n => n.Enclosing("http") is not null).SelectMany(NginxConfig.Listens)];
        }

        return listens;
    }

    /// <summary>
    /// The version of a daemon (squid, nginx) that runs a configuration file: from the Dockerfiles that copy it into
    /// their image, or the compose services that mount it (their image tag, or the Dockerfile they build).
    /// </summary>
    private Version? VersionOf(string daemon, IEnumerable<ComposeService> mounting, IEnumerable<DockerfileModel> copying)
    {
        foreach (var model in copying)
        {
            if (DaemonVersion.Find(model, _runtimeStages[model], daemon) is { } v)
            {
                return v;
            }
        }

        foreach (var service in mounting.Distinct().OrderBy(s => _order[s]))
        {
            if (_dockerfileByService.GetValueOrDefault(service) is { } model && DaemonVersion.Find(model, _runtimeStages[model], daemon) is { } built)
            {
                return built;
            }

            if (service.Image?.Value is { } image && DaemonVersion.FromImage(image, daemon) is { } tagged)
            {
                return tagged;
            }
        }

        return null;
    }

    // ---- Phase 5: facts -------------------------------------------------------------------------------------------

    private static ImmutableArray<Listener> TorListeners(TorConfig tor, ComposeService? service)
    {
        var listeners = new List<Listener>();
        foreach (var option in TorListenerOptions)
        {
            foreach (var port in tor.Ports(option))
            {
                var spec = port.Spec;
                if (spec.Kind == TorPortKind.Unix)
                {
                    listeners.Add(new Listener(option, "unix:" + spec.UnixPath, string.Empty, port.Line.Location, []));
                }
                else if (spec.Port is { } number && number != "0")
                {
                    listeners.Add(MakeListener(option, spec.Address, number, port.Line.Location, service));
                }
            }
        }

        return [.. listeners];
    }

    /// <summary>A listener and the published ports of its service that reach it, each with its exposure.</summary>
    private static Listener MakeListener(string option, string address, string port, SourceLocation location, ComposeService? service)
    {
        var published = new List<PublishedPort>();
        if (service is not null && int.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            published.AddRange(service.Ports.Where(p => p.TargetPorts.Contains(number)).Select(p => new PublishedPort(service, p, PortExposure.Of(service, p))));
        }

        return new Listener(option, address, port, location, [.. published]) { OnHostNetwork = service?.IsHostNetwork == true };
    }

    /// <summary>
    /// Each <c>HiddenServicePort</c> of a torrc a service runs, resolved in its project (catalog §0.1 item 4): a loopback
    /// target is the tor service and the services sharing its network stack; a name, alias, container_name or static
    /// address is that service. The answering listener is the backend daemon's listener on the target port.
    /// </summary>
    private static ImmutableArray<OnionForward> OnionForwards(List<DaemonInstance> daemons)
    {
        var forwards = ImmutableArray.CreateBuilder<OnionForward>();
        var byService = daemons.Where(d => d.Service is not null).ToLookup(d => d.Service!);
        foreach (var daemon in daemons.Where(d => d.Tor is not null))
        {
            var config = daemon.Tor!;
            var torService = daemon.Service;
            foreach (var hs in config.HiddenServices)
            {
                foreach (var (line, port) in hs.Ports)
                {
                    var backends = new List<ComposeService>();
                    if (torService is not null && port.UnixPath is null)
                    {
                        var project = torService.Project;
                        if (port.TargetScope == AddressScope.Loopback)
                        {
                            backends.Add(torService);
                            backends.AddRange(project.Services.Where(s => s.SharesNetworkWith == torService.Name));
                        }
                        else
                        {
                            var host = port.TargetAddress.Trim('[', ']');
                            backends.AddRange(project.Services.Where(candidate => candidate.HostNames.Contains(host, StringComparer.OrdinalIgnoreCase)
                                || (candidate.Networks ?? []).Any(n => n.Ipv4Address == host || n.Ipv6Address == host)));
                        }
                    }

                    if (backends.Count == 0)
                    {
                        forwards.Add(new OnionForward(config, hs, line, port, torService, null, null));
                        continue;
                    }

                    var target = port.TargetPort ?? port.VirtualPort;
                    foreach (var backend in backends)
                    {
                        var answering = byService[backend].Where(d => d != daemon).SelectMany(d => d.Listeners).FirstOrDefault(l => l.Number == target);
                        forwards.Add(new OnionForward(config, hs, line, port, torService, backend, answering));
                    }
                }
            }
        }

        return forwards.ToImmutable();
    }

    // ---- Phase 6: firewalls ---------------------------------------------------------------------------------------

    /// <summary>
    /// Places each iptables rule set (issue 14): the compose services that carry it into a network namespace they may
    /// change (a mount or COPY of the file, with <c>network_mode: host</c>, <c>NET_ADMIN</c> or <c>privileged</c>), the
    /// other rule sets of the same host (the same folder, or the same carrier), and the torrc it must agree with: the
    /// carrier's tor (or the tor of a service sharing its network stack), else the torrc files in the rule set's
    /// folder, else the nearest folder above (within its project) that holds torrc files, when they are all in one
    /// folder. Where several folders qualify, nothing is joined rather than a guess.
    /// </summary>
    private ImmutableArray<Firewall> LinkFirewalls(List<DaemonInstance> daemons)
    {
        if (_ruleSets.Length == 0)
        {
            return [];
        }

        var torDaemons = daemons.Where(d => d.Tor is not null).ToList();
        var torByFolder = torDaemons
            .GroupBy(d => Path.GetDirectoryName(d.Tor!.Main.FullPath)!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(d => d.Tor!).DistinctBy(t => t.Main).ToList(), StringComparer.Ordinal);
        var carriersOf = _ruleSets.ToDictionary(r => r, r => Carriers(r.Tree.FullPath));
        var ruleSetFolders = _ruleSets.Select(r => Path.GetDirectoryName(r.Tree.FullPath)!).ToHashSet(StringComparer.Ordinal);

        // A rule set's companions are those in its folder or sharing a carrier: both indexed once (rule set order).
        var byFolder = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var byCarrier = new Dictionary<ComposeService, List<int>>();
        for (var i = 0; i < _ruleSets.Length; i++)
        {
            Add(byFolder, Path.GetDirectoryName(_ruleSets[i].Tree.FullPath)!, i);
            foreach (var carrier in carriersOf[_ruleSets[i]].Distinct())
            {
                Add(byCarrier, carrier, i);
            }
        }

        var torBelow = TorFoldersBelow(torByFolder, ruleSetFolders);
        var torByProject = torDaemons.Where(d => d.Service is not null).GroupBy(d => d.Service!.Project).ToDictionary(g => g.Key, g => g.ToList());
        var result = ImmutableArray.CreateBuilder<Firewall>();
        for (var index = 0; index < _ruleSets.Length; index++)
        {
            var ruleSet = _ruleSets[index];
            var path = ruleSet.Tree.FullPath;
            var folder = Path.GetDirectoryName(path)!;
            var carriers = carriersOf[ruleSet];
            var related = new SortedSet<int>(byFolder[folder]);
            foreach (var carrier in carriers)
            {
                related.UnionWith(byCarrier[carrier]);
            }

            related.Remove(index);
            var companions = related.Select(i => _ruleSets[i]).ToImmutableArray();

            var (tor, join) = TorOfCarriers(carriers, torByProject);
            if (tor.Count == 0 && torByFolder.TryGetValue(folder, out var here))
            {
                (tor, join) = (here, "the torrc in the same folder");
            }

            if (tor.Count == 0)
            {
                (tor, join) = TorAbove(folder, torByFolder, torBelow);
            }

            var settings = tor.Select(TorTransparentSettings.Of).ToImmutableArray();
            var ports = settings.SelectMany(s => s.TransPortNumbers.Concat(s.DnsPortNumbers)).Concat(IptablesRuleSet.DefaultTorPorts).Distinct().ToList();
            var torrcPorts = settings.SelectMany(s => s.TransPortNumbers.Concat(s.DnsPortNumbers)).ToList();
            var evidence = ruleSet.TorTransparentProxy(ports, settings.Select(s => s.User).FirstOrDefault(u => u is not null), torrcPorts: torrcPorts);
            result.Add(new Firewall(ruleSet, companions, settings, tor.Count == 0 ? null : join, [.. carriers], evidence,
                Ipv6DisabledBy(ruleSet, carriers), Ipv6EnabledBy(carriers)) { ClassificationPorts = [.. ports.Order()] });
        }

        return result.ToImmutable();
    }

    /// <summary>Services that carry a rule file into a network namespace they can change.</summary>
    private List<ComposeService> Carriers(string fullPath) =>
        MountsOf(fullPath).Select(m => m.Service)
            .Concat(CopiesOf(fullPath).SelectMany(m => _building.GetValueOrDefault(m, [])))
            .Distinct()
            .Where(s => s.IsHostNetwork || s.Privileged?.AsBool == true
                || s.CapAdd.Any(c => c.Value.Equals("NET_ADMIN", StringComparison.OrdinalIgnoreCase) || c.Value.Equals("CAP_NET_ADMIN", StringComparison.OrdinalIgnoreCase) || c.Value.Equals("ALL", StringComparison.OrdinalIgnoreCase)))
            .OrderBy(s => _order[s])
            .ToList();

    /// <summary>The tor a carrier's network stack sends to: its own, a service sharing its stack, or (on the host's network) any host-network tor of its project.</summary>
    private static (List<TorConfig> Tor, string Join) TorOfCarriers(List<ComposeService> carriers, Dictionary<ComposeProject, List<DaemonInstance>> torByProject)
    {
        foreach (var carrier in carriers)
        {
            var stack = carrier.SharesNetworkWith ?? carrier.Name;
            var sharing = torByProject.GetValueOrDefault(carrier.Project, []).Where(d => d.Service is { } s
                && (s == carrier || s.Name == stack || s.SharesNetworkWith == stack || (carrier.IsHostNetwork && s.IsHostNetwork)))
                .OrderBy(d => d.Service == carrier ? 0 : 1)
                .ToList();
            if (sharing.Count > 0)
            {
                var service = sharing[0].Service!;
                var how = service == carrier
                    ? $"service '{carrier.Name}' runs both tor and the rules"
                    : carrier.IsHostNetwork && service.IsHostNetwork
                        ? $"services '{carrier.Name}' and '{service.Name}' share the host's network ('network_mode: host')"
                        : $"services '{carrier.Name}' and '{service.Name}' share one network stack";
                return ([.. sharing.Select(d => d.Tor!).Distinct()], how);
            }
        }

        return ([], string.Empty);
    }

    /// <summary>
    /// The torrc files of the nearest folder above that holds any, within the project and the linted root; none when
    /// they lie in several folders. A torrc beside another rule set belongs to that one.
    /// </summary>
    private (List<TorConfig> Tor, string Join) TorAbove(string folder, Dictionary<string, List<TorConfig>> torByFolder, Dictionary<string, (string First, int Count)> torBelow)
    {
        var root = _workspace.Root.TrimEnd(Path.DirectorySeparatorChar);
        for (var level = folder; !string.IsNullOrEmpty(level); level = Path.GetDirectoryName(level))
        {
            var (first, count) = torBelow.GetValueOrDefault(level);
            if (count == 1)
            {
                return (torByFolder[first], $"the torrc in the same project ({Path.GetRelativePath(folder, first).Replace(Path.DirectorySeparatorChar, '/')})");
            }

            if (count > 1 || level.Length <= root.Length || IsProjectRoot(level))
            {
                break;
            }
        }

        return ([], string.Empty);
    }

    /// <summary>
    /// For each folder, how many folders with torrc files (other than rule sets' folders) lie at or below it, and the
    /// first: every such folder counted once on each of its ancestors (<see cref="Path.GetDirectoryName(string)"/>
    /// up to the root, the same chain <see cref="TorAbove"/> climbs), so a lookup is one dictionary read.
    /// </summary>
    private static Dictionary<string, (string First, int Count)> TorFoldersBelow(Dictionary<string, List<TorConfig>> torByFolder, HashSet<string> ruleSetFolders)
    {
        var below = new Dictionary<string, (string First, int Count)>(StringComparer.Ordinal);
        foreach (var torFolder in torByFolder.Keys.Where(k => !ruleSetFolders.Contains(k)))
        {
            for (var level = torFolder; !string.IsNullOrEmpty(level); level = Path.GetDirectoryName(level))
            {
                below[level] = below.TryGetValue(level, out var seen) ? (seen.First, seen.Count + 1) : (torFolder, 1);
            }
        }

        return below;
    }

    private bool IsProjectRoot(string folder) =>
        _workspace.DirectoryExists(Path.Combine(folder, ".git")) || _workspace.FileExists(Path.Combine(folder, ".git"))
        || ProjectMarkers.Any(m => _workspace.FileExists(Path.Combine(folder, m)));

    private static readonly string[] ProjectMarkers = [".configlint.yaml", ".configlint.yml", "compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];

    /// <summary>Evidence that IPv6 is off where the rules run: the script writes <c>disable_ipv6</c>, the carrier sets it with <c>sysctls</c>, or the carrier's own network stack has no IPv6 network.</summary>
    private static Ipv6Evidence? Ipv6DisabledBy(IptablesRuleSet ruleSet, List<ComposeService> carriers)
    {
        if (ruleSet.IsScript)
        {
            foreach (var line in ruleSet.Tree.Text.Lines)
            {
                var text = line.ToString().Trim();
                if (!text.StartsWith('#') && text.Contains("net.ipv6.conf.all.disable_ipv6", StringComparison.Ordinal) is var sysctl
                    && ((sysctl && System.Text.RegularExpressions.Regex.IsMatch(text, @"disable_ipv6\s*=\s*1\b"))
                        || (text.Contains("/proc/sys/net/ipv6/conf/all/disable_ipv6", StringComparison.Ordinal) && System.Text.RegularExpressions.Regex.IsMatch(text, @"\becho\s+1\s*>"))))
                {
                    return new Ipv6Evidence("the script sets net.ipv6.conf.all.disable_ipv6 to 1", new SourceLocation(ruleSet.Tree, line.Span));
                }
            }
        }

        foreach (var carrier in carriers)
        {
            if (carrier.Sysctls.FirstOrDefault(s => s.Name.Replace('/', '.') == "net.ipv6.conf.all.disable_ipv6" && s.Value?.Trim() == "1") is { } sysctl)
            {
                return new Ipv6Evidence($"service '{carrier.Name}' sets net.ipv6.conf.all.disable_ipv6=1 in its sysctls", sysctl.Location);
            }
        }

        var own = carriers.Where(c => !c.IsHostNetwork && c.SharesNetworkWith is null).ToList();
        if (own.Count > 0 && own.Count == carriers.Count && own.All(c => c.EffectiveNetworks.All(n => n.EnableIpv6?.AsBool != true)))
        {
            return new Ipv6Evidence($"service '{own[0].Name}' has its own network stack and none of its networks sets 'enable_ipv6', so Docker gives it no IPv6 route", own[0].NameLocation);
        }

        return null;
    }

    private static Ipv6Evidence? Ipv6EnabledBy(List<ComposeService> carriers)
    {
        foreach (var carrier in carriers)
        {
            if (carrier.EffectiveNetworks.FirstOrDefault(n => n.EnableIpv6?.AsBool == true) is { EnableIpv6: { } enable } network)
            {
                return new Ipv6Evidence($"network '{network.Name}' of service '{carrier.Name}' sets 'enable_ipv6: true'", enable.Location);
            }
        }

        return null;
    }

    private static void Add<TKey, TValue>(Dictionary<TKey, List<TValue>> map, TKey key, TValue value)
        where TKey : notnull
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        if (!list.Contains(value))
        {
            list.Add(value);
        }
    }
}
