using ConfigLint.Analysis;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Compose;

/// <summary>CMP008. Docs: rules/compose/CMP008.secrets-in-build-args-or-env/README.md</summary>
public sealed class SecretsInBuildArgsOrEnv : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("CMP008", "secrets-in-build-args-or-env",
        "Pass secrets with compose secrets, not build args or literal environment values.", Language.Compose, DiagnosticLevel.Error, 7.5, FixClass.None, "security", "CWE-798");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterComposeServiceAction(Check);

    private static void Check(ComposeServiceContext ctx)
    {
        var service = ctx.Service;
        foreach (var arg in service.Build?.Args ?? [])
        {
            if (ComposeFacts.IsSecretName(arg.Name))
            {
                ctx.Report(arg.Location, $"Build arg '{arg.Name}' looks like a secret; build args are stored in the image history and provenance; use build secrets ('build.secrets' with 'RUN --mount=type=secret').",
                    DiagnosticLevel.Error, 7.5);
            }
        }

        foreach (var env in service.Environment)
        {
            if (!ComposeFacts.IsSecretName(env.Name) || env.Value is null || (env.Value.Length == 0 && !env.Interpolated))
            {
                continue;
            }

            // The fix itself: a *_FILE variable naming a file (compose secrets land in /run/secrets/).
            if (env.Value.StartsWith("/run/secrets/", StringComparison.Ordinal)
                || (env.Name.EndsWith("_FILE", StringComparison.OrdinalIgnoreCase) && env.Value.StartsWith('/')))
            {
                continue;
            }

            if (env.Interpolated)
            {
                ctx.Report(env.Location, $"Environment variable '{env.Name}' carries a secret from the host environment; it is still visible in 'docker inspect'; prefer compose secrets and a '{env.Name}_FILE' variable.",
                    DiagnosticLevel.Note, 3.0);
            }
            else
            {
                ctx.Report(env.Location, $"Environment variable '{env.Name}' holds a literal secret, committed in plain text and visible in 'docker inspect'; move it to a compose secret and read it from /run/secrets/.",
                    DiagnosticLevel.Warning, 5.5);
            }
        }
    }
}
