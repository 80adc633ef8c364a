using System.Text.RegularExpressions;
using ConfigLint.Analysis;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Dockerfile;

/// <summary>DKR002. Docs: rules/dockerfile/DKR002.mutable-base-image/README.md</summary>
public sealed partial class MutableBaseImage : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("DKR002", "mutable-base-image",
        "Pin base images and the security daemons you install.", Language.Dockerfile, DiagnosticLevel.Warning, 4.0, FixClass.None, "security", "CWE-494");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterDockerfileAction(Check);

    private static void Check(DockerfileContext ctx)
    {
        foreach (var stage in ctx.Model.Stages)
        {
            var image = stage.BaseImage;
            var raw = stage.From.Command.Args.FirstOrDefault() ?? string.Empty;
            if (stage.BaseStage is null && !stage.IsScratch && image.Length > 0 && !image.Contains('$', StringComparison.Ordinal))
            {
                var (_, tag, digest) = DockerFacts.SplitImage(image);
                if (digest is null && (tag is null || tag.Equals("latest", StringComparison.OrdinalIgnoreCase)))
                {
                    var why = tag is null ? "has no tag, so it means ':latest'" : "uses ':latest'";
                    ctx.Report(DockerFacts.Locate(ctx.Model, stage.From, raw),
                        $"Base image '{image}' {why} and changes whenever the registry moves it; pin a version tag or a digest.");
                }
            }

            foreach (var instruction in stage.Instructions.Where(i => i.Command.Keyword == "run"))
            {
                // Here-document bodies are the script RUN executes.
                var text = string.Join(' ', instruction.Command.Args.Concat(instruction.Heredocs.Select(h => h.Content)));
                var unpinned = new List<string>();
                foreach (Match install in Install().Matches(text))
                {
                    foreach (var word in install.Groups["args"].Value.Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries))
                    {
                        if (Daemon().IsMatch(word))
                        {
                            unpinned.Add(word);
                        }
                    }
                }

                if (unpinned.Count > 0)
                {
                    ctx.Report(DockerFacts.Locate(ctx.Model, instruction, unpinned[0]),
                        $"'{string.Join("', '", unpinned.Distinct())}' {(unpinned.Distinct().Count() == 1 ? "is" : "are")} installed without a version, so the daemon's version (and which defaults apply) is unknown; pin it ('{unpinned[0]}=<version>' for apt and apk).",
                        DiagnosticLevel.Note, 2.0);
                }
            }
        }
    }

    /// <summary>Package-manager installs; the arguments run to the next shell operator.</summary>
    [GeneratedRegex(@"\b(?:apk\s+(?:--?[\w-]+\s+)*add|apt-get\s+(?:-[\w-]+\s+)*install|apt\s+(?:-[\w-]+\s+)*install|yum\s+(?:-[\w-]+\s+)*install|dnf\s+(?:-[\w-]+\s+)*install)\b(?<args>[^;&|\n]*)")]
    private static partial Regex Install();

    /// <summary>A daemon package name with no version pin.</summary>
    [GeneratedRegex("^(tor|squid|squid-openssl|nginx|nginx-full|nginx-light|obfs4proxy|lyrebird)$")]
    private static partial Regex Daemon();
}
