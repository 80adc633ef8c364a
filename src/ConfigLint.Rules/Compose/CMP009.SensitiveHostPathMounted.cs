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
}
