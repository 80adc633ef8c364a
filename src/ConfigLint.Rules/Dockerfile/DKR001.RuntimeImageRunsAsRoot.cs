using ConfigLint.Analysis;
using ConfigLint.Semantics.Dockerfile;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Dockerfile;

/// <summary>DKR001. Docs: rules/dockerfile/DKR001.runtime-image-runs-as-root/README.md</summary>
public sealed class RuntimeImageRunsAsRoot : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("DKR001", "runtime-image-runs-as-root",
        "Run the runtime stage as a non-root user.", Language.Dockerfile, DiagnosticLevel.Warning, 6.3, FixClass.None, "security", "CWE-250");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterDockerfileAction(Check);

    /// <summary>Whether a base image is known to run as a non-root user by default.</summary>
    public static bool IsKnownNonRootBase(string image)
    {
        var (name, tag, _) = DockerFacts.SplitImage(image.ToLowerInvariant());
        return (name.StartsWith("gcr.io/distroless/", StringComparison.Ordinal) && tag is { } t && t.Contains("nonroot", StringComparison.Ordinal))
            || name.EndsWith("nginxinc/nginx-unprivileged", StringComparison.Ordinal)
            || name.EndsWith("/nginx-unprivileged", StringComparison.Ordinal);
    }

    /// <summary>A USER value that means root: root, 0, root:group, 0:group, or empty (an unset variable).</summary>
    public static bool IsRootUser(string user)
    {
        var name = user.Split(':')[0].Trim();
        return name is "" or "root" or "0";
    }

    private static void Check(DockerfileContext ctx)
    {
        var services = ctx.Deployment.ServicesBuilding(ctx.Model).ToList();
        if (services.Count > 0 && services.All(s => s.User is { } u && !IsRootUser(u.Value)))
        {
            // Every service that runs the image overrides the user (XF007 judges the override).
            return;
        }

        foreach (var stage in ctx.RuntimeStages)
        {
            var drops = DropsPrivileges(ctx.Deployment, ctx.Model, stage);
            var (level, score) = drops is null ? (DiagnosticLevel.Warning, 6.3) : (DiagnosticLevel.Note, 3.5);
            var after = drops is null ? string.Empty : $" {drops}, so the daemon's own processes do not keep root; still prefer a non-root USER.";
            if (stage.User is { } user)
            {
                if (IsRootUser(user.User))
                {
                    var raw = user.Instruction.Command.Args.FirstOrDefault() ?? string.Empty;
                    var what = user.User.Length == 0 ? $"USER '{raw}' expands to nothing, which means root" : $"USER '{user.User}' is root";
                    ctx.Report(DockerFacts.Locate(ctx.Model, user.Instruction, raw),
                        $"{what} in the runtime stage, so the container's main process runs as root.{after}", level, score);
                }

                continue;
            }

            var root = stage.Root;
            if (root.IsScratch || IsKnownNonRootBase(root.BaseImage))
            {
                if (root.IsScratch)
                {
                    ctx.Report(DockerFacts.Locate(ctx.Model, stage.From, stage.From.Command.Args.FirstOrDefault() ?? string.Empty),
                        $"The runtime stage is built FROM scratch with no USER, so its process runs as uid 0; add 'USER 65532:65532' (any non-zero uid).{after}", level, score);
                }

                continue;
            }

            var hint = root.BaseImage.StartsWith("gcr.io/distroless/", StringComparison.OrdinalIgnoreCase)
                ? " Use the distroless ':nonroot' tag or add 'USER 65532:65532' (and --chown the files the process writes)."
                : " Add a USER with a non-root name or a non-zero uid after the last step that needs root.";
            ctx.Report(DockerFacts.Locate(ctx.Model, stage.From, stage.From.Command.Args.FirstOrDefault() ?? string.Empty),
                $"The runtime stage has no USER and its base image '{root.BaseImage}' runs as root, so the container's process runs as root.{hint}{after}", level, score);
        }
    }

    /// <summary>
    /// Whether a runtime stage runs as root: an explicit root USER, or no USER on a base image that runs as root
    /// (scratch included: its process is uid 0).
    /// </summary>
    public static bool RunsAsRoot(DockerStage stage) =>
        stage.User is { } user ? IsRootUser(user.User) : !IsKnownNonRootBase(stage.Root.BaseImage);

    /// <summary>Evidence that the daemon in the image drops root itself (torrc User, official nginx image).</summary>
    public static string? DropsPrivileges(Semantics.Deployment deployment, DockerfileModel model, DockerStage stage)
    {
        if (deployment.TorConfigsOf(model).Select(c => c.Last("User")).FirstOrDefault(u => u is not null && u.Value is not ("" or "root")) is { } user)
        {
            return $"its torrc sets 'User {user.Value}'";
        }

        var (name, _, _) = DockerFacts.SplitImage(stage.Root.BaseImage.ToLowerInvariant());
        if (name is "nginx" or "library/nginx" or "docker.io/library/nginx")
        {
            return "the official nginx image runs its workers as 'nginx'";
        }

        // squid switches to cache_effective_user (a non-root default) after binding its ports.
        var runsSquid = stage.Instructions.Concat(stage.Root.Instructions)
            .Any(i => i.Command.Keyword is "cmd" or "entrypoint" && i.Command.Args.Any(a => a.Contains("squid", StringComparison.Ordinal)));
        return runsSquid ? "squid drops to its cache_effective_user after start-up" : null;
    }
}
