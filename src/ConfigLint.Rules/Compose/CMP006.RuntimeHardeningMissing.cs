using ConfigLint.Analysis;
using Microsoft.CodeAnalysis.Text;
using ConfigLint.Syntax.Compose;
using ConfigLint.Semantics.Compose;
using ConfigLint.Analysis.Fixing;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Compose;

/// <summary>CMP006. Docs: rules/compose/CMP006.runtime-hardening-missing/README.md</summary>
public sealed class RuntimeHardeningMissing : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("CMP006", "runtime-hardening-missing",
        "Keep seccomp, AppArmor and SELinux on; set no-new-privileges and a read-only root.", Language.Compose, DiagnosticLevel.Warning, 6.5, FixClass.Conditional, "security", "CWE-693");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterComposeServiceAction(Check);

    private static void Check(ComposeServiceContext ctx)
    {
        var service = ctx.Service;
        var noNewPrivileges = false;
        foreach (var opt in service.SecurityOpt)
        {
            var v = opt.Value.Replace('=', ':').Trim();
            var (level, score, what) = v.ToLowerInvariant() switch
            {
                "seccomp:unconfined" => (DiagnosticLevel.Warning, 6.5, "turns off the seccomp system-call filter"),
                "apparmor:unconfined" => (DiagnosticLevel.Warning, 6.0, "turns off the AppArmor profile"),
                "label:disable" => (DiagnosticLevel.Warning, 5.0, "turns off SELinux labelling"),
                _ => (DiagnosticLevel.None, 0.0, string.Empty),
            };
            if (level != DiagnosticLevel.None)
            {
                ctx.Report(opt.Location, $"Service '{service.Name}' sets security_opt '{opt.Value}', which {what}; remove it.", level, score);
            }

            if (v.Equals("no-new-privileges", StringComparison.OrdinalIgnoreCase) || v.Equals("no-new-privileges:true", StringComparison.OrdinalIgnoreCase))
            {
                noNewPrivileges = true;
            }
        }

        // Everything the service's hardening lacks, in one finding (CMP003's cap_drop note and the two settings here
        // used to be three parallel streams on almost every service).
        var readOnly = service.ReadOnly?.AsBool == true;
        var missing = new List<string>();
        if (!DangerousCapabilities.DropsAll(service))
        {
            missing.Add("'cap_drop: [ALL]' (it keeps Docker's default capabilities; add back with cap_add only what it needs)");
        }

        if (!noNewPrivileges)
        {
            missing.Add("'security_opt: [\"no-new-privileges:true\"]' (setuid binaries can regain privileges)");
        }

        if (!readOnly)
        {
            missing.Add("'read_only: true' (the root filesystem stays writable)");
        }

        if (missing.Count > 0)
        {
            var list = missing.Count == 1 ? missing[0] : string.Join(", ", missing.Take(missing.Count - 1)) + " or " + missing[^1];
            ctx.Report(service.NameLocation, $"Service '{service.Name}' does not set {list}.",
                DiagnosticLevel.Note, noNewPrivileges ? 2.5 : 3.0, fix: noNewPrivileges ? null : NoNewPrivilegesFix(service));
        }
    }

    /// <summary>
    /// Adds <c>no-new-privileges:true</c> to the service in the file that names it: a new item of a block-style
    /// security_opt list, or a new <c>security_opt</c> key after the service's last key. Unsafe when the service may rely
    /// on setuid helpers at run time (a squid image runs the setuid pinger; gosu, su-exec or sudo in its command).
    /// A flow-style mapping or list is left to the user.
    /// </summary>
    private static Fix? NoNewPrivilegesFix(ComposeService service)
    {
        var tree = service.NameLocation.Tree;
        var mapping = service.Sources.Where(s => s.Tree == tree && s.Mapping.Span.Start >= service.NameLocation.Span.End)
            .Select(s => s.Mapping).OrderBy(m => m.Span.Start).FirstOrDefault();
        if (mapping is null || mapping.Pairs.Length == 0)
        {
            return null;
        }

        var text = tree.Text;
        var keyIndent = LeadingBlanks(text, mapping.Pairs[0].Key.Span.Start);
        if (keyIndent is null)
        {
            return null;
        }

        TextEdit edit;
        var existing = mapping.Pairs.FirstOrDefault(p => p.KeyText == "security_opt");
        if (existing is not null)
        {
            if (existing.Value is not YamlSequenceNode { Items.Length: > 0 } list || LeadingBlanks(text, list.Items[0].Span.Start - 2) is not { } itemIndent
                || text.ToString(new TextSpan(list.Items[0].Span.Start - 2, 2)) != "- ")
            {
                return null;
            }

            edit = Edits.InsertIndentedLinesAfter(tree, list.Items[^1].Span, itemIndent, ["- no-new-privileges:true"]);
        }
        else
        {
            edit = Edits.InsertIndentedLinesAfter(tree, mapping.Pairs[^1].Value.Span, keyIndent, ["security_opt:", "  - no-new-privileges:true"]);
        }

        var words = service.Command.Concat(service.Entrypoint).Select(c => c.Value).Append(service.Image?.Value ?? string.Empty);
        var setuid = words.Any(w => w.Contains("squid", StringComparison.OrdinalIgnoreCase) || w.Contains("gosu", StringComparison.Ordinal)
            || w.Contains("su-exec", StringComparison.Ordinal) || w.Contains("sudo", StringComparison.Ordinal));
        return new Fix("add 'security_opt: [\"no-new-privileges:true\"]'", setuid ? FixApplicability.Unsafe : FixApplicability.Safe, [edit]);
    }

    /// <summary>The blanks before a position when only blanks precede it on its line (a block-style key or item), else null.</summary>
    private static string? LeadingBlanks(SourceText text, int position)
    {
        if (position < 0)
        {
            return null;
        }

        var line = text.Lines.GetLineFromPosition(position);
        var before = text.ToString(TextSpan.FromBounds(line.Start, position));
        return before.All(c => c == ' ') ? before : null;
    }
}
