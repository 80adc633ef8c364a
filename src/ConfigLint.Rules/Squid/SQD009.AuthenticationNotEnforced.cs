using ConfigLint.Analysis;
using ConfigLint.Semantics.Squid;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Squid;

/// <summary>SQD009. Docs: rules/squid/SQD009.authentication-not-enforced/README.md</summary>
public sealed class AuthenticationNotEnforced : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("SQD009", "authentication-not-enforced",
        "Require proxy_auth in http_access before any broad allow.", Language.Squid, DiagnosticLevel.Error, 9.1, FixClass.None, "security", "CWE-306");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterSquidConfigAction(Check);

    private static void Check(SquidConfigContext ctx)
    {
        var config = ctx.Config;
        var program = config.AuthParams.FirstOrDefault(a => a.Parameter == "program");
        if (program is null)
        {
            return;
        }

        var live = SquidFacts.LiveRules(config);
        var authIndex = live.FindIndex(r => r.Acls.Any(a => SquidAccess.RequiresAuth(config, a.Name)));
        if (authIndex < 0)
        {
            ctx.Report(program.Line.Location,
                $"'{program.Line.Text}' sets up {program.Scheme} authentication, but no http_access line uses a proxy_auth ACL: auth_param does not turn authentication on by itself, so clients are never asked to log in. Add 'acl authenticated proxy_auth REQUIRED' and 'http_access allow authenticated' (or 'http_access deny !authenticated') before the other allows.");
            return;
        }

        var early = live.Take(authIndex).FirstOrDefault(r => r.Allow && !r.Acls.Any(a => a.Name is "localhost" or "manager"));
        if (early is not null)
        {
            ctx.Report(early.Line.Location,
                $"'{early.Line.Text}' allows requests before the authentication rule '{live[authIndex].Line.Text}', so the clients it matches never have to log in. Move the authentication rule above it.");
        }

        foreach (var port in config.Ports.Where(p => p.IsIntercept))
        {
            ctx.Report(port.Line.Location,
                $"'{port.Line.Text}' is an interception port, and squid disables authentication on intercept/tproxy ports: the proxy_auth rules never challenge these clients. Restrict this port by source address instead.");
        }
    }
}
