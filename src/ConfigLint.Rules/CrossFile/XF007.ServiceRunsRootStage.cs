using ConfigLint.Analysis;
using ConfigLint.Rules.Compose;
using ConfigLint.Rules.Dockerfile;
using ConfigLint.Semantics;
using ConfigLint.Syntax;
using static ConfigLint.Rules.CrossFile.CrossFileFacts;

namespace ConfigLint.Rules.CrossFile;

/// <summary>XF007. Docs: rules/crossfile/XF007.service-runs-root-stage/README.md</summary>
public sealed class ServiceRunsRootStage : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("XF007", "service-runs-root-stage",
        "Give a service built from a root runtime stage a non-root user.", null, DiagnosticLevel.Warning, 6.3, FixClass.None, "security", "CWE-250", "cross-file");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterDeploymentAction(Check);

    private static void Check(DeploymentContext ctx)
    {
        foreach (var image in ctx.Deployment.Images.Where(i => i.Dockerfile is not null && i.RuntimeStage is not null && i.Service.User is null))
        {
            var service = image.Service;
            var model = image.Dockerfile!;
            var stage = image.RuntimeStage!;
            if (!RuntimeImageRunsAsRoot.RunsAsRoot(stage))
            {
                continue;
            }

            var evidence = stage.User is { } user
                ? new RelatedLocation(model.Locate(user.Instruction, user.Instruction.Command.Args.FirstOrDefault() ?? string.Empty), $"USER '{user.User}' in the runtime stage is root.")
                : new RelatedLocation(model.Locate(stage.From, stage.From.Command.Args.FirstOrDefault() ?? string.Empty), $"The runtime stage ('{stage.Root.BaseImage}') sets no USER, so it runs as root.");
            var stageName = stage.Name is { } name ? $"stage '{name}'" : "the last stage";
            var why = $"Service '{service.Name}' runs {stageName} ({At(evidence.Location)}), which runs as root, and compose sets no 'user:'";

            var risks = Risks(service).ToList();
            var drops = RuntimeImageRunsAsRoot.DropsPrivileges(ctx.Deployment, model, stage);
            if (risks.Count > 0)
            {
                ctx.Report(ComposeFacts.Anchor(service),
                    $"{why}, and it also has {string.Join(", ", risks)}: a compromise of the process is a compromise of the host. Set 'user:' to a non-root uid (for example \"65532:65532\") with matching file ownership, or add a non-root USER to the stage.",
                    DiagnosticLevel.Error, 7.8, [evidence]);
            }
            else if (drops is not null)
            {
                ctx.Report(ComposeFacts.Anchor(service),
                    $"{why}; {drops}, so the daemon's own processes do not keep root. A non-root 'user:' still limits what the entrypoint runs as root.",
                    DiagnosticLevel.Note, 3.5, [evidence]);
            }
            else
            {
                ctx.Report(ComposeFacts.Anchor(service),
                    $"{why}, so the container's process runs as root. Set 'user:' to a non-root uid (for example \"65532:65532\") with matching file ownership, or add a non-root USER to the stage.",
                    related: [evidence]);
            }
        }
    }

    /// <summary>What makes root in this container root on the host: privileged mode, dangerous capabilities, the engine socket, host namespaces.</summary>
    private static IEnumerable<string> Risks(Semantics.Compose.ComposeService service)
    {
        if (service.Privileged?.AsBool == true)
        {
            yield return "'privileged: true'";
        }

        var caps = service.CapAdd.Select(c => Semantics.Compose.ComposeLoader.CapName(c.Value)).Where(c => DangerousCapabilities.Critical.Contains(c) || DangerousCapabilities.Risky.Contains(c)).ToList();
        if (caps.Count > 0)
        {
            yield return $"cap_add {string.Join(", ", caps)}";
        }

        if (service.HostMounts.Any(m => EngineSocketExposed.IsEngineSocket(m.Source)))
        {
            yield return "the Docker socket mounted";
        }

        var namespaces = new[] { ("network_mode", service.NetworkMode?.Value), ("pid", service.Pid?.Value), ("ipc", service.Ipc?.Value) }.Where(n => n.Item2 == "host").Select(n => $"{n.Item1}: host").ToList();
        if (namespaces.Count > 0)
        {
            yield return string.Join(", ", namespaces);
        }
    }
}
