using System.Collections.Immutable;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Compose;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Semantics.Compose;

/// <summary>
/// Builds the effective compose project from its files in order (base, then overrides; each YAML
/// document in turn): anchors, aliases and merge keys are followed, short syntax is normalised to the
/// long form, values are interpolated from <c>.env</c>, and files merge by compose's rules (mappings key by
/// key, ports/volumes/environment by their unique key, command/entrypoint replaced, <c>!reset</c> and
/// <c>!override</c> honoured).
/// </summary>
public static class ComposeLoader
{
    public static ComposeProject Load(string directory, IReadOnlyList<YamlSyntaxTree> files, IReadOnlyDictionary<string, string> env,
        Func<string, YamlSyntaxTree?>? loadFile = null)
    {
        var project = new ComposeProject { Directory = directory, Files = [.. files], Environment = env };
        var raw = new Dictionary<string, List<RawService>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var (tree, fileDirectory) in WithIncludes(files, directory, loadFile, project))
        {
            foreach (var document in tree.Documents)
            {
                if (document.Root?.Deref() is not YamlMappingNode root)
                {
                    continue;
                }

                if (root["networks"] is YamlMappingNode networks)
                {
                    foreach (var pair in networks.EffectivePairs)
                    {
                        if (pair.KeyText is { } name)
                        {
                            project.SetNetwork(ReadNetwork(name, pair, tree, env));
                        }
                    }
                }

                if (root["configs"] is YamlMappingNode configs)
                {
                    foreach (var pair in configs.EffectivePairs)
                    {
                        var file = (pair.Value.Deref() as YamlMappingNode)?["file"];
                        if (pair.KeyText is { } name && new Ctx(tree, env, fileDirectory).Value(file) is { } path)
                        {
                            project.SetConfigFile(name, Path.GetFullPath(Path.Combine(fileDirectory, path.Value)));
                        }
                    }
                }

                if (root["services"] is not YamlMappingNode serviceMap)
                {
                    continue;
                }

                foreach (var pair in serviceMap.EffectivePairs)
                {
                    if (pair.KeyText is not { } name || name.StartsWith("x-", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    if (!raw.TryGetValue(name, out var list))
                    {
                        raw[name] = list = [];
                        order.Add(name);
                    }

                    if (pair.Value.Deref() is YamlMappingNode mapping && pair.Value.Tag != "!reset")
                    {
                        list.Add(new RawService(tree, pair.Key, mapping, fileDirectory));
                    }
                }
            }
        }

        var services = ImmutableArray.CreateBuilder<ComposeService>();
        var expanded = new Dictionary<RawService, List<RawService>>();
        foreach (var name in order)
        {
            var first = raw[name].FirstOrDefault();
            var nameLocation = first is null ? new SourceLocation(files[0], default) : new SourceLocation(first.Tree, first.Key.Span);
            var service = new ComposeService { Name = name, Project = project, NameLocation = nameLocation };
            foreach (var source in raw[name].SelectMany(r => Expand(r, raw, loadFile, project, [], 0, expanded)))
            {
                Apply(service, source.Mapping, new Ctx(source.Tree, env, source.Directory));
            }

            services.Add(service);
        }

        project.Services = services.ToImmutable();
        return project;
    }

    /// <summary>How deep <c>include:</c> may nest before ConfigLint stops following it.</summary>
    private const int MaxIncludeDepth = 32;

    /// <summary>
    /// The project's files with the files their top-level <c>include:</c> names (a path, a list of paths, or
    /// <c>{path, project_directory}</c>), each included file before the file that includes it and with the folder its
    /// relative paths resolve against. A missing file and an include cycle are CL0004: docker compose rejects both.
    /// </summary>
    private static List<(YamlSyntaxTree Tree, string Directory)> WithIncludes(IReadOnlyList<YamlSyntaxTree> files, string directory,
        Func<string, YamlSyntaxTree?>? loadFile, ComposeProject project)
    {
        var result = new List<(YamlSyntaxTree, string)>();
        var seen = new HashSet<YamlSyntaxTree>();
        var diagnostics = ImmutableArray.CreateBuilder<BindDiagnostic>();
        foreach (var file in files)
        {
            var stack = new IncludeStack();
            Visit(file, PathOf(file, directory), directory, null, null);

            void Visit(YamlSyntaxTree tree, string fullPath, string treeDirectory, SourceLocation? via, string? directive)
            {
                stack.Push(fullPath, via, directive);
                foreach (var (pathNode, projectDirectory) in IncludeEntries(tree))
                {
                    var value = pathNode.Value;
                    var location = new SourceLocation(tree, pathNode.Span);
                    if (value.Contains("://", StringComparison.Ordinal) || value.StartsWith("oci:", StringComparison.Ordinal) || value.StartsWith("git@", StringComparison.Ordinal))
                    {
                        // Remote resources are not fetched: nothing leaves the machine.
                        continue;
                    }

                    var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(fullPath)!, value));
                    if (stack.Contains(target))
                    {
                        stack.ReportCycle(target, location, $"include: {value}", "docker compose rejects it (\"include cycle detected\").", diagnostics);
                        continue;
                    }

                    if (stack.Count >= MaxIncludeDepth)
                    {
                        diagnostics.Add(new BindDiagnostic("CL0004", DiagnosticLevel.Error,
                            $"'include: {value}' nests more than {MaxIncludeDepth} levels deep; ConfigLint does not follow it.", location));
                        continue;
                    }

                    if (loadFile?.Invoke(target) is not { } included)
                    {
                        diagnostics.Add(new BindDiagnostic("CL0004", DiagnosticLevel.Error,
                            $"'include: {value}' names a file ConfigLint cannot find in the linted folder; docker compose refuses to start without it.", location));
                        continue;
                    }

                    var includedDirectory = projectDirectory is null
                        ? Path.GetDirectoryName(target)!
                        : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(fullPath)!, projectDirectory));
                    Visit(included, target, includedDirectory, location, $"include: {value}");
                }

                stack.Pop();
                if (seen.Add(tree))
                {
                    result.Add((tree, treeDirectory));
                }
            }
        }

        foreach (var diagnostic in diagnostics)
        {
            project.AddDiagnostic(diagnostic);
        }

        return result;
    }

    /// <summary>A project file's full path: its name in the project folder (the files are named relative to it).</summary>
    private static string PathOf(YamlSyntaxTree tree, string directory) => Path.GetFullPath(Path.Combine(directory, Path.GetFileName(tree.Path)));

    /// <summary>The paths a file's top-level <c>include:</c> names, each with its <c>project_directory</c> if one is given.</summary>
    private static IEnumerable<(YamlScalarNode Path, string? ProjectDirectory)> IncludeEntries(YamlSyntaxTree tree)
    {
        foreach (var root in tree.Documents.Select(d => d.Root?.Deref()).OfType<YamlMappingNode>())
        {
            if (root["include"] is not YamlSequenceNode items)
            {
                continue;
            }

            foreach (var item in items.Items.Select(i => i.Deref()))
            {
                if (item is YamlScalarNode { IsNull: false } single)
                {
                    yield return (single, null);
                }
                else if (item is YamlMappingNode entry)
                {
                    var projectDirectory = (entry["project_directory"] as YamlScalarNode)?.Value;
                    var paths = entry["path"] switch
                    {
                        YamlScalarNode one => [one],
                        YamlSequenceNode many => many.Items.Select(p => p.Deref()).OfType<YamlScalarNode>(),
                        _ => [],
                    };
                    foreach (var path in paths.Where(p => !p.IsNull))
                    {
                        yield return (path, projectDirectory);
                    }
                }
            }
        }
    }

    /// <summary>A service's mapping in one file, and the folder that file's relative paths resolve against.</summary>
    private sealed record RawService(YamlSyntaxTree Tree, YamlNode Key, YamlMappingNode Mapping, string Directory);

    /// <summary>
    /// A service mapping preceded by what it extends (<c>extends: base</c> or <c>{service, file}</c>), base first,
    /// recursively; a name in an extended file resolves within that file. Cycles and missing bases are reported
    /// on the project.
    /// </summary>
    /// <remarks>
    /// A service defined in several files (an override, included files) extends through each definition, so the
    /// chain fans out: each mapping is expanded once (<paramref name="expanded"/>) and the expansion is capped.
    /// </remarks>
    private static List<RawService> Expand(RawService source, Dictionary<string, List<RawService>> scope,
        Func<string, YamlSyntaxTree?>? loadFile, ComposeProject project, HashSet<string> visiting, int depth, Dictionary<RawService, List<RawService>> expanded)
    {
        if (!expanded.TryGetValue(source, out var result))
        {
            result = ExpandOnce(source, scope, loadFile, project, visiting, depth, expanded);
            expanded[source] = result;
        }

        return result;
    }

    private const int MaxExtendedDefinitions = 1000;

    private static List<RawService> ExpandOnce(RawService source, Dictionary<string, List<RawService>> scope,
        Func<string, YamlSyntaxTree?>? loadFile, ComposeProject project, HashSet<string> visiting, int depth, Dictionary<RawService, List<RawService>> expanded)
    {
        if (source.Mapping["extends"] is not { } extends)
        {
            return [source];
        }

        var location = new SourceLocation(source.Tree, source.Mapping.Find("extends")!.Value.Span);
        var (baseName, file) = extends switch
        {
            YamlScalarNode s => (s.Value, (string?)null),
            YamlMappingNode m => ((m["service"]?.Deref() as YamlScalarNode)?.Value, (m["file"]?.Deref() as YamlScalarNode)?.Value),
            _ => (null, null),
        };
        if (baseName is null || (file is not null && (file.Contains("://", StringComparison.Ordinal) || file.StartsWith("remote:", StringComparison.Ordinal))))
        {
            // Remote resources are not fetched: nothing leaves the machine.
            return [source];
        }

        var filePath = file is null ? null : Path.GetFullPath(Path.Combine(source.Directory, file));
        var key = (filePath ?? "(project)") + "#" + baseName;
        if (depth > 16 || !visiting.Add(key))
        {
            project.AddDiagnostic(new BindDiagnostic("CL0001", DiagnosticLevel.Error,
                $"'extends: {baseName}' leads back to a service already being extended: a circular reference, which docker compose rejects.", location));
            return [source];
        }

        if (filePath is not null)
        {
            scope = loadFile?.Invoke(filePath) is { } other ? ServicesOf(other, Path.GetDirectoryName(filePath)!) : [];
        }

        if (!scope.TryGetValue(baseName, out var bases) || bases.Count == 0)
        {
            project.AddDiagnostic(new BindDiagnostic("CL0004", DiagnosticLevel.Error,
                $"'extends' names service '{baseName}'{(file is null ? string.Empty : $" in '{file}'")}, which ConfigLint cannot find in the linted folder; docker compose needs it.", location));
            visiting.Remove(key);
            return [source];
        }

        var result = bases.SelectMany(b => Expand(b, scope, loadFile, project, visiting, depth + 1, expanded)).ToList();
        visiting.Remove(key);
        if (result.Count > MaxExtendedDefinitions)
        {
            project.AddDiagnostic(new BindDiagnostic("CL0001", DiagnosticLevel.Error,
                $"'extends: {baseName}' expands to more than {MaxExtendedDefinitions} service definitions; ConfigLint reads only the last {MaxExtendedDefinitions}.", location));
            result = result[^MaxExtendedDefinitions..];
        }

        result.Add(source);
        return result;
    }

    /// <summary>The service mappings of a file, by name.</summary>
    private static Dictionary<string, List<RawService>> ServicesOf(YamlSyntaxTree tree, string directory)
    {
        var services = new Dictionary<string, List<RawService>>(StringComparer.Ordinal);
        foreach (var map in tree.Documents.Select(d => d.Root?.Deref()).OfType<YamlMappingNode>().Select(r => r["services"]).OfType<YamlMappingNode>())
        {
            foreach (var pair in map.EffectivePairs)
            {
                if (pair.KeyText is { } name && pair.Value.Deref() is YamlMappingNode m)
                {
                    if (!services.TryGetValue(name, out var list))
                    {
                        services[name] = list = [];
                    }

                    list.Add(new RawService(tree, pair.Key, m, directory));
                }
            }
        }

        return services;
    }

    private sealed record Ctx(YamlSyntaxTree Tree, IReadOnlyDictionary<string, string> Env, string Directory)
    {
        public SourceLocation At(YamlNode node) => new(Tree, node.Span);

        public ComposeValue? Value(YamlNode? node)
        {
            if (node?.Deref() is not YamlScalarNode s || s.IsNull)
            {
                return null;
            }

            var value = Interpolation.Apply(s.Value, Env, out var had);
            return new ComposeValue(value, s.Value, new SourceLocation(Tree, node.Span), had);
        }
    }

    private static void Apply(ComposeService service, YamlMappingNode mapping, Ctx ctx)
    {
        service.Sources = service.Sources.Add((ctx.Tree, mapping));
        foreach (var pair in mapping.EffectivePairs)
        {
            var key = pair.KeyText;
            var node = pair.Value;
            var value = node.Deref();
            var reset = node.Tag == "!reset" || value.Tag == "!reset";
            var replace = reset || node.Tag == "!override" || value.Tag == "!override";
            switch (key)
            {
                case "image": service.Image = reset ? null : ctx.Value(value); break;
                case "user": service.User = reset ? null : ctx.Value(value); break;
                case "network_mode": service.NetworkMode = reset ? null : ctx.Value(value); break;
                case "pid": service.Pid = reset ? null : ctx.Value(value); break;
                case "ipc": service.Ipc = reset ? null : ctx.Value(value); break;
                case "uts": service.Uts = reset ? null : ctx.Value(value); break;
                case "userns_mode": service.UsernsMode = reset ? null : ctx.Value(value); break;
                case "container_name": service.ContainerName = reset ? null : ctx.Value(value); break;
                case "privileged": service.Privileged = reset ? null : ctx.Value(value); break;
                case "read_only": service.ReadOnly = reset ? null : ctx.Value(value); break;
                case "use_api_socket": service.UseApiSocket = reset ? null : ctx.Value(value); break;
                case "build": service.Build = reset ? null : ReadBuild(value, ctx, replace ? null : service.Build); break;
                case "ports":
                    service.Ports = MergeBy(replace ? [] : service.Ports, reset ? [] : Items(value).Select(i => ReadPort(i, ctx)).OfType<ComposePort>(), p => p.MergeKey);
                    break;
                case "volumes":
                    service.Volumes = MergeBy(replace ? [] : service.Volumes, reset ? [] : Items(value).Select(i => ReadVolume(i, ctx)).OfType<ComposeVolume>(), v => v.Target);
                    break;
                case "networks":
                    service.Networks = reset ? null : MergeBy(replace ? [] : service.Networks ?? [], ReadNetworks(value, ctx), n => n.Name);
                    break;
                case "cap_add":
                    service.CapAdd = MergeBy(replace ? [] : service.CapAdd, reset ? [] : Items(value).Select(ctx.Value).OfType<ComposeValue>(), c => CapName(c.Value));
                    break;
                case "cap_drop":
                    service.CapDrop = MergeBy(replace ? [] : service.CapDrop, reset ? [] : Items(value).Select(ctx.Value).OfType<ComposeValue>(), c => CapName(c.Value));
                    break;
                case "security_opt":
                    service.SecurityOpt = MergeBy(replace ? [] : service.SecurityOpt, reset ? [] : Items(value).Select(ctx.Value).OfType<ComposeValue>(), c => c.Value);
                    break;
                case "environment":
                    service.Environment = MergeBy(replace ? [] : service.Environment, reset ? [] : ReadEnv(value, ctx), e => e.Name);
                    break;
                case "sysctls":
                    service.Sysctls = MergeBy(replace ? [] : service.Sysctls, reset ? [] : ReadEnv(value, ctx), e => e.Name);
                    break;
                case "command": service.Command = reset ? [] : ReadCommand(value, ctx); break;
                case "entrypoint": service.Entrypoint = reset ? [] : ReadCommand(value, ctx); break;
                case "links":
                    service.Links = MergeBy(replace ? [] : service.Links, reset ? [] : Items(value).Select(ctx.Value).OfType<ComposeValue>(), l => l.Value);
                    break;
                case "configs":
                    service.Configs = MergeBy(replace ? [] : service.Configs, reset ? [] : Items(value).Select(i => ReadConfigMount(i, ctx)).OfType<ComposeConfigMount>(), c => c.Target);
                    break;
                case "depends_on":
                    service.DependsOn = [.. (replace ? [] : service.DependsOn).Concat(reset ? [] : value.Deref() is YamlMappingNode dependencies
                        ? dependencies.EffectivePairs.Select(p => p.KeyText).OfType<string>()
                        : Items(value).Select(ctx.Value).OfType<ComposeValue>().Select(v => v.Value)).Distinct(StringComparer.Ordinal)];
                    break;
                case "healthcheck":
                    service.Healthcheck = reset ? null : ctx.At(node);
                    break;
                case "profiles":
                    service.Profiles = reset ? [] : Items(value).Select(ctx.Value).OfType<ComposeValue>().Select(v => v.Value).ToImmutableArray();
                    break;
            }
        }
    }

    /// <summary>Canonical capability name: upper case, without the CAP_ prefix.</summary>
    public static string CapName(string value)
    {
        var v = value.Trim().ToUpperInvariant();
        return v.StartsWith("CAP_", StringComparison.Ordinal) ? v[4..] : v;
    }

    private static ImmutableArray<T> MergeBy<T>(ImmutableArray<T> existing, IEnumerable<T> added, Func<T, string> key)
    {
        var list = existing.ToList();
        foreach (var item in added)
        {
            var k = key(item);
            var index = list.FindIndex(e => key(e) == k);
            if (index >= 0)
            {
                list[index] = item;
            }
            else
            {
                list.Add(item);
            }
        }

        return [.. list];
    }

    private static IEnumerable<YamlNode> Items(YamlNode node) => node.Deref() switch
    {
        YamlSequenceNode seq => seq.Items,
        YamlScalarNode { IsNull: false } s => [s],
        _ => [],
    };

    private static ComposeBuild ReadBuild(YamlNode node, Ctx ctx, ComposeBuild? previous)
    {
        string? context = previous?.Context;
        string? dockerfile = previous?.Dockerfile;
        var inline = previous?.HasInlineDockerfile ?? false;
        string? target = previous?.Target;
        var args = previous?.Args ?? [];
        var privileged = previous?.Privileged;
        if (node is YamlScalarNode)
        {
            context = ctx.Value(node)?.Value;
        }
        else if (node is YamlMappingNode m)
        {
            context = ctx.Value(m["context"])?.Value ?? context;
            dockerfile = ctx.Value(m["dockerfile"])?.Value ?? dockerfile;
            inline = inline || m["dockerfile_inline"] is not null;
            target = ctx.Value(m["target"])?.Value ?? target;
            privileged = ctx.Value(m["privileged"]) ?? privileged;
            if (m["args"] is { } a)
            {
                args = MergeBy(args, ReadEnv(a, ctx), e => e.Name);
            }
        }

        var contextPath = context is null || context.Contains("://", StringComparison.Ordinal) || context.StartsWith("git@", StringComparison.Ordinal)
            ? (context is null ? ctx.Directory : null)
            : Path.GetFullPath(Path.Combine(ctx.Directory, context));
        return new ComposeBuild(context, dockerfile, inline, target, args, privileged, ctx.At(node), contextPath);
    }

    private static ComposePort? ReadPort(YamlNode node, Ctx ctx)
    {
        var d = node.Deref();
        if (d is YamlMappingNode m)
        {
            var target = ctx.Value(m["target"])?.Value;
            if (target is null)
            {
                return null;
            }

            return new ComposePort(ctx.Value(m["host_ip"])?.Value, ctx.Value(m["published"])?.Value, target,
                ctx.Value(m["protocol"])?.Value ?? "tcp", ctx.At(node), target) { Node = m };
        }

        if (ctx.Value(d) is not { } v)
        {
            return null;
        }

        var text = v.Value.Trim();
        var protocol = "tcp";
        var slash = text.LastIndexOf('/');
        if (slash >= 0)
        {
            protocol = text[(slash + 1)..];
            text = text[..slash];
        }

        string? ip = null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']');
            if (close > 0)
            {
                ip = text[..(close + 1)];
                text = close + 2 <= text.Length ? text[(close + 2)..] : string.Empty;
            }
        }

        var parts = text.Split(':');
        string? published = null;
        string target2;
        switch (parts.Length)
        {
            case 1:
                target2 = parts[0];
                break;
            case 2:
                published = parts[0];
                target2 = parts[1];
                break;
            default:
                ip ??= string.Join(':', parts[..^2]);
                published = parts[^2];
                target2 = parts[^1];
                break;
        }

        if (ip is not null && parts.Length == 2 && text.Length > 0 && v.Value.TrimStart().StartsWith('['))
        {
            // [ip]:published:target was split after removing the ip.
        }

        return new ComposePort(ip, string.IsNullOrEmpty(published) ? null : published, target2, protocol, ctx.At(node), v.Value) { Node = d };
    }

    /// <summary>A service's <c>configs</c> entry: short form mounts at /&lt;source&gt;, long form names the target.</summary>
    private static ComposeConfigMount? ReadConfigMount(YamlNode node, Ctx ctx)
    {
        if (node.Deref() is YamlMappingNode m)
        {
            var source = ctx.Value(m["source"])?.Value;
            return source is null ? null : new ComposeConfigMount(source, ctx.Value(m["target"])?.Value ?? "/" + source, ctx.At(node));
        }

        return ctx.Value(node) is { } v ? new ComposeConfigMount(v.Value, "/" + v.Value, ctx.At(node)) : null;
    }

    private static ComposeVolume? ReadVolume(YamlNode node, Ctx ctx)
    {
        var d = node.Deref();
        if (d is YamlMappingNode m)
        {
            var target = ctx.Value(m["target"])?.Value;
            if (target is null)
            {
                return null;
            }

            var type = ctx.Value(m["type"])?.Value ?? "volume";
            var source = ctx.Value(m["source"])?.Value;
            var ro = ctx.Value(m["read_only"])?.AsBool ?? false;
            return new ComposeVolume(type, source, target, ro, ctx.At(node), type == "bind" ? HostPath(source, ctx) : null) { Node = m };
        }

        if (ctx.Value(d) is not { } v)
        {
            return null;
        }

        var parts = SplitVolume(v.Value);
        if (parts.Count == 1)
        {
            return new ComposeVolume("volume", null, parts[0], false, ctx.At(node), null) { Node = d };
        }

        var src = parts[0];
        var dst = parts[1];
        var mode = parts.Count > 2 ? parts[2] : string.Empty;
        var readOnly = mode.Split(',').Any(o => o == "ro");
        var isBind = src.StartsWith('/') || src.StartsWith('.') || src.StartsWith('~') || (src.Length > 1 && src[1] == ':');
        return new ComposeVolume(isBind ? "bind" : "volume", src, dst, readOnly, ctx.At(node), isBind ? HostPath(src, ctx) : null) { Node = d };
    }

    private static List<string> SplitVolume(string value)
    {
        // Windows drive letters (C:\...) keep their colon.
        var parts = new List<string>();
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == ':' && !(i == start + 1 && char.IsAsciiLetter(value[start]) && i + 1 < value.Length && value[i + 1] is '\\' or '/'))
            {
                parts.Add(value[start..i]);
                start = i + 1;
            }
        }

        parts.Add(value[start..]);
        return parts;
    }

    private static string? HostPath(string? source, Ctx ctx)
    {
        if (string.IsNullOrEmpty(source) || source.StartsWith('~'))
        {
            return null;
        }

        return source.StartsWith('/') ? Path.GetFullPath(source) : Path.GetFullPath(Path.Combine(ctx.Directory, source));
    }

    private static IEnumerable<ServiceNetwork> ReadNetworks(YamlNode node, Ctx ctx)
    {
        switch (node.Deref())
        {
            case YamlSequenceNode seq:
                foreach (var item in seq.Items)
                {
                    if (ctx.Value(item) is { } v)
                    {
                        yield return new ServiceNetwork(v.Value, [], null, null, ctx.At(item));
                    }
                }

                break;
            case YamlMappingNode map:
                foreach (var pair in map.EffectivePairs)
                {
                    if (pair.KeyText is not { } name)
                    {
                        continue;
                    }

                    var body = pair.Value.Deref() as YamlMappingNode;
                    var aliases = body?["aliases"] is { } a ? Items(a).Select(ctx.Value).OfType<ComposeValue>().Select(x => x.Value).ToImmutableArray() : [];
                    yield return new ServiceNetwork(name, aliases, ctx.Value(body?["ipv4_address"])?.Value, ctx.Value(body?["ipv6_address"])?.Value, ctx.At(pair.Key));
                }

                break;
        }
    }

    private static IEnumerable<EnvVar> ReadEnv(YamlNode node, Ctx ctx)
    {
        switch (node.Deref())
        {
            case YamlSequenceNode seq:
                foreach (var item in seq.Items)
                {
                    if (ctx.Value(item) is not { } v)
                    {
                        continue;
                    }

                    var eq = v.Raw.IndexOf('=');
                    if (eq < 0)
                    {
                        yield return new EnvVar(v.Raw.Trim(), null, false, ctx.At(item));
                    }
                    else
                    {
                        var raw = v.Raw[(eq + 1)..];
                        var value = Interpolation.Apply(raw, ctx.Env, out var had);
                        yield return new EnvVar(v.Raw[..eq].Trim(), value, had, ctx.At(item));
                    }
                }

                break;
            case YamlMappingNode map:
                foreach (var pair in map.EffectivePairs)
                {
                    if (pair.KeyText is not { } name)
                    {
                        continue;
                    }

                    var v = ctx.Value(pair.Value);
                    yield return new EnvVar(name, v?.Value, v?.Interpolated ?? false,
                        new SourceLocation(ctx.Tree, TextSpan.FromBounds(pair.Key.Span.Start, Math.Max(pair.Key.Span.End, pair.Value.Span.End))));
                }

                break;
        }
    }

    private static ImmutableArray<ComposeValue> ReadCommand(YamlNode node, Ctx ctx)
    {
        var d = node.Deref();
        if (d is YamlSequenceNode seq)
        {
            return seq.Items.Select(ctx.Value).OfType<ComposeValue>().ToImmutableArray();
        }

        if (ctx.Value(d) is { } v)
        {
            return v.Value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)
                .Select(w => v with { Value = w.Trim('"', '\'') }).ToImmutableArray();
        }

        return [];
    }

    private static ComposeNetwork ReadNetwork(string name, YamlPair pair, YamlSyntaxTree tree, IReadOnlyDictionary<string, string> env)
    {
        var ctx = new Ctx(tree, env, string.Empty);
        if (pair.Value.Deref() is not YamlMappingNode body)
        {
            return new ComposeNetwork(name, false, null, null, false, new SourceLocation(tree, pair.Key.Span));
        }

        var driverOpts = body["driver_opts"] as YamlMappingNode;
        return new ComposeNetwork(
            name,
            ctx.Value(body["internal"])?.AsBool ?? false,
            ctx.Value(body["driver"])?.Value,
            ctx.Value(driverOpts?["com.docker.network.bridge.host_binding_ipv4"])?.Value,
            ctx.Value(body["external"])?.AsBool ?? body["external"] is YamlMappingNode,
            new SourceLocation(tree, pair.Key.Span))
        {
            EnableIpv6 = ctx.Value(body["enable_ipv6"]),
        };
    }
}
