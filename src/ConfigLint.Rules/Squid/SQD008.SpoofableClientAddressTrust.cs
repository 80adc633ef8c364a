using ConfigLint.Analysis;
using ConfigLint.Semantics.Squid;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Squid;

/// <summary>SQD008. Docs: rules/squid/SQD008.spoofable-client-address-trust/README.md</summary>
public sealed class SpoofableClientAddressTrust : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("SQD008", "spoofable-client-address-trust",
        "Trust X-Forwarded-For and PROXY protocol only from your load balancer.", Language.Squid, DiagnosticLevel.Error, 8.1, FixClass.None, "security", "CWE-290");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterSquidConfigAction(Check);

    private static void Check(SquidConfigContext ctx)
    {
        var config = ctx.Config;
        foreach (var rule in config.AccessList("follow_x_forwarded_for").Where(r => r.Allow))
        {
            if (TrustsBroadly(config, rule) is { } why)
            {
                ctx.Report(rule.Line.Location,
                    $"'{rule.Line.Text}' trusts X-Forwarded-For from {why}: any client can claim a trusted address, and src-based http_access rules then judge the forged address (acl_uses_indirect_client is on by default). Trust only your load balancer's address.");
            }
        }

        var proxied = config.Ports.Where(p => p.Has("require-proxy-header")).ToList();
        if (proxied.Count == 0)
        {
            return;
        }

        var access = config.AccessList("proxy_protocol_access");
        if (access.Count == 0)
        {
            ctx.Report(proxied[0].Line.Location,
                $"'{proxied[0].Line.Text}' requires the PROXY protocol but no proxy_protocol_access rule allows anyone to send it, so squid denies every connection on this port. Allow your load balancer's address.",
                DiagnosticLevel.Note, 2.0);
            return;
        }

        foreach (var rule in access.Where(r => r.Allow))
        {
            if (TrustsBroadly(config, rule) is { } why)
            {
                ctx.Report(rule.Line.Location,
                    $"'{rule.Line.Text}' accepts PROXY protocol headers from {why}: anyone who reaches the port can state any client address and bypass address-based access control. Allow only the load balancer's address.");
            }
        }
    }

    /// <summary>Why a trust rule covers more than a load balancer: every address, or a very wide src range.</summary>
    private static string? TrustsBroadly(SquidConfig config, SquidAccessRule rule)
    {
        if (rule.Acls.Length == 0)
        {
            return null;
        }

        foreach (var reference in rule.Acls)
        {
            if (config.Acl(reference.Name) is not { } acl)
            {
                return null;
            }

            if (reference.Negated)
            {
                return $"every address outside '{reference.Name}'";
            }

            if (acl.Type != "src")
            {
                continue;
            }

            if (acl.Values.Any(v => v == "all" || SquidAccess.CoversFamily(v, false) || SquidAccess.CoversFamily(v, true)))
            {
                return $"every address ('{reference.Name}')";
            }

            var wide = acl.Values.FirstOrDefault(v => SquidAccess.TryParseNet(v, out var net, out var prefix)
                && prefix <= (net.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 8 : 32));
            if (wide is not null)
            {
                return $"the whole range {wide} ('{reference.Name}')";
            }

            return null;
        }

        return null;
    }
}
