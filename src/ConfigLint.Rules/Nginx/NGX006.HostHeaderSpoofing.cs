using ConfigLint.Analysis;
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
        foreach (var line in ctx.Config.All.Where(n => n.Name == "proxy_set_header" && n.Arg(0).Equals("Host", StringComparison.OrdinalIgnoreCase)))
        {
            var value = line.Arg(1);
            if (value == "$http_host" || value.StartsWith("$arg_", StringComparison.Ordinal))
            {
                ctx.Report(line.Location,
                    $"'{line.Text}' forwards the Host {(value == "$http_host" ? "header exactly as the client sent it" : "a client chose in the query string")}, even when it names none of this server's names: the upstream builds links, redirects and password-reset mails for a host the attacker picked. Use 'proxy_set_header Host $host;' (or '$host:$server_port' when the port matters).");
            }
        }
    }
}
