using ConfigLint.Analysis;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Nginx;

/// <summary>NGX002. Docs: rules/nginx/NGX002.directory-listing-enabled/README.md</summary>
public sealed class DirectoryListingEnabled : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("NGX002", "directory-listing-enabled",
        "Do not enable autoindex on content that is not meant to be browsed.", Language.Nginx, DiagnosticLevel.Warning, 5.3, FixClass.None, "security", "CWE-548");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterNginxConfigAction(Check);

    private static void Check(NginxConfigContext ctx)
    {
        foreach (var line in ctx.Config.Named("autoindex").Where(n => NginxFacts.IsOn(n)))
        {
            var block = line.Parent!;
            var guarded = block.Ancestors().Prepend(block).Any(b =>
                (b.Own("auth_basic") is { } auth && !auth.Arg(0).Equals("off", StringComparison.OrdinalIgnoreCase))
                || b.Directives("deny").Any(d => d.Arg(0) == "all"));
            if (guarded)
            {
                ctx.Report(line.Location, "'autoindex on' lists directory contents, behind authentication or an address allow-list here; make sure the listing is meant for those users.",
                    DiagnosticLevel.Note, 2.0);
            }
            else
            {
                ctx.Report(line.Location, "'autoindex on' lists every file in the directory to anyone: backups, keys and files you did not mean to publish become easy to find. Turn it off unless the listing is the point.");
            }
        }
    }
}
