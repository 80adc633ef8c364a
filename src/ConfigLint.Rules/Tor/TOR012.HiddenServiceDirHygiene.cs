using ConfigLint.Analysis;
using ConfigLint.Analysis.Fixing;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Tor;

/// <summary>TOR012. Docs: rules/torrc/TOR012.hidden-service-dir-hygiene/README.md</summary>
public sealed class HiddenServiceDirHygiene : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("TOR012", "hidden-service-dir-hygiene",
        "Keep onion service keys in a private, absolute directory.", Language.Tor, DiagnosticLevel.Warning, 4.0, FixClass.Conditional, "security", "CWE-732");

    private static readonly string[] SharedRoots = ["/tmp", "/var/tmp", "/dev/shm", "/var/www", "/srv/www", "/srv/http", "/usr/share/nginx/html", "/usr/local/apache2/htdocs", "/var/lib/nginx/html"];

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterTorLineAction(Check, "HiddenServiceDir", "HiddenServiceDirGroupReadable");

    private static void Check(TorLineContext ctx)
    {
        var value = ctx.Line.Value;
        if (ctx.Line.Name == "HiddenServiceDirGroupReadable")
        {
            if (value == "1")
            {
                ctx.Report(ctx.Line.Location, "HiddenServiceDirGroupReadable 1 makes the onion service's key directory readable by its group; set it to 0 unless another service must read 'hostname' through the group.",
                    DiagnosticLevel.Note, 4.4,
                    fix: TorFixes.SetValue(ctx.Line, ReadsThroughGroup(ctx) ? FixApplicability.Unsafe : FixApplicability.Safe, "set HiddenServiceDirGroupReadable 0", "0"));
            }

            return;
        }

        if (value.Length == 0)
        {
            return;
        }

        var shared = SharedRoots.FirstOrDefault(r => value == r || value.StartsWith(r + "/", StringComparison.Ordinal));
        if (shared is not null)
        {
            ctx.Report(ctx.Line.ValueLocation, $"HiddenServiceDir '{value}' lies under '{shared}', a shared or web-served folder, so the onion service's private key can be read or served; move it under tor's DataDirectory (e.g. /var/lib/tor/).",
                DiagnosticLevel.Error, 8.1);
        }
        else if (!value.StartsWith('/'))
        {
            ctx.Report(ctx.Line.ValueLocation, $"HiddenServiceDir '{value}' is relative, so it depends on tor's working directory (the manual says not to rely on this); use an absolute path under the DataDirectory.",
                DiagnosticLevel.Warning, 4.0);
        }
    }

    /// <summary>
    /// Whether another service may read the keys directory through the group (the fix's condition): unknown without a
    /// compose service (a group reader outside the deployment), or when another service of the project mounts a volume
    /// that holds this HiddenServiceDir.
    /// </summary>
    private static bool ReadsThroughGroup(TorLineContext ctx)
    {
        var service = ctx.Deployment.ServiceOf(ctx.Config);
        var dir = ctx.Config.HiddenServices.FirstOrDefault(h => h.Options.Contains(ctx.Line))?.Dir.Value;
        if (service is null || dir is null)
        {
            return true;
        }

        var holding = service.Volumes.Where(v => v.Source is not null && (dir == v.Target || dir.StartsWith(v.Target.TrimEnd('/') + "/", StringComparison.Ordinal))).ToList();
        return service.Project.Services.Any(other => other != service && other.Volumes.Any(o => holding.Any(h => h.Source == o.Source)));
    }
}
