using ConfigLint.Analysis;
using ConfigLint.Semantics.Nginx;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Nginx;

/// <summary>NGX004. Docs: rules/nginx/NGX004.nested-add-header-drops-parent/README.md</summary>
public sealed class NestedAddHeaderDropsParent : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("NGX004", "nested-add-header-drops-parent",
        "Repeat the parent's security headers where a block adds its own add_header.", Language.Nginx, DiagnosticLevel.Warning, 5.4, FixClass.Conditional, "security", "CWE-693");

    private static readonly string[] SecurityHeaders =
        ["X-Frame-Options", "X-Content-Type-Options", "Content-Security-Policy", "Strict-Transport-Security", "Referrer-Policy", "Permissions-Policy", "Cache-Control"];

    private static readonly Version MergeSince = new(1, 29, 3);

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterNginxConfigAction(Check);

    private static void Check(NginxConfigContext ctx)
    {
        var config = ctx.Config;
        foreach (var block in config.All.Where(n => n.Name is "server" or "location" or "if" && n.IsBlock))
        {
            var own = block.Directives("add_header").ToList();
            if (own.Count == 0 || block.Parent is null)
            {
                continue;
            }

            if (NginxConfig.Effective(block, "add_header_inherit") is { } inherit && inherit.Arg(0) == "merge"
                && (config.NginxVersion is null || config.NginxVersion >= MergeSince))
            {
                continue;
            }

            var (level, parentLines) = NginxConfig.EffectiveArray(block.Parent, "add_header");
            var declared = own.Select(l => l.Arg(0)).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var missing = parentLines.Where(l => SecurityHeaders.Contains(l.Arg(0), StringComparer.OrdinalIgnoreCase) && !declared.Contains(l.Arg(0))).ToList();
            if (missing.Count == 0)
            {
                continue;
            }

            // The level may be the http{} of the project's nginx.conf a fragment is read under: name that file.
            var line = level!.IsRoot ? 0 : level.Location.LineSpan.Start.Line + 1;
            var where = level.IsRoot ? level.Name : level.Tree != block.Tree ? $"{level.Name} block in {level.Tree!.Path} (line {line})" : $"{level.Name} at line {line}";
            ctx.Report(own[0].Location,
                $"This {block.Name} block has its own add_header, so nginx drops every add_header of the enclosing {where}: {string.Join(", ", missing.Select(m => m.Arg(0)))} {(missing.Count == 1 ? "is" : "are")} not sent here. Repeat {(missing.Count == 1 ? "it" : "them")} in this block{(config.NginxVersion is { } v && v >= MergeSince ? " or add 'add_header_inherit merge;'" : string.Empty)}.",
                related: level.Tree == block.Tree ? null : missing.Select(m => new RelatedLocation(m.Location, $"'{m.Text}' is not inherited by the {block.Name} block in {block.Tree!.Path} (line {block.Location.LineSpan.Start.Line + 1}).")),
                fix: config.NginxVersion is { } known && known >= MergeSince
                    ? Fix.Safe("add 'add_header_inherit merge;'", NginxFixes.Before(own[0], "add_header_inherit merge;"))
                    : Fix.Safe($"repeat {string.Join(", ", missing.Select(m => m.Arg(0)))} in this block",
                        NginxFixes.Before(own[0], [.. missing.Select(m => m.Tree!.Text.ToString(m.Directive!.Span))])));
        }

        foreach (var line in config.Named("add_header").Where(n => SecurityHeaders.Contains(n.Arg(0), StringComparer.OrdinalIgnoreCase) && n.Args.Count >= 2 && n.Arg(n.Args.Count - 1) != "always"))
        {
            ctx.Report(line.Location,
                $"'{line.Text}' has no 'always', so nginx omits {line.Arg(0)} from error responses (4xx/5xx), where it matters too. Add 'always'.",
                DiagnosticLevel.Note, 2.0);
        }
    }
}
