using ConfigLint.Analysis;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Dockerfile;

/// <summary>DKR003. Docs: rules/dockerfile/DKR003.secrets-in-arg-or-env/README.md</summary>
public sealed class SecretsInArgOrEnv : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("DKR003", "secrets-in-arg-or-env",
        "Do not pass secrets through ARG or ENV.", Language.Dockerfile, DiagnosticLevel.Error, 7.5, FixClass.None, "security", "CWE-798");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterDockerfileAction(Check);

    private static void Check(DockerfileContext ctx)
    {
        var runtime = ctx.RuntimeStages.ToHashSet();
        var reported = new HashSet<(object, string)>();
        foreach (var global in ctx.Model.GlobalArgs.Where(a => DockerFacts.IsSecretName(a.Name) && !DockerFacts.IsKeyFingerprint(a.Value)))
        {
            var usedInRuntime = runtime.Any(s => s.Args.Any(a => a.Name == global.Name));
            if (!usedInRuntime && reported.Add((global.Instruction, global.Name)))
            {
                ctx.Report(DockerFacts.Locate(ctx.Model, global.Instruction, global.Name),
                    $"ARG '{global.Name}' looks like a secret; build arguments end up in build logs and provenance attestations; use 'RUN --mount=type=secret' and compose build secrets.",
                    DiagnosticLevel.Warning, 5.3);
            }
        }

        foreach (var stage in ctx.Model.Stages)
        {
            var isRuntime = runtime.Contains(stage);
            foreach (var arg in stage.Args.Where(a => DockerFacts.IsSecretName(a.Name) && !DockerFacts.IsKeyFingerprint(a.Value)))
            {
                if (reported.Add((arg.Instruction, arg.Name)))
                {
                    ctx.Report(DockerFacts.Locate(ctx.Model, arg.Instruction, arg.Name), isRuntime
                            ? $"ARG '{arg.Name}' looks like a secret and is used in the runtime stage, so its value shows in 'docker history' and provenance; use 'RUN --mount=type=secret' and compose build secrets."
                            : $"ARG '{arg.Name}' looks like a secret; even in a builder stage it ends up in build logs and provenance attestations; use 'RUN --mount=type=secret'.",
                        isRuntime ? DiagnosticLevel.Error : DiagnosticLevel.Warning, isRuntime ? 7.5 : 5.3);
                }
            }

            foreach (var env in stage.Env.Values.Where(e => DockerFacts.IsSecretName(e.Name) && !DockerFacts.IsKeyFingerprint(e.Value) && ctx.Model.StageOf(e.Instruction) == stage))
            {
                if (reported.Add((env.Instruction, env.Name)))
                {
                    ctx.Report(DockerFacts.Locate(ctx.Model, env.Instruction, env.Name), isRuntime
                            ? $"ENV '{env.Name}' looks like a secret and persists in the runtime image's config, readable by anyone who can pull the image; pass it at run time as a secret."
                            : $"ENV '{env.Name}' looks like a secret; it is stored in the builder stage's layers; use 'RUN --mount=type=secret'.",
                        isRuntime ? DiagnosticLevel.Error : DiagnosticLevel.Warning, isRuntime ? 7.5 : 5.3);
                }
            }
        }
    }
}
