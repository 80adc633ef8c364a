using System.Collections.Immutable;
using ConfigLint.Semantics;
using ConfigLint.Semantics.Compose;
using ConfigLint.Semantics.Tor;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Compose;

namespace ConfigLint.Analysis.Engine;

/// <summary>
/// The bind step: per-language configurations from the parsed files (tor and its includes, compose projects with their
/// override files and <c>.env</c>, Dockerfile models, squid and nginx main files), then the <see cref="DeploymentBuilder"/>
/// that links them into one model.
/// </summary>
public static class ProjectBinder
{
    /// <summary>Binds the parsed trees of a workspace into the deployment model.</summary>
    public static Deployment Bind(IReadOnlyList<SyntaxTree> trees, FileSystemWorkspace workspace)
    {
        var torConfigs = BindTor(trees.Where(t => t.Language == Language.Tor && t is not UnparsedTree).ToList(), workspace);
        var projects = BindCompose(trees.OfType<YamlSyntaxTree>().Where(t => t.Language == Language.Compose).ToList(), workspace);
        var dockerfiles = trees.OfType<ConfigLint.Syntax.Dockerfile.DockerfileSyntaxTree>()
            .Select(ConfigLint.Semantics.Dockerfile.DockerfileModel.Build).ToImmutableArray();
        var squidMains = MainFiles(trees.Where(t => t.Language == Language.Squid && t is not UnparsedTree).ToList(), workspace, ConfigLint.Semantics.Squid.SquidBinder.DirectIncludes);
        var nginxMains = MainFiles(trees.Where(t => t.Language == Language.Nginx && t is not UnparsedTree).ToList(), workspace, ConfigLint.Semantics.Nginx.NginxBinder.DirectIncludes);
        var ruleSets = trees.Where(t => t.Language == Language.Iptables && t is not UnparsedTree)
            .Select(ConfigLint.Semantics.Iptables.IptablesBinder.Bind).ToImmutableArray();
        return new DeploymentBuilder(workspace, torConfigs, projects, dockerfiles, squidMains, nginxMains, ruleSets).Build(workspace.Trees);
    }

    /// <summary>Torrc files that no other torrc includes (the includes are read to find out) are configurations of their own.</summary>
    private static ImmutableArray<TorConfig> BindTor(List<SyntaxTree> torTrees, FileSystemWorkspace workspace) =>
        [.. IncludeGraph.Roots(torTrees, t => TorBinder.DirectIncludes(t, workspace),
            path => workspace.GetTree(path, Language.Tor, out _) is { } t and not UnparsedTree ? t : null)
            .Select(r => TorBinder.Bind(r, workspace))];

    /// <summary>
    /// Main files of a language, each bound as one configuration: those no other discovered file of it includes, and
    /// the files of an include cycle nothing outside it includes (<see cref="IncludeGraph.Roots"/>). A fragment resolves
    /// its includes against a guessed prefix, so files it alone names are not read here.
    /// </summary>
    private static ImmutableArray<SyntaxTree> MainFiles(List<SyntaxTree> trees, FileSystemWorkspace workspace, Func<SyntaxTree, IWorkspace, IReadOnlyList<string>> includes) =>
        IncludeGraph.Roots(trees, t => includes(t, workspace), _ => null);

    private static readonly string[] MainComposeNames = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];

    private static ImmutableArray<ComposeProject> BindCompose(List<YamlSyntaxTree> trees, FileSystemWorkspace workspace)
    {
        var projects = ImmutableArray.CreateBuilder<ComposeProject>();
        foreach (var group in trees.GroupBy(t => Path.GetDirectoryName(t.FullPath)!).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var dir = group.Key;
            var envText = workspace.ReadText(Path.Combine(dir, ".env"));
            IReadOnlyDictionary<string, string> env = envText is null ? new Dictionary<string, string>() : Interpolation.ParseDotEnv(envText);
            var byName = group.ToDictionary(t => Path.GetFileName(t.FullPath), StringComparer.Ordinal);
            var used = new HashSet<string>(StringComparer.Ordinal);
            var main = MainComposeNames.FirstOrDefault(byName.ContainsKey);
            if (main is not null)
            {
                var stem = main.StartsWith("docker-", StringComparison.Ordinal) ? "docker-compose" : "compose";
                var files = new List<YamlSyntaxTree> { byName[main] };
                used.Add(main);
                foreach (var ext in new[] { ".yaml", ".yml" })
                {
                    if (byName.TryGetValue($"{stem}.override{ext}", out var ov))
                    {
                        files.Add(ov);
                        used.Add($"{stem}.override{ext}");
                        break;
                    }
                }

                projects.Add(ComposeLoader.Load(dir, files, env, Loader(workspace)));
            }

            foreach (var (name, tree) in byName.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                if (!used.Contains(name))
                {
                    projects.Add(ComposeLoader.Load(dir, [tree], env, Loader(workspace)));
                }
            }
        }

        return projects.ToImmutable();
    }

    private static Func<string, YamlSyntaxTree?> Loader(FileSystemWorkspace workspace) =>
        path => workspace.GetTree(path, Language.Compose, out _) as YamlSyntaxTree;
}
