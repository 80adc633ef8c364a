using ConfigLint.Analysis;
using ConfigLint.Rules.Dockerfile;
using ConfigLint.Semantics;
using ConfigLint.Semantics.Dockerfile;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Dockerfile;
using static ConfigLint.Rules.CrossFile.CrossFileFacts;

namespace ConfigLint.Rules.CrossFile;

/// <summary>XF009. Docs: rules/crossfile/XF009.secret-build-arg-in-layers/README.md</summary>
public sealed class SecretBuildArgInLayers : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("XF009", "secret-build-arg-in-layers",
        "Pass build secrets with secret mounts, not build args that reach the image.", null, DiagnosticLevel.Error, 7.5, FixClass.None, "security", "CWE-538", "cross-file");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterDeploymentAction(Check);

    private static void Check(DeploymentContext ctx)
    {
        foreach (var model in ctx.Deployment.Dockerfiles)
        {
            var services = ctx.Deployment.ServicesBuilding(model).ToList();
            foreach (var runtime in ctx.Deployment.RuntimeStages(model))
            {
                foreach (var stage in LayerSources(model, runtime))
                {
                    foreach (var arg in stage.Args.Where(a => DockerFacts.IsSecretName(a.Name) && !DockerFacts.IsKeyFingerprint(a.Value)))
                    {
                        // Who supplies the value: a compose build arg, or --build-arg (an ARG with no default that the build uses must get one).
                        var supplied = services.SelectMany(s => (s.Build?.Args ?? []).Where(b => b.Name == arg.Name).Select(b => (Service: s, Arg: b))).ToList();
                        if (supplied.Count == 0 && arg.Value is not null)
                        {
                            continue;
                        }

                        var use = stage.Instructions.FirstOrDefault(i => i.Command.Keyword is "run" or "env" && model.StageOf(i) == stage
                            && i.Span.Start > arg.Instruction.Span.Start && !MountsSecret(i) && References(i, arg.Name));
                        if (use is null)
                        {
                            continue;
                        }

                        var into = stage == runtime ? "the runtime stage" : $"stage '{stage.Name ?? stage.Index.ToString(System.Globalization.CultureInfo.InvariantCulture)}', whose output the runtime stage copies";
                        var argAt = model.Locate(arg.Instruction, arg.Name);
                        var useAt = model.Locate(use, "$");
                        var related = new List<RelatedLocation>
                        {
                            new(argAt, $"ARG {arg.Name} is declared here."),
                            new(new SourceLocation(model.Tree, use.Span), $"{use.Command.Keyword.ToUpperInvariant()} uses {arg.Name} in {into}: its value, or what is derived from it, lands in a layer."),
                        };
                        var advice = "Use compose build.secrets (or 'docker build --secret') with 'RUN --mount=type=secret', or create the file when the container starts from a runtime secret.";
                        if (supplied.Count > 0)
                        {
                            foreach (var (service, buildArg) in supplied)
                            {
                                ctx.Report(buildArg.Location,
                                    $"Service '{service.Name}' passes the secret build arg {arg.Name} to {model.Tree.Path}, where {At(useAt)} uses it in {into}: the value is recorded in 'docker history' and what the step writes stays in the image. {advice}",
                                    related: related);
                            }
                        }
                        else
                        {
                            ctx.Report(new SourceLocation(model.Tree, use.Span),
                                $"{use.Command.Keyword.ToUpperInvariant()} uses the secret build arg {arg.Name} ({At(argAt)}, given with --build-arg since it has no default) in {into}: the value is recorded in 'docker history' and what the step writes stays in the image. {advice}",
                                related: [related[0]]);
                        }
                    }
                }
            }
        }
    }

    /// <summary>The stages whose layers end up in the image: the runtime stage, the stages it builds on, and those it copies from.</summary>
    private static IEnumerable<DockerStage> LayerSources(DockerfileModel model, DockerStage runtime)
    {
        var seen = new HashSet<DockerStage>();
        for (var s = runtime; s is not null && seen.Add(s); s = s.BaseStage)
        {
            foreach (var copy in s.Instructions.Where(i => i.Command.Keyword == "copy"))
            {
                var from = copy.Command.Flags.FirstOrDefault(f => f.Name == "from")?.Value;
                if (from is not null && model.Stage(from) is { } source)
                {
                    seen.Add(source);
                }
            }
        }

        return seen;
    }

    private static bool MountsSecret(DockerInstructionSyntax run) =>
        run.Command.Flags.Any(f => f.Name == "mount" && (f.Value ?? string.Empty).Contains("type=secret", StringComparison.Ordinal));

    /// <summary>Whether a step names the variable: <c>$NAME</c> (not followed by a name character) or <c>${NAME…}</c>.</summary>
    private static bool References(DockerInstructionSyntax instruction, string name)
    {
        var line = instruction.LogicalLine;
        for (var i = line.IndexOf('$', StringComparison.Ordinal); i >= 0; i = line.IndexOf('$', i + 1))
        {
            var start = i + 1 < line.Length && line[i + 1] == '{' ? i + 2 : i + 1;
            if (string.CompareOrdinal(line, start, name, 0, name.Length) == 0)
            {
                var end = start + name.Length;
                if (end == line.Length || !(char.IsAsciiLetterOrDigit(line[end]) || line[end] == '_'))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
