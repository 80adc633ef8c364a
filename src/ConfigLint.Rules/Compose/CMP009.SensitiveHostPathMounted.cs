using ConfigLint.Analysis;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Compose;

/// <summary>CMP009. Docs: rules/compose/CMP009.sensitive-host-path-mounted/README.md</summary>
public sealed class SensitiveHostPathMounted : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("CMP009", "sensitive-host-path-mounted",
        "Do not mount the host's system directories into containers.", Language.Compose, DiagnosticLevel.Error, 8.4, FixClass.None, "security", "CWE-668");

    private static readonly string[] Sensitive = ["/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr", "/root", "/var/run", "/home"];

    private static readonly HashSet<string> ReadOnlyExempt =
    [
        "/etc/localtime", "/etc/timezone", "/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt",
        "/etc/ssl/cert.pem", "/etc/ca-certificates.crt",
    ];

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterComposeServiceAction(Check);

    private static void Check(ComposeServiceContext ctx)
    {
        foreach (var volume in ctx.Service.Volumes)
        {
            var source = volume.Source?.TrimEnd('/');
            if (!volume.IsBind || source is null || !volume.Source!.StartsWith('/') || EngineSocketExposed.IsEngineSocket(volume.Source))
            {
                continue;
            }

            if (source.Length == 0)
            {
                source = "/";
            }

            var hit = source == "/" ? "/" : Sensitive.FirstOrDefault(s => source == s || source.StartsWith(s + "/", StringComparison.Ordinal));
            if (hit is null)
            {
                continue;
            }

            if (volume.ReadOnly && ReadOnlyExempt.Contains(source))
            {
                continue;
            }

            // Catalog §0.2 (2026-12): a folder under /home or /root made for tor's state (its DataDirectory,
            // HiddenServiceDir, or a VOLUME the tor image declares) is not a sensitive host path; tor must write it.
            if (hit is "/home" or "/root" && source != hit && TorState(ctx).FirstOrDefault(t => t.Path == volume.Target.TrimEnd('/')) is { Path: not null } state)
            {
                ctx.Report(volume.Location,
                    $"Service '{ctx.Service.Name}' keeps tor's state ({state.What}) in host folder '{volume.Source}', which tor must be able to write; it holds the relay's or onion service's keys, so let only the tor user own it (mode 0700).",
                    DiagnosticLevel.Note, 3.0);
                continue;
            }

            if (volume.ReadOnly)
            {
                ctx.Report(volume.Location, $"Service '{ctx.Service.Name}' mounts host path '{volume.Source}' (under '{hit}') read-only, exposing sensitive host files to the container; mount only the files it needs.",
                    DiagnosticLevel.Warning, 6.5);
            }
            else
            {
                ctx.Report(volume.Location, $"Service '{ctx.Service.Name}' mounts host path '{volume.Source}' (under '{hit}') read-write, so the container can change sensitive host files; mount only the files it needs, read-only (':ro').",
                    DiagnosticLevel.Error, 8.4);
            }
        }
    }

    /// <summary>The container paths where the service's tor keeps state: DataDirectory, HiddenServiceDir, and the VOLUMEs its image declares.</summary>
    private static IEnumerable<(string Path, string What)> TorState(ComposeServiceContext ctx)
    {
        var configs = ctx.Deployment.TorConfigsOf(ctx.Service);
        if (configs.IsEmpty)
        {
            yield break;
        }

        foreach (var config in configs)
        {
            foreach (var line in config.All("DataDirectory"))
            {
                yield return (line.Value.Trim().TrimEnd('/'), $"DataDirectory {line.Value.Trim()}");
            }

            foreach (var line in config.All("HiddenServiceDir"))
            {
                yield return (line.Value.Trim().TrimEnd('/'), $"HiddenServiceDir {line.Value.Trim()}");
            }
        }

        if (ctx.Deployment.DockerfileOf(ctx.Service) is { } model)
        {
            foreach (var stage in ctx.Deployment.RuntimeStages(model))
            {
                foreach (var volume in stage.Instructions.Where(i => i.Command.Keyword == "volume"))
                {
                    foreach (var arg in volume.Command.Args)
                    {
                        var path = arg.Trim('[', ']', ',', '"', ' ');
                        // Under FHS an 'etc' folder holds configuration, not state (the image may declare both as VOLUMEs).
                        if (path.StartsWith('/') && !path.Split('/').Contains("etc"))
                        {
                            yield return (path.TrimEnd('/'), $"a VOLUME the tor image declares for its data, {path}");
                        }
                    }
                }
            }
        }
    }
}
