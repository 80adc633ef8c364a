using ConfigLint.Analysis;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Compose;

/// <summary>CMP007. Docs: rules/compose/CMP007.service-runs-as-root/README.md</summary>
public sealed class ServiceRunsAsRoot : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("CMP007", "service-runs-as-root",
        "Do not set a service's user to root.", Language.Compose, DiagnosticLevel.Warning, 6.3, FixClass.None, "security", "CWE-250");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterComposeServiceAction(Check);

    private static void Check(ComposeServiceContext ctx)
    {
        if (ctx.Service.User is not { } user)
        {
            return;
        }

        var name = user.Value.Split(':')[0].Trim();
        if (name is "root" or "0")
        {
            ctx.Report(user.Location, $"Service '{ctx.Service.Name}' runs as '{user.Value}', so a compromise of the process is root inside the container and one kernel bug away from the host; run it as an unprivileged user.");
        }
    }
}
