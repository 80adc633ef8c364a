using ConfigLint.Analysis;
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

        var readOnly = service.ReadOnly?.AsBool == true;
        var missing = new List<string>();
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
            ctx.Report(service.NameLocation, $"Service '{service.Name}' does not set {string.Join(" or ", missing)}.",
                DiagnosticLevel.Note, noNewPrivileges ? 2.5 : 3.0);
        }
    }
}
