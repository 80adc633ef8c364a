using ConfigLint.Analysis;
using ConfigLint.Semantics.Nginx;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Nginx;

/// <summary>NGX001. Docs: rules/nginx/NGX001.version-disclosure/README.md</summary>
public sealed class VersionDisclosure : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("NGX001", "version-disclosure",
        "Set 'server_tokens off;' in http{}.", Language.Nginx, DiagnosticLevel.Warning, 4.3, FixClass.Safe, "security", "CWE-200");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterNginxConfigAction(Check);

    private static void Check(NginxConfigContext ctx)
    {
        var config = ctx.Config;
        var backend = NginxFacts.OnionBackend(ctx.Deployment, config);
        var onion = backend is not null
            ? $" This nginx is the onion service backend '{backend.Name}': a version fingerprint helps correlate the onion with clearnet hosts."
            : string.Empty;
        var related = backend is null ? null : NginxFacts.OnionEvidence(ctx.Deployment, backend).ToList();

        // Explicit on/build anywhere.
        foreach (var line in config.Named("server_tokens").Where(n => !n.Arg(0).Equals("off", StringComparison.OrdinalIgnoreCase)))
        {
            ctx.Report(line.Location, $"'{line.Text}' puts the exact nginx version in the Server header and on error pages. Use 'server_tokens off;'.{onion}", related: related,
                fix: NginxFixes.SetArgs(line, "off") is { } off ? Fix.Safe("set 'server_tokens off;'", off) : null);
        }

        if (config.Named("more_clear_headers").Any(n => n.Args.Any(a => a.StartsWith("Server", StringComparison.OrdinalIgnoreCase))))
        {
            return;
        }

        // Absent means on: report once, on the block that should say 'off' (http{}, else the first server).
        var exposed = config.Servers.Where(srv => NginxConfig.Effective(srv, "server_tokens") is null).ToList();
        if (exposed.Count == 0)
        {
            return;
        }

        var at = config.Http is { IsRoot: false } http ? http.NameLocation : exposed[0].IsRoot ? config.FileStart : exposed[0].NameLocation;

        // Where 'server_tokens off;' goes: the http{} block; the top of a file that is itself included in http{}
        // (conf.d/*.conf), known by its own http{} context or by server blocks that have locations.
        var httpLevel = config.Http ?? (exposed.All(s => s.Parent == config.Root) && exposed.Any(s => s.Directives("location").Any()) ? config.Root : null);
        var edit = httpLevel is null ? null : NginxFixes.AtBlockStart(config, httpLevel, "server_tokens off;");
        ctx.Report(at,
            $"server_tokens is not set, so it is on: every response's Server header and error page show the exact nginx version. Add 'server_tokens off;' to http{{}}.{onion}", related: related,
            fix: edit is null ? null : Fix.Safe("add 'server_tokens off;' to http{}", edit));
    }
}
