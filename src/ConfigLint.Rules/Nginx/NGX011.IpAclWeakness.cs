using ConfigLint.Analysis;
using ConfigLint.Semantics.Nginx;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Nginx;

/// <summary>NGX011. Docs: rules/nginx/NGX011.ip-acl-weakness/README.md</summary>
public sealed class IpAclWeakness : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("NGX011", "ip-acl-weakness",
        "End allow lists with 'deny all;' and trust real-IP headers only from your proxies.", Language.Nginx, DiagnosticLevel.Warning, 6.5, FixClass.Safe, "security", "CWE-284");

    private static readonly string[] SpoofableHeaders = ["X-Forwarded-For", "X-Real-IP", "proxy_protocol"];

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterNginxConfigAction(Check);

    private static void Check(NginxConfigContext ctx)
    {
        var config = ctx.Config;
        foreach (var block in config.All.Where(n => n.IsBlock).Prepend(config.Root))
        {
            var allows = block.Directives("allow").ToList();
            if (allows.Count > 0 && !allows.Any(a => a.Arg(0) == "all") && !block.Directives("deny").Any())
            {
                var last = allows[^1];
                ctx.Report(last.Location,
                    $"'{last.Text}' has no 'deny' after it in this block, so every other address is allowed too: the allow list restricts nothing. Add 'deny all;' after the last allow.",
                    fix: Fix.Safe("add 'deny all;' after the last allow", NginxFixes.After(last, "deny all;")));
            }
        }

        var ipControls = config.All.Any(n => n.Name is "allow" or "deny" && n.Arg(0) != "all" || n.Name is "limit_req" or "limit_conn");
        foreach (var trust in config.Named("set_real_ip_from").Where(n => n.Arg(0) is "0.0.0.0/0" or "::/0" or "all"))
        {
            var header = NginxConfig.Effective(trust.Parent!, "real_ip_header");
            var name = header?.Arg(0) ?? "X-Real-IP";
            if (!SpoofableHeaders.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            var message = $"'{trust.Text}' trusts {name} from every address, so any client sets its own $remote_addr{(ipControls ? ", and the allow/deny and limit_req rules here then judge the forged address" : string.Empty)}. List only your load balancers' addresses.";
            ctx.Report(trust.Location, message, ipControls ? DiagnosticLevel.Error : null, ipControls ? 7.5 : null);
        }
    }
}
