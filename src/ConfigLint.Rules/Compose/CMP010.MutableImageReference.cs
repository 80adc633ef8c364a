using ConfigLint.Analysis;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Compose;

/// <summary>CMP010. Docs: rules/compose/CMP010.mutable-image-reference/README.md</summary>
public sealed class MutableImageReference : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("CMP010", "mutable-image-reference",
        "Pin images to a version tag or digest.", Language.Compose, DiagnosticLevel.Warning, 4.0, FixClass.None, "security", "CWE-494");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterComposeServiceAction(Check);

    private static void Check(ComposeServiceContext ctx)
    {
        if (ctx.Service.Build is not null || ctx.Service.Image is not { } image || image.Value.Length == 0)
        {
            return;
        }

        var reference = image.Value.Trim();
        if (reference.Contains('@', StringComparison.Ordinal))
        {
            return;
        }

        var lastSegment = reference[(reference.LastIndexOf('/') + 1)..];
        var colon = lastSegment.LastIndexOf(':');
        var tag = colon >= 0 ? lastSegment[(colon + 1)..] : null;
        if (tag is null)
        {
            ctx.Report(image.Location, $"Image '{reference}' has no tag, so it means ':latest' and changes whenever the registry moves it; pin a version tag or a digest.");
        }
        else if (tag.Equals("latest", StringComparison.OrdinalIgnoreCase))
        {
            ctx.Report(image.Location, $"Image '{reference}' uses ':latest', which changes whenever the registry moves it; pin a version tag or a digest.");
        }
        else if (MovingTags.Contains(tag.Split('-')[0]))
        {
            ctx.Report(image.Location, $"Image '{reference}' uses the channel tag ':{tag}', which the registry re-points at each release (like ':latest'); pin a version tag or a digest.");
        }
    }

    /// <summary>Channel tags that registries move from release to release (alone or with a variant: 'mainline-alpine', 'stable-slim').</summary>
    private static readonly HashSet<string> MovingTags = new(StringComparer.OrdinalIgnoreCase)
    {
        "lts", "stable", "edge", "mainline", "nightly", "dev", "develop", "devel", "master", "main", "rolling", "current", "testing", "unstable", "canary", "beta", "rc", "next",
    };
}
