using ConfigLint.Analysis;
using ConfigLint.Semantics.Dockerfile;
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

        // A compose service that sets its own command runs whatever that is: judge the image as a service.
        var overridden = services.Any(s => s.Command.Length > 0 || s.Entrypoint.Length > 0);
        foreach (var stage in ctx.RuntimeStages.Where(s => s.Healthcheck is null))
        {
            // Only a long-running service has a health to check: a base image to build on (the Docker Official Images
            // leave HEALTHCHECK out for that reason), a one-shot tool and a build-output stage do not.
            var purpose = ctx.Deployment.ImageRunOf(stage) is { } run && !overridden ? run.Purpose(Exposes(stage)) : ImagePurpose.Service;
            if (purpose != ImagePurpose.Service)
            {
                continue;
            }

            ctx.Report(DockerFacts.Locate(ctx.Model, stage.From, stage.From.Command.Args.FirstOrDefault() ?? string.Empty),
                "The runtime stage has no HEALTHCHECK and no compose service adds one, so a hung daemon looks healthy to Docker; add HEALTHCHECK (or 'HEALTHCHECK NONE' to say so deliberately).");
        }
    }

    /// <summary>Whether the stage or a stage it builds on EXPOSEs a port (it serves something).</summary>
    private static bool Exposes(DockerStage stage)
    {
        for (var s = stage; s is not null; s = s.BaseStage)
        {
            if (s.Instructions.Any(i => i.Command.Keyword == "expose"))
            {
                return true;
            }
        }

        return false;
    }
}
