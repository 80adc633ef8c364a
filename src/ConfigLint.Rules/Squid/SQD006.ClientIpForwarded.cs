using ConfigLint.Analysis;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Squid;

/// <summary>SQD006. Docs: rules/squid/SQD006.client-ip-forwarded/README.md</summary>
public sealed class ClientIpForwarded : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("SQD006", "client-ip-forwarded",
        "Use 'forwarded_for delete' on forward proxies.", Language.Squid, DiagnosticLevel.Warning, 6.5, FixClass.Conditional, "security", "privacy", "CWE-200");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterSquidConfigAction(Check);

    private static void Check(SquidConfigContext ctx)
    {
        var config = ctx.Config;
        if (!config.IsForwardProxy || SquidFacts.StripLine(config, "X-Forwarded-For", request: true) is not null)
        {
            return;
        }

        var (value, line) = SquidFacts.Scalar(config, "forwarded_for", "on");
        var location = line?.Location ?? config.FileStart;
        var setting = line is null ? "'forwarded_for' is not set, so it is on" : $"'{line.Text}'";

        // Condition: a forward proxy only; behind an accel port a backend may rely on X-Forwarded-For.
        var fix = new Fix("set 'forwarded_for delete'", config.Ports.Any(p => p.IsAccel) ? FixApplicability.Unsafe : FixApplicability.Safe,
            [SquidFixes.Set(config, line, "forwarded_for", "delete")]);
        switch (value)
        {
            case "on":
                ctx.Report(location, $"{setting}: every request tells the destination the client's IP address in X-Forwarded-For. Use 'forwarded_for delete'.", fix: fix);
                break;
            case "truncate":
                ctx.Report(location, $"{setting}: X-Forwarded-For still carries the client's IP address (as its only entry). Use 'forwarded_for delete'.", fix: fix);
                break;
            case "off":
                ctx.Report(location, $"{setting} sends 'X-Forwarded-For: unknown', which still tells every site a proxy is in use. Use 'forwarded_for delete'.",
                    DiagnosticLevel.Note, 2.5, fix: fix);
                break;
            case "transparent":
                ctx.Report(location, $"{setting} passes a client-supplied X-Forwarded-For through untouched, so whatever the client or an earlier proxy put there reaches the destination. Use 'forwarded_for delete'.",
                    DiagnosticLevel.Note, 3.1, fix: fix);
                break;
        }
    }
}
