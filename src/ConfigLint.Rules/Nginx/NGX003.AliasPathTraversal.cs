using ConfigLint.Analysis;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Nginx;

/// <summary>NGX003. Docs: rules/nginx/NGX003.alias-path-traversal/README.md</summary>
public sealed class AliasPathTraversal : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("NGX003", "alias-path-traversal",
        "End a prefix location's path with '/' when its alias does.", Language.Nginx, DiagnosticLevel.Error, 7.5, FixClass.None, "security", "CWE-22");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterNginxConfigAction(Check);

    private static void Check(NginxConfigContext ctx)
    {
        foreach (var alias in ctx.Config.Named("alias").Where(n => n.Parent?.Name == "location"))
        {
            var location = alias.Parent!;
            var (modifier, path) = location.Args.Count >= 2 ? (location.Arg(0), location.Arg(1)) : (string.Empty, location.Arg(0));
            if (modifier is "~" or "~*" or "=" || path.StartsWith('@') || path.EndsWith('/') || path.Length == 0)
            {
                continue;
            }

            var target = alias.Arg(0);
            if (target.EndsWith('/'))
            {
                ctx.Report(alias.Location,
                    $"'location {location.Args.Aggregate((a, b) => a + " " + b)}' does not end with '/' but '{alias.Text}' does: '{path}../' maps to '{target}../', one level above the alias, so files outside it can be read. Add the trailing '/' to the location (or remove it from the alias).");
            }
            else
            {
                ctx.Report(alias.Location,
                    $"'location {location.Args.Aggregate((a, b) => a + " " + b)}' without a trailing '/' also matches '{path}xyz', which maps to '{target}xyz': a sibling of the aliased path. Align the trailing slashes of the location and the alias.",
                    DiagnosticLevel.Warning, 5.3);
            }
        }
    }
}
