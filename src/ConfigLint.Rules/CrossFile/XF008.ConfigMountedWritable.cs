using ConfigLint.Analysis;
using ConfigLint.Rules.Compose;
using ConfigLint.Semantics;
using ConfigLint.Semantics.Compose;
using ConfigLint.Syntax;
using static ConfigLint.Rules.CrossFile.CrossFileFacts;

namespace ConfigLint.Rules.CrossFile;

/// <summary>XF008. Docs: rules/crossfile/XF008.config-mounted-writable/README.md</summary>
public sealed class ConfigMountedWritable : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("XF008", "config-mounted-writable",
        "Mount daemon configuration read-only and keep tor's keys to the tor service.", null, DiagnosticLevel.Warning, 5.0, FixClass.Safe, "security", "CWE-732", "cross-file");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterDeploymentAction(Check);

    private static void Check(DeploymentContext ctx)
    {
        WritableConfig(ctx);
        SharedTorState(ctx);
    }

    /// <summary>A bind mount that carries a daemon's configuration without <c>:ro</c> / <c>read_only: true</c>.</summary>
    private static void WritableConfig(DeploymentContext ctx)
    {
        foreach (var daemon in ctx.Deployment.Daemons.Where(d => d.Service is not null))
        {
            var service = daemon.Service!;

            // The official nginx image renders /etc/nginx/templates into conf.d at start: conf.d must stay writable then.
            var rendersTemplates = daemon.Kind == DaemonKind.Nginx && service.Volumes.Any(v => v.Target.TrimEnd('/') == "/etc/nginx/templates");
            foreach (var group in daemon.ConfigFiles.Where(f => f.Mount is { ReadOnly: false } && f.Via == ConfigVia.BindMount).GroupBy(f => f.Mount!))
            {
                var mount = group.Key;
                if (rendersTemplates && mount.Target.TrimEnd('/').EndsWith("/conf.d", StringComparison.Ordinal))
                {
                    continue;
                }

                var files = group.Select(f => f.File).ToList();
                var single = files.Count == 1 && mount.HostPath is { } host && files[0].FullPath == host;
                var fix = single ? ComposeFixes.ReadOnly(mount) : null;
                var what = single ? $"the {daemon.KindName} configuration {files[0].Path}" : $"a folder holding the {daemon.KindName} configuration ({string.Join(", ", files.Take(3).Select(f => f.Path))}{(files.Count > 3 ? ", …" : string.Empty)})";
                ctx.Report(mount.Location,
                    $"Service '{service.Name}' mounts {what} writable at {mount.Target}: a compromised daemon or application in the container can rewrite its own configuration and keep it across restarts. Mount it read-only (':ro', or 'read_only: true').",
                    related: [new RelatedLocation(new SourceLocation(files[0], files[0].Text.Lines.Count > 0 ? files[0].Text.Lines[0].Span : default), $"The configuration service '{service.Name}' mounts writable.")],
                    fix: fix is null ? null : Fix.Safe("mount it read-only", fix));
            }
        }
    }

    /// <summary>Tor's DataDirectory or HiddenServiceDir (a named volume or a host folder) also mounted into a service that does not run that tor.</summary>
    private static void SharedTorState(DeploymentContext ctx)
    {
        foreach (var daemon in ctx.Deployment.Daemons.Where(d => d.Tor is not null && d.Service is not null))
        {
            var tor = daemon.Tor!;
            var service = daemon.Service!;
            var state = new List<(string Path, string What, SourceLocation? Line)>
            {
                (tor.Last("DataDirectory")?.Value ?? "/var/lib/tor", "DataDirectory (its identity and onion keys)", tor.Last("DataDirectory")?.Location),
            };
            state.AddRange(tor.HiddenServices.Select(hs => (hs.Dir.Value.Trim(), "HiddenServiceDir (the onion service's private key)", (SourceLocation?)hs.Dir.Location)));
            foreach (var (path, what, line) in state)
            {
                var holder = service.Volumes.Where(v => IsAtOrBelow(path, v.Target)).MaxBy(v => v.Target.Length);
                if (holder is null || Identity(holder) is not { } identity)
                {
                    continue;
                }

                foreach (var other in service.Project.Services.Where(s => s != service && !ctx.Deployment.TorConfigsOf(s).Contains(tor)))
                {
                    foreach (var shared in other.Volumes.Where(v => Identity(v) == identity))
                    {
                        var related = new List<RelatedLocation> { new(holder.Location, $"Service '{service.Name}' keeps tor's {what.Split(' ')[0]} here.") };
                        if (line is not null)
                        {
                            related.Add(new RelatedLocation(line, $"tor's {what.Split(' ')[0]}."));
                        }

                        ctx.Report(shared.Location,
                            $"Service '{other.Name}' mounts {Describe(holder)}, which holds tor's {what} for service '{service.Name}' ({At(holder.Location)}): whoever compromises '{other.Name}' can copy the keys and impersonate the onion service or relay. Give tor's state to the tor service alone.",
                            DiagnosticLevel.Error, 8.1, related);
                    }
                }
            }
        }
    }

    /// <summary>What a mount shares: a named volume by name, a bind by host folder; null for an anonymous volume.</summary>
    private static string? Identity(ComposeVolume volume) =>
        volume.IsBind ? volume.HostPath is { } host ? "bind:" + host.TrimEnd('/') : null
        : volume.Type == "volume" && !string.IsNullOrEmpty(volume.Source) ? "volume:" + volume.Source : null;

    private static string Describe(ComposeVolume volume) => volume.IsBind ? $"the host folder '{volume.Source}'" : $"the volume '{volume.Source}'";

    private static bool IsAtOrBelow(string path, string folder)
    {
        var f = folder.TrimEnd('/');
        return path.TrimEnd('/') == f || path.StartsWith(f + "/", StringComparison.Ordinal);
    }
}
