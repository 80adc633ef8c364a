using ConfigLint.Analysis;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Squid;

/// <summary>SQD010. Docs: rules/squid/SQD010.weak-proxy-credentials/README.md</summary>
public sealed class WeakProxyCredentials : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("SQD010", "weak-proxy-credentials",
        "Do not send Basic proxy credentials over plain HTTP; prefer TLS to Digest.", Language.Squid, DiagnosticLevel.Warning, 6.8, FixClass.None, "security", "CWE-319");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterSquidConfigAction(Check);

    private static void Check(SquidConfigContext ctx)
    {
        var config = ctx.Config;
        var plain = config.Ports.Where(p => !p.IsHttps).ToList();
        var basic = config.AuthParams.FirstOrDefault(a => a.Scheme == "basic");
        if (basic is not null && (plain.Count > 0 || config.Ports.Length == 0))
        {
            var port = plain.FirstOrDefault();
            if (port is not null && port.Has("require-proxy-header"))
            {
                ctx.Report(basic.Line.Location,
                    $"Basic proxy credentials arrive on '{port.Line.Text}' in cleartext (base64). Behind a TLS-terminating load balancer the client's leg is encrypted, but the balancer-to-squid leg is not.",
                    DiagnosticLevel.Note, 3.7);
            }
            else
            {
                ctx.Report(basic.Line.Location,
                    $"Basic authentication sends the user name and password base64-encoded, in cleartext, on {(port is null ? "squid's default plain HTTP port" : $"'{port.Line.Text}'")}: anyone on the path can read them. Serve authenticated clients on an https_port.");
            }
        }

        var digest = config.AuthParams.FirstOrDefault(a => a.Scheme == "digest");
        if (digest is not null)
        {
            ctx.Report(digest.Line.Location,
                "Digest authentication is MD5-based: a captured exchange, or the digest password file, allows offline password cracking. Prefer Basic over TLS (https_port) or Negotiate.",
                DiagnosticLevel.Note, 3.7);
        }
    }
}
