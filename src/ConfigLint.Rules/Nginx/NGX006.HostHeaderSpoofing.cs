using ConfigLint.Analysis;
using ConfigLint.Semantics.Nginx;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Nginx;

/// <summary>NGX006. Docs: rules/nginx/NGX006.host-header-spoofing/README.md</summary>
public sealed class HostHeaderSpoofing : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("NGX006", "host-header-spoofing",
        "Send '$host' upstream, not '$http_host' or a query argument.", Language.Nginx, DiagnosticLevel.Warning, 5.4, FixClass.Conditional, "security", "CWE-644");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterNginxConfigAction(Check);

    private static void Check(NginxConfigContext ctx)
    {
        foreach (var line in ctx.Config.Named("proxy_set_header").Where(n => n.Arg(0).Equals("Host", StringComparison.OrdinalIgnoreCase)))
        {
            var value = line.Arg(1);
            if (value == "$http_host" || value.StartsWith("$arg_", StringComparison.Ordinal))
            {
                ctx.Report(line.Location,
                    $"'{line.Text}' forwards the Host {(value == "$http_host" ? "header exactly as the client sent it" : "a client chose in the query string")}, even when it names none of this server's names: the upstream builds links, redirects and password-reset mails for a host the attacker picked. Use 'proxy_set_header Host $host;' (or '$host:$server_port' when the port matters).",
                    fix: HostFix(line));
            }
        }
    }

    /// <summary>
    /// '$host' instead of the client's value. $host has no port, so the fix is safe only when every server this line
    /// serves listens on 80 or 443 (the ports a browser leaves out of Host); otherwise it is offered as unsafe.
    /// </summary>
    private static Fix? HostFix(NginxNode line)
    {
        if (line.ArgWords.Length != 2 || NginxFixes.SetArgs(line, "Host $host") is not { } edit)
        {
            return null;
        }

        var server = line.Enclosing("server");
        var listens = server is null ? [] : NginxConfig.Listens(server);
        var defaultPorts = server is not null && listens.All(l => l.Port is "80" or "443");
        return new Fix("use 'proxy_set_header Host $host;'", defaultPorts ? FixApplicability.Safe : FixApplicability.Unsafe, [edit]);
    }
}
