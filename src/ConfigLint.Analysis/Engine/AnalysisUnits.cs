using ConfigLint.Semantics;
using ConfigLint.Semantics.Tor;
using ConfigLint.Syntax;

namespace ConfigLint.Analysis.Engine;

/// <summary>
/// The parts of an input that can be analysed apart: files (by full path) joined whenever the analysis of one may
/// depend on the other, so that analysing the files of a few units alone gives, for those files, what analysing the
/// whole input gives (what <c>fix</c> relies on to re-analyse only what a pass changed). Joined are:
/// <list type="bullet">
/// <item>the files of one project (<see cref="ProjectScope.ProjectRootOf"/>);</item>
/// <item>every link the model made (a configuration and its includes, a compose project and its files, the Dockerfile a
/// service builds, the files a daemon runs, a rule set and its torrc, companions and carriers, onion backends), and
/// the files of every finding (its location, related locations and fix edits), and what a rule searches the whole
/// deployment for (SQD011: every torrc with an HTTPTunnelPort, the compose services a cache_peer names);</item>
/// <item>what the model looks for by place, linked or not: the files under a bind mount's host path, a build context, a
/// COPY source, a compose project's folder; the nginx.conf files a fragment's prefix search may find; the rule sets of
/// a folder; the torrc files a rule set's search upward may reach.</item>
/// </list>
/// A file read that no link explains (no model element names it) joins every unit analysed with it, since which one
/// read it cannot be told.
/// </summary>
internal sealed class AnalysisUnits
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly List<int> _parent = [];
    private readonly string[] _sorted;
    private readonly HashSet<string> _discovered;
    private readonly Dictionary<string, Language> _languages;
    private readonly string _root;
    private readonly Dictionary<string, bool> _projectRoots = new(StringComparer.Ordinal);

    public AnalysisUnits(IReadOnlyList<DiscoveredFile> discovered, string root)
    {
        _root = root.TrimEnd(Path.DirectorySeparatorChar);
        _discovered = discovered.Select(d => d.FullPath).ToHashSet(StringComparer.Ordinal);
        _languages = discovered.GroupBy(d => d.FullPath, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Language, StringComparer.Ordinal);
        _sorted = [.. _discovered.Order(StringComparer.Ordinal)];
        foreach (var file in _sorted)
        {
            Node(file);
        }

        JoinProjects();
        foreach (var group in discovered.Where(d => d.Language == Language.Iptables).GroupBy(d => Path.GetDirectoryName(d.FullPath), StringComparer.Ordinal))
        {
            JoinAll(group.Select(d => d.FullPath));
        }

        foreach (var nginx in discovered.Where(d => d.Language == Language.Nginx))
        {
            // NginxBinder.Prefix: a fragment's nginx.conf is looked for up to four folders up.
            var dir = Path.GetDirectoryName(nginx.FullPath);
            for (var level = 0; level < 5 && dir is not null && PathContainment.IsAtOrBelow(dir, _root); level++, dir = Path.GetDirectoryName(dir))
            {
                var main = Path.Combine(dir, "nginx.conf");
                if (_discovered.Contains(main))
                {
                    Join(nginx.FullPath, main);
                }
            }
        }
    }

    /// <summary>The files discovered (what a run walks), by full path.</summary>
    public IReadOnlySet<string> Discovered => _discovered;

    /// <summary>The unit a file is in (its representative), or null when no run has read it.</summary>
    public int? UnitOf(string fullPath) => _index.TryGetValue(fullPath, out var i) ? Find(i) : null;

    /// <summary>The discovered files of these units.</summary>
    public HashSet<string> DiscoveredIn(IReadOnlySet<int> units) =>
        _sorted.Where(f => units.Contains(Find(_index[f]))).ToHashSet(StringComparer.Ordinal);

    public int Count => _sorted.Select(f => Find(_index[f])).Distinct().Count();

    /// <summary>
    /// Joins what a run's model and findings link. <paramref name="analysed"/> are the units the run covered (null for
    /// every unit): a file the run read that nothing links joins them all. Returns false when a link or read reaches
    /// a unit outside <paramref name="analysed"/>: the run did not see all it depends on.
    /// </summary>
    public bool Add(AnalysisResult run, IReadOnlySet<int>? analysed)
    {
        var groups = new List<List<string>>();
        var linked = new HashSet<string>(StringComparer.Ordinal);
        void Link(IEnumerable<SyntaxTree?> trees)
        {
            var group = trees.OfType<SyntaxTree>().Select(t => t.FullPath).Distinct(StringComparer.Ordinal).ToList();
            linked.UnionWith(group);
            groups.Add(group);
        }

        void Under(string file, string? path, Func<string, bool>? where = null) => groups.Add([file, .. FilesUnder(path, where)]);

        var deployment = run.Deployment;
        foreach (var project in deployment.ComposeProjects)
        {
            var main = project.MainFile.FullPath;
            Link([.. project.Files, .. project.Services.SelectMany(s => s.Sources.Select(x => x.Tree))]);
            Under(main, project.Directory);
            foreach (var service in project.Services)
            {
                foreach (var mount in service.HostMounts)
                {
                    Under(main, mount.HostPath);
                }

                Under(main, service.Build?.ContextPath);
            }
        }

        foreach (var model in deployment.Dockerfiles)
        {
            var file = model.Tree.FullPath;
            Link([model.Tree]);
            var contexts = deployment.ServicesBuilding(model).Select(s => s.Build?.ContextPath).OfType<string>().Append(Path.GetDirectoryName(file)!).Distinct(StringComparer.Ordinal).ToList();
            var climbing = model.Stages.SelectMany(s => s.Instructions).Where(i => i.Command.Keyword is "copy" or "add")
                .SelectMany(i => i.Command.Args.Take(Math.Max(0, i.Command.Args.Length - 1)))
                .Where(a => a.Contains("..", StringComparison.Ordinal) && !a.Contains("://", StringComparison.Ordinal))
                .ToList();
            foreach (var context in contexts)
            {
                Under(file, context);
                foreach (var source in climbing)
                {
                    // A source that climbs out of the context ('../x'): the folder it names, before any wildcard or variable.
                    var plain = source[..(source.IndexOfAny(['*', '?', '[', '$']) is var w and >= 0 ? w : source.Length)];
                    Under(file, Path.GetFullPath(Path.Combine(context, plain)));
                }
            }
        }

        foreach (var image in deployment.Images)
        {
            Link([image.Service.Project.MainFile, image.Dockerfile?.Tree]);
        }

        foreach (var daemon in deployment.Daemons)
        {
            Link([daemon.Service?.Project.MainFile, daemon.Image?.Tree, .. daemon.ConfigFiles.Select(c => c.File), .. daemon.CommandLine.Select(w => w.Location.Tree),
                .. daemon.Listeners.Select(l => l.Location.Tree), .. Files(daemon.Tor), .. Files(daemon.TorFiles), .. daemon.Squid?.Files ?? [], .. daemon.Nginx?.Files ?? [],
                daemon.Nginx?.Root.Outer?.Tree]);
        }

        foreach (var config in deployment.TorConfigs)
        {
            Link(Files(config));
        }

        foreach (var config in deployment.SquidConfigs)
        {
            Link(config.Files.Prepend(config.Main));
        }

        foreach (var config in deployment.NginxConfigs)
        {
            Link([.. config.Files.Prepend(config.Main), config.Root.Outer?.Tree]);
        }

        foreach (var forward in deployment.OnionForwards)
        {
            Link([.. Files(forward.Config), forward.TorService?.Project.MainFile, forward.Backend?.Project.MainFile]);
        }

        var torFolders = deployment.TorConfigs.Select(c => Path.GetDirectoryName(c.Main.FullPath)!).ToHashSet(StringComparer.Ordinal);
        var ruleSetFolders = deployment.Firewalls.Select(f => Path.GetDirectoryName(f.RuleSet.Tree.FullPath)!).ToHashSet(StringComparer.Ordinal);
        foreach (var firewall in deployment.Firewalls)
        {
            var file = firewall.RuleSet.Tree.FullPath;
            Link([firewall.RuleSet.Tree, .. firewall.Companions.Select(c => c.Tree), .. firewall.Tor.SelectMany(t => Files(t.Config)),
                .. firewall.Carriers.Select(c => c.Project.MainFile), firewall.Ipv6Disabled?.Location.Tree, firewall.Ipv6Enabled?.Location.Tree]);
            Under(file, TorSearchTop(Path.GetDirectoryName(file)!, torFolders, ruleSetFolders), f => _languages[f] is Language.Tor or Language.Iptables);
        }

        // A rule that searches the whole deployment rather than following links: SQD011 looks for the anonymizer a
        // cache_peer names among every torrc's HTTPTunnelPort and every compose service's host names.
        var tunnels = deployment.TorConfigs.Where(c => c.Lines.Any(l => l.Name == "HTTPTunnelPort")).SelectMany(Files).ToList();
        var hostNames = deployment.ComposeProjects.SelectMany(p => p.Services).SelectMany(s => s.HostNames.Select(h => (Host: h, s.Project)))
            .ToLookup(x => x.Host, x => x.Project, StringComparer.OrdinalIgnoreCase);
        foreach (var squid in deployment.SquidConfigs.Where(c => c.CachePeers.Length > 0))
        {
            Link([squid.Main, .. tunnels, .. squid.CachePeers.SelectMany(p => hostNames[p.Host]).Select(p => p.MainFile)]);
        }

        foreach (var finding in run.Findings.Concat(run.Suppressed))
        {
            Link([finding.Location.Tree, .. finding.Related.Select(r => r.Location.Tree), .. finding.Fix?.Edits.Select(e => e.Tree) ?? []]);
        }

        var read = deployment.Trees.Select(t => t.FullPath).ToList();

        // Sound only when nothing the run links, looks for or read lies in a unit it did not analyse.
        if (analysed is not null && groups.SelectMany(g => g).Concat(read).Any(p => UnitOf(p) is { } unit && !analysed.Contains(unit)))
        {
            return false;
        }

        // Files read that no link names: which unit read them cannot be told, so they join every unit analysed.
        var unexplained = read.Where(p => !linked.Contains(p) && !_discovered.Contains(p)).ToList();
        Unexplained += unexplained.Count;
        if (unexplained.Count > 0)
        {
            groups.Add([.. unexplained, .. analysed is null ? _sorted : _sorted.Where(f => analysed.Contains(Find(_index[f])))]);
        }

        foreach (var group in groups)
        {
            JoinAll(group);
        }

        return true;
    }

    /// <summary>How many files were read that no link named (each joined every unit of its run).</summary>
    public int Unexplained { get; private set; }

    private static IEnumerable<SyntaxTree?> Files(TorConfig? config) =>
        config is null ? [] : [config.Main, .. config.Files, .. config.CommandLineLines.Select(l => l.Tree)];

    /// <summary>
    /// How far up <c>DeploymentBuilder.TorAbove</c> may look from a rule set's folder: to the first folder that holds a
    /// torrc's folder (one found is joined, several stop the search), else to the first project root, else to the root.
    /// </summary>
    private string TorSearchTop(string folder, HashSet<string> torFolders, HashSet<string> ruleSetFolders)
    {
        for (var level = folder; ; level = Path.GetDirectoryName(level)!)
        {
            if (torFolders.Any(t => PathContainment.IsAtOrBelow(t, level) && !ruleSetFolders.Contains(t))
                || level.Length <= _root.Length || IsProjectRoot(level) || Path.GetDirectoryName(level) is null)
            {
                return level;
            }
        }
    }

    private bool IsProjectRoot(string folder)
    {
        if (!_projectRoots.TryGetValue(folder, out var marked))
        {
            marked = Directory.Exists(Path.Combine(folder, ".git")) || File.Exists(Path.Combine(folder, ".git"))
                || new[] { ".configlint.yaml", ".configlint.yml", "compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml" }.Any(m => File.Exists(Path.Combine(folder, m)));
            _projectRoots[folder] = marked;
        }

        return marked;
    }

    /// <summary>The files of each project (<see cref="ProjectScope.ProjectRootOf"/>, a root above the analysed one counting as that one).</summary>
    private void JoinProjects()
    {
        var byFolder = new Dictionary<string, string>(StringComparer.Ordinal);
        var folders = new Dictionary<string, (bool, bool)>(StringComparer.Ordinal);
        var projects = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var file in _sorted)
        {
            var dir = Path.GetDirectoryName(file)!;
            if (!byFolder.TryGetValue(dir, out var project))
            {
                project = ProjectScope.ProjectRootOf(file, folders);
                byFolder[dir] = project = PathContainment.IsAtOrBelow(project, _root) ? project : _root;
            }

            if (!projects.TryGetValue(project, out var files))
            {
                projects[project] = files = [];
            }

            files.Add(file);
        }

        foreach (var files in projects.Values)
        {
            JoinAll(files);
        }
    }

    /// <summary>The discovered files at or under <paramref name="path"/> (every file when it is the root or above it; none outside the root).</summary>
    private IEnumerable<string> FilesUnder(string? path, Func<string, bool>? where = null)
    {
        path = path?.TrimEnd(Path.DirectorySeparatorChar);
        if (string.IsNullOrEmpty(path))
        {
            return [];
        }

        if (PathContainment.IsAtOrBelow(_root, path))
        {
            return where is null ? _sorted : _sorted.Where(where);
        }

        if (!PathContainment.IsAtOrBelow(path, _root))
        {
            return [];
        }

        var from = Array.BinarySearch(_sorted, path, StringComparer.Ordinal);
        from = from < 0 ? ~from : from;
        var members = new List<string>();
        for (var i = from; i < _sorted.Length && _sorted[i].StartsWith(path, StringComparison.Ordinal); i++)
        {
            if (PathContainment.IsAtOrBelow(_sorted[i], path) && (where is null || where(_sorted[i])))
            {
                members.Add(_sorted[i]);
            }
        }

        return members;
    }

    private void JoinAll(IEnumerable<string> paths)
    {
        int? first = null;
        foreach (var path in paths)
        {
            var node = Node(path);
            if (first is null)
            {
                first = node;
            }
            else
            {
                Union(first.Value, node);
            }
        }
    }

    private void Join(string a, string b) => Union(Node(a), Node(b));

    private int Node(string path)
    {
        if (!_index.TryGetValue(path, out var i))
        {
            i = _parent.Count;
            _index[path] = i;
            _parent.Add(i);
        }

        return i;
    }

    private int Find(int i)
    {
        while (_parent[i] != i)
        {
            _parent[i] = _parent[_parent[i]];
            i = _parent[i];
        }

        return i;
    }

    private void Union(int a, int b)
    {
        a = Find(a);
        b = Find(b);
        if (a != b)
        {
            // The smaller index stays the representative, so a unit's name does not depend on the order of joins.
            if (b < a)
            {
                (a, b) = (b, a);
            }

            _parent[b] = a;
        }
    }
}
