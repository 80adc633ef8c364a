using ConfigLint.Analysis;
using ConfigLint.Semantics.Compose;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Compose;

/// <summary>CMP003. Docs: rules/compose/CMP003.dangerous-capabilities/README.md</summary>
public sealed class DangerousCapabilities : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("CMP003", "dangerous-capabilities",
        "Drop all capabilities and add back only harmless ones.", Language.Compose, DiagnosticLevel.Error, 8.4, FixClass.None, "security", "CWE-250");

    internal static readonly HashSet<string> Critical = ["ALL", "SYS_ADMIN", "SYS_MODULE", "SYS_PTRACE"];
    internal static readonly HashSet<string> Risky = ["DAC_READ_SEARCH", "NET_ADMIN", "BPF", "SYS_RAWIO", "SYS_BOOT"];

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterComposeServiceAction(Check);

    /// <summary>Whether the service drops every capability (<c>cap_drop: [ALL]</c>).</summary>
    internal static bool DropsAll(ComposeService service) => service.CapDrop.Any(c => ComposeLoader.CapName(c.Value) == "ALL");

    private static void Check(ComposeServiceContext ctx)
    {
        var service = ctx.Service;
        foreach (var cap in service.CapAdd)
        {
            var name = ComposeLoader.CapName(cap.Value);
            if (Critical.Contains(name))
            {
                ctx.Report(cap.Location, $"Service '{service.Name}' adds capability '{cap.Value}', which is enough to escape the container or control the host; remove it.",
                    DiagnosticLevel.Error, 8.4);
            }
            else if (Risky.Contains(name))
            {
                var firewall = name == "NET_ADMIN" && service.CommandLine.Contains("iptables", StringComparison.OrdinalIgnoreCase);
                ctx.Report(cap.Location, firewall
                        ? $"Service '{service.Name}' adds '{cap.Value}' to apply iptables rules; keep it limited to this transparent-proxy container."
                        : $"Service '{service.Name}' adds capability '{cap.Value}', which widens what a compromised process can do to the host or network; remove it unless the service needs it.",
                    firewall ? DiagnosticLevel.Note : DiagnosticLevel.Warning, firewall ? 2.5 : 6.0);
            }
        }

        // A service without 'cap_drop: [ALL]' is named by CMP006, with everything else its hardening lacks (one finding per service).
    }
}
