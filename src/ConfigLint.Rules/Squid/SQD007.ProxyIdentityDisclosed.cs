using ConfigLint.Analysis;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Squid;

/// <summary>SQD007. Docs: rules/squid/SQD007.proxy-identity-disclosed/README.md</summary>
public sealed class ProxyIdentityDisclosed : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("SQD007", "proxy-identity-disclosed",
        "Suppress the version string and set visible_hostname.", Language.Squid, DiagnosticLevel.Warning, 4.3, FixClass.Safe, "security", "privacy", "CWE-200");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterSquidConfigAction(Check);

    private static void Check(SquidConfigContext ctx)
    {
        var config = ctx.Config;
        var (suppress, suppressLine) = SquidFacts.Scalar(config, "httpd_suppress_version_string", "off");
        if (suppress != "on")
        {
            ctx.Report(suppressLine?.Location ?? config.FileStart,
                $"{(suppressLine is null ? "'httpd_suppress_version_string' is not set" : $"'{suppressLine.Text}'")}: error pages, Via and generated responses show the exact squid version, which tells attackers which vulnerabilities to try. Set 'httpd_suppress_version_string on'.",
                DiagnosticLevel.Note, 3.7,
                fix: Fix.Safe("set 'httpd_suppress_version_string on'", SquidFixes.Set(config, suppressLine, "httpd_suppress_version_string", "on")));
        }

        if (config.Last("visible_hostname") is null)
        {
            ctx.Report(config.FileStart,
                "'visible_hostname' is not set, so squid uses the machine's hostname in error pages, Via and X-Cache headers: in Docker the container ID, on EC2/ECS a name like 'ip-10-0-1-23' that reveals the internal address. Set 'visible_hostname proxy'.",
                fix: new Fix("set 'visible_hostname proxy'", config.CachePeers.Length == 0 ? FixApplicability.Safe : FixApplicability.Unsafe,
                    [SquidFixes.Append(config, "visible_hostname proxy")]));
        }
    }
}
