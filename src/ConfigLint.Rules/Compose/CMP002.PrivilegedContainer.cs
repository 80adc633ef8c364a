using ConfigLint.Analysis;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Compose;

/// <summary>CMP002. Docs: rules/compose/CMP002.privileged-container/README.md</summary>
public sealed class PrivilegedContainer : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("CMP002", "privileged-container",
        "Do not run privileged containers.", Language.Compose, DiagnosticLevel.Error, 8.8, FixClass.None, "security", "CWE-250");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterComposeServiceAction(Check);

    private static void Check(ComposeServiceContext ctx)
    {
        if (ctx.Service.Privileged is { AsBool: true } p)
        {
            ctx.Report(p.Location, $"Service '{ctx.Service.Name}' runs privileged: every capability, every device and no seccomp or AppArmor confinement, which amounts to root on the host; grant only the capabilities it needs with cap_add.");
        }

        if (ctx.Service.Build?.Privileged is { AsBool: true } bp)
        {
            ctx.Report(bp.Location, $"Service '{ctx.Service.Name}' builds with privileged: true, so RUN steps get full host privileges during the build; drop it unless a build step truly needs it.",
                DiagnosticLevel.Note, 4.0);
        }
    }
}
