using ConfigLint.Analysis;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Dockerfile;

/// <summary>DKR006. Docs: rules/dockerfile/DKR006.no-healthcheck/README.md</summary>
public sealed class NoHealthcheck : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("DKR006", "no-healthcheck",
        "Give the runtime image a HEALTHCHECK (or the compose service a healthcheck).", Language.Dockerfile, DiagnosticLevel.Note, 2.0, FixClass.None, "security");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterDockerfileAction(Check);

    private static void Check(DockerfileContext ctx)
    {
        var services = ctx.Deployment.ServicesBuilding(ctx.Model).ToList();
        if (services.Count > 0 && services.All(s => s.Healthcheck is not null))
        {
            return;
        }

        foreach (var stage in ctx.RuntimeStages.Where(s => s.Healthcheck is null))
        {
            ctx.Report(DockerFacts.Locate(ctx.Model, stage.From, stage.From.Command.Args.FirstOrDefault() ?? string.Empty),
                "The runtime stage has no HEALTHCHECK and no compose service adds one, so a hung daemon looks healthy to Docker; add HEALTHCHECK (or 'HEALTHCHECK NONE' to say so deliberately).");
        }
    }
}
